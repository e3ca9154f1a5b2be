"""The verification page gives credentials signed by other implementations their expected outcomes.

The corpus is tests/data/third-party/ (manifest.json). The documents a
verification fetches from the other issuers' hosts (status lists, DID
documents) are answered by the browser's router from the corpus files, with
CORS headers as GitHub Pages sends them; any other foreign URL (and the
badge images the page shows) answers 404, as it would offline.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from .verify_support import (
    PageWatch,
    VerifySite,
    _verify_browser,  # noqa: F401 (fixture)
    _verify_page,  # noqa: F401 (fixture)
    _verify_site,  # noqa: F401 (fixture)
    open_verifier,
    verify_pasted,
)

pytestmark = pytest.mark.browser

DATA = Path(__file__).parent.parent / "data" / "third-party"
MANIFEST = json.loads((DATA / "manifest.json").read_text("utf-8"))
CORS = {"access-control-allow-origin": "*", "content-type": "application/json"}


def serve_corpus(watch: PageWatch, routes: dict[str, str] = MANIFEST["routes"]) -> list[str]:
    """Route the other issuers' URLs to the corpus; returns the foreign URLs asked for."""
    asked: list[str] = []

    def handle(route: Any) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" == watch.origin:
            route.continue_()
            return
        if route.request.resource_type == "image":  # the badge images the page shows
            route.fulfill(status=404, body="")
            return
        asked.append(url)
        file = routes.get(url)
        if file is None:
            route.fulfill(status=404, headers=CORS, body="not found")
        else:
            route.fulfill(status=200, headers=CORS, body=(DATA / file).read_bytes())

    watch.page.route("**/*", handle)
    return asked


def test_third_party_corpus(verify_site: VerifySite, verify_page: PageWatch) -> None:
    page = verify_page.page
    verify_page.checked = True  # checked below: the corpus is served from other origins
    asked = serve_corpus(verify_page)
    open_verifier(page, verify_site)
    rule = page.text_content(".bp-formats") or ""
    # the multi-proof rule, stated on the page
    assert "authentic only if every one of its proofs" in " ".join(rule.split())
    suite_chunks = lambda: [u for u in verify_page.requests if "/ed25519-2020-" in u]  # noqa: E731
    jwt_chunks = lambda: [u for u in verify_page.requests if "/vc-jwt-" in u]  # noqa: E731
    got = {}
    for entry in MANIFEST["credentials"]:
        document = (DATA / entry["file"]).read_text("utf-8")  # JSON, or a VC-JWT
        if entry["file"].endswith("v2EddsaWithValidStatus.json"):
            # eddsa-rdfc-2022 only, verified before any Ed25519Signature2020 one
            assert not suite_chunks(), "the Ed25519Signature2020 code loaded before a credential needed it"
        if not entry["file"].endswith(".jwt"):  # (the manifest lists the VC-JWTs last)
            assert not jwt_chunks(), "the VC-JWT code loaded before a credential needed it"
        got[entry["file"]] = verify_pasted(page, document).status
    assert got == {e["file"]: e["expect"] for e in MANIFEST["credentials"]}
    assert len(suite_chunks()) == 1  # loaded once, when first needed
    assert len(jwt_chunks()) == 1
    assert set(asked) <= set(MANIFEST["routes"]) | {
        "https://raw.githubusercontent.com/digitalcredentials/verifier-core/refs/heads/main/src/test-fixtures/status/e5VK8CbZ1GjycuPombrj",
        "https://digitalcredentials.github.io/dcc-did-web-bad/did.json",
        "https://no-cors.example.org/closed/badge-7.json",
    }
    assert not verify_page.page_errors, verify_page.page_errors


DCC = "https://digitalcredentials.github.io"
REGISTRIES = {
    f"{DCC}/issuer-registry/registry.json": "registries/empty-registry.json",
    f"{DCC}/community-registry/registry.json": "registries/community-registry.json",
    f"{DCC}/dcc-registry/registry.json": "registries/empty-registry.json",
}


def test_known_issuer_lookup_only_on_request(verify_site: VerifySite, verify_page: PageWatch) -> None:
    page = verify_page.page
    verify_page.checked = True  # checked below: the corpus is served from other origins
    asked = serve_corpus(verify_page, {**MANIFEST["routes"], **REGISTRIES})  # the sandbox registry: 404
    open_verifier(page, verify_site)
    document = (DATA / "dcc-verifier-core/v1WithValidStatus.json").read_text("utf-8")
    assert verify_pasted(page, document).status == "verified"
    assert not [u for u in asked if "registry" in u], "a registry was contacted without the visitor asking"
    page.click("#bp-registries")
    page.wait_for_function("() => document.getElementById('bp-registries-result').dataset.done === 'true'")
    assert page.inner_text("#bp-registries-result").strip() == (
        "DCC Community Registry lists it as DCC verifier-core test issuer (Cambridge, MA, USA). "
        "Could not read: DCC Sandbox Registry."
    )
    assert not verify_page.page_errors, verify_page.page_errors
