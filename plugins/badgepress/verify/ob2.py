"""Open Badges 2.0 hosted assertions: what can be confirmed, as the page does (js/verify/ob2.js).

A hosted assertion is the issuer's word when the copy at its id URL says the
same, that URL lies within the issuer's verification policy (by default on
the host of the issuer's id, as the 1EdTech validator reads it) and the chain
assertion → BadgeClass → Issuer resolves. Revocation is the hosted copy's
``revoked`` or the issuer's ``revocationList``. Signed (JWS) 2.0 assertions
are not verified: the result says so and is "unreachable", never "verified".
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from badgepress.errors import VerificationError
from badgepress.verify.results import Check, Fetcher, Result, Unreachable, parse_time

OB2_CONTEXT = "https://w3id.org/openbadges/v2"


def is_ob2_assertion(document: Any) -> bool:
    if not isinstance(document, dict):
        return False
    contexts = document.get("@context")
    types = document.get("type")
    contexts = contexts if isinstance(contexts, list) else [contexts]
    types = types if isinstance(types, list) else [types]
    return OB2_CONTEXT in contexts and "Assertion" in types


def _id(value: Any) -> Any:
    return value.get("id") if isinstance(value, dict) else value


def _node(value: Any, what: str, fetch: Fetcher) -> dict[str, Any]:
    if isinstance(value, dict):
        return value  # embedded
    if not isinstance(value, str) or not value.startswith(("https://", "http://")):
        raise VerificationError(f"the {what} is not an http(s) URL")
    node = fetch(value)
    if not isinstance(node, dict):
        raise VerificationError(f"the {what} is not a JSON object")
    return node


def _outside_policy(assertion_id: str, issuer: dict[str, Any]) -> str | None:
    policy: dict[str, Any] = issuer["verification"] if isinstance(issuer.get("verification"), dict) else {}
    starts = [s for s in _list(policy.get("startsWith")) if isinstance(s, str)]
    if starts and not any(assertion_id.startswith(s) for s in starts):
        return "the assertion URL does not start with a prefix of the issuer's verification policy"
    issuer_id = _id(issuer)
    if not isinstance(issuer_id, str) or not issuer_id.startswith(("https://", "http://")):
        return "the issuer's id is not an http(s) URL, so no hosting policy can be checked"
    origins = [
        o for o in _list(policy.get("allowedOrigins", urlsplit(issuer_id).netloc)) if isinstance(o, str)
    ]
    if urlsplit(assertion_id).netloc not in origins:
        return f"the assertion is not hosted on the issuer's domain ({', '.join(origins)})"
    return None


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _when(value: Any, name: str) -> datetime:
    text = str(value)
    return parse_time(text + "T00:00:00Z" if len(text) == 10 else text, name)


def verify_assertion(document: dict[str, Any], fetch: Fetcher, now: datetime, check_status: bool) -> Result:
    result = Result(credential=document)
    verification = document.get("verification") or document.get("verify") or {}
    if isinstance(verification, dict) and verification.get("type") in {"signed", "SignedBadge"}:
        return result.fail(
            "format",
            "a signed (JWS) Open Badges 2.0 assertion: its signature is not checked here, "
            "so it cannot be confirmed",
            "unreachable",
        )
    assertion_id = document.get("id")
    if not isinstance(assertion_id, str) or not assertion_id.startswith(("https://", "http://")):
        return result.fail(
            "format", "a hosted assertion must have an http(s) id, the URL where its issuer hosts it"
        )
    result.checks.append(Check("format", True, "Open Badges 2.0 assertion, hosted verification"))
    try:
        hosted = _node(assertion_id, "hosted assertion", fetch)
        if hosted.get("id") != assertion_id:
            return result.fail("hosted", "the document at the assertion URL has another id")
        if hosted.get("revoked") is not True:
            for name in ("recipient", "badge", "issuedOn", "expires"):
                if json.dumps(hosted.get(name)) != json.dumps(document.get(name)):
                    return result.fail(
                        "hosted", f"the copy given differs from the one the issuer hosts ({name})"
                    )
        result.checks.append(Check("hosted", True, f"the issuer hosts it at {assertion_id}"))
        badge = _node(hosted.get("badge"), "BadgeClass", fetch)
        issuer = _node(badge.get("issuer"), "issuer profile", fetch)
        outside = _outside_policy(assertion_id, issuer)
        if outside:
            return result.fail("issuer", outside)
        result.credential = hosted
        result.checks.append(
            Check("issuer", True, f"{badge.get('name')}, by {issuer.get('name') or _id(issuer)}")
        )
        if "issuedOn" in hosted and _when(hosted["issuedOn"], "issuedOn") > now:
            result.fail("dates", f"not valid yet: issued on {hosted['issuedOn']}", "expired")
        elif "expires" in hosted and _when(hosted["expires"], "expires") <= now:
            result.fail("dates", f"expired on {hosted['expires']}", "expired")
        else:
            result.checks.append(Check("dates", True))
        if hosted.get("revoked") is True:
            reason = hosted.get("revocationReason")
            return result.fail(
                "status", "revoked by its issuer" + (f": {reason}" if reason else ""), "revoked"
            )
        if check_status and issuer.get("revocationList"):
            listing = _node(issuer["revocationList"], "revocation list", fetch)
            hit = next((a for a in _list(listing.get("revokedAssertions")) if _id(a) == assertion_id), None)
            if hit is not None:
                return result.fail("status", "revoked by its issuer (revocation list)", "revoked")
            result.checks.append(Check("status", True, "not revoked"))
    except Unreachable as err:
        return result.fail("hosted", f"{err}; the hosted assertion cannot be confirmed", "unreachable")
    except VerificationError as err:
        return result.fail("issuer", str(err))
    return result
