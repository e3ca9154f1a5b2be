"""Credential pages: rendered by MkDocs' own page functions, on every core, and cached.

A program of 10,000 awards has 10,000 credential pages. MkDocs renders pages
one after another (about 3 ms each with Material), and renders every one
again on every build. The plugin keeps those pages out of MkDocs' files,
navigation and loop (``on_files``) and, once MkDocs has made its template
environment (``on_env``), hands them to :class:`CredentialPages`, which

1. skips each page already in the site's kept ``credentials/`` folder under
   its key, and else looks it up in a page cache. The key covers the page's
   own data (its template, title, body, metadata, and its model or, for a
   credential page, a digest of the model's inputs) and :func:`site_digest`,
   everything else that appears on a page: the MkDocs configuration, the
   navigation, the theme's and the site's template files, the installed
   packages' versions and Badgepress' own page code. Change any and the page
   is rendered again, so a hit can never be stale;
2. renders the pages not found with MkDocs' own ``_populate_page`` and
   ``_build_page`` (so every plugin event runs, exactly as in MkDocs' loop),
   in fork-started worker processes when there are many, which write the HTML
   into the site and into the cache.

Each cache entry's record carries an HMAC-SHA256 of (key, HTML) under a
secret derived from the signing key, like the signature cache's entries: a
cache file committed to the repository, edited or moved under another key
fails the check and the page is rendered again, so nobody without the key can
make the build publish HTML it did not render.

This is only done when MkDocs has these functions and every plugin of the
site is one whose events depend on nothing but the page (``SAFE_PLUGINS``);
otherwise MkDocs renders the pages itself, as it does any page.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import posixpath
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import mkdocs.commands.build as mkdocs_build
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from badgepress.cachefile import read_entries, write_cache
from badgepress.memo import code_version, fingerprint, installed_packages
from badgepress.parallel import can_fork, fork_pool, worker_count
from badgepress.publish.outputs import KeptOutputs
from badgepress.sign.keys import KeyPair

PAGES_DIR = "pages"  # under the cache folder (.cache/badgepress/)
PARALLEL_MIN = 64  # below this many pages to render, forking costs more than it saves
# Plugins whose page events depend only on the page they are given, and which
# keep no state from a page that a later event needs (search leaves out the
# credential pages, which ask to be excluded from it).
SAFE_PLUGINS = frozenset({"badgepress", "search", "material/search"})
_SITE_PACKAGES = ("site-packages", "dist-packages")
# Options that decide where files go or how MkDocs runs, never what a page
# says (theme and plugins have their own entries in the digest).
_NOT_ON_PAGES = frozenset({"theme", "plugins", "site_dir", "config_file_path", "watch", "strict", "dev_addr"})

_HIDDEN = InclusionLevel.NOT_IN_NAV
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")  # in a repr, differs from one run to the next
Warning_ = tuple[str, int, str]  # logger name, level, message: what a worker logged


# ------------------------------------------------------------------ what a page depends on


def _plain(value: Any, depth: int = 0) -> Any:
    """A JSON-able, deterministic picture of a configuration value (no memory addresses)."""
    if depth > 24:
        return "…"
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v, depth + 1) for v in value]
    if isinstance(value, set | frozenset):
        return sorted((_plain(v, depth + 1) for v in value), key=repr)
    kind = f"{type(value).__module__}.{type(value).__qualname__}"
    options = getattr(value, "config", None)
    if isinstance(options, Mapping):  # a plugin: its class and its options
        return {"class": kind, "config": _plain(options, depth + 1)}
    state = getattr(value, "__dict__", None)
    if isinstance(state, dict):  # any other object: its attributes
        return {"class": kind, "state": _plain(state, depth + 1)}
    return {"class": kind, "repr": _ADDRESS.sub("", repr(value))}


def _theme(config: MkDocsConfig) -> Any:
    theme = config.theme
    return {
        "name": theme.name,
        "dirs": list(theme.dirs),
        "static_templates": sorted(theme.static_templates),
        "options": _plain(dict(theme.items())),
    }


def _nav(items: Iterable[Any]) -> list[Any]:
    return [
        {
            "kind": type(item).__name__,
            "title": item.title,
            "url": getattr(item, "url", None),
            "children": _nav(item.children) if getattr(item, "children", None) else None,
        }
        for item in items
    ]


def _tree(digest: Any, folder: Path) -> None:
    """Every file's path and bytes under ``folder``, in a fixed order."""
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder).as_posix().encode()
        body = path.read_bytes()
        digest.update(len(relative).to_bytes(8, "big") + relative + len(body).to_bytes(8, "big") + body)


def site_digest(config: MkDocsConfig, nav: Navigation, doc_files: Iterable[File] = ()) -> str:
    """Everything besides a page's own data that can appear on it, as one digest.

    ``doc_files`` are the site's other pages, which a template can list (``pages``).
    """
    digest = hashlib.sha256()
    packages = installed_packages()
    picture = {
        "config": {k: _plain(v) for k, v in config.items() if k not in _NOT_ON_PAGES},
        "theme": _theme(config),
        "plugins": _plain(dict(config.plugins)),
        "nav": _nav(nav.items),
        "pages": [[f.src_uri, f.page.title if f.page else None] for f in doc_files],
        "packages": packages,
    }
    digest.update(json.dumps(picture, sort_keys=True, ensure_ascii=False, default=repr).encode())
    # Template folders of installed packages are covered by their versions;
    # the others (the site's overrides, an editable install) by their bytes.
    own = Path(str(resources.files("badgepress")))
    for folder in [Path(d) for d in config.theme.dirs] + [own / "templates"]:
        if folder.is_dir() and (folder == own / "templates" or not set(folder.parts) & set(_SITE_PACKAGES)):
            digest.update(b"\ntemplates " + str(folder).encode() + b"\n")
            _tree(digest, folder)
    digest.update(code_version().encode())  # every module of the package
    return digest.hexdigest()


def page_key(site: str, src_uri: str, page_data: Any) -> str:
    """The cache key of one page: the site digest, its path and its own data (or a digest of it, a str)."""
    if not isinstance(page_data, str):
        page_data = json.dumps(
            page_data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
        )
    return fingerprint(site, src_uri, page_data)


# ------------------------------------------------------------------ the page cache


def _mac_key(key: KeyPair) -> bytes:
    return hashlib.sha256(b"badgepress page cache\n" + key.sign(b"badgepress page cache v1")).digest()


Entry = list[Any]  # [pack file name, offset, length, MAC hex]: where a page's HTML is kept
_PACK_NAME = re.compile(r"pack-[0-9]+-[0-9]+\.bin")
INDEX_FILE = "index.json"
INDEX_FORMAT = 1


class PageCache:
    """Rendered pages by :func:`page_key`, in pack files.

    A pack is pages' HTML one after another; ``index.json`` maps each key to
    its pack, offset, length and MAC. Each process that renders appends to a
    pack of its own, one open file: on the development machine, creating a
    file cost more than rendering the page. The index is rewritten at the end
    of a build with the entries that build used; packs no longer referenced
    are deleted, and the packs are compacted into one when less than half of
    their bytes are still used.
    """

    def __init__(self, folder: Path | None, key: KeyPair) -> None:
        self.folder = folder
        self.mac_key = _mac_key(key)
        self.index: dict[str, Entry] = read_entries(folder / INDEX_FILE if folder else None, INDEX_FORMAT)
        self._readers: dict[str, int] = {}
        self._pack: Any = None  # this process's open pack
        self._pack_owner = 0

    def mac(self, key: str, html: bytes) -> str:
        return hmac.new(self.mac_key, key.encode() + b"\n" + html, hashlib.sha256).hexdigest()

    def _read(self, entry: Any) -> bytes | None:
        if not (
            isinstance(entry, list)
            and len(entry) == 4
            and isinstance(entry[0], str)
            and _PACK_NAME.fullmatch(entry[0])
            and all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in entry[1:3])
        ):
            return None
        assert self.folder is not None
        try:
            reader = self._readers.get(entry[0])
            if reader is None:
                reader = self._readers[entry[0]] = os.open(self.folder / entry[0], os.O_RDONLY)
            html = os.pread(reader, entry[2], entry[1])
        except OSError:
            return None
        return html if len(html) == entry[2] else None

    def get(self, key: str) -> bytes | None:
        """The page's HTML if cached and authentic, else None."""
        entry = self.index.get(key)
        html = self._read(entry) if self.folder is not None and entry is not None else None
        if html is None or not isinstance(entry[3], str):  # type: ignore[index]
            return None
        return html if hmac.compare_digest(entry[3], self.mac(key, html)) else None  # type: ignore[index]

    def put(self, key: str, html: bytes) -> Entry | None:
        """Append a page to this process's pack; its index entry, or None if it cannot be kept."""
        if self.folder is None:
            return None
        try:
            if self._pack is None or self._pack_owner != os.getpid():
                self.folder.mkdir(parents=True, exist_ok=True)
                name = f"pack-{os.getpid()}-{time.time_ns()}.bin"
                self._pack, self._pack_owner = open(self.folder / name, "ab"), os.getpid()  # noqa: SIM115
            offset = self._pack.tell()
            self._pack.write(html)
        except OSError:
            return None  # a cache that cannot be written only costs time next build
        return [Path(self._pack.name).name, offset, len(html), self.mac(key, html)]

    def flush(self) -> None:
        """Make what this process appended readable by others (the parent, after a worker's batch)."""
        if self._pack is not None and self._pack_owner == os.getpid():
            self._pack.flush()

    def close(self) -> None:
        if self._pack is not None and self._pack_owner == os.getpid():
            self._pack.close()
        self._pack = None

    def save(self, used: dict[str, Entry]) -> None:
        """Keep exactly the entries ``used`` by this build; delete or compact what no longer serves."""
        self.close()
        if self.folder is None or not self.folder.is_dir():
            return
        try:
            packs = {
                e.name: e.stat().st_size for e in os.scandir(self.folder) if _PACK_NAME.fullmatch(e.name)
            }
            live = sum(entry[2] for entry in used.values())
            if sum(packs.values()) > 2 * live + (1 << 20):
                used = self._compact(used)
                packs = {e.name: 0 for e in os.scandir(self.folder) if _PACK_NAME.fullmatch(e.name)}
            write_cache(self.folder / INDEX_FILE, INDEX_FORMAT, entries=used)
            referenced = {entry[0] for entry in used.values()}
            for name in packs.keys() - referenced:
                os.unlink(self.folder / name)
        except OSError:
            pass
        self.index = used
        for reader in self._readers.values():
            os.close(reader)
        self._readers = {}

    def _compact(self, used: dict[str, Entry]) -> dict[str, Entry]:
        compacted: dict[str, Entry] = {}
        for key, entry in used.items():
            html = self._read(entry)
            if html is not None:
                new = self.put(key, html)
                if new is not None:
                    compacted[key] = new
        self.close()
        return compacted


# ------------------------------------------------------------------ rendering


@dataclass
class RenderStats:
    total: int = 0
    rendered: int = 0
    cached: int = 0
    workers: int = 1
    seconds: float = 0.0

    def summary(self) -> str:
        return (
            f"{self.total:,} credential pages in {self.seconds:.1f} s ({self.cached:,} from cache, "
            f"{self.rendered:,} rendered" + (f" by {self.workers} processes)" if self.workers > 1 else ")")
        )


@dataclass
class _Job:
    """What the workers need, inherited through fork."""

    files: Mapping[int, File]  # by index into keys
    keys: list[str]
    config: MkDocsConfig
    site_files: Files
    doc_files: list[File]  # the other Markdown pages, listed once (each listing scans every file)
    nav: Navigation
    env: Any
    cache: PageCache
    captured: dict[str, str] = field(default_factory=dict)


_JOB: _Job | None = None


def dest_uri(src_uri: str, use_directory_urls: bool) -> str:
    """Where MkDocs writes the page of a Markdown file (its ``File.dest_uri``), without making the File."""
    parent, filename = posixpath.split(src_uri)
    stem = posixpath.splitext(filename)[0]
    name = "index" if stem in ("index", "README") else stem
    if not use_directory_urls or name == "index":
        return posixpath.join(parent, f"{name}.html")
    return posixpath.join(parent, name, "index.html")


def usable(config: MkDocsConfig) -> str | None:
    """Why the credential pages must be left to MkDocs' own loop, or None if they need not be."""
    if not hasattr(mkdocs_build, "_populate_page") or not hasattr(mkdocs_build, "_build_page"):
        return "this MkDocs version has no _populate_page/_build_page"
    others = sorted(set(config.plugins) - SAFE_PLUGINS)
    if others:
        return f"plugin(s) {', '.join(others)} may keep state across pages"
    return None


class _Collect(logging.Handler):
    """In a worker: what MkDocs and plugins warn about, to be logged again by the parent (strict mode)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[Warning_] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


def _render(job: _Job, index: int) -> Entry | None:
    """Render one page into the site; its page cache entry."""
    file = job.files[index]
    page = Page(None, file, job.config)
    mkdocs_build._populate_page(page, job.config, job.site_files)
    mkdocs_build._build_page(page, job.config, job.doc_files, job.nav, job.env)
    html = job.captured.pop(file.src_uri, None)
    if html is None:
        return None
    return job.cache.put(job.keys[index], html.encode("utf-8", errors="xmlcharrefreplace"))


# what a worker sends back: pages done, their cache entries, the warnings, the first error
_Done = tuple[int, dict[str, Entry], list[Warning_], str | None]


def _work(indices: list[int]) -> _Done:
    """Render some pages in a worker."""
    job = _JOB
    assert job is not None
    collect = _Collect()
    logging.getLogger("mkdocs").addHandler(collect)
    done, entries = 0, {}
    try:
        for index in indices:
            entry = _render(job, index)
            if entry is not None:
                entries[job.keys[index]] = entry
            done += 1
    except Exception as err:  # reported by the parent, which fails the build
        return done, entries, collect.records, f"credential page {job.files[index].src_uri}: {err}"
    finally:
        logging.getLogger("mkdocs").removeHandler(collect)
        job.cache.flush()  # before the parent reads the index entries
    return done, entries, collect.records, None


class CredentialPages:
    """Writes the credential pages into the site: from the cache, or rendered on every core."""

    def __init__(
        self,
        cache_dir: Path | None,
        key: KeyPair,
        *,
        workers: int | None = None,
        progress: Callable[[int, int], None] | None = None,
        parallel_min: int = PARALLEL_MIN,
    ) -> None:
        self.cache = PageCache(cache_dir / PAGES_DIR if cache_dir else None, key)
        self.workers = workers
        self.progress = progress
        self.parallel_min = parallel_min
        self.captured: dict[str, str] = {}  # the plugin's on_post_page puts each page's HTML here
        self.stats = RenderStats()

    def __call__(
        self,
        sources: Mapping[str, str],
        page_data: Mapping[str, Any],
        config: MkDocsConfig,
        site_files: Files,
        nav: Navigation,
        env: Any,
        kept: KeptOutputs | None = None,
        meanwhile: Callable[[], None] | None = None,
    ) -> RenderStats:
        """Write every page of ``sources`` (its Markdown by path); ``kept`` skips those already in the site.

        ``meanwhile`` is other work for this process, done while the workers render.
        """
        start = time.perf_counter()
        doc_files = list(site_files.documentation_pages())
        site = site_digest(config, nav, doc_files)
        uris = list(sources)
        keys = [page_key(site, uri, page_data[uri]) for uri in uris]
        to_write, used = [], {}
        for index, (uri, key) in enumerate(zip(uris, keys, strict=True)):
            if kept is not None and kept.unchanged(dest_uri(uri, config.use_directory_urls), key):
                if key in self.cache.index:
                    used[key] = self.cache.index[key]
                continue
            to_write.append(index)
        # a File (and a page) only for the pages to write
        files = {
            index: File.generated(config, uris[index], content=sources[uris[index]], inclusion=_HIDDEN)
            for index in to_write
        }
        missing = []  # the pages to render: neither in the site nor in the cache
        for index, file in files.items():
            html = self.cache.get(keys[index])
            if html is None:
                missing.append(index)
                continue
            used[keys[index]] = self.cache.index[keys[index]]
            os.makedirs(os.path.dirname(file.abs_dest_path), exist_ok=True)
            with open(file.abs_dest_path, "wb") as out:
                out.write(html)
            if kept is not None:
                kept.record(file.dest_uri, keys[index])
        job = _Job(files, keys, config, site_files, doc_files, nav, env, self.cache, self.captured)
        workers = min(self.workers or worker_count(), max(len(missing) // 16, 1))
        stats = RenderStats(total=len(uris), rendered=len(missing), cached=len(uris) - len(missing))
        if workers > 1 and len(missing) >= self.parallel_min and can_fork():
            stats.workers = workers
            used.update(self._parallel(job, missing, workers, meanwhile))
        else:
            if meanwhile is not None:
                meanwhile()
            for done, index in enumerate(missing, 1):
                entry = _render(job, index)
                if entry is not None:
                    used[keys[index]] = entry
                if self.progress and (done % 32 == 0 or done == len(missing)):
                    self.progress(done, len(missing))
        if kept is not None:
            for index in missing:
                if os.path.exists(files[index].abs_dest_path):
                    kept.record(files[index].dest_uri, keys[index])
        self.cache.save(used)
        stats.seconds = time.perf_counter() - start
        self.stats = stats
        return stats

    def _parallel(
        self, job: _Job, missing: list[int], workers: int, meanwhile: Callable[[], None] | None = None
    ) -> dict[str, Entry]:
        global _JOB
        chunk = max(8, min(128, len(missing) // (workers * 8)))
        batches = [missing[i : i + chunk] for i in range(0, len(missing), chunk)]
        done, errors, entries = 0, [], {}
        self.cache.close()
        _JOB = job
        try:
            with fork_pool(workers) as pool:
                results = pool.imap(_work, batches)  # the workers start at once
                if meanwhile is not None:
                    meanwhile()
                for count, made, warnings, error in results:
                    for name, level, message in warnings:
                        logging.getLogger(name).log(level, message)
                    if error:
                        errors.append(error)
                    entries.update(made)
                    done += count
                    if self.progress:
                        self.progress(done, len(missing))
        finally:
            _JOB = None
        if errors:
            raise RuntimeError(errors[0])
        return entries
