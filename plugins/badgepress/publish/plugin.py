"""The MkDocs plugin: thin glue between MkDocs' build events and the pipeline (publish/site.py)."""

from __future__ import annotations

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
from badgepress.errors import BadgepressError
from badgepress.load.settings import plugin_options
from badgepress.publish import site
from badgepress.publish.markup import clean_html, title_markup

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
        self.serve = site.Serve()  # what the rebuilds of one `mkdocs serve` share
        self.build: site.Build | None = None  # this build's publication, store and pages

    @property
    def _build(self) -> site.Build:
        assert self.build is not None, "on_config has not run"
        return self.build

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Defined so that MkDocs keeps this object across `serve` rebuilds: preview key, store, templates."""
        self.serve.bytecode = site.TemplateBytecode() if command == "serve" else None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Build and sign the program first: every later event needs its files and pages."""
        self.build = None
        try:
            self.build = site.start(config, dict(self.config), self.serve, clock.now(), log.info)
        except BadgepressError as err:
            raise PluginError(str(err)) from None
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        """Add every generated file and page; credential pages wait for on_env, out of MkDocs' loop."""
        return site.add_files(self._build, files, config, log.info)

    @event_priority(-100)
    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
        """Last: the navigation as every plugin left it, which credential pages show (their key covers it)."""
        self._build.nav = nav
        return nav

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        """Before MkDocs cleans the site: set the kept credentials/ folder aside."""
        self._build.kept.set_aside()

    @event_priority(-100)
    def on_env(self, env: Any, /, *, config: MkDocsConfig, files: Files) -> Any:
        """Last, with MkDocs' templates ready: write credentials/ (JSON, badges, pages) where it changed."""
        if self.serve.bytecode is not None:
            env.bytecode_cache = self.serve.bytecode
        try:
            site.write_credentials(self._build, (config, files, env), log.info)
        except RuntimeError as err:  # a page that could not be rendered
            raise PluginError(str(err)) from None
        return env

    @event_priority(100)
    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """First: a title from YAML, escaped once, so that the theme and every plugin see it as text."""
        spec = self._build.pages.get(page.file.src_uri)
        if spec is not None:
            page.meta["title"] = title_markup(spec.title)
        return markdown

    @event_priority(100)
    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """First: clean our pages' HTML (Markdown from YAML may hold raw HTML) before search indexes it."""
        return clean_html(html) if page.file.src_uri in self._build.pages else html

    @event_priority(50)
    def on_page_context(
        self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        """Our pages' models for our templates; before search (0), so that `search: exclude` applies."""
        spec = self._build.pages.get(page.file.src_uri)
        if spec is not None:
            site.add_model(spec, context, page)
        return context

    @event_priority(-100)
    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        """Last: the preview banner and file:// links; a credential page's HTML is kept as written."""
        return site.finish_page(self._build, output, page.file.src_uri, config.use_directory_urls)

    def on_post_template(self, output_content: str, template_name: str, config: MkDocsConfig) -> str:
        """Static templates: the sitemap without pages naming people; the preview banner on HTML ones."""
        if template_name == "sitemap.xml":
            return site.drop_personal_urls(output_content)
        if template_name.endswith(".html") and self._build.publication.preview:
            return site.mark_preview(output_content)
        return output_content

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """The build succeeded: save the cache store (a failed build saves nothing)."""
        store = self._build.store  # what it served is in the pages' and credentials/ lines above
        if store.rejected:
            log.info("cache: %s", store.rejection())
        store.save()

    def on_build_error(self, *, error: Exception) -> None:
        """Never leave the hidden credentials/ folder in the site."""
        if self.build is not None:
            self.build.kept.discard()

    def on_serve(self, server: Any, config: MkDocsConfig, builder: Any) -> Any:
        """Watch the program's folders too: they live outside docs_dir."""
        for path in site.watched(self.build.publication) if self.build is not None else ():
            server.watch(path)
        return server
