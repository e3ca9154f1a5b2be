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

The memo is a pickle, so it is only ever read after an HMAC-SHA256 over it
checks out under a secret derived from the signing key: a memo planted in the
repository or edited by someone without the key is ignored, never unpickled.
A preview build's throwaway key lives for one process, so its memo is kept in
memory only (for the rebuilds of one ``mkdocs serve``). Each build writes the
entries it used, and nothing else; a memo that cannot be read or written costs
time, never a build.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import sys
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2.bccache import Bucket, BytecodeCache

from .cachefile import replace_file
from .keys import KeyPair
from .parallel import paused_gc

MEMO_FILE = "memo.pickle"
SECTIONS = ("awards", "credentials", "artwork", "ledger", "templates")
_MAC_SIZE = 32
_VERSION_SIZE = 64  # the hex code version, after the MAC

# Memos of keys that never reach the disk (preview builds), by public key; the latest key's only.
_MEMORY: dict[str, tuple[str, dict[str, dict[str, Any]]]] = {}  # public key → (code version, sections)


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
    """The source of every module of this package and the version of every installed package."""
    digest = hashlib.sha256()
    digest.update(sys.version.encode() + b"\n" + "\n".join(installed_packages()).encode())
    own = Path(str(resources.files("badgepress")))
    for module in sorted(own.glob("*.py")):
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


class BuildMemo:
    """The entries of the last build (``get``) and those of this one (``put``, and every hit)."""

    def __init__(self, folder: Path | None, key: KeyPair, *, on_disk: bool = True) -> None:
        self.path = folder / MEMO_FILE if folder is not None and on_disk else None
        self.public = key.public_key_multibase
        self._mac_key = _mac_key(key)
        self.version = code_version()
        self.old = self._load()
        self.new: dict[str, dict[str, Any]] = {name: {} for name in SECTIONS}
        self.hits = dict.fromkeys(SECTIONS, 0)
        self.misses = dict.fromkeys(SECTIONS, 0)

    def _load(self) -> dict[str, dict[str, Any]]:
        empty: dict[str, dict[str, Any]] = {name: {} for name in SECTIONS}
        if self.path is None:
            version, sections = _MEMORY.get(self.public, ("", empty))
            return sections if version == self.version else empty
        try:
            data = self.path.read_bytes()
        except OSError:
            return empty
        mac, body = data[:_MAC_SIZE], data[_MAC_SIZE:]
        if not hmac.compare_digest(mac, hmac.new(self._mac_key, body, hashlib.sha256).digest()):
            return empty  # not written with this key: never unpickled
        if body[:_VERSION_SIZE].decode("ascii", "replace") != self.version:
            return empty  # other code: its objects may not even unpickle
        try:
            with paused_gc():
                sections = pickle.loads(body[_VERSION_SIZE:])
        except Exception:  # a memo that cannot be read only costs time
            return empty
        if not isinstance(sections, dict):
            return empty
        return {name: s if isinstance(s := sections.get(name), dict) else {} for name in SECTIONS}

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

    def keys(self, section: str) -> Iterable[str]:
        return self.new[section].keys()

    def summary(self) -> str:
        """One line for the build log: how much of the last build's work was reused."""
        what = {"awards": "award files", "credentials": "credentials"}
        parts = [
            f"{label}: {self.hits[name]:,} reused, {self.misses[name]:,} worked out again"
            for name, label in what.items()
        ]
        return "build memo: " + "; ".join(parts)

    def save(self) -> None:
        """Keep this build's entries for the next build (written only when they differ from the last's)."""
        if self.new == self.old:
            return
        if self.path is None:
            _MEMORY.clear()
            _MEMORY[self.public] = (self.version, self.new)
            return
        with paused_gc():
            body = self.version.encode("ascii") + pickle.dumps(self.new, protocol=pickle.HIGHEST_PROTOCOL)
        mac = hmac.new(self._mac_key, body, hashlib.sha256).digest()
        replace_file(self.path, mac + body)
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
