"""The MkDocs plugin: thin glue between MkDocs' build events and the pipeline."""

from __future__ import annotations

import os
import re
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from badgepress import clock
from badgepress.build.pipeline import Publication, Signer, build_publication, choose_signer
from badgepress.build.provenance import notice, read_history, repository_url
from badgepress.build.urls import Urls
from badgepress.cache import CACHE_DIR, Store
from badgepress.errors import BadgepressError
from badgepress.load.program import load_program
from badgepress.load.settings import (
    base_url_of,
    parse_settings,
    plugin_options,
    settings_source,
    site_url_from_file,
)
from badgepress.parallel import paused_gc
from badgepress.publish.fileurls import link_index_files
from badgepress.publish.markup import clean_html, title_markup
from badgepress.publish.outputs import KeptOutputs
from badgepress.publish.pages import PageSpec, build_pages
from badgepress.publish.progress import terminal_progress
from badgepress.publish.rendering import CredentialPages, usable
from badgepress.sign.keys import KeyPair, key_from_environment
from badgepress.sign.signing import BatchSigner

log = get_plugin_logger("badgepress")
_PERSONAL_URL = re.compile(r"\s*<url>\s*<loc>[^<]*/(?:credentials|learners)/[^<]*</loc>.*?</url>", re.DOTALL)

REQUIRE_KEY_ENV = "BADGEPRESS_REQUIRE_KEY"
WORKERS_ENV = "BADGEPRESS_WORKERS"
KEPT_FOLDER = "credentials/"  # every file in it is the plugin's, per credential

# One throwaway key per process: `mkdocs serve` makes new plugin objects for
# every rebuild, and a new key would mean signing and rendering everything again.
_PREVIEW_SIGNER: Signer | None = None


# Every option, documented in the README: the fields of ``Settings``, which
# checks the values and holds the defaults, so that errors name the line of
# mkdocs.yml. The legacy tuple form is used because an option called ``keys``
# would shadow ``Config.keys()`` as a class attribute.
OPTIONS: tuple[tuple[str, c.BaseConfigOption[Any]], ...] = tuple(
    (name, c.Optional(c.Type(kind))) for name, kind in plugin_options()
)


def _workers(environ: os._Environ[str] | dict[str, str]) -> int | None:
    """BADGEPRESS_WORKERS: how many processes sign and render (default: one per core)."""
    text = environ.get(WORKERS_ENV, "").strip()
    if not text:
        return None
    if not text.isdigit() or int(text) < 1:
        raise PluginError(f"{WORKERS_ENV} must be a whole number of processes, 1 or more; got {text!r}")
    return int(text)


class BadgepressPlugin(BasePlugin):
    config_scheme = OPTIONS
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.publication: Publication | None = None
        self.pages: dict[str, PageSpec] = {}
        self.root = Path.cwd()
        self.renderer: CredentialPages | None = None
        # credential pages this plugin renders instead of MkDocs' loop: their Markdown by path
        self.deferred: dict[str, str] = {}
        self.nav: Navigation | None = None
        self.kept: KeptOutputs | None = None  # the site's credentials/ folder, across builds
        self.store: Store | None = None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        with paused_gc():  # the program, its credentials and pages: objects that stay
            return self._configure(config)

    def _configure(self, config: MkDocsConfig) -> MkDocsConfig:
        self.publication, self.pages = None, {}
        config_file = Path(config.config_file_path)
        self.root = config_file.parent
        # first, so that its folder is listed (in a child process) while the program is read
        self.kept = KeptOutputs(Path(config.site_dir), KEPT_FOLDER, self.root / CACHE_DIR)
        try:
            source, prefix = settings_source(config_file)
            settings = parse_settings(dict(self.config), source, prefix, config_file.name)
            # `mkdocs serve` rewrites site_url to localhost; ids must not follow it
            urls = Urls(base_url_of(settings, site_url_from_file(config_file) or config.site_url, source))
            signer = self._signer(settings)
            store = self._store(signer)
            now = clock.now()
            program = load_program(self.root, settings, store, now)
            # one `git log` of the program's folders: who approved what, for pages and provenance.json
            folders = [settings.achievements_dir, settings.credentials_dir]
            history = read_history(self.root, folders, os.environ)
            repository = repository_url(config.repo_url, os.environ)
            workers = _workers(os.environ)
            sign = BatchSigner(workers=workers, progress=terminal_progress(), report=log.info)
            self.publication = build_publication(
                program, urls, signer, now, sign=sign, store=store, history=history, repository=repository
            )
        except BadgepressError as err:
            self.kept.cancel()
            raise PluginError(str(err)) from None
        except BaseException:
            self.kept.cancel()
            raise
        self.store = store  # saved once the build is done
        log.info(store.summary({"awards": "award files", "credentials": "credentials"}))
        self.renderer = CredentialPages(
            self.root / CACHE_DIR,
            signer.key,
            workers=workers,
            progress=terminal_progress(what="rendering credential pages"),
        )
        self.deferred, self.nav = {}, None
        pub = self.publication
        self.pages = {p.path: p for p in build_pages(pub, now)}
        config.theme.dirs.append(str(resources.files("badgepress").joinpath("templates")))
        for stylesheet in ("assets/badgepress/badgepress.css",):
            if stylesheet not in config.extra_css:
                config.extra_css.append(stylesheet)
        # on every page, so that Material's instant navigation (document$) can start the filters
        for script in (
            "assets/badgepress/page.js",  # first: the others start through it
            "assets/badgepress/catalog.js",
            "assets/badgepress/share.js",
            "assets/badgepress/a11y.js",
            "assets/badgepress/find.js",
        ):
            if script not in [str(s) for s in config.extra_javascript]:
                config.extra_javascript.append(script)
        if pub.preview:
            log.info("preview build: no BADGEPRESS_SIGNING_KEY, credentials are signed with a throwaway key")
        told = notice(history, program)
        if told:
            log.info(told)
        if pub.ledger_additions:
            log.info(
                "%d new credential(s) need a line in %s: run `badgepress check --fix` before merging",
                len(pub.ledger_additions),
                settings.ledger,
            )
        log.info(
            "%d achievements, %d credentials (%d revoked), %d endorsements received and %d given, "
            "%d learner records, signed with key '%s'",
            len(program.achievements),
            len(program.awards),
            len(pub.revoked_ids),
            len(program.received_endorsements),
            len(program.given_endorsements),
            len(pub.learner_records),
            pub.signer_key_id,
        )
        return config

    def _store(self, signer: Signer) -> Store:
        """The cache store: on disk, or for a preview key in memory, kept for the next serve build."""
        kept = self.store
        preview = signer.preview and kept is not None and kept.folder is None
        if preview and kept is not None and kept.public_key == signer.key.public_key_multibase:
            kept.start()
            return kept
        return Store(None if signer.preview else self.root / CACHE_DIR, signer.key)

    def _signer(self, settings: Any) -> Signer:
        key: KeyPair | None = key_from_environment()
        require = os.environ.get(REQUIRE_KEY_ENV, "").strip().lower() in {"1", "true", "yes"}
        if key is None and not (require or settings.require_key):
            global _PREVIEW_SIGNER
            if _PREVIEW_SIGNER is None:
                _PREVIEW_SIGNER = choose_signer(settings, None)
            return _PREVIEW_SIGNER
        return choose_signer(settings, key, require_key=require)

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        assert self.publication is not None
        why = usable(config)
        if why is not None:
            log.info("credential pages are rendered by MkDocs, one by one and uncached: %s", why)
        published = self.publication.files
        for path in published:
            if not path.startswith(KEPT_FOLDER):  # those are written by on_env, only when they change
                files.append(
                    File.generated(config, path, content=published[path], inclusion=InclusionLevel.INCLUDED)
                )
        files.append(File.generated(config, ".nojekyll", content=b"", inclusion=InclusionLevel.INCLUDED))
        assets = resources.files("badgepress").joinpath("assets")
        for asset in _walk(assets, ""):
            files.append(
                File.generated(
                    config,
                    f"assets/badgepress/{asset[0]}",
                    content=asset[1],
                    inclusion=InclusionLevel.INCLUDED,
                )
            )
        for spec in self.pages.values():
            inclusion = InclusionLevel.INCLUDED if spec.in_nav else InclusionLevel.NOT_IN_NAV
            text = f"---\ntemplate: {spec.template}\ntitle: {_yaml_str(spec.title)}\n---\n\n{spec.body}"
            if spec.late and why is None:
                # A credential page stays out of MkDocs' own (serial, uncached) loop, and out of its
                # navigation, which would make a page object for each; on_env renders them.
                self.deferred[spec.path] = text
            else:
                files.append(File.generated(config, spec.path, content=text, inclusion=inclusion))
        return files

    # Last: the navigation as every other plugin left it, which credential pages show (and their key covers).
    @event_priority(-100)
    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
        self.nav = nav
        return nav

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        assert self.kept is not None
        self.kept.set_aside()

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.store is not None:
            self.store.save()

    def on_build_error(self, *, error: Exception) -> None:
        if self.kept is not None:
            self.kept.cancel()
            self.kept.discard()

    @event_priority(-100)
    def on_env(self, env: Any, /, *, config: MkDocsConfig, files: Files) -> Any:
        kept, pub = self.kept, self.publication
        assert kept is not None and pub is not None
        kept.restore()
        with paused_gc():
            self._write_credentials(env, config, files)
        return env

    def _write_credentials(self, env: Any, config: MkDocsConfig, files: Files) -> None:
        kept, pub = self.kept, self.publication
        assert kept is not None and pub is not None

        def write_credential_files() -> None:
            published = pub.files
            # the stored credentials are made only if their files must be written
            for path in published:
                if path.startswith(KEPT_FOLDER):
                    kept.write(path, partial(published.__getitem__, path), pub.content_ids.get(path))

        if self.deferred and self.renderer is not None and self.nav is not None:
            data = {uri: self.pages[uri].own_data() for uri in self.deferred}
            try:
                # the JSON and baked badges are written while the workers render the pages
                stats = self.renderer(
                    self.deferred,
                    data,
                    config,
                    files,
                    self.nav,
                    env,
                    kept,
                    meanwhile=write_credential_files,
                )
            except RuntimeError as err:
                raise PluginError(str(err)) from None
            log.info(stats.summary())
        else:
            write_credential_files()
        kept.finish()
        log.info(
            "credentials/: %d files written, %d already there", kept.written, len(kept.now) - kept.written
        )

    # First, so that every other plugin and the theme see the escaped title.
    @event_priority(100)
    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        spec = self.pages.get(page.file.src_uri)
        if spec is not None:
            # the theme prints a page title as HTML: a name from YAML is escaped once, here
            page.meta["title"] = title_markup(spec.title)
        return markdown

    # First, so that the search index and every later plugin see only the cleaned HTML.
    @event_priority(100)
    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        # descriptions and criteria are Markdown from YAML, and MkDocs' Markdown keeps raw HTML
        return clean_html(html) if page.file.src_uri in self.pages else html

    # Before the search plugin (priority 0) indexes the page, so that `search: exclude` applies.
    @event_priority(50)
    def on_page_context(
        self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        spec = self.pages.get(page.file.src_uri)
        if spec is not None:
            model = {**spec.model, **{name: make() for name, make in spec.late.items()}}
            context["badgepress"] = model  # type: ignore[typeddict-unknown-key]  # ours, for our templates
            for key, value in spec.meta.items():
                page.meta.setdefault(key, value)
        return context

    # Last, so that the HTML kept for the page cache is exactly what is written.
    @event_priority(-100)
    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        output = self._mark_preview(output)
        if not config.use_directory_urls:
            output = link_index_files(output)  # a site to open from files (the pull request's preview)
        if self.renderer is not None and page.file.src_uri in self.deferred:
            self.renderer.captured[page.file.src_uri] = output
        return output

    def on_post_template(self, output_content: str, template_name: str, config: MkDocsConfig) -> str:
        if template_name == "sitemap.xml":
            # Credential and learner pages are for the people they name to share, not for search engines.
            return _PERSONAL_URL.sub("", output_content)
        return self._mark_preview(output_content) if template_name.endswith(".html") else output_content

    def _mark_preview(self, output: str) -> str:
        """Put a visible preview notice at the top of every HTML page of a preview build."""
        if self.publication is not None and self.publication.preview:
            banner = (
                '<div class="bp-preview" role="note">Preview build: these credentials are signed with a '
                "throwaway key and are not real.</div>"
            )
            head, sep, rest = output.partition("<body")
            if sep:
                tag_end = rest.index(">") + 1
                return head + sep + rest[:tag_end] + banner + rest[tag_end:]
        return output

    def on_serve(self, server: Any, config: MkDocsConfig, builder: Any) -> Any:
        if self.publication is not None:
            settings = self.publication.program.settings
            for name in (
                settings.achievements_dir,
                settings.credentials_dir,
                settings.endorsements_dir,
                settings.ledger,
            ):
                path = self.root / name
                if path.exists():
                    server.watch(str(path))
        return server


def _walk(folder: Any, prefix: str) -> list[tuple[str, bytes]]:
    found: list[tuple[str, bytes]] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.startswith((".", "__")):
            continue
        if entry.is_dir():
            found.extend(_walk(entry, f"{prefix}{entry.name}/"))
        else:
            found.append((f"{prefix}{entry.name}", entry.read_bytes()))
    return found


# What a YAML double-quoted scalar on one line cannot hold literally: quotes, backslashes, control
# characters, line and paragraph separators, byte order marks and lone surrogates.
_YAML_ESCAPED = re.compile(
    r'["\\]|[^\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]'
)


def _yaml_str(text: str) -> str:
    """``text`` as a YAML double-quoted scalar on one line: no value can end the front matter early."""

    def escaped(match: re.Match[str]) -> str:
        code = ord(match.group())
        return f"\\{match.group()}" if match.group() in '"\\' else f"\\U{code:08x}"

    return '"' + _YAML_ESCAPED.sub(escaped, text) + '"'
