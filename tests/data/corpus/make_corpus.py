"""Make the shared verification corpus (deterministic): credentials and the documents they need.

Run from the repository root:  python3 tests/data/corpus/make_corpus.py

Both verifiers must give each case its expected outcome (cases.json):
``badgepress verify --site tests/data/corpus/site --at NOW`` (tests/test_corpus.py)
and the page's verifier under Node (js/test/corpus.test.js). The keys come from
fixed test seeds and are published here on purpose; never use them for anything else.
"""

from __future__ import annotations

import copy
import hashlib
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "plugins"))

from badgepress.build import documents  # noqa: E402
from badgepress.build.status import encode_list  # noqa: E402
from badgepress.sign import canon, keys, proof  # noqa: E402

OUT = Path(__file__).resolve().parent
NOW = "2026-11-29T00:00:00Z"
BASE = "https://issuer.example/badges/"
DID = "did:web:issuer.example:badges"
OTHER_BASE = "https://other.example/others/"
OTHER_DID = "did:web:other.example:others"
PREVIEW_BASE = "https://preview.example/site/"
PREVIEW_DID = "did:web:preview.example:site"
CONTEXTS = [canon.VC_V2, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
CREATED = "2026-09-12T09:00:00Z"
REVOKED_INDEX, SUSPENDED_INDEX = 4242, 77


def key(name: str) -> keys.KeyPair:
    return keys.KeyPair.from_seed(hashlib.sha256(f"badgepress corpus: {name}".encode()).digest())


KEY_1, KEY_2, OTHER_KEY, STRANGER, PREVIEW = (
    key(n) for n in ("key-1", "key-2", "other", "stranger", "preview")
)


def did_document(did: str, entries: dict[str, keys.KeyPair]) -> dict[str, Any]:
    methods = [
        {
            "id": f"{did}#{k}",
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": p.public_key_multibase,
        }
        for k, p in entries.items()
    ]
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [m["id"] for m in methods],
    }


def sign(doc: dict[str, Any], signer: keys.KeyPair, method: str, **kw: Any) -> dict[str, Any]:
    return proof.sign_document(doc, signer, method, CREATED, **kw)


def status_list(url: str, purpose: str, bits: list[int]) -> dict[str, Any]:
    doc = {
        "@context": [canon.VC_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": DID,
        "validFrom": "2026-11-01T00:00:00Z",
        "validUntil": "2027-11-01T00:00:00Z",
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": encode_list(bits),
        },
    }
    return sign(doc, KEY_1, f"{DID}#key-1")


def credential(name: str, base: str = BASE, issuer: str = DID, **changes: Any) -> dict[str, Any]:
    achievement = {
        "id": f"{base}achievements/corpus-badge.json",
        "type": ["Achievement"],
        "name": "Corpus Badge",
        "description": "Awarded to test credentials of the shared verification corpus.",
        "criteria": {"narrative": "Be a test case."},
    }
    doc: dict[str, Any] = {
        "@context": list(CONTEXTS),
        "id": f"{base}credentials/{name}.json",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Corpus Badge",
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Corpus Issuer", "url": base},
        "validFrom": "2026-09-12T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": "sha256$" + hashlib.sha256(b"learner@example.orgsalt").hexdigest(),
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": "salt",
                }
            ],
            "achievement": achievement,
        },
    }
    doc.update(changes)
    return doc


def entry(url: str, purpose: str, index: int) -> dict[str, Any]:
    return {
        "id": f"{url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": url,
    }


def main() -> None:
    revocation_url = f"{BASE}status/1.json"
    suspension_url = f"{BASE}status/suspension.json"
    missing_url = f"{BASE}status/missing.json"
    revoked = {"credentialStatus": entry(revocation_url, "revocation", REVOKED_INDEX)}
    k1, k2 = f"{DID}#key-1", f"{DID}#key-2"
    site: dict[str, Any] = {
        "badges/did.json": did_document(DID, {"key-1": KEY_1, "key-2": KEY_2}),
        "others/did.json": did_document(OTHER_DID, {"key-1": OTHER_KEY}),
        "site/did.json": did_document(PREVIEW_DID, {keys.PREVIEW_KEY_ID: PREVIEW}),
        "badges/status/1.json": status_list(revocation_url, "revocation", [REVOKED_INDEX]),
        "badges/status/suspension.json": status_list(suspension_url, "suspension", [SUSPENDED_INDEX]),
        "badges/credentials/revoked/revocation.json": documents.build_revocation_notice(
            f"{BASE}credentials/revoked.json",
            datetime(2026, 10, 3, tzinfo=UTC),
            "awarded by mistake",
        ),
    }
    cases: dict[str, tuple[dict[str, Any] | str, str, str, list[str]]] = {}

    def case(
        name: str, doc: dict[str, Any] | str, status: str, why: str, shows: list[str] | None = None
    ) -> None:
        cases[name] = (doc, status, why, shows or [])

    valid = sign(
        credential("valid", **{"credentialStatus": entry(revocation_url, "revocation", 1)}), KEY_1, k1
    )
    case("valid", valid, "verified", "signed by the issuer's key, in force, not revoked")
    tampered = copy.deepcopy(valid)
    tampered["credentialSubject"]["achievement"]["name"] = "Another Badge"
    case("tampered", tampered, "invalid", "the achievement's name changed after signing")
    case(
        "expired",
        sign(credential("expired", validUntil="2026-10-01T00:00:00Z"), KEY_1, k1),
        "expired",
        "validUntil is before now",
        ["1 October 2026"],
    )
    case(
        "not-yet-valid",
        sign(credential("not-yet-valid", validFrom="2027-01-01T00:00:00Z"), KEY_1, k1),
        "not-yet-valid",
        "validFrom is after now",
        ["1 January 2027"],
    )
    case(
        "revoked",
        sign(credential("revoked", **revoked), KEY_1, k1),
        "revoked",
        "its bit is set in the issuer's revocation list; the issuer's notice gives the date and reason",
        ["3 October 2026", "awarded by mistake"],
    )
    case(
        "revoked-without-notice",
        sign(credential("revoked-elsewhere", **revoked), KEY_1, k1),
        "revoked",
        "its bit is set; no notice is published for it",
    )
    case(
        "suspended",
        sign(
            credential("suspended", credentialStatus=entry(suspension_url, "suspension", SUSPENDED_INDEX)),
            KEY_1,
            k1,
        ),
        "suspended",
        "its bit is set in the issuer's suspension list",
    )
    case(
        "status-list-missing",
        sign(
            credential("status-list-missing", credentialStatus=entry(missing_url, "revocation", 3)), KEY_1, k1
        ),
        "unreachable",
        "the status list it names cannot be fetched",
    )
    unsigned = credential("multi-proof")
    two = sign(unsigned, KEY_1, k1)["proof"] + sign(unsigned, KEY_2, k2)["proof"]
    case(
        "multi-proof",
        {**unsigned, "proof": two},
        "verified",
        "a proof set of two proofs, both of the issuer, both hold",
    )
    bad_second = copy.deepcopy(two)
    bad_second[1]["proofValue"] = sign(credential("something-else"), KEY_2, k2)["proof"][0]["proofValue"]
    case(
        "multi-proof-one-fails",
        {**unsigned, "proof": bad_second},
        "invalid",
        "the second proof of the set does not hold",
    )
    jcs = {**two[1], "cryptosuite": "eddsa-jcs-2022"}
    case(
        "multi-proof-unsupported",
        {**unsigned, "proof": [two[0], jcs]},
        "invalid",
        "every proof of a set must verify: one this verifier cannot check fails the set",
    )
    case(
        "wrong-key",
        sign(credential("wrong-key"), STRANGER, k1),
        "invalid",
        "signed by another key under the id of the issuer's key-1",
    )
    case(
        "key-not-in-did-document",
        sign(credential("key-not-in-did-document"), KEY_1, f"{DID}#key-9"),
        "invalid",
        "the proof names a key the issuer's DID document does not list",
    )
    case(
        "wrong-issuer",
        sign(credential("wrong-issuer"), OTHER_KEY, f"{OTHER_DID}#key-1"),
        "invalid",
        "validly signed, but by another DID's key than the issuer's",
    )
    undefined = credential("undefined-term", favouriteColour="green")
    case(
        "undefined-term",
        sign(undefined, KEY_1, k1, canonicalizer=canon.canonicalize_plain),
        "invalid",
        "a property no context defines (a lax canonicalizer drops it, so it was never signed)",
    )
    case(
        "malformed-json",
        '{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ',
        "invalid",
        "not JSON",
    )
    case("malformed-no-proof", credential("malformed-no-proof"), "invalid", "no proof at all")
    no_value = sign(credential("malformed-proof-value"), KEY_1, k1)
    no_value["proof"][0]["proofValue"] = "not-multibase"
    case("malformed-proof-value", no_value, "invalid", "the proofValue is not base58btc multibase")
    case(
        "malformed-context",
        {**valid, "@context": ["https://www.w3.org/2018/credentials/v1", *CONTEXTS[1:]]},
        "invalid",
        "the first @context is not the VC 2.0 one",
    )
    case(
        "preview-key",
        sign(
            credential("preview-key", base=PREVIEW_BASE, issuer=PREVIEW_DID),
            PREVIEW,
            f"{PREVIEW_DID}#{keys.PREVIEW_KEY_ID}",
        ),
        "verified",
        "a preview build's credential: it verifies, and is marked as not real",
        ["preview key"],
    )

    (OUT / "credentials").mkdir(exist_ok=True)
    for old in (OUT / "credentials").glob("*.json"):
        old.unlink()
    manifest: dict[str, Any] = {"now": NOW, "cases": {}}
    for name, (doc, status, why, shows) in cases.items():
        text = doc if isinstance(doc, str) else json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
        (OUT / "credentials" / f"{name}.json").write_text(text, encoding="utf-8")
        manifest["cases"][name] = {
            "status": status,
            "why": why,
            "shows": shows,
            "preview": name == "preview-key",
        }
    (OUT / "cases.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    for path, doc in site.items():
        target = OUT / "site" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
