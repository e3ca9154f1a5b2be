"""The MkDocs plugin: thin glue between MkDocs' build events and the pipeline (publish/site.py)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from badgepress import clock
from badgepress.build.pipeline import Publication, Signer
from badgepress.cache import CACHE_DIR, Store
from badgepress.errors import BadgepressError
from badgepress.load.settings import Settings, plugin_options
from badgepress.publish import site
from badgepress.publish.fileurls import link_index_files
from badgepress.publish.markup import clean_html, title_markup
from badgepress.publish.outputs import KeptOutputs
from badgepress.publish.pages import PageSpec, build_pages
from badgepress.publish.progress import terminal_progress
from badgepress.publish.rendering import CredentialPages, usable
from badgepress.sign.keys import key_from_environment

log = get_plugin_logger("badgepress")

# Every option, documented in the README: the fields of ``Settings``, which
# checks the values and holds the defaults, so that errors name the line of
# mkdocs.yml. The legacy tuple form is used because an option called ``keys``
# would shadow ``Config.keys()`` as a class attribute.
OPTIONS: tuple[tuple[str, c.BaseConfigOption[Any]], ...] = tuple(
    (name, c.Optional(c.Type(kind))) for name, kind in plugin_options()
)


class BadgepressPlugin(BasePlugin):
    config_scheme = OPTIONS
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.preview_signer: Signer | None = None  # one throwaway key for every rebuild of a `serve`
        self.memory: Store | None = None  # its store: what it signed is worth nothing on disk
        self.bytecode: site.TemplateBytecode | None = None  # compiled templates, for `serve`
        self.publication: Publication | None = None
        self.store: Store | None = None
        self.pages: dict[str, PageSpec] = {}
        self.deferred: dict[str, str] = {}  # credential pages rendered in on_env: Markdown by path
        self.renderer: CredentialPages | None = None
        self.kept: KeptOutputs | None = None
        self.nav: Navigation | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Defined so that MkDocs keeps this object across `serve` rebuilds: preview key, store, templates."""
        self.bytecode = site.TemplateBytecode() if command == "serve" else None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Build and sign the program first: every later event needs its files and pages."""
        self.publication, self.store, self.kept, self.renderer = None, None, None, None
        self.pages, self.deferred, self.nav = {}, {}, None
        now = clock.now()
        try:
            settings, urls = site.read_settings(config, dict(self.config))
            workers = site.workers_from(os.environ)
            signer = self._signer(settings)
            if signer.preview:
                self.store = self.memory = self.memory or Store(None, signer.key)
                self.memory.start()
            else:
                self.store = Store(Path(config.config_file_path).parent / CACHE_DIR, signer.key)
            pub = site.publish(config, settings, urls, signer, self.store, now, workers, log.info)
            self.publication = pub
        except BadgepressError as err:
            raise PluginError(str(err)) from None
        self.kept = KeptOutputs(Path(config.site_dir), site.KEPT_FOLDER, self.store)
        progress = terminal_progress(what="rendering credential pages")
        self.renderer = CredentialPages(self.store, workers=workers, progress=progress)
        self.pages = {p.path: p for p in build_pages(self.publication, now)}
        site.add_theme(config)
        return config

    def _signer(self, settings: Settings) -> Signer:
        signer = site.choose_build_signer(settings, key_from_environment(), os.environ, self.preview_signer)
        self.preview_signer = signer if signer.preview else self.preview_signer
        return signer

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        """Add every generated file and page; credential pages wait for on_env, out of MkDocs' loop."""
        assert self.publication is not None
        why = usable(config)
        if why is not None:
            log.info("credential pages are rendered by MkDocs, one by one and uncached: %s", why)
        added, self.deferred = site.generated_files(config, self.publication, self.pages, defer=why is None)
        for file in added:
            files.append(file)
        return files

    @event_priority(-100)
    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
        """Last: the navigation as every plugin left it, which credential pages show (their key covers it)."""
        self.nav = nav
        return nav

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        """Before MkDocs cleans the site: set the kept credentials/ folder aside."""
        assert self.kept is not None
        self.kept.set_aside()

    @event_priority(-100)
    def on_env(self, env: Any, /, *, config: MkDocsConfig, files: Files) -> Any:
        """Last, with MkDocs' templates ready: write credentials/ (JSON, badges, pages) where it changed."""
        kept, pub, renderer = self.kept, self.publication, self.renderer
        assert kept is not None and pub is not None and renderer is not None
        if self.bytecode is not None:
            env.bytecode_cache = self.bytecode
        mkdocs = (config, files, self.nav, env)
        try:
            site.write_credentials(kept, pub, renderer, self.deferred, self.pages, mkdocs, log.info)
        except RuntimeError as err:  # a page that could not be rendered
            raise PluginError(str(err)) from None
        return env

    @event_priority(100)
    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """First: a title from YAML, escaped once, so that the theme and every plugin see it as text."""
        spec = self.pages.get(page.file.src_uri)
        if spec is not None:
            page.meta["title"] = title_markup(spec.title)
        return markdown

    @event_priority(100)
    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """First: clean our pages' HTML (Markdown from YAML may hold raw HTML) before search indexes it."""
        return clean_html(html) if page.file.src_uri in self.pages else html

    @event_priority(50)
    def on_page_context(
        self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        """Our pages' models for our templates; before search (0), so that `search: exclude` applies."""
        spec = self.pages.get(page.file.src_uri)
        if spec is not None:
            model = {**spec.model, **{name: make() for name, make in spec.late.items()}}
            context["badgepress"] = model  # type: ignore[typeddict-unknown-key]  # ours, for our templates
            for key, value in spec.meta.items():
                page.meta.setdefault(key, value)
        return context

    @event_priority(-100)
    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        """Last: the preview banner and file:// links; a credential page's HTML is kept as written."""
        if self.publication is not None and self.publication.preview:
            output = site.mark_preview(output)
        if not config.use_directory_urls:
            output = link_index_files(output)  # a site to open from files (the pull request's preview)
        if self.renderer is not None and page.file.src_uri in self.deferred:
            self.renderer.captured[page.file.src_uri] = output
        return output

    def on_post_template(self, output_content: str, template_name: str, config: MkDocsConfig) -> str:
        """Static templates: the sitemap without pages naming people; the preview banner on HTML ones."""
        if template_name == "sitemap.xml":
            return site.drop_personal_urls(output_content)
        if template_name.endswith(".html") and self.publication is not None and self.publication.preview:
            return site.mark_preview(output_content)
        return output_content

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """The build succeeded: save the cache store (a failed build saves nothing)."""
        if self.store is not None:  # what it served is in the pages' and credentials/ lines above
            if self.store.rejected:
                log.info("cache: %s", self.store.rejection())
            self.store.save()

    def on_build_error(self, *, error: Exception) -> None:
        """Never leave the hidden credentials/ folder in the site."""
        if self.kept is not None:
            self.kept.discard()

    def on_serve(self, server: Any, config: MkDocsConfig, builder: Any) -> Any:
        """Watch the program's folders too: they live outside docs_dir."""
        for path in site.watched(self.publication) if self.publication is not None else ():
            server.watch(path)
        return server
