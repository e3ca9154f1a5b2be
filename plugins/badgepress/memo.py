"""The build memo: what the last build worked out for each award, carried to the next build.

A rebuild of 10,000 awards in which one changed used to redo, for every
award, the work of a cold build short of signing and rendering: parse and
validate its YAML, build its credential, serialize and bake it, build its
page model and the page's cache key. The memo keeps the results of that work
under keys that cover every input of it, so a rebuild does it only for what
changed:

- ``awards``: an award file's validated awards, by the file's path and bytes,
  the settings and the achievements (``program.load_program``);
- ``credentials``: a credential's proof, signature cache key and the content
  ids of its JSON and baked badge, by the inputs of the credential
  (``pipeline.build_publication``); the credential itself is built again only
  when something needs it (its page is rendered, a file is missing);
- ``artwork``: an achievement's generated badge, by its name, type and colours;
- ``ledger``: the status ledger, by its bytes;
- ``templates``: Jinja's compiled templates, by their source (:class:`TemplateCache`).

Every key also covers :func:`code_version`: the source of every Badgepress
module and the versions of every installed package. A memo written by other
code is not even read.

The memo's files (``.cache/badgepress/memo/``, each section in sixteen) are
pickles, so each is only ever read after an HMAC-SHA256 over its name and
bytes checks out under a secret derived from the signing key: a file planted
in the repository, moved, or edited by someone without the key is ignored,
never unpickled.
A preview build's throwaway key lives for one process, so its memo is kept in
memory only (for the rebuilds of one ``mkdocs serve``). Each build writes the
entries it used, and nothing else; a memo that cannot be read or written costs
time, never a build.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import pickle
import sys
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2.bccache import Bucket, BytecodeCache

from badgepress.cachefile import replace_file
from badgepress.parallel import paused_gc
from badgepress.sign.keys import KeyPair

MEMO_DIR = "memo"  # under the cache folder
TEMPLATES_KEPT = 256
SECTIONS = ("awards", "credentials", "artwork", "ledger", "templates", "rasters", "pngs")
_MAC_SIZE = 32
_VERSION_SIZE = 64  # the hex code version, after the MAC

# Memos of keys that never reach the disk (preview builds): public key → (code version,
# sections), the latest key's only.
_MEMORY: dict[str, tuple[str, dict[str, dict[str, Any]]]] = {}


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


@cache
def code_version() -> str:
    """The Python version, the source of every module of this package and every installed package."""
    digest = hashlib.sha256()
    digest.update(sys.version.encode() + b"\n" + "\n".join(installed_packages()).encode())
    own = Path(str(resources.files("badgepress")))
    for module in sorted(own.rglob("*.py")):
        body = module.read_bytes()
        digest.update(module.name.encode() + len(body).to_bytes(8, "big") + body)
    return digest.hexdigest()


def fingerprint(*parts: str | bytes) -> str:
    """A SHA-256 over the parts, each length-prefixed so that no two lists of parts collide."""
    chunks: list[bytes] = []
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        chunks += (b"%d:" % len(data), data)
    return hashlib.sha256(b"".join(chunks)).hexdigest()


def _mac_key(key: KeyPair) -> bytes:
    # an Ed25519 signature over a fixed label: a secret only the key's holder can compute
    return hashlib.sha256(b"badgepress build memo\n" + key.sign(b"badgepress build memo v1")).digest()


def shard_of(key: str) -> str:
    """Which of a section's files holds ``key``: its first character, if a hex digit (keys are digests)."""
    first = key[:1].lower()
    return first if first and first in "0123456789abcdef" else "_"


def memo_file(folder: Path, section: str, shard: str) -> Path:
    return folder / MEMO_DIR / f"{section}.{shard}.pickle"


class BuildMemo:
    """The entries of the last build (``get``) and those of this one (``put``, and every hit).

    On disk, each section is split by the first character of its keys into
    sixteen files, each with its MAC: a rebuild in which one award changed
    rewrites the few files holding its entries, not the whole memo.
    """

    def __init__(self, folder: Path | None, key: KeyPair, *, on_disk: bool = True) -> None:
        self.folder = folder if folder is not None and on_disk else None
        self.public = key.public_key_multibase
        self._mac_key = _mac_key(key)
        self.version = code_version()
        self._files: set[tuple[str, str]] = set()  # (section, shard) files read
        self._names: set[str] = set()  # every file in the memo folder
        self.old = self._load()
        self.new: dict[str, dict[str, Any]] = {name: {} for name in SECTIONS}
        self._touched: set[tuple[str, str]] = set()  # (section, shard) of every put
        self.hits = dict.fromkeys(SECTIONS, 0)
        self.misses = dict.fromkeys(SECTIONS, 0)

    def _mac(self, name: str, body: bytes) -> bytes:
        return hmac.new(self._mac_key, name.encode() + b"\n" + body, hashlib.sha256).digest()

    def _load(self) -> dict[str, dict[str, Any]]:
        sections: dict[str, dict[str, Any]] = {name: {} for name in SECTIONS}
        if self.folder is None:
            version, kept = _MEMORY.get(self.public, ("", sections))
            return kept if version == self.version else sections
        try:
            names = sorted(os.listdir(self.folder / MEMO_DIR))
        except OSError:
            return sections
        self._names = {name for name in names if name.endswith(".pickle")}
        with paused_gc():
            for name in names:
                section, _, shard = name.removesuffix(".pickle").partition(".")
                if section in sections and name.endswith(".pickle"):
                    entries = self._read(name)
                    if entries:
                        sections[section].update(entries)
                        self._files.add((section, shard))
        return sections

    def _read(self, name: str) -> dict[str, Any] | None:
        """One file's entries, if its MAC is right and it was written by this code, else None."""
        assert self.folder is not None
        try:
            data = (self.folder / MEMO_DIR / name).read_bytes()
        except OSError:
            return None
        mac, body = data[:_MAC_SIZE], data[_MAC_SIZE:]
        if not hmac.compare_digest(mac, self._mac(name, body)):
            return None  # not written with this key, or under another name: never unpickled
        if body[:_VERSION_SIZE].decode("ascii", "replace") != self.version:
            return None  # other code: its objects may not even unpickle
        try:
            entries = pickle.loads(body[_VERSION_SIZE:])
        except Exception:  # a memo that cannot be read only costs time
            return None
        return entries if isinstance(entries, dict) else None

    def get(self, section: str, key: str) -> Any:
        """The value kept under ``key`` by the last build, or None; a hit is kept for the next build."""
        value = self.new[section].get(key)
        if value is None:
            value = self.old[section].get(key)
            if value is None:
                self.misses[section] += 1
                return None
            self.new[section][key] = value
        self.hits[section] += 1
        return value

    def put(self, section: str, key: str, value: Any) -> None:
        self.new[section][key] = value
        self._touched.add((section, shard_of(key)))

    def summary(self) -> str:
        """One line for the build log: how much of the last build's work was reused."""
        what = {"awards": "award files", "credentials": "credentials"}
        parts = [
            f"{label}: {self.hits[name]:,} reused, {self.misses[name]:,} worked out again"
            for name, label in what.items()
        ]
        return "build memo: " + "; ".join(parts)

    def save(self) -> None:
        """Keep this build's entries for the next build (written only when they differ from the last's).

        Compiled templates are kept even when unused, up to ``TEMPLATES_KEPT``: a
        rebuild that renders no credential page would otherwise drop those of
        the credential page, which the next edit of an award needs.
        """
        templates = self.new["templates"]
        for key, code in self.old["templates"].items():
            if len(templates) >= TEMPLATES_KEPT:
                break
            templates.setdefault(key, code)
        if self.folder is None:
            _MEMORY.clear()
            _MEMORY[self.public] = (self.version, self.new)
            self.old = self.new
            return
        written = set()
        for section in SECTIONS:
            new_shards: dict[str, dict[str, Any]] = {}
            for key, value in self.new[section].items():
                new_shards.setdefault(shard_of(key), {})[key] = value
            old_keys: dict[str, set[str]] = {}
            for key in self.old[section]:
                old_keys.setdefault(shard_of(key), set()).add(key)
            for shard in sorted(new_shards.keys() | old_keys.keys()):
                entries = new_shards.get(shard, {})
                path = memo_file(self.folder, section, shard)
                if not entries:
                    continue
                written.add(path.name)
                same = (section, shard) not in self._touched and entries.keys() == old_keys.get(shard, set())
                if same and (section, shard) in self._files:
                    continue  # a key's value is the same whoever worked it out
                with paused_gc():
                    body = self.version.encode("ascii") + pickle.dumps(
                        entries, protocol=pickle.HIGHEST_PROTOCOL
                    )
                replace_file(path, self._mac(path.name, body) + body)
        for name in self._names - written:  # emptied, stale or foreign files
            with contextlib.suppress(OSError):
                (self.folder / MEMO_DIR / name).unlink()
        self.old = self.new


class TemplateCache(BytecodeCache):
    """Jinja's bytecode cache, in the memo: MkDocs compiles every theme template again at every build.

    Compiled templates are code, so they are only ever kept where the memo's
    HMAC guards them; Jinja checks each entry against the template's source.
    """

    def __init__(self, memo: BuildMemo) -> None:
        self.memo = memo

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self.memo.get("templates", f"{bucket.key} {bucket.checksum}")
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.memo.put("templates", f"{bucket.key} {bucket.checksum}", bucket.bytecode_to_string())
