"""Browser tests of what an earner does after the award: share the credential page."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from tests.conftest import pin_clock

from .conftest import PagesSite, watch


def test_share_buttons_copy_post_and_email_with_no_third_party_script(
    chromium: Any, pages_site: PagesSite
) -> None:
    context = pin_clock(chromium.new_context(viewport={"width": 1280, "height": 900}))
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=pages_site.origin)
    try:
        watched = watch(context, pages_site.origin)
        page = watched.page
        url = pages_site.credential_page("Ben Lindqvist", "python-foundations")
        page.goto(url)
        share = page.locator(".bp-share")
        assert share.get_by_role("button", name="Copy link").is_visible()
        copy = share.locator("button[data-bp-copy]")
        copy.click()
        status = page.locator("#bp-copy-status")
        status.filter(has_text="Link copied").wait_for()
        assert copy.inner_text().strip() == "Link copied"  # said on the button too
        assert page.evaluate("navigator.clipboard.readText()") == url
        assert copy.get_attribute("aria-describedby") == "bp-copy-status"
        assert status.get_attribute("role") == "status"

        post = share.get_by_role("link", name="Post on LinkedIn").get_attribute("href")
        assert post.startswith("https://www.linkedin.com/sharing/share-offsite/?")
        assert parse_qs(urlsplit(post).query) == {"url": [url]}
        mail = share.get_by_role("link", name="Email").get_attribute("href")
        assert mail.startswith("mailto:?")
        fields = {k: unquote(v) for k, v in (p.split("=", 1) for p in mail[len("mailto:?") :].split("&"))}
        assert fields["subject"] == "Ben L. earned Python Foundations"
        assert url in fields["body"] and "Northfield Code School" in fields["body"]
        # every script the page runs is the site's own
        scripts = page.eval_on_selector_all("script[src]", "s => s.map(e => e.src)")
        assert scripts and all(s.startswith(pages_site.origin) for s in scripts), scripts
        watched.assert_clean()
    finally:
        context.close()


def test_without_the_clipboard_the_link_is_selected_to_copy_by_hand(
    chromium: Any, pages_site: PagesSite
) -> None:
    context = pin_clock(chromium.new_context(viewport={"width": 1280, "height": 900}))
    context.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    try:
        watched = watch(context, pages_site.origin)
        page = watched.page
        page.goto(pages_site.credential_page("Ben Lindqvist", "python-foundations"))
        page.get_by_role("button", name="Copy link").click()
        page.locator("#bp-copy-status").filter(has_text="to copy").wait_for()
        selected = page.evaluate(
            "(() => { const f = document.activeElement;"
            " return [f.id, f.selectionStart, f.selectionEnd, f.value.length]; })()"
        )
        assert selected[0] == "bp-page-url" and selected[1] == 0 and selected[2] == selected[3]
        watched.assert_clean()
    finally:
        context.close()


def test_a_revoked_credential_is_not_offered_for_posting(chromium: Any, pages_site: PagesSite) -> None:
    context = pin_clock(chromium.new_context(viewport={"width": 1280, "height": 900}))
    try:
        watched = watch(context, pages_site.origin)
        page = watched.page
        page.goto(pages_site.credential_page("Gita Raman"))
        assert page.get_by_role("link", name="Post on LinkedIn").count() == 0
        assert page.get_by_role("link", name="Email").count() == 0
        assert page.get_by_role("button", name="Copy link").is_visible()
        watched.assert_clean()
    finally:
        context.close()


def test_without_javascript_the_share_links_work_and_no_dead_button_shows(
    chromium: Any, pages_site: PagesSite
) -> None:
    context = pin_clock(
        chromium.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    )
    try:
        page = context.new_page()
        page.goto(pages_site.credential_page("Ben Lindqvist", "python-foundations"))
        assert page.get_by_role("button", name="Copy link").count() == 0  # hidden: it needs the script
        assert page.get_by_role("link", name="Post on LinkedIn").is_visible()
        assert page.get_by_role("link", name="Email").is_visible()
    finally:
        context.close()
