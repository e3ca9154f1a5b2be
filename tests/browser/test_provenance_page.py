"""The verification page shows, for a credential of this site, the pull request that approved it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest

from badgepress.load.program import load_program
from badgepress.load.settings import read_config
from badgepress.sign.keys import KeyPair
from tests.browser.conftest import EXAMPLE_SITE_URL, watch
from tests.browser.verify_support import StaticServer
from tests.conftest import mkdocs_build, pin_clock
from tests.test_provenance import FARAH, GITA, REPO_URL, Story, make_repository


@dataclass
class Served:
    origin: str
    story: Story
    ids: dict[str, str]

    def verify_url(self, file: str) -> str:
        credential = f"{self.origin}/badges/credentials/{self.ids[file]}.json"
        return f"{self.origin}/badges/verify/?credential={quote(credential, safe='')}"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    serve_root = tmp_path_factory.mktemp("provenance-serve")
    server = StaticServer(serve_root)
    server.start()
    try:
        key = KeyPair.generate()
        story = make_repository(tmp_path_factory.mktemp("provenance-page") / "repo", key)
        # served locally: uncommitted changes, outside the folders whose history is read. Without
        # repo_url (Material would fetch the repository's facts from api.github.com), the links
        # come from GitHub Actions' variables, as in the publish workflow.
        config = story.root / "mkdocs.yml"
        text = config.read_text(encoding="utf-8").replace(EXAMPLE_SITE_URL, f"{server.origin}/badges/", 1)
        config.write_text(text.replace(f"repo_url: {REPO_URL}\n", "", 1), encoding="utf-8")
        actions = {"GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "northfield-code/badges"}
        build = mkdocs_build(story.root, serve_root / "badges", key, actions)
        assert build.returncode == 0, build.output
        settings = read_config(config)
        ids = {a.file: a.credential_id for a in load_program(settings.root, settings.settings).awards}
        yield Served(server.origin, story, ids)
    finally:
        server.stop()


def _provenance(chromium: Any, served: Served, file: str, status: str) -> tuple[list[str], list[str | None]]:
    context = pin_clock(chromium.new_context())
    try:
        watched = watch(context, served.origin)
        page = watched.page
        page.goto(served.verify_url(file))
        page.wait_for_selector(f'#bp-result[data-verification-status="{status}"]', timeout=30_000)
        box = page.wait_for_selector("#bp-provenance", timeout=30_000)
        lines = [p.inner_text() for p in box.query_selector_all("p")]
        links = [a.get_attribute("href") for a in box.query_selector_all("a")]
        watched.assert_clean()
        return lines, links
    finally:
        context.close()


def test_a_merged_pull_request_is_shown_and_linked(chromium: Any, served: Served) -> None:
    merge = served.story.commits["pr12"]
    lines, links = _provenance(chromium, served, FARAH, "verified")
    assert lines[0] == f"Approved in pull request #12, merged on 2026-09-03 (commit {merge[:7]})."
    assert links == [f"{REPO_URL}/pull/12", f"{REPO_URL}/commit/{merge}"]
    assert "provenance.json, signed by the issuer" in lines[-1]


def test_a_revocation_names_its_pull_request(chromium: Any, served: Served) -> None:
    start, revoke = served.story.commits["start"], served.story.commits["pr14"]
    lines, _ = _provenance(chromium, served, GITA, "revoked")
    assert lines[:2] == [
        f"Recorded in commit {start[:7]} on 2026-09-01, without a pull request.",
        f"Revoked in pull request #14, merged on 2026-09-09 (commit {revoke[:7]}).",
    ]


def test_nothing_is_shown_for_a_changed_provenance_file(chromium: Any, served: Served) -> None:
    """A provenance.json changed after signing is ignored: the page says nothing rather than a falsehood."""
    context = pin_clock(chromium.new_context())
    try:
        watched = watch(context, served.origin)
        page = watched.page

        def tamper(route: Any) -> None:
            response = route.fetch()
            text = response.text().replace('"pullRequest": 12', '"pullRequest": 13')
            route.fulfill(response=response, body=text)

        page.route("**/provenance.json", tamper)
        page.goto(served.verify_url(FARAH))
        page.wait_for_selector('#bp-result[data-verification-status="verified"]', timeout=30_000)
        page.wait_for_timeout(1500)
        assert page.query_selector("#bp-provenance") is None
        watched.assert_clean()
    finally:
        context.close()


def test_the_lines_go_when_another_credential_is_checked(chromium: Any, served: Served) -> None:
    context = pin_clock(chromium.new_context())
    try:
        watched = watch(context, served.origin)
        page = watched.page
        page.goto(served.verify_url(FARAH))
        page.wait_for_selector("#bp-provenance", timeout=30_000)
        page.fill("#bp-input", '{"not": "a credential"}')
        page.click("#bp-verify")
        page.wait_for_selector('#bp-result[data-verification-status="invalid"]', timeout=30_000)
        assert page.query_selector("#bp-provenance") is None
        watched.assert_clean()
    finally:
        context.close()
