"""Browser tests of the public pages: a built example site, served locally, in headless Chromium.

* ``pages_site``: the example program, copied, with Leo Fischer's award moved
  into the past (an expired credential to show), signed with a test key and
  built as of a fixed date for ``site_url: http://127.0.0.1:<port>/badges/``,
  then served by a threaded ``http.server`` on that port. Being built for its
  real address, its credentials also verify on its own /verify/ page.
* ``instant_site``: the same, with Material's ``navigation.instant`` on.
* ``chromium``: Debian's Chromium through Playwright (DESIGN.md's flags). It
  is module-scoped on purpose: Playwright's sync API allows one running
  instance per thread, so none may outlive its module.
* ``watched``: a fresh page that fails the test on a console error, a page
  error, a dialog or a request to any other origin than the test server.

Screenshots go to ``test-results/screenshots/`` (``shot``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from badgepress.domain import Award
from badgepress.load.program import load_program
from badgepress.load.settings import read_config
from badgepress.sign.keys import KeyPair
from tests.browser.verify_support import CHROMIUM, CHROMIUM_ARGS, StaticServer
from tests.conftest import REPO, add_key, copy_program, mkdocs_build, pin_clock
from tests.test_pages import EPOCH, make_lapsed

SCREENSHOTS = REPO / "test-results" / "screenshots"
EXAMPLE_SITE_URL = "https://northfield-code.github.io/badges/"


@dataclass
class PagesSite:
    origin: str
    site: Path
    root: Path
    awards: tuple[Award, ...]
    achievements: list[str]

    @property
    def url(self) -> str:
        return f"{self.origin}/badges/"

    def award(self, name: str, achievement: str | None = None) -> Award:
        return next(a for a in self.awards if a.name == name and achievement in (None, a.achievement))

    def credential_page(self, name: str, achievement: str | None = None) -> str:
        return f"{self.url}credentials/{self.award(name, achievement).credential_id}/"


def build_pages_site(
    serve_root: Path, program: Path, server: StaticServer, features: tuple[str, ...]
) -> PagesSite:
    root = copy_program(program)
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert f"site_url: {EXAMPLE_SITE_URL}\n" in text
    text = text.replace(EXAMPLE_SITE_URL, f"{server.origin}/badges/", 1)
    for feature in features:
        text, count = re.subn(r"(?m)^  features:\n", f"  features:\n    - {feature}\n", text, count=1)
        assert count == 1, "theme.features not found in the example's mkdocs.yml"
    config.write_text(text, encoding="utf-8")
    make_lapsed(root, "Leo Fischer", issued="2025-10-01", expires="2026-10-01")
    key = KeyPair.generate()
    add_key(root, key)
    site = serve_root / "badges"
    build = mkdocs_build(root, site, key, {"SOURCE_DATE_EPOCH": EPOCH})
    assert build.returncode == 0, build.output
    assert "WARNING" not in build.output, build.output
    settings = read_config(config)
    program_ = load_program(settings.root, settings.settings)
    return PagesSite(server.origin, site, root, program_.awards, sorted(program_.achievements))


def _site(tmp_path_factory: pytest.TempPathFactory, features: tuple[str, ...]) -> Iterator[PagesSite]:
    serve_root = tmp_path_factory.mktemp("pages-serve")
    server = StaticServer(serve_root)
    server.start()
    try:
        yield build_pages_site(serve_root, tmp_path_factory.mktemp("pages-program"), server, features)
    finally:
        server.stop()


@pytest.fixture(scope="session")
def pages_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PagesSite]:
    yield from _site(tmp_path_factory, ())


@pytest.fixture(scope="session")
def instant_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PagesSite]:
    yield from _site(tmp_path_factory, ("navigation.instant",))


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    # no skip: without Chromium these tests must fail (DESIGN.md, Tests)
    assert Path(CHROMIUM).is_file(), f"{CHROMIUM} is missing: apt-get install chromium"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Watched:
    """A page and what went wrong in it."""

    page: Any
    origin: str
    problems: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert not self.problems, self.problems
        assert not self.foreign, f"requests off the test server: {self.foreign}"


def watch(context: Any, origin: str) -> Watched:
    page = context.new_page()
    watched = Watched(page, origin)
    page.on("console", lambda m: watched.problems.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: watched.problems.append(f"page error: {e}"))
    page.on("dialog", lambda d: (watched.problems.append(f"dialog: {d.message}"), d.dismiss()))

    def route(r: Any) -> None:
        parts = urlsplit(r.request.url)
        if parts.scheme in ("http", "https") and f"{parts.scheme}://{parts.netloc}" != origin:
            watched.foreign.append(r.request.url)
            r.abort()
        else:
            r.continue_()

    context.route("**/*", route)
    return watched


@pytest.fixture
def watched(chromium: Any, pages_site: PagesSite) -> Iterator[Watched]:
    context = pin_clock(chromium.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True))
    try:
        w = watch(context, pages_site.origin)
        yield w
        w.assert_clean()
    finally:
        context.close()


def shot(page: Any, name: str, *, full_page: bool = True, height: int | None = None) -> Path:
    """Save a screenshot for review: test-results/screenshots/<name>.png (the top ``height`` px if set)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    # lazy images below the fold would be blank in a full-page shot
    page.evaluate(
        """Promise.all(Array.from(document.images, (i) => {
             i.loading = "eager";
             return i.complete ? null : new Promise((done) => { i.onload = i.onerror = done; });
           }))"""
    )
    clip = {"x": 0, "y": 0, "width": page.viewport_size["width"], "height": height} if height else None
    page.screenshot(path=str(path), full_page=full_page, animations="disabled", clip=clip)
    return path
