"""What the plugin does to a MkDocs site, as plain functions: the plugin's hooks only call them.

- :func:`start`: one build's :class:`Build` (the signed publication, its
  store, its pages), keeping what a `mkdocs serve` reuses in :class:`Serve`;
- :func:`read_settings` and :func:`publish`: the plugin's options and the
  program's files into a signed :class:`~badgepress.build.pipeline.Publication`;
- :func:`add_theme` and :func:`asset_files`: Badgepress' templates, CSS,
  scripts and the verification page's bundle; :class:`TemplateBytecode`,
  compiled templates kept across ``mkdocs serve`` rebuilds;
- :func:`page_source`: a page's Markdown with its YAML front matter;
- :func:`mark_preview` and :func:`drop_personal_urls`: the preview banner on
  every page, and the sitemap without the pages that name people.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any

from jinja2.bccache import Bucket, BytecodeCache
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation

from badgepress.build.pipeline import Publication, Signer, build_publication, choose_signer
from badgepress.build.provenance import notice, read_history, repository_url
from badgepress.build.urls import Urls
from badgepress.cache import CACHE_DIR, Store
from badgepress.errors import BadgepressError
from badgepress.load.program import load_program
from badgepress.load.settings import (
    Settings,
    base_url_of,
    parse_settings,
    settings_source,
    site_url_from_file,
)
from badgepress.publish.fileurls import link_index_files
from badgepress.publish.outputs import KeptOutputs
from badgepress.publish.pages import PageSpec, build_pages
from badgepress.publish.progress import terminal_progress
from badgepress.publish.rendering import CredentialPages, usable
from badgepress.sign.keys import KeyPair, key_from_environment
from badgepress.sign.signing import BatchSigner

REQUIRE_KEY_ENV = "BADGEPRESS_REQUIRE_KEY"
WORKERS_ENV = "BADGEPRESS_WORKERS"
KEPT_FOLDER = "credentials/"  # every file in it is the plugin's, per credential
ASSETS = "assets/badgepress/"
STYLESHEETS = ("badgepress.css",)
# on every page, so that Material's instant navigation (document$) can start the filters
SCRIPTS = (
    "page.js",  # first: the others start through it
    "catalog.js",
    "share.js",
    "a11y.js",
    "find.js",
)
PREVIEW_BANNER = (
    '<div class="bp-preview" role="note">Preview build: these credentials are signed with a '
    "throwaway key and are not real.</div>"
)
_PERSONAL_URL = re.compile(r"\s*<url>\s*<loc>[^<]*/(?:credentials|learners)/[^<]*</loc>.*?</url>", re.DOTALL)


@dataclass
class Serve:
    """What one plugin object keeps across the rebuilds of a `mkdocs serve` (MkDocs keeps the object)."""

    preview: Signer | None = None  # one throwaway key for every rebuild
    memory: Store | None = None  # its store: what it signed is worth nothing on disk
    bytecode: TemplateBytecode | None = None  # compiled templates (only under `serve`)


@dataclass
class Build:
    """One build's state, from MkDocs' on_config to on_post_build."""

    publication: Publication
    store: Store
    kept: KeptOutputs
    renderer: CredentialPages
    pages: dict[str, PageSpec]  # every page the plugin adds, by its Markdown path
    deferred: dict[str, str] = field(default_factory=dict)  # credential pages rendered in on_env
    nav: Navigation | None = None  # as every plugin left it


def start(
    config: MkDocsConfig,
    options: dict[str, Any],
    serve: Serve,
    now: datetime,
    log: Callable[[str], None],
    environ: os._Environ[str] | dict[str, str] = os.environ,
) -> Build:
    """Read and sign the program under ``config``'s folder: this build's state; Badgepress' theme added."""
    settings, urls = read_settings(config, options)
    workers = workers_from(environ)
    signer = serve_signer(settings, serve, environ)
    if signer.preview:
        store = serve.memory = serve.memory or Store(None, signer.key)
        store.start()
    else:
        store = Store(Path(config.config_file_path).parent / CACHE_DIR, signer.key)
    pub = publish(config, settings, urls, signer, store, now, workers, log)
    kept = KeptOutputs(Path(config.site_dir), KEPT_FOLDER, store)
    progress = terminal_progress(what="rendering credential pages")
    renderer = CredentialPages(store, workers=workers, progress=progress)
    pages = {p.path: p for p in build_pages(pub, now)}
    add_theme(config)
    return Build(pub, store, kept, renderer, pages)


def serve_signer(settings: Settings, serve: Serve, environ: os._Environ[str] | dict[str, str]) -> Signer:
    """The build's signer: a preview one is kept in ``serve``, for every rebuild of a `mkdocs serve`."""
    signer = choose_build_signer(settings, key_from_environment(), environ, serve.preview)
    if signer.preview:
        serve.preview = signer
    return signer


def workers_from(environ: os._Environ[str] | dict[str, str]) -> int | None:
    """BADGEPRESS_WORKERS: how many processes sign and render (default: one per core)."""
    text = environ.get(WORKERS_ENV, "").strip()
    if not text:
        return None
    if not text.isdigit() or int(text) < 1:
        raise BadgepressError(f"{WORKERS_ENV} must be a whole number of processes, 1 or more; got {text!r}")
    return int(text)


def choose_build_signer(
    settings: Settings,
    key: KeyPair | None,
    environ: os._Environ[str] | dict[str, str],
    preview: Signer | None,
) -> Signer:
    """The signing key's signer, or without one (and none required) ``preview`` or a new throwaway key."""
    required = settings.require_key or environ.get(REQUIRE_KEY_ENV, "").strip().lower() in {
        "1",
        "true",
        "yes",
    }
    if key is None and not required:
        return preview or choose_signer(settings, None)
    return choose_signer(settings, key, require_key=required)


def watched(pub: Publication) -> list[str]:
    """The program's folders and ledger: `mkdocs serve` watches them too, though outside docs_dir."""
    settings, root = pub.program.settings, pub.program.root
    names = (settings.achievements_dir, settings.credentials_dir, settings.endorsements_dir, settings.ledger)
    return [str(root / name) for name in names if (root / name).exists()]


def read_settings(config: MkDocsConfig, options: dict[str, Any]) -> tuple[Settings, Urls]:
    """The plugin's options, checked (errors name the line of mkdocs.yml), and the credentials' URLs."""
    config_file = Path(config.config_file_path)
    source, prefix = settings_source(config_file)
    settings = parse_settings(options, source, prefix, config_file.name)
    # `mkdocs serve` rewrites site_url to localhost; ids must not follow it
    site_url = site_url_from_file(config_file) or config.site_url
    return settings, Urls(base_url_of(settings, site_url, source))


def publish(
    config: MkDocsConfig,
    settings: Settings,
    urls: Urls,
    signer: Signer,
    store: Store,
    now: datetime,
    workers: int | None,
    log: Callable[[str], None],
) -> Publication:
    """Read the program under ``config``'s folder and build every file of it, signed; log what it holds.

    ``workers`` processes sign (None: one per core).
    """
    root = Path(config.config_file_path).parent
    program = load_program(root, settings, store, now)
    # one `git log` of the program's folders: who approved what, for pages and provenance.json
    history = read_history(root, [settings.achievements_dir, settings.credentials_dir], os.environ)
    repository = repository_url(config.repo_url, os.environ)
    sign = BatchSigner(workers=workers, progress=terminal_progress(), report=log)
    pub = build_publication(
        program, urls, signer, now, sign=sign, store=store, history=history, repository=repository
    )
    log(store.summary({"awards": "award files", "credentials": "credentials"}))
    if pub.preview:
        log("preview build: no BADGEPRESS_SIGNING_KEY, credentials are signed with a throwaway key")
    told = notice(history, program)
    if told:
        log(told)
    if pub.ledger_additions:
        log(
            f"{len(pub.ledger_additions)} new credential(s) need a line in {settings.ledger}: "
            "run `badgepress check --fix` before merging"
        )
    log(
        f"{len(program.achievements)} achievements, {len(program.awards)} credentials "
        f"({len(pub.revoked_ids)} revoked), {len(program.received_endorsements)} endorsements received "
        f"and {len(program.given_endorsements)} given, {len(pub.learner_records)} learner records, "
        f"signed with key '{pub.signer_key_id}'"
    )
    return pub


def add_files(build: Build, files: Files, config: MkDocsConfig, log: Callable[[str], None]) -> Files:
    """Add the build's files and pages to MkDocs'; note which credential pages wait for on_env."""
    why = usable(config)
    if why is not None:
        log(f"credential pages are rendered by MkDocs, one by one and uncached: {why}")
    added, build.deferred = generated_files(config, build.publication, build.pages, defer=why is None)
    for file in added:
        files.append(file)
    return files


def generated_files(
    config: MkDocsConfig, pub: Publication, pages: Mapping[str, PageSpec], *, defer: bool
) -> tuple[list[File], dict[str, str]]:
    """The files to add to MkDocs', and (with ``defer``) the credential pages to render apart.

    Files under credentials/ are left out: the kept folder writes them, only when they change.
    A credential page (one with ``late`` fields) stays out of MkDocs' own loop, serial and
    uncached, and out of its navigation, which would make a page object for each.
    """
    found = [
        File.generated(config, path, content=pub.files[path], inclusion=InclusionLevel.INCLUDED)
        for path in pub.files
        if not path.startswith(KEPT_FOLDER)
    ]
    found += asset_files(config)
    deferred = {}
    for spec in pages.values():
        if spec.late and defer:
            deferred[spec.path] = page_source(spec)
        else:
            inclusion = InclusionLevel.INCLUDED if spec.in_nav else InclusionLevel.NOT_IN_NAV
            found.append(File.generated(config, spec.path, content=page_source(spec), inclusion=inclusion))
    return found, deferred


class TemplateBytecode(BytecodeCache):
    """Jinja's compiled templates, in memory, across the rebuilds of one ``mkdocs serve``.

    MkDocs makes a new template environment for every build, which compiles
    again the 60-odd templates a site uses (0.3 s of CPU on the example
    program; loading them from here costs a twentieth of that). Never on disk:
    compiled code is code, and nothing on disk may run when read. Jinja checks
    each template's source checksum, so an edited template is compiled again.
    """

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        data = self.code.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


def add_theme(config: MkDocsConfig) -> None:
    """Badgepress' templates after the theme's (so a site's overrides/ wins), its CSS and scripts."""
    config.theme.dirs.append(str(resources.files("badgepress").joinpath("templates")))
    for name in STYLESHEETS:
        if ASSETS + name not in config.extra_css:
            config.extra_css.append(ASSETS + name)
    scripts = [str(s) for s in config.extra_javascript]
    for name in SCRIPTS:
        if ASSETS + name not in scripts:
            config.extra_javascript.append(ASSETS + name)


def _walk(folder: Traversable, prefix: str) -> list[tuple[str, bytes]]:
    found: list[tuple[str, bytes]] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.startswith((".", "__")):
            continue
        if entry.is_dir():
            found.extend(_walk(entry, f"{prefix}{entry.name}/"))
        else:
            found.append((f"{prefix}{entry.name}", entry.read_bytes()))
    return found


def asset_files(config: MkDocsConfig) -> list[File]:
    """The package's assets under assets/badgepress/, and .nojekyll (GitHub Pages serves the site as is)."""
    found = [File.generated(config, ".nojekyll", content=b"", inclusion=InclusionLevel.INCLUDED)]
    for path, content in _walk(resources.files("badgepress").joinpath("assets"), ""):
        found.append(
            File.generated(config, ASSETS + path, content=content, inclusion=InclusionLevel.INCLUDED)
        )
    return found


# What a YAML double-quoted scalar on one line cannot hold literally: quotes, backslashes, control
# characters, line and paragraph separators, byte order marks and lone surrogates.
_YAML_ESCAPED = re.compile(
    r'["\\]|[^\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]'
)


def yaml_str(text: str) -> str:
    """``text`` as a YAML double-quoted scalar on one line: no value can end the front matter early."""

    def escaped(match: re.Match[str]) -> str:
        code = ord(match.group())
        return f"\\{match.group()}" if match.group() in '"\\' else f"\\U{code:08x}"

    return '"' + _YAML_ESCAPED.sub(escaped, text) + '"'


def page_source(spec: PageSpec) -> str:
    """A generated page's Markdown: front matter naming its template and title, then its body."""
    return f"---\ntemplate: {spec.template}\ntitle: {yaml_str(spec.title)}\n---\n\n{spec.body}"


def mark_preview(html: str) -> str:
    """``html`` with the preview notice at the top of its body (a page without a body is left alone)."""
    head, sep, rest = html.partition("<body")
    if not sep:
        return html
    tag_end = rest.index(">") + 1
    return head + sep + rest[:tag_end] + PREVIEW_BANNER + rest[tag_end:]


def drop_personal_urls(sitemap: str) -> str:
    """The sitemap without credential and learner pages: for the people they name to share, not for search."""
    return _PERSONAL_URL.sub("", sitemap)


def write_credentials(
    build: Build, mkdocs: tuple[MkDocsConfig, Files, Any], log: Callable[[str], None]
) -> None:
    """Fill the site's kept ``credentials/`` folder: the JSON and badges, and the credential pages.

    The build's deferred pages are rendered here, with MkDocs' configuration,
    files and Jinja environment (``mkdocs``); the JSON and badges are written
    while the workers render them. RuntimeError if a page cannot be rendered.
    """
    kept, pub, deferred = build.kept, build.publication, build.deferred
    kept.restore()
    config, files, env = mkdocs
    if deferred and build.nav is not None:
        data = {uri: build.pages[uri].own_data() for uri in deferred}
        write = build.renderer
        stats = write(deferred, data, config, files, build.nav, env, kept, lambda: kept.write_all(pub))
        log(stats.summary())
    else:
        kept.write_all(pub)
    kept.finish()
    log(f"credentials/: {kept.written:,} files written, {len(kept.now) - kept.written:,} already there")


def add_model(spec: PageSpec, context: Any, page: Any) -> None:
    """A page's model for its template (as ``badgepress``), its late fields made; its metadata."""
    context["badgepress"] = {**spec.model, **{name: make() for name, make in spec.late.items()}}
    for key, value in spec.meta.items():
        page.meta.setdefault(key, value)


def finish_page(build: Build, html: str, src_uri: str, use_directory_urls: bool) -> str:
    """A page's HTML as written: the preview banner, links to index.html files for a site opened from
    disk (the pull request's preview); a credential page's HTML is captured for the store."""
    if build.publication.preview:
        html = mark_preview(html)
    if not use_directory_urls:
        html = link_index_files(html)
    if src_uri in build.deferred:
        build.renderer.captured[src_uri] = html
    return html
