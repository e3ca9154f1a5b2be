"""The public pages as a visitor sees them: catalog, achievement, credential, issuer, taxonomy.

Each test fails on a console error, a page error or a request off the test
server (the ``watched`` fixture), and saves screenshots to
test-results/screenshots/ for review.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from badgepress.build.baking import extract_baked
from tests.conftest import pin_clock

from .conftest import PagesSite, Watched, shot, watch

pytestmark = pytest.mark.browser

# Text contrast of every visible text element of the article, WCAG 2.x: 4.5:1, or 3:1 for large
# text (24px, or 18.66px bold). Backgrounds are the nearest opaque ancestors, translucent layers
# blended in.
CONTRAST_FAILURES = """
() => {
  const parse = (c) => {
    const m = /rgba?\\(([^)]+)\\)/.exec(c);
    if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const blend = (top, under) => [0, 1, 2].map((i) => top[i] * top[3] + under[i] * (1 - top[3])).concat(1);
  const luminance = (c) => {
    const [r, g, b] = c.slice(0, 3).map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c[3] > 0) {
        layers.push(c);
        if (c[3] >= 1) break;
      }
    }
    let bg = [255, 255, 255, 1];
    for (const layer of layers.reverse()) bg = blend(layer, bg);
    return bg;
  };
  const opacity = (el) => {
    let o = 1;
    for (let e = el; e; e = e.parentElement) o *= Number(getComputedStyle(e).opacity);
    return o;
  };
  const failures = [];
  let checked = 0;
  for (const el of document.querySelectorAll("article *")) {
    const own = Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || !el.getClientRects().length || opacity(el) < 0.5) continue;
    const style = getComputedStyle(el);
    if (style.visibility !== "visible") continue;
    const bg = background(el);
    const fg = blend(parse(style.color), bg);
    const [hi, lo] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
    const ratio = (hi + 0.05) / (lo + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    checked += 1;
    if (ratio < (large ? 3 : 4.5)) {
      const what = `${el.tagName.toLowerCase()}.${el.className} "${el.textContent.trim().slice(0, 40)}"`;
      failures.push(`${what} ${ratio.toFixed(2)}`);
    }
  }
  return { checked, failures };
}
"""


def visible_cards(page: Any, expected: int | None = None) -> list[str]:
    """The titles of the cards shown, once ``expected`` of them are (the filters run on events)."""
    if expected is not None:
        expect(page.locator("[data-bp-card]:visible")).to_have_count(expected)
    return page.locator("[data-bp-card]:visible h2").all_inner_texts()


def open_catalog(watched: Watched, site: PagesSite, query: str = "") -> Any:
    page = watched.page
    page.goto(f"{site.url}achievements/{query}")
    page.wait_for_selector("form[data-bp-filters]:not([hidden])")
    return page


def test_catalog_filters_without_a_server(watched: Watched, pages_site: PagesSite) -> None:
    page = open_catalog(watched, pages_site)
    assert page.locator("h1").inner_text() == "Badges"
    everything = visible_cards(page)
    assert len(everything) == len(pages_site.achievements) == 6
    count = page.locator("#bp-count")
    assert count.inner_text() == "6 badges"
    assert count.get_attribute("aria-live") == "polite"
    shot(page, "catalog")
    shot(page, "readme-catalog", full_page=False)

    page.get_by_label("Tag").select_option("python")
    assert sorted(visible_cards(page)) == ["Data Analysis with Python", "Python Foundations"]
    assert count.inner_text() == "Showing 2 of 6 badges"
    assert page.url.endswith("/achievements/?tag=python")

    page.get_by_label("Type").select_option("Course")
    assert visible_cards(page, 1) == ["Python Foundations"]
    assert count.inner_text() == "Showing 1 of 6 badges"
    shot(page, "catalog-filtered")

    page.get_by_label("Type").select_option("Award")
    assert visible_cards(page, 0) == []
    assert page.get_by_text("No badge matches these filters.").is_visible()
    page.get_by_role("button", name="Show all badges").click()
    assert visible_cards(page, len(everything)) == everything
    assert count.inner_text() == "6 badges"
    assert page.url.endswith("/achievements/")

    page.get_by_label("Skills framework").select_option("W3C WCAG 2.2")
    assert visible_cards(page) == ["Accessible Web Pages"]
    page.get_by_role("button", name="Clear filters").click()
    page.wait_for_function("document.querySelectorAll('[data-bp-card][hidden]').length === 0")
    assert count.inner_text() == "6 badges"
    watched.assert_clean()


def test_catalog_filters_can_be_linked(watched: Watched, pages_site: PagesSite) -> None:
    page = open_catalog(watched, pages_site, "?tag=teamwork")
    assert page.get_by_label("Tag").input_value() == "teamwork"
    assert sorted(visible_cards(page)) == ["Git Collaboration", "Spring Hackathon Winner"]
    assert page.locator("#bp-count").inner_text() == "Showing 2 of 6 badges"
    page = open_catalog(watched, pages_site, "?tag=no-such-tag&type=Competency")
    assert page.get_by_label("Tag").input_value() == ""  # unknown values are ignored
    assert visible_cards(page) == ["Accessible Web Pages"]
    watched.assert_clean()


def test_catalog_works_without_javascript(chromium: Any, pages_site: PagesSite) -> None:
    context = chromium.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{pages_site.url}achievements/?tag=python")
        assert len(visible_cards(page)) == 6  # every card, and no filters that could not work
        assert not page.locator("form[data-bp-filters]").is_visible()
        assert page.locator("#bp-count").inner_text() == "6 badges"
        page.get_by_role("link", name="Python Foundations").click()
        assert page.locator("h1").inner_text() == "Python Foundations"
    finally:
        context.close()


def test_catalog_filters_are_keyboard_usable(watched: Watched, pages_site: PagesSite) -> None:
    page = open_catalog(watched, pages_site)
    page.locator("body").focus()
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "bp-filter-type":
            break
    else:
        raise AssertionError("Tab never reached the type filter")
    focus_ring = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert focus_ring != "none"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "bp-filter-tag"
    page.keyboard.press("ArrowDown")  # the first tag, "accessibility"
    assert page.get_by_label("Tag").input_value() == "accessibility"
    assert visible_cards(page) == ["Accessible Web Pages"]
    assert page.locator("#bp-count").inner_text() == "Showing 1 of 6 badges"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Clear filters"
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelectorAll('[data-bp-card][hidden]').length === 0")
    # and on to the cards: each one's link is the next stop
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Accessible Web Pages"
    page.keyboard.press("Enter")
    page.wait_for_url("**/achievements/web-accessibility/")
    watched.assert_clean()


def test_catalog_filters_with_material_instant_navigation(chromium: Any, instant_site: PagesSite) -> None:
    context = pin_clock(chromium.new_context(viewport={"width": 1280, "height": 900}))
    try:
        watched = watch(context, instant_site.origin)
        page = watched.page
        page.goto(instant_site.url)
        # Material intercepts clicks only once it has read the sitemap (which pages are the site's):
        # on a busy machine a click before that is a plain page load
        page.wait_for_load_state("networkidle")
        page.evaluate("window.bpSamePage = true")
        page.get_by_role("link", name="Badges", exact=True).first.click()
        page.wait_for_url("**/achievements/")
        assert page.evaluate("window.bpSamePage === true")  # Material swapped the page: no load
        page.wait_for_selector("form[data-bp-filters]:not([hidden])")
        page.get_by_label("Tag").select_option("git")
        assert visible_cards(page) == ["Git Collaboration"]
        # away and back again, still without a page load: the filters start again
        page.get_by_role("link", name="Git Collaboration").click()
        page.wait_for_url("**/achievements/git-collaboration/")
        page.go_back()
        page.wait_for_url("**/achievements/?tag=git")
        assert page.evaluate("window.bpSamePage === true")
        page.wait_for_selector("form[data-bp-filters]:not([hidden])")
        assert page.get_by_label("Tag").input_value() == "git"  # restored from the address
        page.get_by_label("Tag").select_option("")
        page.get_by_label("Type").select_option("Award")
        assert visible_cards(page) == ["Spring Hackathon Winner"]
        assert page.locator("#bp-count").inner_text() == "Showing 1 of 6 badges"
        watched.assert_clean()
    finally:
        context.close()


def test_search_finds_a_badge_by_its_criteria(watched: Watched, pages_site: PagesSite) -> None:
    page = watched.page
    page.goto(pages_site.url)
    page.get_by_role("textbox", name="Search").click()
    page.keyboard.type("practical exam")
    result = page.locator(".md-search-result__item").first
    result.wait_for()
    assert "Data Analysis with Python" in result.inner_text()
    watched.assert_clean()


def test_achievement_page(watched: Watched, pages_site: PagesSite) -> None:
    page = open_catalog(watched, pages_site)
    page.locator("[data-bp-card]", has_text="Python Foundations").click()  # the whole card is a link
    page.wait_for_url("**/achievements/python-foundations/")
    assert page.locator("h1").all_inner_texts() == ["Python Foundations"]
    image = page.get_by_role("img", name="Python Foundations badge, a blue and yellow medal")
    assert image.is_visible() and image.evaluate("i => i.complete && i.naturalWidth > 0")
    main = page.locator("article")
    text = main.inner_text()
    assert "Issued by Northfield Code School" in text and "6 earners" in text
    assert page.get_by_role("heading", name="How to earn it").is_visible()
    assert main.locator("ol li").first.inner_text() == "attend at least ten of the twelve weekly sessions;"
    esco = page.get_by_role("link", name="Python (computer programming)")
    assert esco.get_attribute("href", timeout=1000).startswith("http://data.europa.eu/esco/skill/")
    assert (
        page.get_by_role("link", name="Achievement JSON")
        .get_attribute("href")
        .endswith("achievements/python-foundations.json")
    )
    for term in ("Course", "NCS-101", "Computer Science", "Final grade: A, B or C"):
        assert term in text
    shot(page, "achievement")
    response = page.request.get(f"{pages_site.url}achievements/python-foundations.json")
    assert response.ok and response.json()["name"] == "Python Foundations"
    page.get_by_role("link", name="Data Analysis with Python").click()  # the pathway goes on
    assert page.locator("h1").inner_text() == "Data Analysis with Python"
    assert "Earn first" in page.locator("article").inner_text()
    watched.assert_clean()


def test_credential_page(watched: Watched, pages_site: PagesSite) -> None:
    award = pages_site.award("Ben Lindqvist", "python-foundations")
    cid = award.credential_id
    page = watched.page
    page.goto(pages_site.credential_page("Ben Lindqvist", "python-foundations"))
    assert page.locator("h1").all_inner_texts() == ["Ben L. earned Python Foundations"]
    assert page.locator(".bp-status").inner_text() == "Valid credential"
    text = page.locator("article").inner_text()
    for expected in ("ISSUED BY\nNorthfield Code School", "ISSUED ON\n29 May 2026", "FINAL GRADE\nB"):
        assert expected in text
    assert "Lindqvist" not in page.content()
    json_url = f"{pages_site.url}credentials/{cid}.json"
    verify = page.get_by_role("link", name="Verify this credential")
    assert verify.is_visible()
    relative = f"../credentials/{cid}.json"  # from verify/: a copy served elsewhere checks its own copy
    assert verify.get_attribute("href") == f"../../verify/?credential={quote(relative, safe='')}"
    linkedin = page.get_by_role("link", name="Add to LinkedIn profile")
    assert linkedin.get_attribute("href").startswith("https://www.linkedin.com/profile/add?")
    assert page.get_by_role("link", name="Credential JSON").is_visible()
    qr = page.get_by_role("img", name=re.compile("QR code of this credential's page"))
    assert qr.is_visible() and qr.bounding_box()["width"] >= 150
    assert page.get_by_label("Link to this credential").input_value() == f"{pages_site.url}credentials/{cid}/"
    for image in page.locator("article img").all():
        assert image.get_attribute("alt") is not None
        assert image.evaluate("i => i.complete && i.naturalWidth > 0")
    shot(page, "credential")
    shot(page, "readme-credential", full_page=False, height=820)  # for the README, down to the QR code

    with page.expect_download() as info:
        page.get_by_role("link", name="Download badge (PNG)").click()
    download = info.value
    assert download.suggested_filename == f"python-foundations-{cid}.png"
    published = page.request.get(json_url).text()
    with open(download.path(), "rb") as baked:
        assert extract_baked(baked.read()) == published
    watched.assert_clean()


def test_verify_button_verifies_the_credential(watched: Watched, pages_site: PagesSite) -> None:
    page = watched.page
    page.goto(pages_site.credential_page("Amara Okafor", "data-analysis-certificate"))
    page.get_by_role("link", name="Verify this credential").click()
    page.wait_for_url("**/verify/?credential=*")
    result = page.locator("#bp-result[data-verification-status]:not([data-verification-status=''])")
    result.wait_for(timeout=30_000)
    assert result.get_attribute("data-verification-status") == "verified", result.inner_text()
    watched.assert_clean()


def test_revoked_and_expired_credential_pages(watched: Watched, pages_site: PagesSite) -> None:
    page = watched.page
    page.goto(pages_site.credential_page("Gita Raman"))
    assert page.locator("h1").inner_text() == "Gita R. earned Accessible Web Pages"
    assert page.locator(".bp-status").inner_text() == "Revoked on 2 July 2026"
    assert "Awarded by mistake to the wrong learner" in page.locator(".bp-revocation").inner_text()
    assert page.get_by_role("link", name="Add to LinkedIn profile").count() == 0
    assert page.get_by_role("link", name="Verify this credential").is_visible()
    shot(page, "credential-revoked")
    page.goto(pages_site.credential_page("Leo Fischer"))
    assert page.locator(".bp-status").inner_text() == "Expired on 1 October 2026"
    assert "EXPIRED ON\n1 October 2026" in page.locator("article").inner_text()
    shot(page, "credential-expired")
    page.goto(pages_site.credential_page("Ben Lindqvist", "web-accessibility"))
    assert page.get_by_role("link", name="Download badge (SVG)").is_visible()
    assert "Found and fixed 14 WCAG failures" in page.locator(".bp-evidence").inner_text()
    watched.assert_clean()


def test_issuer_and_taxonomy_pages(watched: Watched, pages_site: PagesSite) -> None:
    page = watched.page
    page.goto(f"{pages_site.url}issuer/")
    assert page.locator("h1").all_inner_texts() == ["Northfield Code School"]
    assert page.get_by_role("img", name=re.compile("Northfield Code School logo")).is_visible()
    text = page.locator("article").inner_text()
    assert "did:web:127.0.0.1%3A" in text and "#key-test" in text and "#key-2026" in text
    assert page.get_by_role("link", name=re.compile("DID document")).get_attribute("href") == "../did.json"
    shot(page, "issuer")
    page.goto(f"{pages_site.url}taxonomy/")
    assert page.locator("h1").inner_text() == "Taxonomy"
    pathway = page.locator("section", has=page.locator("#pathway-data-pathway"))
    assert pathway.locator("li").all_inner_texts() == ["Python Foundations", "Data Analysis with Python"]
    shot(page, "taxonomy")
    page.get_by_role("link", name="Show the python badges in the catalog").click()
    page.wait_for_selector("form[data-bp-filters]:not([hidden])")
    assert sorted(visible_cards(page)) == ["Data Analysis with Python", "Python Foundations"]
    watched.assert_clean()


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_text_contrast_in_light_and_dark(watched: Watched, pages_site: PagesSite, scheme: str) -> None:
    page = watched.page
    paths = [
        "achievements/",
        "achievements/python-foundations/",
        "issuer/",
        "taxonomy/",
        pages_site.credential_page("Ben Lindqvist", "python-foundations"),
        pages_site.credential_page("Gita Raman"),
        pages_site.credential_page("Leo Fischer"),
    ]
    checked = 0
    for path in paths:
        page.goto(path if path.startswith("http") else pages_site.url + path)
        # colours are read right away: no transition from the other scheme's
        page.add_style_tag(content="*, *::before, *::after { transition: none !important; }")
        page.evaluate(f"document.body.setAttribute('data-md-color-scheme', '{scheme}')")
        result = page.evaluate(CONTRAST_FAILURES)
        assert result["failures"] == [], (path, scheme, result["failures"])
        checked += result["checked"]
    assert checked > 200
    shot(page, f"credential-expired-{scheme}")
    watched.assert_clean()


def test_pages_on_a_phone(chromium: Any, pages_site: PagesSite) -> None:
    context = pin_clock(
        chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    )
    try:
        watched = watch(context, pages_site.origin)
        page = watched.page
        for name, url in (
            ("catalog-phone", f"{pages_site.url}achievements/"),
            ("credential-phone", pages_site.credential_page("Amara Okafor", "data-analysis-certificate")),
        ):
            page.goto(url)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{name} scrolls sideways by {overflow}px"
            shot(page, name)
        watched.assert_clean()
    finally:
        context.close()
