"""The hostile program (tests/hostile_support.py) in a browser: no injected script runs, text reads as typed.

Every kind of page built from it is loaded (credential, achievement, learner
record, catalog, taxonomy, issuer) and its search is used. A payload that ran
would set ``window.__pwned`` (recorded by a setter installed before any page
script) or open a dialog; the ``watch`` helper also fails on a page error, a
console error (a removed ``<img src=x>`` would be a 404) and any request off
the test server.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from badgepress.sign.keys import KeyPair
from tests.conftest import add_key, copy_program, mkdocs_build, pin_clock
from tests.hostile_support import ACHIEVEMENT_NAME, LEARNER, LEARNER_NAME, NAMES, SLUG, TAG, make_hostile
from tests.test_pages import EPOCH

from .conftest import EXAMPLE_SITE_URL, Watched, shot, watch
from .verify_support import StaticServer

pytestmark = pytest.mark.browser

SITE_NAME = "Northfield Code School Badges"
TRAP = """
window.__pwnedLog = [];
Object.defineProperty(window, "__pwned", {
  configurable: false,
  get() { return undefined; },
  set(value) { window.__pwnedLog.push(String(value)); },
});
"""


@dataclass
class HostileSite:
    origin: str
    site: Path

    @property
    def url(self) -> str:
        return f"{self.origin}/badges/"


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostileSite]:
    serve_root = tmp_path_factory.mktemp("hostile-serve")
    server = StaticServer(serve_root)
    server.start()
    try:
        root = copy_program(tmp_path_factory.mktemp("hostile-program"))
        config = root / "mkdocs.yml"
        config.write_text(
            config.read_text(encoding="utf-8").replace(EXAMPLE_SITE_URL, f"{server.origin}/badges/", 1),
            encoding="utf-8",
        )
        make_hostile(root)
        key = KeyPair.generate()
        add_key(root, key)
        build = mkdocs_build(root, serve_root / "badges", key, {"SOURCE_DATE_EPOCH": EPOCH})
        assert build.returncode == 0, build.output
        assert "WARNING" not in build.output, build.output
        yield HostileSite(server.origin, serve_root / "badges")
    finally:
        server.stop()


@pytest.fixture
def visit(chromium: Any, hostile_site: HostileSite) -> Iterator[Watched]:
    context = pin_clock(chromium.new_context(viewport={"width": 1280, "height": 900}))
    context.add_init_script(TRAP)
    try:
        watched = watch(context, hostile_site.origin)
        yield watched
        assert watched.page.evaluate("window.__pwnedLog") == []
        watched.assert_clean()
    finally:
        context.close()


def _load(watched: Watched, url: str) -> Any:
    page = watched.page
    page.goto(url)
    page.wait_for_load_state("load")
    assert page.evaluate("window.__pwnedLog") == [], url
    return page


def _header_topic(page: Any) -> str:
    return " ".join(page.locator("[data-md-component=header-topic]").inner_text().split())


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_credential_pages(visit: Watched, hostile_site: HostileSite) -> None:
    seen = set()
    for path in sorted((hostile_site.site / "credentials").glob("*/index.html")):
        if f"/achievements/{SLUG}/" not in path.read_text(encoding="utf-8"):
            continue
        page = _load(visit, f"{hostile_site.url}credentials/{path.parent.name}/")
        name = page.locator(".bp-recipient").first.text_content()
        assert name in NAMES
        seen.add(name)
        title = f"{name} earned {ACHIEVEMENT_NAME}"
        assert page.title() == f"{title} - {SITE_NAME}"
        assert _flat(page.locator("article h1").first.inner_text()) == _flat(title)
        assert _header_topic(page) == _flat(title)
        assert page.locator('meta[property="og:title"]').get_attribute("content") == title
        if name == NAMES[-1]:
            shot(page, "hostile-credential")
    assert seen == set(NAMES)


def test_achievement_page(visit: Watched, hostile_site: HostileSite) -> None:
    page = _load(visit, f"{hostile_site.url}achievements/{SLUG}/")
    assert page.title() == f"{ACHIEVEMENT_NAME} - {SITE_NAME}"
    assert _flat(page.locator("article h1").first.inner_text()) == _flat(ACHIEVEMENT_NAME)
    article = page.locator("article")
    assert article.locator("script, iframe, svg[onload], img[src='x']").count() == 0
    assert article.locator("[onclick], [onmouseover], [onerror], [style*='url(']").count() == 0
    for link in article.locator("a[href]").all():
        assert not link.get_attribute("href").strip().lower().startswith(("javascript:", "data:"))
    assert "Write <script> safely" in article.inner_text()
    article.get_by_text("Hover here").hover()  # its onmouseover was removed
    article.get_by_text("a script link").click()  # no href left: clicking does nothing
    assert page.evaluate("window.__pwnedLog") == []
    shot(page, "hostile-achievement")


def test_learner_record_page(visit: Watched, hostile_site: HostileSite) -> None:
    page = _load(visit, f"{hostile_site.url}learners/{LEARNER}/")
    assert page.title() == f"Learner record of {LEARNER_NAME} - {SITE_NAME}"
    assert page.locator("article h1").first.inner_text() == LEARNER_NAME
    assert _header_topic(page) == f"Learner record of {LEARNER_NAME}"


@pytest.mark.parametrize("where", ["achievements/", f"achievements/?tag={TAG}", "taxonomy/", "issuer/"])
def test_catalog_taxonomy_and_issuer_pages(visit: Watched, hostile_site: HostileSite, where: str) -> None:
    page = _load(visit, hostile_site.url + where)
    article = page.locator("article")
    assert ACHIEVEMENT_NAME in article.inner_text()
    if where != "issuer/":
        assert TAG in article.inner_text()
    if "?tag=" in where:
        page.wait_for_selector("form[data-bp-filters]:not([hidden])")
        assert page.get_by_label("Tag").input_value() == TAG
        cards = page.locator("[data-bp-card]:visible")
        assert cards.count() == 1 and ACHIEVEMENT_NAME in cards.first.inner_text()


@pytest.mark.parametrize("query", ["Hostile", "<script>", NAMES[0], "onerror", "Resist markup"])
def test_search_results(visit: Watched, hostile_site: HostileSite, query: str) -> None:
    page = _load(visit, hostile_site.url)
    page.get_by_role("textbox", name="Search").click()
    page.keyboard.type(query)
    # Material opens its results on focus through a debounce, which never fires under pin_clock's
    # frozen Date.now (RxJS compares due times with it); set its toggle as its search button does.
    page.evaluate(
        "() => { const t = document.getElementById('__search');"
        " t.checked = true; t.dispatchEvent(new Event('change')); }"
    )
    meta = page.locator(".md-search-result__meta")
    meta.wait_for()
    page.wait_for_function(
        "() => !/Type to start searching|Initializing search/.test("
        "document.querySelector('.md-search-result__meta').textContent)"
    )
    results = page.locator(".md-search-result__item")
    titles = [_flat(t) for t in page.locator(".md-search-result__article h1").all_inner_texts()]
    if query in ("Hostile", "Resist markup"):
        results.first.wait_for()
        assert _flat(ACHIEVEMENT_NAME) in titles
    # no recipient's name is indexed: credential and learner pages stay out of search
    assert not any(name in " ".join(titles) for name in NAMES)
    assert page.locator(".md-search-result script, .md-search-result img").count() == 0
    assert page.evaluate("window.__pwnedLog") == []
    if query == "Hostile":
        shot(page, "hostile-search", full_page=False)
