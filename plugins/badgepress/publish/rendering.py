"""Credential pages: rendered by MkDocs' own page functions, kept in the cache store.

A program of 10,000 awards has 10,000 credential pages. MkDocs renders pages
one after another (about 3 ms each with Material), and renders every one
again on every build. The plugin keeps those pages out of MkDocs' files,
navigation and loop (``on_files``) and, once MkDocs has made its template
environment (``on_env``), hands them to :class:`CredentialPages`, which

1. skips each page the site's kept ``credentials/`` folder already holds
   under its key, and else looks it up in the store (kind ``"pages"``). The
   key is :func:`site_digest` (everything shared by all pages: the MkDocs
   configuration, theme, navigation, the site's own template folders and the
   installed packages) and the page's own data (its template, title, body,
   metadata and model, or a digest of the model's inputs). Badgepress' own
   modules, templates and contexts are covered by the store itself, which
   reads nothing written by other code (:func:`badgepress.cache.code_version`);
2. renders the pages not found with MkDocs' own ``_populate_page`` and
   ``_build_page`` (so every plugin event runs, exactly as in MkDocs' loop),
   in forked worker processes when there are many; each worker writes the
   HTML into the site and into a content file of the store, and tells the
   parent the file's name over a pipe (JSON lines).

This is only done when MkDocs has these functions and every plugin of the
site is one whose events depend on nothing but the page (``SAFE_PLUGINS``);
otherwise MkDocs renders the pages itself, as it does any page.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import posixpath
import re
import selectors
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import mkdocs.commands.build as mkdocs_build
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from badgepress.cache import Store, fingerprint, installed_packages
from badgepress.parallel import can_fork, fork_child, frozen_heap, reap, worker_count
from badgepress.publish.outputs import KeptOutputs

KIND = "pages"  # the store's kind of entry: a page's HTML by its key
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


def _tree(folder: Path) -> list[str | bytes]:
    """Every file's path and bytes under ``folder``, in a fixed order."""
    parts: list[str | bytes] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        parts += [path.relative_to(folder).as_posix(), path.read_bytes()]
    return parts


def site_digest(config: MkDocsConfig, nav: Navigation, doc_files: Iterable[File] = ()) -> str:
    """Everything shared by all pages that can appear on one, as one digest.

    ``doc_files`` are the site's other pages, which a template can list
    (``pages``). Template folders of installed packages are covered by the
    packages' versions; the others (the site's ``overrides/``, Badgepress'
    own in a checkout) by their bytes, which a running ``mkdocs serve`` reads
    again on every rebuild.
    """
    theme = config.theme
    picture = {
        "config": {k: _plain(v) for k, v in config.items() if k not in _NOT_ON_PAGES},
        "theme": {
            "name": theme.name,
            "dirs": list(theme.dirs),
            "static_templates": sorted(theme.static_templates),
            "options": _plain(dict(theme.items())),
        },
        "plugins": _plain(dict(config.plugins)),
        "nav": _nav(nav.items),
        "pages": [[f.src_uri, f.page.title if f.page else None] for f in doc_files],
        "packages": installed_packages(),
    }
    # Paths are written relative to the program's folder, so that a cache restored into
    # another checkout of the same program (another runner, another clone) still serves.
    root = str(Path(config.config_file_path).parent)
    text = json.dumps(picture, sort_keys=True, ensure_ascii=False, default=repr).replace(root, "<program>")
    parts: list[str | bytes] = [text]
    for folder in map(Path, theme.dirs):
        if folder.is_dir() and not set(folder.parts) & set(_SITE_PACKAGES):
            parts += [str(folder).replace(root, "<program>"), *_tree(folder)]
    return fingerprint(*parts)


def page_key(site: str, src_uri: str, page_data: Any) -> str:
    """The store key of one page: the site digest, its path and its own data (or a digest of it, a str)."""
    if not isinstance(page_data, str):
        page_data = json.dumps(
            page_data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
        )
    return fingerprint(site, src_uri, page_data)


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
    """The pages to render and what MkDocs needs to render them (inherited by forked workers)."""

    files: Mapping[int, File]  # by index into keys
    keys: list[str]
    config: MkDocsConfig
    site_files: Files
    doc_files: list[File]  # the other Markdown pages, listed once (each listing scans every file)
    nav: Navigation
    env: Any
    store: Store
    captured: dict[str, str]  # the plugin's on_post_page puts each page's HTML here

    def render(self, index: int) -> bytes | None:
        """Render one page into the site; its HTML as written (None if no event captured it)."""
        file = self.files[index]
        page = Page(None, file, self.config)
        mkdocs_build._populate_page(page, self.config, self.site_files)
        mkdocs_build._build_page(page, self.config, self.doc_files, self.nav, self.env)
        html = self.captured.pop(file.src_uri, None)
        return None if html is None else html.encode("utf-8", errors="xmlcharrefreplace")


class _Collect(logging.Handler):
    """In a worker: what MkDocs and plugins warn about, to be logged again by the parent (strict mode)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[Warning_] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


def _work(job: _Job, indices: list[int], out: int) -> None:
    """In a forked worker: render ``indices``, reporting each batch as a JSON line on ``out``."""
    collect = _Collect()
    logging.getLogger("mkdocs").addHandler(collect)
    with os.fdopen(out, "w", encoding="utf-8") as pipe:
        done, names, error = 0, {}, None
        for position, index in enumerate(indices, 1):
            try:
                html = job.render(index)
            except Exception as err:  # reported by the parent, which fails the build
                error = f"credential page {job.files[index].src_uri}: {err}"
            else:
                # in memory, a worker's content file would die with it: only `mkdocs serve`
                # keeps an in-memory store beyond one build, and it never forks
                if html is not None and job.store.folder is not None:
                    names[job.keys[index]] = job.store.add_blob(html)
                done += 1
            if error or position % 16 == 0 or position == len(indices):
                line = {"done": done, "names": names, "warnings": collect.records, "error": error}
                pipe.write(json.dumps(line) + "\n")
                pipe.flush()
                done, names, collect.records = 0, {}, []
            if error:
                break


def render_forked(
    job: _Job,
    indices: list[int],
    workers: int,
    progress: Callable[[int], None],
    meanwhile: Callable[[], None] | None = None,
) -> dict[str, str]:
    """Render ``indices`` in ``workers`` forked processes; the content file names by page key.

    Each worker inherits ``job`` through fork (nothing of it is pickled) and
    takes every ``workers``-th page. This process does ``meanwhile`` while they
    render. What a worker logs at WARNING or above is logged here again; the
    first error fails the build.
    """
    shares = [indices[i::workers] for i in range(workers)]
    children, names, errors = [], {}, []
    selector = selectors.DefaultSelector()
    try:
        with frozen_heap():
            for share in shares:
                pid, read = fork_child(partial(_work, job, share))
                children.append(pid)
                selector.register(read, selectors.EVENT_READ, bytearray())
        if meanwhile is not None:
            meanwhile()
        done = 0
        while selector.get_map():
            for ready, _ in selector.select():
                pending: bytearray = ready.data
                chunk = os.read(ready.fd, 1 << 16)
                if not chunk:
                    selector.unregister(ready.fd)
                    os.close(ready.fd)
                pending += chunk
                while b"\n" in pending:
                    line, _, rest = bytes(pending).partition(b"\n")
                    pending[:] = rest
                    batch = json.loads(line)
                    for name, level, message in batch["warnings"]:
                        logging.getLogger(name).log(level, message)
                    if batch["error"]:
                        errors.append(batch["error"])
                    names.update(batch["names"])
                    done += batch["done"]
                    progress(done)
    finally:
        for key in list(selector.get_map().values()):
            os.close(key.fd)
        selector.close()
        for pid in children:
            status = reap(pid)
            if status != 0 and not errors:
                errors.append(f"a worker rendering credential pages stopped (status {status})")
    if errors:
        raise RuntimeError(errors[0])
    return names


class CredentialPages:
    """Writes the credential pages into the site: from the store, or rendered on every core."""

    def __init__(
        self,
        store: Store,
        *,
        workers: int | None = None,
        progress: Callable[[int, int], None] | None = None,
        parallel_min: int = PARALLEL_MIN,
    ) -> None:
        self.store = store
        self.workers = workers
        self.progress = progress
        self.parallel_min = parallel_min
        self.captured: dict[str, str] = {}  # the plugin's on_post_page puts each page's HTML here

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
        store = self.store
        doc_files = list(site_files.documentation_pages())
        site = site_digest(config, nav, doc_files)
        uris = list(sources)
        keys = [page_key(site, uri, page_data[uri]) for uri in uris]
        files, missing = {}, []
        for index, (uri, key) in enumerate(zip(uris, keys, strict=True)):
            if kept is not None and kept.unchanged(dest_uri(uri, config.use_directory_urls), key):
                store.keep(KIND, [key])  # for a build into another site folder
                continue
            file = files[index] = File.generated(config, uri, content=sources[uri], inclusion=_HIDDEN)
            html = store.get_bytes(KIND, key)
            if html is None:
                missing.append(index)
                continue
            os.makedirs(os.path.dirname(file.abs_dest_path), exist_ok=True)
            with open(file.abs_dest_path, "wb") as out:
                out.write(html)
            if kept is not None:
                kept.record(file.dest_uri, key)
        job = _Job(files, keys, config, site_files, doc_files, nav, env, store, self.captured)
        workers = min(self.workers or worker_count(), max(len(missing) // 16, 1))
        stats = RenderStats(total=len(uris), rendered=len(missing), cached=len(uris) - len(missing))
        if workers > 1 and len(missing) >= self.parallel_min and can_fork():
            stats.workers = workers
            names = render_forked(
                job, missing, workers, lambda done: self._report(done, len(missing)), meanwhile
            )
            for key, name in names.items():
                store.put_blob(KIND, key, name)
        else:
            if meanwhile is not None:
                meanwhile()
            for done, index in enumerate(missing, 1):
                html = job.render(index)
                if html is not None:
                    store.put_bytes(KIND, keys[index], html)
                if done % 32 == 0 or done == len(missing):
                    self._report(done, len(missing))
        for index in missing:
            if kept is not None:
                with contextlib.suppress(OSError):
                    kept.record(files[index].dest_uri, keys[index])
        stats.seconds = time.perf_counter() - start
        return stats

    def _report(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(done, total)
