"""The one build cache: a content-addressed store under ``.cache/badgepress/``.

Every stage that saves work between builds (a credential's proof, a rendered
page, a drawn badge) keeps it here, under a key that is a digest of every input
of that work. On disk the store is:

- ``index.json``: for each *kind* of entry (``"credentials"``, ``"pages"``, ...),
  key → value. A small value (a proof value, a content id) is the JSON value
  itself; a large one (a page's HTML, a PNG) is ``{"blob": <sha256>}``, the
  name of a content file;
- ``blobs/<first two hex digits>/<sha256>``: content files, each named by the
  SHA-256 of its bytes, so the same bytes are kept once.

Trust: the index carries one HMAC-SHA256, over the code version and the bytes
of all its entries, under a secret only the holder of the signing key can
derive (:func:`mac_key`). An index written by anyone else (a file committed to
the repository, a cache restored from another branch's build, an entry edited,
added or moved) fails it, and then none of its entries is read; a content file
whose bytes no longer hash to its name reads as missing too. Nothing on disk
is ever run or unpickled: values are JSON and bytes. (One MAC over the index
rather than one per entry: checking 20,000 entries one by one cost a tenth of
a second of every rebuild of a 10,000-award program.)

Validity: the index records :func:`code_version`, a digest of every file of
the installed package (modules, templates, contexts, schemas, assets), the
Python version and the installed distributions. An index written by other code
is not read at all, so a change anywhere in the package can never serve work
done by the old code.

A cache is only ever an optimization: one that is missing, unreadable, foreign
or unwritable costs time, never a build. Each build saves the entries it used
or made and nothing else; content files no entry names are deleted.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import re
import sys
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from badgepress.sign.keys import KeyPair

CACHE_DIR = Path(".cache") / "badgepress"  # under the program's root
INDEX_FILE = "index.json"
BLOBS_DIR = "blobs"
FORMAT = 2  # 1: a MAC on each entry
# how save() writes the index's start: its entries' bytes follow, then the closing brace
_HEAD = re.compile(
    rb'\{"format":(?P<format>\d+),"code":(?P<code>"(?:[^"\\]|\\.)*"),"mac":"(?P<mac>[0-9a-f]{64})","entries":'
)
_CONTENT_ID = re.compile(r"[0-9a-f]{64}")  # a content file's name: what a path in the index may be
# https://bford.info/cachedir/: backup tools skip a folder holding this file
CACHEDIR_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# A cache of Badgepress: safe to delete.\n"

JSON = Any


def fingerprint(*parts: str | bytes) -> str:
    """A SHA-256 over the parts, each length-prefixed so that no two lists of parts collide."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(b"%d:" % len(data))
        digest.update(data)
    return digest.hexdigest()


def content_id(data: bytes) -> str:
    """The SHA-256 of ``data``, in hex: a content file's name."""
    return hashlib.sha256(data).hexdigest()


@cache
def installed_packages() -> tuple[str, ...]:
    """Every installed distribution: its metadata folder (``name-version.dist-info``) and file's stat.

    Listing the folders costs a millisecond where reading every package's
    metadata costs a third of a second; the metadata file's size and time
    also tell a reinstall of the same version apart.
    """
    found = set()
    for entry in sys.path:
        try:
            names = [n for n in os.listdir(entry or ".") if n.endswith((".dist-info", ".egg-info"))]
        except OSError:
            continue
        for name in names:
            folder = os.path.join(entry or ".", name)
            for file in ("METADATA", "PKG-INFO"):
                try:
                    stat = os.stat(os.path.join(folder, file))
                except OSError:
                    continue
                found.add(f"{name} {stat.st_size} {stat.st_mtime_ns}")
                break
    return tuple(sorted(found))


def package_files(root: Path) -> list[Path]:
    """Every file of the package that can change what a build makes (not compiled bytecode)."""
    return sorted(
        path
        for path in root.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix not in {".pyc", ".pyo"}
    )


def package_digest(root: Path) -> str:
    """A digest of every file under ``root``, by relative path and bytes."""
    digest = hashlib.sha256()
    for path in package_files(root):
        body = path.read_bytes()
        name = path.relative_to(root).as_posix().encode()
        digest.update(len(name).to_bytes(4, "big") + name + len(body).to_bytes(8, "big") + body)
    return digest.hexdigest()


@cache
def code_version() -> str:
    """The one code version: the package's every file, the Python version and the installed packages.

    Computed once per process: the package does not change under a running build.
    """
    own = Path(str(resources.files("badgepress")))
    return fingerprint(sys.version, "\n".join(installed_packages()), package_digest(own))


def mac_key(key: KeyPair) -> bytes:
    """The cache's one HMAC secret: derived from an Ed25519 signature over a fixed label.

    Ed25519 signatures are deterministic, so the same key gives the same secret
    in every build, and only the key's holder can compute it.
    """
    return hashlib.sha256(b"badgepress cache\n" + key.sign(b"badgepress cache v1")).digest()


def _encode(value: JSON) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class Store:
    """Entries by (kind, key): those of the last build (read at start) and those of this one.

    ``folder`` is the cache folder; ``None`` keeps the store in memory only (a
    preview build's throwaway key lives for one process, so nothing it signed
    is worth keeping on disk). The same object can serve several builds (the
    rebuilds of ``mkdocs serve``): call :meth:`start` before each.
    """

    def __init__(self, folder: Path | None, key: KeyPair, *, version: str | None = None) -> None:
        self.folder = folder
        self.public_key = key.public_key_multibase
        self._mac_key = mac_key(key)
        self.version = version or code_version()
        self.rejected = 0  # entries of an index that failed its check, or content files that did
        self.old: dict[str, dict[str, Any]] = self._read_index()
        self.new: dict[str, dict[str, Any]] = {}
        self._blobs: dict[str, bytes] = {}  # content files to write at save (or kept, in memory)
        self.hits: dict[str, int] = {}
        self.misses: dict[str, int] = {}

    # ------------------------------------------------------------------ reading

    def _index_mac(self, body: bytes) -> str:
        message = b"badgepress cache index\n" + self.version.encode() + b"\n" + body
        return hmac.new(self._mac_key, message, hashlib.sha256).hexdigest()

    def _read_index(self) -> dict[str, dict[str, Any]]:
        if self.folder is None:
            return {}
        try:
            data = (self.folder / INDEX_FILE).read_bytes()
        except OSError:
            return {}
        head = _HEAD.match(data)
        if head is None or int(head["format"]) != FORMAT or not data.endswith(b"}"):
            return {}
        try:
            if json.loads(head["code"]) != self.version:
                return {}  # written by other code: its entries may not be what this code makes
            body = data[head.end() : -1]
            entries = json.loads(body)
        except ValueError:
            return {}
        if not isinstance(entries, dict):
            return {}
        items = {kind: found for kind, found in entries.items() if isinstance(found, dict)}
        if not hmac.compare_digest(head["mac"].decode(), self._index_mac(body)):
            self.rejected = sum(len(found) for found in items.values())
            return {}
        return items

    def start(self) -> None:
        """Begin another build with the same store: what the last build used becomes what can be reused."""
        if self.new:
            self.old = self.new
        self.new, self.hits, self.misses, self.rejected = {}, {}, {}, 0

    def _entry(self, kind: str, key: str) -> Any:
        value = self.new.get(kind, {}).get(key)
        return self.old.get(kind, {}).get(key) if value is None else value

    def get(self, kind: str, key: str) -> JSON | None:
        """The JSON value kept under (kind, key), or None; a hit is kept for the next build."""
        value = self._entry(kind, key)
        if value is None or _is_blob(value):
            self.misses[kind] = self.misses.get(kind, 0) + 1
            return None
        self._keep(kind, key, value)
        return value

    def get_bytes(self, kind: str, key: str) -> bytes | None:
        """The bytes kept under (kind, key), or None if missing, foreign or not what was written."""
        value = self._entry(kind, key)
        data = self._read_blob(value["blob"]) if _is_blob(value) else None
        if data is None:
            self.misses[kind] = self.misses.get(kind, 0) + 1
            return None
        self._keep(kind, key, value)
        return data

    def _read_blob(self, name: str) -> bytes | None:
        data = self._blobs.get(name)
        if data is not None or self.folder is None:
            return data
        try:
            data = self._blob_path(name).read_bytes()
        except (OSError, ValueError):
            return None
        if content_id(data) != name:
            self.rejected += 1
            with contextlib.suppress(OSError):  # so that add_blob writes the right bytes again
                self._blob_path(name).unlink()
            return None
        return data

    def _blob_path(self, name: str) -> Path:
        if not _CONTENT_ID.fullmatch(name):
            raise ValueError(name)
        assert self.folder is not None
        return self.folder / BLOBS_DIR / name[:2] / name

    def _keep(self, kind: str, key: str, value: Any) -> None:
        self.hits[kind] = self.hits.get(kind, 0) + 1
        self.new.setdefault(kind, {})[key] = value

    def keep(self, kind: str, keys: Iterable[str]) -> None:
        """Carry these entries to the next build though this build did not read them."""
        for key in keys:
            value = self._entry(kind, key)
            if value is not None:
                self.new.setdefault(kind, {})[key] = value

    # ------------------------------------------------------------------ writing

    def put(self, kind: str, key: str, value: JSON) -> None:
        """Keep a JSON value (small: it lives in the index) under (kind, key)."""
        self.new.setdefault(kind, {})[key] = value

    def put_bytes(self, kind: str, key: str, data: bytes) -> None:
        """Keep bytes under (kind, key), in a content file named by their SHA-256."""
        self.put_blob(kind, key, self.add_blob(data))

    def add_blob(self, data: bytes) -> str:
        """Write a content file now (in memory: hold it) and return its name; safe in a forked worker.

        Written at once rather than at :meth:`save`, so that ten thousand
        rendered pages are not all held in memory; a content file no entry
        names is deleted by the next save.
        """
        name = content_id(data)
        if self.folder is None:
            self._blobs[name] = data
            return name
        path = self._blob_path(name)
        if not path.exists():
            try:
                _replace(path, data)
            except OSError:
                self._blobs[name] = data  # kept for this build; save() tries again
        return name

    def put_blob(self, kind: str, key: str, name: str) -> None:
        """Keep the content file ``name`` (from :meth:`add_blob`) under (kind, key)."""
        self.put(kind, key, {"blob": name})

    def summary(self, kinds: dict[str, str]) -> str:
        """One line for the build log: of each kind, how many entries were reused and how many made."""
        parts = [
            f"{label}: {self.hits.get(kind, 0):,} reused, {self.misses.get(kind, 0):,} made"
            for kind, label in kinds.items()
        ]
        line = "cache: " + "; ".join(parts)
        return f"{line}; {self.rejection()}" if self.rejected else line

    def rejection(self) -> str:
        """How many entries failed their check (read as missing), as a phrase for the build log."""
        if self.rejected == 1:
            return "1 entry failed its check and was ignored"
        return f"{self.rejected:,} entries failed their check and were ignored"

    def save(self) -> None:
        """Write the index of this build's entries and its new content files; delete the others.

        In memory, the entries simply become the next build's. On disk, a store
        whose entries are exactly the last build's is left untouched.
        """
        used = {value["blob"] for items in self.new.values() for value in items.values() if _is_blob(value)}
        if self.folder is None:
            self._blobs = {name: data for name, data in self._blobs.items() if name in used}
            return
        if self.new == self.old:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tag = self.folder / "CACHEDIR.TAG"
            if not tag.exists():
                tag.write_text(CACHEDIR_TAG)
            for name in used & self._blobs.keys():
                path = self._blob_path(name)
                if not path.exists():
                    _replace(path, self._blobs[name])
            body = _encode(self.new)
            code, mac = json.dumps(self.version), self._index_mac(body)
            head = f'{{"format":{FORMAT},"code":{code},"mac":"{mac}","entries":'
            _replace(self.folder / INDEX_FILE, head.encode() + body + b"}")
            self._collect(used)
        except OSError:
            return  # a cache that cannot be written only costs time next build
        self._blobs = {}

    def _collect(self, used: set[str]) -> None:
        """Delete the content files no entry names any more."""
        blobs = self.folder / BLOBS_DIR if self.folder is not None else None
        if blobs is None or not blobs.is_dir():
            return
        for shard in blobs.iterdir():
            if not shard.is_dir():
                continue
            for path in shard.iterdir():
                if path.name not in used:
                    with contextlib.suppress(OSError):
                        path.unlink()


def _is_blob(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("blob"), str)


def _replace(path: Path, data: bytes) -> None:
    """Write ``data`` at once: a temporary file renamed over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
