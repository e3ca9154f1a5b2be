"""A preview copy verifies its own credentials: built without a key for the production address
(site_url left at https://northfield-code.github.io/badges/), served from 127.0.0.1, with no
route to the production host. Its credentials, DID document, status list and revocation
notice are read from the copy, the page says so, and marks the preview key's credentials.
The same under `mkdocs serve`, which a new user tries first.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest

from tests.conftest import REPO, copy_program, mkdocs_build, pin_clock

from .conftest import shot
from .verify_support import RESULT_TIMEOUT_MS, PageWatch, StaticServer, ledger_ids, read_outcome

pytestmark = pytest.mark.browser

PRODUCTION = "https://northfield-code.github.io/badges/"
REVOKED_AWARD_FILE = "credentials/2026/gita-accessibility.yaml"


@dataclass
class PreviewCopy:
    origin: str
    site: Path
    valid_id: str
    revoked_id: str

    @property
    def url(self) -> str:
        return f"{self.origin}/badges/"

    def verify_link(self, credential: str) -> str:
        return f"{self.url}verify/?credential={quote(credential, safe='')}"


@pytest.fixture(scope="module")
def preview_copy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PreviewCopy]:
    root = copy_program(tmp_path_factory.mktemp("preview-program"))
    assert f"site_url: {PRODUCTION}\n" in (root / "mkdocs.yml").read_text(encoding="utf-8")
    serve_root = tmp_path_factory.mktemp("preview-serve")
    build = mkdocs_build(root, serve_root / "badges")  # no key: a preview build
    assert build.returncode == 0, build.output
    assert "preview build" in build.output
    sources = ledger_ids(root)
    (revoked_id,) = [cid for cid, source in sources.items() if source == REVOKED_AWARD_FILE]
    valid_id = next(
        cid
        for cid in sorted(sources)
        if cid != revoked_id
        and "validUntil"
        not in json.loads((serve_root / "badges" / "credentials" / f"{cid}.json").read_text(encoding="utf-8"))
    )
    server = StaticServer(serve_root)
    server.start()
    try:
        yield PreviewCopy(server.origin, serve_root / "badges", valid_id, revoked_id)
    finally:
        server.stop()


@pytest.fixture
def page_watch(chromium: Any, preview_copy: PreviewCopy) -> Iterator[PageWatch]:
    context = pin_clock(chromium.new_context())

    def no_route_off_the_copy(route: Any) -> None:
        parts = urlsplit(route.request.url)
        if parts.scheme in ("http", "https") and f"{parts.scheme}://{parts.netloc}" != preview_copy.origin:
            route.abort("addressunreachable")
        else:
            route.continue_()

    context.route("**/*", no_route_off_the_copy)
    page = context.new_page()
    page.set_default_timeout(RESULT_TIMEOUT_MS)
    watch = PageWatch(page, preview_copy.origin).attach()
    try:
        yield watch
    finally:
        context.close()


def _notes(page: Any) -> dict[str, str]:
    return dict(
        page.eval_on_selector_all("#bp-notes li", "els => els.map(e => [e.dataset.note, e.textContent])")
    )


def _assert_marked(page: Any) -> None:
    notes = _notes(page)
    assert "not a real credential" in notes["preview"], notes
    assert f"local or preview copy of {PRODUCTION}" in notes["local-copy"], notes
    result = page.locator("#bp-result")
    assert result.get_attribute("data-preview") == "true"
    assert result.get_attribute("data-local-copy") == "true"


@pytest.mark.parametrize("form", ["production URL", "relative URL"])
def test_valid_credential_from_the_query(page_watch: PageWatch, preview_copy: PreviewCopy, form: str) -> None:
    page = page_watch.page
    cid = preview_copy.valid_id
    path = f"credentials/{cid}.json"
    target = f"{PRODUCTION}{path}" if form == "production URL" else f"../{path}"
    page.goto(preview_copy.verify_link(target))
    outcome = read_outcome(page)
    assert outcome.status == "verified", outcome
    _assert_marked(page)
    details = page.inner_text("#bp-details-body")
    assert "identified by a hashed email address" in details
    assert "Northfield Code School" in details
    assert "listed in the DID document of the issuer" in details
    page_watch.assert_clean()


def test_revoked_credential_from_the_query(page_watch: PageWatch, preview_copy: PreviewCopy) -> None:
    page = page_watch.page
    page.goto(preview_copy.verify_link(f"{PRODUCTION}credentials/{preview_copy.revoked_id}.json"))
    outcome = read_outcome(page)
    assert outcome.status == "revoked", outcome
    assert "revoked by the issuer on 2 July 2026: Awarded by mistake" in outcome.checks[-1], outcome
    details = page.inner_text("#bp-details-body")
    assert "2 July 2026" in details and "Awarded by mistake to the wrong learner" in details
    _assert_marked(page)
    shot(page, "verify-preview-copy-revoked")
    page_watch.assert_clean()


@pytest.mark.parametrize(("which", "expected"), [("valid_id", "verified"), ("revoked_id", "revoked")])
def test_from_the_credential_pages_own_link(
    page_watch: PageWatch, preview_copy: PreviewCopy, which: str, expected: str
) -> None:
    page = page_watch.page
    page.goto(f"{preview_copy.url}credentials/{getattr(preview_copy, which)}/")
    page.get_by_role("link", name="Verify this credential").click()
    page.wait_for_url("**/verify/?credential=*")
    outcome = read_outcome(page)
    assert outcome.status == expected, outcome
    _assert_marked(page)
    page_watch.assert_clean()


# ---------------------------------------------------------------------------
# `mkdocs serve`: the case a new user meets first


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`mkdocs serve` of the example program, no key (preview), on a free port of 127.0.0.1."""
    root = copy_program(tmp_path_factory.mktemp("serve-program"))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("BADGEPRESS_")}
    env["NO_MKDOCS_2_WARNING"] = "1"
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--no-livereload", "-a", f"127.0.0.1:{port}"],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/badges/"
    try:
        for _ in range(600):
            try:
                with urllib.request.urlopen(f"{url}did.json", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            raise AssertionError("mkdocs serve did not start")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.parametrize("revoked", [False, True], ids=["valid", "revoked"])
def test_mkdocs_serve_verifies_its_own_credentials(chromium: Any, served: str, revoked: bool) -> None:
    sources = ledger_ids(REPO)
    kept = [c for c, source in sources.items() if (source == REVOKED_AWARD_FILE) == revoked]

    def in_force(cid: str) -> bool:
        with urllib.request.urlopen(f"{served}credentials/{cid}.json", timeout=10) as answer:
            return "validUntil" not in json.loads(answer.read())

    cid = kept[0] if revoked else next(c for c in sorted(kept) if in_force(c))
    origin = served.removesuffix("/badges/")
    context = pin_clock(chromium.new_context())
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith((origin, "data:", "blob:"))
            else route.abort("addressunreachable")
        ),
    )
    try:
        page = context.new_page()
        page.set_default_timeout(RESULT_TIMEOUT_MS)
        watch = PageWatch(page, origin).attach()
        page.goto(f"{served}credentials/{cid}/")
        page.get_by_role("link", name="Verify this credential").click()
        page.wait_for_url("**/verify/?credential=*")
        outcome = read_outcome(page)
        assert outcome.status == ("revoked" if revoked else "verified"), outcome
        _assert_marked(page)
        watch.assert_clean()
    finally:
        context.close()
