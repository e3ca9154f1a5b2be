"""axe-core (from npm, injected from node_modules) on every kind of public page, on a desktop and a phone.

No serious or critical violation is allowed on any page. The pages are the
example program's, as a visitor reaches them.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import REPO, pin_clock

from .conftest import PagesSite, watch

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}


def page_paths(site: PagesSite) -> dict[str, str]:
    return {
        "home": "",
        "catalog": "achievements/",
        "achievement": "achievements/python-foundations/",
        "credential": f"credentials/{site.award('Ben Lindqvist', 'python-foundations').credential_id}/",
        "learner-record": "learners/amara-o/",
        "issuer": "issuer/",
        "taxonomy": "taxonomy/",
        "verify": "verify/",
    }


def axe(page: Any) -> list[dict[str, Any]]:
    """The serious and critical violations axe finds on ``page`` (WCAG 2.x A and AA, and best practice)."""
    assert AXE.is_file(), f"{AXE} is missing: run npm ci"
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => JSON.stringify(await axe.run(document, {resultTypes: ['violations']}))"
    )
    return [v for v in json.loads(result)["violations"] if v["impact"] in ("serious", "critical")]


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['impact']} {v['id']}: {v['help']}")
        lines += [f"    {n['target']} {n.get('failureSummary', '')[:200]!r}" for n in v["nodes"][:5]]
    return "\n".join(lines)


@pytest.mark.parametrize("width", list(WIDTHS))
def test_no_serious_axe_violation_on_any_kind_of_page(
    chromium: Any, pages_site: PagesSite, width: str
) -> None:
    w, h = WIDTHS[width]
    context = pin_clock(chromium.new_context(viewport={"width": w, "height": h}))
    try:
        watched = watch(context, pages_site.origin)
        page = watched.page
        found = {}
        for kind, path in page_paths(pages_site).items():
            page.goto(pages_site.url + path)
            page.wait_for_load_state("load")
            violations = axe(page)
            if violations:
                found[kind] = describe(violations)
        assert not found, "\n".join(f"--- {kind} at {width}:\n{text}" for kind, text in found.items())
        watched.assert_clean()
    finally:
        context.close()


FOCUS_RING = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  // the ring may be drawn around the control or, for a card's link, around the card (:focus-within)
  let ring = false;
  for (let node = el, up = 0; node && up < 3 && !ring; node = node.parentElement, up++) {
    const style = getComputedStyle(node);
    ring = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 1;
    if (node === el && style.boxShadow !== "none") ring = true;
  }
  return {ring: ring, what: el.outerHTML.slice(0, 120)};
}"""


@pytest.mark.parametrize("width", list(WIDTHS))
def test_a_skip_link_first_and_a_visible_focus_on_every_control(
    chromium: Any, pages_site: PagesSite, width: str
) -> None:
    w, h = WIDTHS[width]
    context = pin_clock(chromium.new_context(viewport={"width": w, "height": h}))
    try:
        watched = watch(context, pages_site.origin)
        page = watched.page
        unringed: dict[str, list[str]] = {}
        for kind, path in page_paths(pages_site).items():
            page.goto(pages_site.url + path)
            page.keyboard.press("Tab")
            skip = page.evaluate("document.activeElement.textContent.trim()")
            assert skip == "Skip to content", f"{kind}: the first tab stop is {skip!r}"
            assert page.evaluate("document.activeElement.getBoundingClientRect().height") > 0
            page.keyboard.press("Enter")  # to the content (Material's own link: to the first heading)
            page.keyboard.press("Tab")  # from the content's start: its first control
            inside = page.evaluate("document.activeElement.closest('.md-content') !== null")
            assert inside, f"{kind}: the tab after the skip link left the content"
            for _ in range(40):
                state = page.evaluate(FOCUS_RING)
                if state is None:
                    break
                if not state["ring"]:
                    unringed.setdefault(kind, []).append(state["what"])
                page.keyboard.press("Tab")
        assert not unringed, unringed
        watched.assert_clean()
    finally:
        context.close()


def test_the_verify_page_file_input_shows_its_focus(chromium: Any, pages_site: PagesSite) -> None:
    context = pin_clock(chromium.new_context(viewport={"width": 1280, "height": 900}))
    try:
        page = context.new_page()
        page.goto(pages_site.url + "verify/")
        file_input = page.locator("input[type=file]").first
        file_input.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")  # reached by keyboard, so :focus-visible applies
        state = page.evaluate(FOCUS_RING)
        assert state and state["ring"] and "file" in state["what"], state
    finally:
        context.close()
