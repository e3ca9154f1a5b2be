"""The site's ``credentials/`` folder, kept from one build to the next.

``mkdocs build`` empties the site folder and writes every file again. For
10,000 awards that is 30,000 files (credential JSON, baked badge, page) and,
on the development machine, about ten seconds of a rebuild in which one award
changed. The plugin owns ``credentials/`` (nothing else writes there), so it
keeps it instead:

1. before MkDocs cleans the site (``on_pre_build``), the folder is listed
   (every file's size and modification time) and renamed to a hidden name,
   which MkDocs' clean leaves alone (it skips dotfiles);
2. once the credentials are built (``on_env``), it is renamed back, and each
   file is written only if its content differs from what the last build wrote
   there, or if the file on disk is no longer the one written (its size or
   modification time changed): a file edited by hand is never trusted;
3. every file of the folder that this build did not produce is deleted.

What the last build wrote, each file's content id (a SHA-256 of its bytes,
or the store key of a page), size and modification time, is one entry of the
cache store (kind ``"site"``, keyed by the site folder's path): like every
entry, it is ignored if written by other code or without the key, and then
every file is written again. A failed build removes the hidden folder, so
nothing of it is ever left in a site.
"""

from __future__ import annotations

import contextlib
import json
import os
import posixpath
import shutil
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from badgepress.cache import Store, content_id, fingerprint

if TYPE_CHECKING:  # the build stage is imported only for types
    from badgepress.build.pipeline import Publication

KIND = "site"  # the store's kind of entry: a site folder's files
HIDDEN = ".badgepress-kept"  # the folder's name while MkDocs cleans the site


class KeptOutputs:
    """One build's view of ``<site>/<folder>``: what is already there, what it writes, what it sweeps."""

    def __init__(self, site_dir: Path, folder: str, store: Store) -> None:
        self.site_dir = site_dir.resolve()
        self._site = str(self.site_dir)
        self.folder = folder.strip("/")
        self.store = store
        self.key = fingerprint(self._site, self.folder)
        # the last build's files still as it left them: path → [content id, size, mtime_ns]
        self.known: dict[str, list[Any]] = {}
        self._last: dict[str, Any] = {}  # what the last build wrote, as the store holds it
        self.now: dict[str, list[Any]] = {}  # this build's files
        self.written = 0
        self.present: dict[str, list[int]] = {}  # what is in the folder now: path → [size, mtime_ns]

    @property
    def _live(self) -> Path:
        return self.site_dir / self.folder

    @property
    def _hidden(self) -> Path:
        return self.site_dir / HIDDEN

    def set_aside(self) -> None:
        """Before MkDocs cleans the site: hide the folder from the clean (a rename, however many files)."""
        self.discard()
        self.present = scan_files(self._site, self.folder)
        data = self.store.get_bytes(KIND, self.key)
        last = json.loads(data) if data is not None else {}
        self._last = last if isinstance(last, dict) else {}
        self.known = {
            path: entry
            for path, entry in self._last.items()
            if isinstance(entry, list) and len(entry) == 3 and self.present.get(path) == entry[1:]
        }
        if self._live.is_dir() and not self._live.is_symlink():
            with contextlib.suppress(OSError):  # then MkDocs deletes it, and every file is written again
                os.rename(self._live, self._hidden)

    def restore(self) -> None:
        """Put the folder back and read what the last build wrote into it."""
        if self._hidden.is_dir():
            if self._live.exists():  # someone else wrote it meanwhile: keep theirs, write ours again
                shutil.rmtree(self._hidden, ignore_errors=True)
                self.present, self.known = scan_files(self._site, self.folder), {}
            else:
                os.rename(self._hidden, self._live)
        else:
            self.known = {}

    def discard(self) -> None:
        """Remove the hidden folder, if a build left it (it must never be published)."""
        if self._hidden.exists():
            shutil.rmtree(self._hidden, ignore_errors=True)

    def unchanged(self, path: str, content: str) -> bool:
        """Whether ``path`` (relative to the site) already holds the content ``content`` names."""
        entry = self.known.get(path)
        if entry is None or entry[0] != content:
            return False
        self.now[path] = entry
        return True

    def record(self, path: str, content: str) -> None:
        """Note that ``path`` now holds ``content`` (written by this process or a worker)."""
        stat = os.stat(self.site_dir / path)
        self.now[path] = [content, stat.st_size, stat.st_mtime_ns]
        self.written += 1

    def write(self, path: str, data: bytes | Callable[[], bytes], content: str | None = None) -> None:
        """Write ``data`` to ``path`` unless it is already there.

        ``data`` may be a function that makes the bytes when they must be
        written, if ``content`` gives their content id.
        """
        if content is None:
            data = data() if callable(data) else data
            content = content_id(data)
        if self.unchanged(path, content):
            return
        if callable(data):
            data = data()
            content = content_id(data)  # what is written is what the record says, whatever was claimed
        target = self.site_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "wb") as out:
            out.write(data)
        self.record(path, content)

    def write_all(self, pub: Publication) -> None:
        """Write the publication's files under the folder (each made only if it must be written)."""
        prefix = self.folder + "/"
        for path in pub.files:
            if path.startswith(prefix):
                self.write(path, partial(pub.files.__getitem__, path), pub.content_ids.get(path))

    def finish(self) -> None:
        """Delete what this build did not produce, and note what it wrote in the store.

        Called once the folder holds every file (the pages too); the store is
        saved at the end of a build that succeeded.
        """
        emptied = set()
        for path in self.present.keys() - self.now.keys():
            if path.endswith("/"):  # a folder that was empty
                emptied.add(path[:-1])
                continue
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(self._site, path))
                emptied.add(posixpath.dirname(path))
        for folder in sorted(emptied, key=len, reverse=True):
            while folder != self.folder and folder.startswith(self.folder + "/"):
                try:
                    os.rmdir(os.path.join(self._site, folder))  # only if empty
                except OSError:
                    break
                folder = posixpath.dirname(folder)
        if self.now != self._last:
            self.store.put_bytes(KIND, self.key, json.dumps(self.now, sort_keys=True).encode())


def scan_files(site: str, folder: str) -> dict[str, list[int]]:
    """Every file under ``<site>/<folder>``, by its path relative to ``site``: [size, mtime_ns].

    Plain strings and ``scandir``: 30,000 ``Path`` objects or ``os.walk`` cost half a second.
    A folder with nothing in it is listed as its path and a slash.
    """
    found: dict[str, list[int]] = {}
    pending = [folder]
    while pending:
        relative = pending.pop()
        try:
            with os.scandir(os.path.join(site, relative)) as listing:
                entries = list(listing)
        except OSError:
            continue
        if not entries and relative != folder:
            found[relative + "/"] = [0, 0]
        for entry in entries:
            path = relative + "/" + entry.name
            if entry.is_dir(follow_symlinks=False):
                pending.append(path)
                continue
            try:
                stat = entry.stat(follow_symlinks=False)
            except OSError:
                found[path] = [-1, -1]  # gone meanwhile: swept
                continue
            found[path] = [stat.st_size, stat.st_mtime_ns]
    return found
