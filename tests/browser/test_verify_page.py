"""The verification page (/verify/) in headless Chromium, against a real built site.

Every verdict is read from ``#bp-result[data-verification-status]``; every
test also fails on a page error, a console error, a dialog or a request to
another origin than the test server (see ``PageWatch.assert_clean``).
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from badgepress.build.baking import bake_svg
from badgepress.sign.keys import KeyPair, did_key
from tests.conftest import REPO

from .verify_support import (
    Outcome,
    PageWatch,
    Timings,
    VerifySite,
    _verify_browser,  # noqa: F401 (fixture)
    _verify_page,  # noqa: F401 (fixture)
    _verify_site,  # noqa: F401 (fixture)
    _verify_timings,  # noqa: F401 (fixture)
    as_did_key_issuer,
    deflate_bomb,
    ledger_ids,
    open_verifier,
    png_with_itxt,
    read_outcome,
    sign,
    sign_as_site,
    status_entry,
    status_list_fixture,
    summarize_ms,
    verify_file,
    verify_pasted,
    verify_url_param,
    without_proof,
)

pytestmark = pytest.mark.browser

# The python-foundations credentials are the richest (result, evidence, alignment...).
BASE_ACHIEVEMENT = "python-foundations"


def base_credential_id(site: VerifySite, achievement: str = BASE_ACHIEVEMENT) -> str:
    """The first in-force credential of ``achievement``."""
    for cid in site.in_force_ids:
        if site.credentials[cid]["credentialSubject"]["achievement"]["id"].endswith(f"/{achievement}.json"):
            return cid
    raise AssertionError(f"no credential of {achievement}")


def assert_status(outcome: Outcome, expected: str) -> None:
    if outcome.status != expected:
        pytest.fail(f"expected {expected}, got {outcome}", pytrace=False)


def assert_responsive(page: Any) -> None:
    """The tab still runs script promptly."""
    page.wait_for_function("() => 1 + 1 === 2", timeout=5_000)
    assert page.evaluate("1 + 1") == 2


def pwned(page: Any) -> Any:
    return page.evaluate("() => window.__pwned")


# ---------------------------------------------------------------------------
# The example program, through ?credential=


def test_every_example_credential_by_url(
    verify_site: VerifySite, verify_page: PageWatch, verify_timings: Timings
) -> None:
    page = verify_page.page
    outcomes = {
        cid: verify_url_param(page, verify_site, verify_site.credential_url(cid))
        for cid in verify_site.credentials
    }
    statuses = {cid: o.status for cid, o in outcomes.items()}
    expected = dict.fromkeys(verify_site.credentials, "verified")
    expected[verify_site.revoked_id] = "revoked"
    expected[verify_site.expired_id] = "expired"
    assert statuses == expected, {cid: str(o) for cid, o in outcomes.items() if o.status != expected[cid]}
    # every credential of the example program was checked (its ledger lists them)
    assert set(ledger_ids(REPO)) | {verify_site.expired_id} == set(outcomes)
    verify_timings.record(
        "url_each_page_load", summarize_ms([outcomes[cid].ms for cid in verify_site.in_force_ids])
    )
    verify_page.assert_clean()


def test_verified_page_shows_the_details(verify_site: VerifySite, verify_page: PageWatch) -> None:
    page = verify_page.page
    cid = base_credential_id(verify_site)
    doc = verify_site.credentials[cid]
    outcome = verify_url_param(page, verify_site, verify_site.credential_url(cid))
    assert_status(outcome, "verified")
    assert [c.split(" ")[0] for c in outcome.checks] == [
        "credential:pass",
        "signature:pass",
        "issuer-key:pass",
        "dates:pass",
        "status:pass",
    ]
    assert page.locator("#bp-details").is_visible()
    details = page.inner_text("#bp-details-body")
    achievement = doc["credentialSubject"]["achievement"]
    assert achievement["name"] in details
    assert doc["issuer"]["name"] in details
    assert "Recipient\nidentified by a hashed email address" in details  # not the hash itself
    assert doc["credentialSubject"]["identifier"][0]["identityHash"] not in details
    assert f"listed in the DID document of the issuer: {doc['proof'][0]['verificationMethod']}" in details
    assert "Valid from\n" in details and "T00:00:00Z" not in details  # dates as the site writes them
    image = page.locator("#bp-details-body img")
    assert image.get_attribute("src") == achievement["image"]["id"]
    assert image.get_attribute("alt") == achievement["image"]["caption"]
    # the fetched credential is shown in the textarea, as text
    assert json.loads(page.input_value("#bp-input")) == doc
    verify_page.assert_clean()


def test_revoked_credential(verify_site: VerifySite, verify_page: PageWatch) -> None:
    outcome = verify_url_param(
        verify_page.page, verify_site, verify_site.credential_url(verify_site.revoked_id)
    )
    assert_status(outcome, "revoked")
    assert outcome.checks[-1].startswith("status:fail"), outcome
    assert "revoked by the issuer" in outcome.checks[-1]
    verify_page.assert_clean()


def test_expired_credential(verify_site: VerifySite, verify_page: PageWatch) -> None:
    outcome = verify_url_param(
        verify_page.page, verify_site, verify_site.credential_url(verify_site.expired_id)
    )
    assert_status(outcome, "expired")
    assert outcome.checks[1].startswith("signature:pass"), outcome
    assert outcome.checks[3].startswith("dates:fail"), outcome
    assert "expired on 1 June 2025" in outcome.checks[3]
    verify_page.assert_clean()


def test_relative_credential_url(verify_site: VerifySite, verify_page: PageWatch) -> None:
    cid = verify_site.in_force_ids[0]
    outcome = verify_url_param(verify_page.page, verify_site, f"../credentials/{cid}.json")
    assert_status(outcome, "verified")
    verify_page.assert_clean()


# ---------------------------------------------------------------------------
# Tampering: each single-field change of a signed credential breaks it


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    keys = path.split(".")

    def change(doc: dict[str, Any]) -> None:
        target: Any = doc
        for k in keys[:-1]:
            target = target[int(k)] if isinstance(target, list) else target[k]
        last: Any = int(keys[-1]) if isinstance(target, list) else keys[-1]
        assert (target[last] if isinstance(target, list) else target.get(last)) != value, path
        target[last] = value

    return change


def _flip_proof_value(doc: dict[str, Any]) -> None:
    value = doc["proof"][0]["proofValue"]
    # change one base58 character in the middle: still a 64-byte signature, not the right one
    i = len(value) // 2
    doc["proof"][0]["proofValue"] = value[:i] + ("2" if value[i] != "2" else "3") + value[i + 1 :]


def _other_status_index(doc: dict[str, Any]) -> None:
    entry = doc["credentialStatus"]
    entry["statusListIndex"] = str(int(entry["statusListIndex"]) + 1)


def _other_published_key(doc: dict[str, Any]) -> None:
    """The example program's own key, also in the DID document (but not the signer)."""
    proof = doc["proof"][0]
    assert proof["verificationMethod"].endswith("#key-test")
    proof["verificationMethod"] = proof["verificationMethod"].replace("#key-test", "#key-2026")


def _add_type(doc: dict[str, Any]) -> None:
    doc["type"] = [*doc["type"], "EndorsementCredential"]


def _undefined_property(doc: dict[str, Any]) -> None:
    doc["credentialSubject"]["favouriteColour"] = "green"


def _drop_evidence(doc: dict[str, Any]) -> None:
    del doc["evidence"]


TAMPERS: dict[str, Callable[[dict[str, Any]], None]] = {
    "name": _set("name", "Python Mastery"),
    "achievement-name": _set("credentialSubject.achievement.name", "Python Mastery"),
    "achievement-description": _set("credentialSubject.achievement.description", "Anything at all."),
    "criteria-narrative": _set("credentialSubject.achievement.criteria.narrative", "Nothing required."),
    "achievement-image": _set("credentialSubject.achievement.image.id", "http://127.0.0.1:1/other.png"),
    "validFrom": _set("validFrom", "2026-01-01T00:00:00Z"),
    "validUntil-added": _set("validUntil", "2099-01-01T00:00:00Z"),
    "identityHash": _set("credentialSubject.identifier.0.identityHash", "sha256$" + "0" * 64),
    "result-value": _set("credentialSubject.result.0.value", "A+"),
    "issuer-name": _set("issuer.name", "Another School"),
    "issuer-id": _set("issuer.id", "did:web:127.0.0.1%3A1:badges"),
    "statusListIndex": _other_status_index,
    "proofValue": _flip_proof_value,
    "verificationMethod": _other_published_key,
    "created": _set("proof.0.created", "2026-01-01T00:00:00Z"),
    "proofPurpose": _set("proof.0.proofPurpose", "authentication"),
    "type": _add_type,
    "undefined-property": _undefined_property,
    "evidence-removed": _drop_evidence,
}


def test_untampered_copy_verifies_when_pasted(verify_site: VerifySite, verify_page: PageWatch) -> None:
    """The control for the tampering tests: the same credential, pasted unchanged."""
    page = verify_page.page
    open_verifier(page, verify_site)
    assert not page.locator("#bp-details").is_visible()  # nothing to say before a verification
    outcome = verify_pasted(page, verify_site.credential(base_credential_id(verify_site)))
    assert_status(outcome, "verified")
    assert page.locator("#bp-details").is_visible()
    verify_page.assert_clean()


@pytest.mark.parametrize("change", list(TAMPERS))
def test_tampered_copy_is_invalid(verify_site: VerifySite, verify_page: PageWatch, change: str) -> None:
    doc = verify_site.credential(base_credential_id(verify_site))
    TAMPERS[change](doc)
    assert doc != verify_site.credentials[base_credential_id(verify_site)]
    open_verifier(verify_page.page, verify_site)
    outcome = verify_pasted(verify_page.page, doc)
    assert_status(outcome, "invalid")
    assert not verify_page.page.locator("#bp-details").is_visible()
    verify_page.assert_clean()


# ---------------------------------------------------------------------------
# Keys


def test_key_missing_from_the_did_document(verify_site: VerifySite, verify_page: PageWatch) -> None:
    doc = verify_site.credential(base_credential_id(verify_site))
    forged = sign(doc, KeyPair.generate(), f"{verify_site.did}#key-missing", doc["validFrom"])
    open_verifier(verify_page.page, verify_site)
    outcome = verify_pasted(verify_page.page, forged)
    assert_status(outcome, "invalid")
    assert outcome.checks[2].startswith("issuer-key:fail"), outcome
    assert "is not in the DID document" in outcome.checks[2]
    verify_page.assert_clean()


def test_unknown_key_under_a_published_key_id(verify_site: VerifySite, verify_page: PageWatch) -> None:
    """Signed by a fresh key that claims to be the site's #key-test."""
    doc = verify_site.credential(base_credential_id(verify_site))
    forged = sign(doc, KeyPair.generate(), f"{verify_site.did}#key-test", doc["validFrom"])
    open_verifier(verify_page.page, verify_site)
    outcome = verify_pasted(verify_page.page, forged)
    assert_status(outcome, "invalid")
    assert outcome.checks[1].startswith("signature:fail"), outcome
    verify_page.assert_clean()


def test_did_key_issuer(verify_site: VerifySite, verify_page: PageWatch) -> None:
    key = KeyPair.generate()
    doc = verify_site.credential(base_credential_id(verify_site))
    email, salt = "learner@example.org", "0123456789abcdef"
    doc["credentialSubject"]["identifier"][0].update(
        identityHash="sha256$" + hashlib.sha256((email + salt).encode()).hexdigest(), salt=salt
    )
    signed = as_did_key_issuer(doc, key)
    page = verify_page.page
    open_verifier(page, verify_site)
    outcome = verify_pasted(page, signed)
    assert_status(outcome, "verified")
    assert outcome.checks[4].startswith("status:skip"), outcome
    assert did_key(key.public_key_multibase) in page.inner_text("#bp-details-body")
    # the recipient check, computed in the browser
    page.fill("#bp-email", "  Learner@Example.org ")
    page.click("#bp-email-check")
    page.wait_for_function("() => document.getElementById('bp-email-result').dataset.match === 'true'")
    page.fill("#bp-email", "someone.else@example.org")
    page.click("#bp-email-check")
    page.wait_for_function("() => document.getElementById('bp-email-result').dataset.match === 'false'")
    # and the did:key credential changed after signing
    signed["credentialSubject"]["achievement"]["name"] = "Changed"
    assert verify_pasted(page, signed).status == "invalid"
    verify_page.assert_clean()


def test_proof_as_an_object(verify_site: VerifySite, verify_page: PageWatch) -> None:
    """A one-proof array and the proof object itself are the same proof."""
    doc = verify_site.credential(base_credential_id(verify_site))
    doc["proof"] = doc["proof"][0]
    open_verifier(verify_page.page, verify_site)
    assert_status(verify_pasted(verify_page.page, doc), "verified")
    verify_page.assert_clean()


def test_two_proofs(verify_site: VerifySite, verify_page: PageWatch) -> None:
    """A proof set verifies only when each of its proofs does (VC Data Integrity)."""
    doc = verify_site.credential(base_credential_id(verify_site))
    doc["proof"] = [doc["proof"][0], doc["proof"][0]]
    open_verifier(verify_page.page, verify_site)
    assert_status(verify_pasted(verify_page.page, doc), "verified")
    doc["proof"][1] = {**doc["proof"][1], "cryptosuite": "eddsa-jcs-2022"}
    outcome = verify_pasted(verify_page.page, doc)
    assert_status(outcome, "invalid")
    assert "proof 2 of 2: unsupported proof" in outcome.checks[1]
    doc["proof"][1] = {**doc["proof"][0], "created": "2020-01-01T00:00:00Z"}
    outcome = verify_pasted(verify_page.page, doc)
    assert_status(outcome, "invalid")
    assert "proof 2 of 2 (eddsa-rdfc-2022): the signature does not match" in outcome.checks[1]
    verify_page.assert_clean()


def test_signed_by_a_key_of_someone_else(verify_site: VerifySite, verify_page: PageWatch) -> None:
    """The site's credential, validly signed — by a did:key that is not its issuer."""
    key = KeyPair.generate()
    holder = did_key(key.public_key_multibase)
    doc = verify_site.credential(base_credential_id(verify_site))
    forged = sign(doc, key, f"{holder}#{key.public_key_multibase}", doc["validFrom"])
    open_verifier(verify_page.page, verify_site)
    outcome = verify_pasted(verify_page.page, forged)
    assert_status(outcome, "invalid")
    assert outcome.checks[1].startswith("signature:pass"), outcome
    assert outcome.checks[2].startswith("issuer-key:fail"), outcome
    assert "not to the issuer" in outcome.checks[2]
    # what it says is not shown: it is not the issuer's word
    assert not verify_page.page.locator("#bp-details").is_visible()
    assert verify_page.page.inner_text("#bp-details-body") == ""
    verify_page.assert_clean()


def test_did_key_issuer_with_the_sites_status_list(verify_site: VerifySite, verify_page: PageWatch) -> None:
    """A status list of another issuer cannot say anything about a credential."""
    key = KeyPair.generate()
    doc = verify_site.credential(base_credential_id(verify_site))
    status = doc["credentialStatus"]
    reissued = as_did_key_issuer(doc, key)
    vm = reissued["proof"][0]["verificationMethod"]
    signed = sign({**reissued, "credentialStatus": status}, key, vm, doc["validFrom"])
    open_verifier(verify_page.page, verify_site)
    outcome = verify_pasted(verify_page.page, signed)
    assert_status(outcome, "invalid")
    assert outcome.checks[4].startswith("status:fail"), outcome
    assert "not by the credential's issuer" in outcome.checks[4]
    verify_page.assert_clean()


# ---------------------------------------------------------------------------
# Files: baked badges and JSON


@pytest.mark.parametrize("kind", ["png", "svg"])
def test_baked_badge_upload(verify_site: VerifySite, verify_page: PageWatch, kind: str) -> None:
    achievement = "python-foundations" if kind == "png" else "web-accessibility"
    cid = base_credential_id(verify_site, achievement)
    baked = verify_site.baked(cid)
    assert baked.suffix == f".{kind}"
    page = verify_page.page
    open_verifier(page, verify_site)
    outcome = verify_file(page, baked)
    assert_status(outcome, "verified")
    assert json.loads(page.input_value("#bp-input")) == verify_site.credentials[cid]
    verify_page.assert_clean()


def test_the_png_drawn_from_an_svg_badge_verifies_on_upload(
    verify_site: VerifySite, verify_page: PageWatch
) -> None:
    cid = base_credential_id(verify_site, "web-accessibility")
    page = verify_page.page
    open_verifier(page, verify_site)
    outcome = verify_file(page, verify_site.baked(cid, ".png"))
    assert_status(outcome, "verified")
    assert json.loads(page.input_value("#bp-input")) == verify_site.credentials[cid]
    verify_page.assert_clean()


def test_baked_badge_by_url(verify_site: VerifySite, verify_page: PageWatch) -> None:
    cid = base_credential_id(verify_site, "web-accessibility")
    outcome = verify_url_param(verify_page.page, verify_site, verify_site.credential_url(cid, "svg"))
    assert_status(outcome, "verified")
    verify_page.assert_clean()


def test_revoked_baked_badge_upload(verify_site: VerifySite, verify_page: PageWatch) -> None:
    page = verify_page.page
    open_verifier(page, verify_site)
    outcome = verify_file(page, verify_site.baked(verify_site.revoked_id))
    assert_status(outcome, "revoked")
    verify_page.assert_clean()


_DROP = """async (url) => {
  const blob = await (await fetch(url)).blob();
  const transfer = new DataTransfer();
  transfer.items.add(new File([blob], url.split('/').pop(), { type: blob.type }));
  document.getElementById('bp-drop').dispatchEvent(
    new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
}"""


def test_baked_badge_dropped(verify_site: VerifySite, verify_page: PageWatch) -> None:
    cid = base_credential_id(verify_site, "python-foundations")
    page = verify_page.page
    open_verifier(page, verify_site)
    page.evaluate(_DROP, verify_site.credential_url(cid, "png"))
    assert_status(read_outcome(page), "verified")
    verify_page.assert_clean()


def test_json_file_upload(verify_site: VerifySite, verify_page: PageWatch) -> None:
    page = verify_page.page
    open_verifier(page, verify_site)
    cid = verify_site.in_force_ids[-1]
    outcome = verify_file(page, verify_site.site / "credentials" / f"{cid}.json")
    assert_status(outcome, "verified")
    verify_page.assert_clean()


def test_unbaked_image(verify_site: VerifySite, verify_page: PageWatch) -> None:
    page = verify_page.page
    open_verifier(page, verify_site)
    outcome = verify_file(page, verify_site.site / "achievements" / "python-foundations.png")
    assert_status(outcome, "invalid")
    assert "no Open Badges 3.0 credential is baked" in outcome.checks[0]
    verify_page.assert_clean()


def test_hostile_baked_svg(verify_site: VerifySite, verify_page: PageWatch, tmp_path: Path) -> None:
    """An SVG badge that carries script: the credential is read from it, nothing in it runs."""
    cid = base_credential_id(verify_site, "web-accessibility")
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="window.top.__pwned=1">'
        "<script>window.top.__pwned=1;alert(1)</script>"
        '<foreignObject width="10" height="10"><img xmlns="http://www.w3.org/1999/xhtml" data-x="1" '
        'src="x" onerror="window.top.__pwned=1"/></foreignObject>'
        '<image href="javascript:window.top.__pwned=1" width="1" height="1"/></svg>'
    )
    path = tmp_path / "hostile.svg"
    path.write_bytes(bake_svg(svg, json.dumps(verify_site.credentials[cid])))
    page = verify_page.page
    open_verifier(page, verify_site)
    outcome = verify_file(page, path)
    assert_status(outcome, "verified")
    page.wait_for_timeout(200)
    assert_nothing_injected(verify_page)
    verify_page.assert_clean()


def test_entity_expansion_svg(verify_site: VerifySite, verify_page: PageWatch, tmp_path: Path) -> None:
    """A "billion laughs" SVG fails cleanly."""
    entities = '<!ENTITY a0 "hahahahahahahahahahahahahahahahahahahahahaha">' + "".join(
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)
    )
    svg = (
        f'<?xml version="1.0"?><!DOCTYPE svg [{entities}]>'
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">'
        "<openbadges:credential>&a9;</openbadges:credential></svg>"
    )
    path = tmp_path / "laughs.svg"
    path.write_text(svg, encoding="utf-8")
    page = verify_page.page
    open_verifier(page, verify_site)
    outcome = verify_file(page, path)
    assert_status(outcome, "invalid")
    assert_responsive(page)
    verify_page.assert_clean()


def test_compression_bomb_png(verify_site: VerifySite, verify_page: PageWatch, tmp_path: Path) -> None:
    """A 1 MB baked PNG whose compressed iTXt would inflate to 1 GB is refused early."""
    png = (verify_site.site / "achievements" / "python-foundations.png").read_bytes()
    path = tmp_path / "bomb.png"
    path.write_bytes(png_with_itxt(png, b"openbadgecredential\0\x01\x00\0\0" + deflate_bomb(1000)))
    assert path.stat().st_size < 2 * 1024 * 1024
    page = verify_page.page
    open_verifier(page, verify_site)
    outcome = verify_file(page, path)
    assert_status(outcome, "invalid")
    assert "decompressed data is larger than" in outcome.checks[0]
    assert_responsive(page)
    # inflating stopped near the 2 MB limit: the tab did not allocate the gigabyte
    # (asked of the browser itself: the tests' fake clock replaces window.performance)
    heap = page.context.new_cdp_session(page).send("Runtime.getHeapUsage")
    assert heap["usedSize"] < 200 * 1024 * 1024
    verify_page.assert_clean()


# ---------------------------------------------------------------------------
# Status lists (fixtures signed with the site's key)

INDEX = 4242


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("bit-set", "revoked"),
        ("other-bit-set", "verified"),
        ("list-tampered", "invalid"),
        ("list-expired", "unreachable"),
        ("list-compression-bomb", "invalid"),
    ],
)
def test_status_list(verify_site: VerifySite, verify_page: PageWatch, case: str, expected: str) -> None:
    name = f"status-{case}.json"
    if case == "bit-set":
        url = status_list_fixture(verify_site, name, [INDEX])
    elif case == "other-bit-set":
        url = status_list_fixture(verify_site, name, [INDEX + 1, INDEX - 1])
    elif case == "list-tampered":
        url = status_list_fixture(verify_site, name, [INDEX], tamper_bits=[])
    elif case == "list-expired":
        url = status_list_fixture(verify_site, name, [], valid_until="2026-01-01T00:00:00Z")
    else:  # 1 GB of zeros, gzipped into 1 MB
        bomb = "u" + base64.urlsafe_b64encode(deflate_bomb(1000, wbits=31)).decode().rstrip("=")
        url = status_list_fixture(verify_site, name, [], encoded_list=bomb)
    doc = without_proof(verify_site.credential(base_credential_id(verify_site)))
    doc["credentialStatus"] = status_entry(url, INDEX)
    open_verifier(verify_page.page, verify_site)
    outcome = verify_pasted(verify_page.page, sign_as_site(verify_site, doc))
    assert_status(outcome, expected)
    assert outcome.checks[1].startswith("signature:pass"), outcome
    assert_responsive(verify_page.page)
    # revoked: the page looks for the issuer's revocation notice, which this test list has not
    notice = doc["id"].removesuffix(".json") + "/revocation.json"
    verify_page.assert_clean(expected_missing=(notice,) if expected == "revoked" else ())


# ---------------------------------------------------------------------------
# Unreachable


def test_credential_url_not_found(verify_site: VerifySite, verify_page: PageWatch) -> None:
    missing = f"{verify_site.origin}/fixtures/no-such-credential.json"
    outcome = verify_url_param(verify_page.page, verify_site, missing)
    assert_status(outcome, "unreachable")
    assert "HTTP 404" in outcome.checks[0]
    verify_page.assert_clean(expected_missing=(missing,))


def test_did_document_not_found(verify_site: VerifySite, verify_page: PageWatch) -> None:
    """A did:web issuer whose DID document cannot be fetched: unreachable, not invalid."""
    key = KeyPair.generate()
    did = verify_site.did.replace(":badges", ":nowhere")
    doc = without_proof(verify_site.credential(base_credential_id(verify_site)))
    doc["issuer"]["id"] = did
    doc["credentialSubject"]["achievement"]["creator"]["id"] = did
    del doc["credentialStatus"]
    signed = sign(doc, key, f"{did}#key-1", doc["validFrom"])
    open_verifier(verify_page.page, verify_site)
    outcome = verify_pasted(verify_page.page, signed)
    assert_status(outcome, "unreachable")
    verify_page.assert_clean(expected_missing=(f"{verify_site.origin}/nowhere/did.json",))


def test_status_list_not_found(verify_site: VerifySite, verify_page: PageWatch) -> None:
    key = KeyPair.generate()
    doc = verify_site.credential(base_credential_id(verify_site))
    missing = f"{verify_site.origin}/fixtures/no-such-status-list.json"
    doc["credentialStatus"] = {
        "id": f"{missing}#5",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "5",
        "statusListCredential": missing,
    }
    signed = as_did_key_issuer(doc, key)
    signed = sign(
        {**signed, "credentialStatus": doc["credentialStatus"]},
        key,
        signed["proof"][0]["verificationMethod"],
        doc["validFrom"],
    )
    open_verifier(verify_page.page, verify_site)
    outcome = verify_pasted(verify_page.page, signed)
    assert_status(outcome, "unreachable")
    assert outcome.checks[1].startswith("signature:pass"), outcome
    verify_page.assert_clean(expected_missing=(missing,))


# ---------------------------------------------------------------------------
# Hostile credentials: rendered as text, never as HTML

PAYLOADS = {
    "img-onerror": '<img data-x src=x onerror="window.__pwned=1;alert(1)">',
    "script": "<script data-x>window.__pwned=1;alert(1)</script>",
    "textarea-breakout": '</textarea><img data-x src=x onerror="window.__pwned=1;alert(1)">',
    "style": "<style data-x>body{display:none !important}</style>",
    "svg-onload": '<svg data-x onload="window.__pwned=1;alert(1)"></svg>',
    "iframe": '<iframe data-x srcdoc="<script>parent.__pwned=1;alert(1)</script>"></iframe>',
}
JS_URL = "javascript:window.__pwned=1;alert(1)"
# percent-encoded throughout: jsonld.js takes an IRI with a space or a quote for a relative one
SVG_WITH_SCRIPT = "data:image/svg+xml," + quote(
    "<svg xmlns='http://www.w3.org/2000/svg' onload='window.top.__pwned=1'>"
    "<script>window.top.__pwned=1;alert(1)</script></svg>",
    safe="",
)


def hostile_credential(site: VerifySite, payload: str, image_id: str) -> dict[str, Any]:
    """The base credential with ``payload`` in every text field a person sees, unsigned."""
    doc = without_proof(site.credential(base_credential_id(site)))
    doc["name"] = f"Name {payload}"
    doc["description"] = f"Description {payload}"
    subject = doc["credentialSubject"]
    subject["narrative"] = f"Narrative {payload}"
    achievement = subject["achievement"]
    achievement["name"] = f"Achievement {payload}"
    achievement["description"] = f"Achievement description {payload}"
    achievement["criteria"]["narrative"] = f"Criteria {payload}"
    achievement["image"] = {"id": image_id, "type": "Image", "caption": f"Caption {payload}"}
    doc["issuer"]["name"] = f"Issuer {payload}"
    doc["issuer"]["image"] = {"id": image_id, "type": "Image", "caption": f"Logo {payload}"}
    subject["identifier"][0]["identityType"] = "emailAddress"
    return doc


def assert_nothing_injected(watch: PageWatch) -> None:
    page = watch.page
    assert pwned(page) is None
    assert page.eval_on_selector_all("[data-x]", "els => els.length") == 0
    assert page.eval_on_selector_all('img[src^="javascript:" i]', "els => els.length") == 0
    assert (
        page.eval_on_selector_all("#bp-result script, #bp-result style, #bp-result iframe", "e => e.length")
        == 0
    )
    assert page.locator("#bp-result").is_visible()  # the injected style did not hide the page
    assert watch.dialogs == []


@pytest.mark.parametrize("signed", [False, True], ids=["unsigned", "signed-did-key"])
@pytest.mark.parametrize("payload", list(PAYLOADS))
def test_hostile_credential(
    verify_site: VerifySite, verify_page: PageWatch, payload: str, signed: bool
) -> None:
    text = PAYLOADS[payload]
    doc = hostile_credential(verify_site, text, JS_URL)
    if signed:
        doc = as_did_key_issuer(doc, KeyPair.generate())
    page = verify_page.page
    open_verifier(page, verify_site)
    outcome = verify_pasted(page, doc)
    assert_nothing_injected(verify_page)
    if signed:
        assert_status(outcome, "verified")
        details = page.inner_text("#bp-details-body")
        assert f"Achievement {text}" in details
        assert f"Issuer {text}" in details
        assert (
            page.eval_on_selector_all("#bp-details-body img", "els => els.length") == 0
        )  # javascript: refused
    else:
        assert_status(outcome, "invalid")
        assert not page.locator("#bp-details").is_visible()
    assert page.input_value("#bp-input") == json.dumps(doc, indent=2, ensure_ascii=False)
    page.wait_for_timeout(200)  # give any injected handler a chance to run
    assert_nothing_injected(verify_page)
    verify_page.assert_clean()


def test_hostile_svg_image(verify_site: VerifySite, verify_page: PageWatch) -> None:
    """A data: SVG image with script is shown through <img>, where no script runs."""
    doc = as_did_key_issuer(
        hostile_credential(verify_site, PAYLOADS["script"], SVG_WITH_SCRIPT), KeyPair.generate()
    )
    page = verify_page.page
    open_verifier(page, verify_site)
    outcome = verify_pasted(page, doc)
    assert_status(outcome, "verified")
    image = page.locator("#bp-details-body img")
    assert image.get_attribute("src") == SVG_WITH_SCRIPT
    page.wait_for_function("() => document.querySelector('#bp-details-body img').complete")
    page.wait_for_timeout(200)
    assert_nothing_injected(verify_page)
    assert "<script data-x>" in page.inner_text("#bp-details-body")
    verify_page.assert_clean()


def test_hostile_credential_by_url(verify_site: VerifySite, verify_page: PageWatch) -> None:
    text = PAYLOADS["textarea-breakout"] + PAYLOADS["script"]
    doc = as_did_key_issuer(hostile_credential(verify_site, text, JS_URL), KeyPair.generate())
    url = verify_site.write_fixture("hostile.json", doc)
    page = verify_page.page
    outcome = verify_url_param(page, verify_site, url)
    assert_status(outcome, "verified")
    assert json.loads(page.input_value("#bp-input")) == doc
    assert "<script data-x>" in page.inner_text("#bp-details-body")
    page.wait_for_timeout(200)
    assert_nothing_injected(verify_page)
    verify_page.assert_clean()


HOSTILE_DETAILS: dict[str, Callable[[dict[str, Any], str], None]] = {
    # each puts the payload where the verifier quotes it in a check's detail
    "proof-type": lambda doc, p: doc.update(proof=[{"type": p, "cryptosuite": p}]),
    "context-url": lambda doc, p: doc.update({"@context": [*doc["@context"], f"https://x.example/{p}"]}),
    "property-name": lambda doc, p: doc["credentialSubject"].update({p: "x"}),
    "type": lambda doc, p: doc.update(type=["VerifiableCredential", "OpenBadgeCredential", p]),
    "issuer-id": lambda doc, p: doc["issuer"].update(id=f"did:{p}"),
    "validFrom": lambda doc, p: doc.update(validFrom=p),
}


@pytest.mark.parametrize("where", list(HOSTILE_DETAILS))
def test_hostile_text_in_check_details(verify_site: VerifySite, verify_page: PageWatch, where: str) -> None:
    doc = verify_site.credential(base_credential_id(verify_site))
    payload = PAYLOADS["script"] + PAYLOADS["img-onerror"]
    HOSTILE_DETAILS[where](doc, payload)
    page = verify_page.page
    open_verifier(page, verify_site)
    outcome = verify_pasted(page, doc)
    assert_status(outcome, "invalid")
    if where != "validFrom":  # its check says only that the date is malformed
        assert "<script data-x>" in page.inner_text("#bp-checks"), outcome
    page.wait_for_timeout(200)
    assert_nothing_injected(verify_page)
    verify_page.assert_clean()


def test_javascript_credential_url(verify_site: VerifySite, verify_page: PageWatch) -> None:
    outcome = verify_url_param(verify_page.page, verify_site, JS_URL)
    assert_status(outcome, "unreachable")
    assert "not an http(s) URL" in outcome.checks[0]
    assert_nothing_injected(verify_page)
    verify_page.assert_clean()


# ---------------------------------------------------------------------------
# Large and deeply nested inputs fail cleanly


def _big(site: VerifySite) -> str:
    return json.dumps({**site.credential(base_credential_id(site)), "description": "x" * (3 * 1024 * 1024)})


def _just_under_limit(site: VerifySite) -> str:
    doc = site.credential(base_credential_id(site))
    doc["credentialSubject"]["achievement"]["description"] = "y" * (1900 * 1024)
    return json.dumps(doc)


LARGE_INPUTS: dict[str, Callable[[VerifySite], str]] = {
    "3MB": _big,
    "just-under-the-limit": _just_under_limit,
    "arrays-10000-deep": lambda site: "[" * 10_000 + "]" * 10_000,
    "objects-10000-deep": lambda site: '{"a":' * 10_000 + "1" + "}" * 10_000,
    "credential-with-deep-field": lambda site: (
        json.dumps(site.credential(base_credential_id(site)))[:-1]
        + ', "deep": '
        + "[" * 10_000
        + "]" * 10_000
        + "}"
    ),
}


@pytest.mark.parametrize("kind", list(LARGE_INPUTS))
def test_large_or_deep_input_pasted(verify_site: VerifySite, verify_page: PageWatch, kind: str) -> None:
    page = verify_page.page
    open_verifier(page, verify_site)
    outcome = verify_pasted(page, LARGE_INPUTS[kind](verify_site))
    assert_status(outcome, "invalid")
    assert_responsive(page)
    verify_page.assert_clean()


@pytest.mark.parametrize("kind", ["3MB", "arrays-10000-deep"])
def test_large_or_deep_file(
    verify_site: VerifySite, verify_page: PageWatch, kind: str, tmp_path: Path
) -> None:
    path = tmp_path / "input.json"
    path.write_text(LARGE_INPUTS[kind](verify_site), encoding="utf-8")
    page = verify_page.page
    open_verifier(page, verify_site)
    outcome = verify_file(page, path)
    assert_status(outcome, "invalid")
    assert_responsive(page)
    verify_page.assert_clean()


# ---------------------------------------------------------------------------
# Timings (recorded and printed, never asserted)


def test_timings_one_and_batch(
    verify_site: VerifySite, verify_page: PageWatch, verify_timings: Timings
) -> None:
    page = verify_page.page
    cid = base_credential_id(verify_site)
    open_verifier(page, verify_site)
    first = verify_pasted(page, verify_site.credentials[cid])
    warm = [verify_pasted(page, verify_site.credentials[cid]) for _ in range(5)]
    batch: list[Outcome] = [verify_pasted(page, verify_site.credentials[i]) for i in verify_site.in_force_ids]
    assert_status(first, "verified")
    assert [o.status for o in warm] == ["verified"] * 5
    assert [o.status for o in batch] == ["verified"] * len(batch), [
        str(o) for o in batch if o.status != "verified"
    ]
    verify_timings.record("one_credential_first", first.ms)
    verify_timings.record("one_credential_warm", summarize_ms([o.ms for o in warm]))
    verify_timings.record("batch_pasted_same_page", summarize_ms([o.ms for o in batch]))
    verify_page.assert_clean()
