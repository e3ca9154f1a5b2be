"""Findable (opt-in): earners on the achievement page and a "Find my badge" lookup over published data."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from badgepress.sign.keys import KeyPair
from tests.conftest import add_key, copy_program, mkdocs_build, pin_clock
from tests.test_pages import EPOCH

from .conftest import EXAMPLE_SITE_URL, watch
from .verify_support import StaticServer


@pytest.fixture(scope="module")
def findable(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The example program with ``findable: true``, built and served; (its URL, its site folder)."""
    serve_root = tmp_path_factory.mktemp("findable-serve")
    server = StaticServer(serve_root)
    server.start()
    try:
        root = copy_program(tmp_path_factory.mktemp("findable") / "program")
        config = root / "mkdocs.yml"
        text = config.read_text(encoding="utf-8").replace(EXAMPLE_SITE_URL, f"{server.origin}/badges/", 1)
        text = text.replace(
            "      show_names: initial\n", "      show_names: initial\n      findable: true\n", 1
        )
        config.write_text(text, encoding="utf-8")
        key = KeyPair.generate()
        add_key(root, key)
        site = serve_root / "badges"
        build = mkdocs_build(root, site, key, {"SOURCE_DATE_EPOCH": EPOCH})
        assert build.returncode == 0 and "WARNING" not in build.output, build.output
        yield f"{server.origin}/badges/", site
    finally:
        server.stop()


def test_the_achievement_page_lists_its_valid_earners_by_shown_name(findable: tuple[str, Path]) -> None:
    _, site = findable
    html = (site / "achievements/web-accessibility/index.html").read_text(encoding="utf-8")
    section = html[html.index('<h2 id="earners">') : html.index('<h2 id="details">')]
    names = re.findall(r'<li><a href="../../credentials/[a-z2-7]{16}/">([^<]+)</a>', section)
    assert "Ben L." in names and "Gita R." not in names  # Gita's was revoked
    assert "Lindqvist" not in html
    assert 'href="../../find/"' in section
    data = (site / "find/index.html").read_text(encoding="utf-8")
    earners = json.loads(
        re.search(r'<script type="application/json" id="bp-find-data">(.*?)</script>', data, re.S)[1]
    )
    assert {"name", "badge", "issued", "page"} == set(earners[0])
    assert all(e["name"] != "A recipient" for e in earners)
    assert "Lindqvist" not in data and "Okafor" not in data  # shown names only
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    assert not [d for d in index["docs"] if d["location"].startswith("find/")]


def test_find_my_badge_by_name(chromium: Any, findable: tuple[str, Path]) -> None:
    url, _ = findable
    context = pin_clock(chromium.new_context(viewport={"width": 390, "height": 844}))
    try:
        watched = watch(context, url.split("/badges/")[0])
        page = watched.page
        page.goto(url + "find/")
        field = page.get_by_label("Name")
        field.fill("amara o")
        page.locator("#bp-find-count").filter(has_text="found").wait_for()
        links = page.locator("#bp-find-results a")
        texts = links.all_inner_texts()
        assert texts and all(t.startswith("Amara O.: ") for t in texts), texts
        assert any("Python Foundations" in t for t in texts)
        links.first.click()
        page.wait_for_url("**/credentials/*/")
        assert page.locator("h1").inner_text().startswith("Amara O. earned")
        page.goto(url + "find/?name=" + "zz%C3%BFx")
        page.locator("#bp-find-count").filter(has_text="No badge found").wait_for()
        page.goto(url + "find/")
        page.get_by_label("Name").fill("<img src=x onerror=alert(1)>")
        assert page.locator("#bp-find-results img").count() == 0  # typed text is never HTML
        watched.assert_clean()
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_the_find_page_and_an_earners_list_pass_axe(
    chromium: Any, findable: tuple[str, Path], width: int
) -> None:
    from .test_accessibility import axe, describe

    url, _ = findable
    context = pin_clock(chromium.new_context(viewport={"width": width, "height": 900}))
    try:
        page = context.new_page()
        for path in ("find/?name=ben", "achievements/web-accessibility/"):
            page.goto(url + path)
            violations = axe(page)
            assert not violations, f"{path} at {width}:\n{describe(violations)}"
    finally:
        context.close()
