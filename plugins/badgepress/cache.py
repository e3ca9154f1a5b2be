"""The one build cache: a content-addressed store under ``.cache/badgepress/``.

Every stage that saves work between builds (a credential's proof, a rendered
page, a drawn badge) keeps it here, under a key that is a digest of every input
of that work. On disk the store is:

- ``index.json``: for each *kind* of entry (``"proofs"``, ``"pages"``, ...),
  key → ``[value, mac]``. A small value (a proof value, a content id) is the
  JSON value itself; a large one (a page's HTML, a PNG) is ``{"blob": <sha256>}``,
  the name of a content file;
- ``blobs/<first two hex digits>/<sha256>``: content files, each named by the
  SHA-256 of its bytes, so the same bytes are kept once.

Trust: each entry's ``mac`` is an HMAC-SHA256 over its kind, key and value under
a secret only the holder of the signing key can derive (:func:`mac_key`). An
entry written by anyone else (a file committed to the repository, a cache
restored from another branch's build, an edited index) fails its MAC and reads
as missing; a content file whose bytes no longer hash to its name reads as
missing too. Nothing on disk is ever run or unpickled: values are JSON and
bytes.

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
FORMAT = 1
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
        self.old: dict[str, dict[str, list[Any]]] = self._read_index()
        self.new: dict[str, dict[str, list[Any]]] = {}
        self._blobs: dict[str, bytes] = {}  # content files to write at save (or kept, in memory)
        self.hits: dict[str, int] = {}
        self.misses: dict[str, int] = {}
        self.rejected = 0  # entries that failed their MAC or whose content file was wrong

    # ------------------------------------------------------------------ reading

    def _read_index(self) -> dict[str, dict[str, list[Any]]]:
        if self.folder is None:
            return {}
        try:
            data = json.loads((self.folder / INDEX_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("code") != self.version:
            return {}
        entries = data.get("entries")
        if not isinstance(entries, dict):
            return {}
        return {kind: items for kind, items in entries.items() if isinstance(items, dict)}

    def start(self) -> None:
        """Begin another build with the same store: what the last build used becomes what can be reused."""
        if self.new:
            self.old = self.new
        self.new, self.hits, self.misses, self.rejected = {}, {}, {}, 0

    def _mac(self, kind: str, key: str, value: JSON) -> str:
        message = fingerprint(kind, key, _encode(value)).encode()
        return hmac.new(self._mac_key, message, hashlib.sha256).hexdigest()

    def _entry(self, kind: str, key: str) -> list[Any] | None:
        entry = self.new.get(kind, {}).get(key)
        if entry is not None:
            return entry
        entry = self.old.get(kind, {}).get(key)
        if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[1], str)):
            return None
        if not hmac.compare_digest(entry[1], self._mac(kind, key, entry[0])):
            self.rejected += 1
            return None
        return entry

    def get(self, kind: str, key: str) -> JSON | None:
        """The JSON value kept under (kind, key), or None; a hit is kept for the next build."""
        entry = self._entry(kind, key)
        if entry is None or (isinstance(entry[0], dict) and "blob" in entry[0]):
            self.misses[kind] = self.misses.get(kind, 0) + 1
            return None
        self._keep(kind, key, entry)
        return entry[0]

    def get_bytes(self, kind: str, key: str) -> bytes | None:
        """The bytes kept under (kind, key), or None if missing, foreign or not what was written."""
        entry = self._entry(kind, key)
        data = None
        if entry is not None and isinstance(entry[0], dict) and isinstance(entry[0].get("blob"), str):
            data = self._read_blob(entry[0]["blob"])
        if data is None:
            self.misses[kind] = self.misses.get(kind, 0) + 1
            return None
        assert entry is not None
        self._keep(kind, key, entry)
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
        if len(name) != 64 or not all(c in "0123456789abcdef" for c in name):
            raise ValueError(name)
        assert self.folder is not None
        return self.folder / BLOBS_DIR / name[:2] / name

    def _keep(self, kind: str, key: str, entry: list[Any]) -> None:
        self.hits[kind] = self.hits.get(kind, 0) + 1
        self.new.setdefault(kind, {})[key] = entry

    def keep(self, kind: str, keys: Iterable[str]) -> None:
        """Carry these entries to the next build though this build did not read them."""
        for key in keys:
            entry = self._entry(kind, key)
            if entry is not None:
                self.new.setdefault(kind, {})[key] = entry

    # ------------------------------------------------------------------ writing

    def put(self, kind: str, key: str, value: JSON) -> None:
        """Keep a JSON value (small: it lives in the index) under (kind, key)."""
        self.new.setdefault(kind, {})[key] = [value, self._mac(kind, key, value)]

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
        if self.rejected:
            line += f"; {self.rejected:,} entries failed their check and were ignored"
        return line

    def save(self) -> None:
        """Write the index of this build's entries and its new content files; delete the others.

        In memory, the entries simply become the next build's. On disk, a store
        whose entries are exactly the last build's is left untouched.
        """
        used = {e[0]["blob"] for items in self.new.values() for e in items.values() if _is_blob(e)}
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
            index = {"format": FORMAT, "code": self.version, "entries": self.new}
            _replace(self.folder / INDEX_FILE, _encode(index))
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


def _is_blob(entry: list[Any]) -> bool:
    return isinstance(entry[0], dict) and isinstance(entry[0].get("blob"), str)


def _replace(path: Path, data: bytes) -> None:
    """Write ``data`` at once: a temporary file renamed over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
