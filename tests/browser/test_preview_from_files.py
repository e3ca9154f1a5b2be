"""The pull request's preview, opened as a reviewer opens it: unzipped, from file://, no server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import badgepress, pin_clock
from tests.test_template import build_for_files

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new program's preview, built as its pull request workflow builds it."""
    root = tmp_path_factory.mktemp("preview") / "club"
    made = badgepress("init", str(root), "--name", "Riverside Robotics Club", "--requirement", "badgepress")
    assert made.returncode == 0, made.stderr
    return build_for_files(root, root / "preview-site")


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    """A page that fails the test if anything is requested from the network (any origin at all)."""
    context = pin_clock(chromium.new_context(viewport={"width": 1280, "height": 900}))
    requested: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith(("http:", "https:")):
            requested.append(r.request.url)
            r.abort()
        else:
            r.continue_()

    context.route("**/*", route)
    try:
        yield context.new_page()
        assert not requested, f"requests to other origins: {requested}"
    finally:
        context.close()


def arrive(page: Any, preview: Path, rel: str) -> None:
    """The page is the file ``rel`` of the preview, a real page (not a folder's listing)."""
    page.wait_for_load_state()
    assert page.url.split("?")[0].split("#")[0] == (preview / rel).as_uri()
    assert not page.title().startswith("Index of"), page.url
    assert page.locator(".bp-preview").count() == 1  # marked as a preview


def test_a_reviewer_browses_the_preview_from_files(page: Any, preview: Path) -> None:
    page.goto((preview / "index.html").as_uri())
    arrive(page, preview, "index.html")
    page.get_by_role("link", name="Browse the badges").click()
    arrive(page, preview, "achievements/index.html")
    page.locator("main").get_by_role("link", name="First Contribution").first.click()
    arrive(page, preview, "achievements/first-contribution/index.html")
    page.get_by_role("link", name="All badges").click()
    arrive(page, preview, "achievements/index.html")
    tabs = (("Issuer", "issuer/index.html"), ("Verify", "verify/index.html"), ("Home", "index.html"))
    for tab, rel in tabs:
        page.locator(".md-tabs").get_by_role("link", name=tab, exact=True).click()
        arrive(page, preview, rel)
    (credential,) = (preview / "credentials").glob("*/index.html")
    page.goto(credential.as_uri())
    page.locator("main").get_by_role("link", name="Riverside Robotics Club").first.click()
    arrive(page, preview, "issuer/index.html")
