"""VC-JWT (Open Badges 3.0 §8.2): a compact JWS whose payload is the credential.

Two payload forms: VC 1.1, the credential in the ``vc`` claim with the
registered claims ``iss`` / ``jti`` / ``nbf`` / ``exp`` standing for
``issuer`` / ``id`` / ``issuanceDate`` / ``expirationDate``; and the VC 2.0
JOSE form (VC-JOSE-COSE), where the payload is the credential itself.
Algorithms EdDSA (Ed25519), ES256 (P-256) and RS256, with ``cryptography``.
The key: ``kid`` names an assertion method of the issuer's DID document
(``did:key``, ``did:web``); or the ``jwk`` header carries it, and it must then
be one of the issuer's assertion keys (an issuer that is not a DID cannot
vouch for a key here, so its JWT is refused). Mirrors js/verify/suites/vc-jwt.js.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from badgepress.errors import VerificationError
from badgepress.sign.keys import decode_public_key, resolve_did_key
from badgepress.verify.results import did_web_url

COMPACT_JWS = re.compile(r"^eyJ[\w-]*\.[\w-]+\.[\w-]+$")
ALGORITHMS = {"EdDSA": ("OKP", "Ed25519"), "ES256": ("EC", "P-256"), "RS256": ("RSA", None)}


@dataclass(frozen=True)
class Jwt:
    header: dict[str, Any]
    credential: dict[str, Any]
    signing_input: bytes
    signature: bytes


def is_compact_jws(text: str) -> bool:
    return bool(COMPACT_JWS.match(text.strip()))


def _b64(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def _part(segment: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(_b64(segment).decode("utf-8"))
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise VerificationError(f"the JWT {what} is not a base64url JSON object")
    return value


def _iso(seconds: Any) -> str | None:
    if not isinstance(seconds, int | float) or isinstance(seconds, bool):
        return None
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def decode_jwt(text: str) -> Jwt:
    """The parts of a compact JWS and the credential it carries; VerificationError when malformed."""
    h, p, s = text.strip().split(".")
    header, payload = _part(h, "header"), _part(p, "payload")
    vc = payload.get("vc")
    if isinstance(vc, dict):
        credential = dict(vc)
        for name, value in (
            ("issuer", payload.get("iss") if isinstance(payload.get("iss"), str) else None),
            ("id", payload.get("jti") if isinstance(payload.get("jti"), str) else None),
            ("issuanceDate", _iso(payload.get("nbf"))),
            ("expirationDate", _iso(payload.get("exp"))),
        ):
            if value is not None and name not in credential:
                credential[name] = value
        issuer = credential.get("issuer")
        issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
        if isinstance(payload.get("iss"), str) and issuer_id != payload["iss"]:
            raise VerificationError("the JWT's iss is not the credential's issuer")
        if isinstance(payload.get("jti"), str) and credential.get("id") != payload["jti"]:
            raise VerificationError("the JWT's jti is not the credential's id")
    elif "@context" in payload:
        credential = payload
    else:
        raise VerificationError(
            "the JWT carries no credential (no vc claim, and the payload is not a credential)"
        )
    return Jwt(header, credential, f"{h}.{p}".encode("ascii"), _b64(s))


def _jwk_of(method: dict[str, Any]) -> dict[str, Any]:
    jwk = method.get("publicKeyJwk")
    if isinstance(jwk, dict):
        return jwk
    if isinstance(method.get("publicKeyMultibase"), str):
        raw = decode_public_key(method["publicKeyMultibase"])
        return {"kty": "OKP", "crv": "Ed25519", "x": base64.urlsafe_b64encode(raw).decode().rstrip("=")}
    raise VerificationError(f"the key {method.get('id')} has no publicKeyJwk or publicKeyMultibase")


def _same_key(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return all(a.get(k) == b.get(k) for k in ("kty", "crv", "x", "y", "n", "e"))


def _assertion_methods(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    did = document.get("id")

    def absolute(ref: Any) -> Any:
        return f"{did}{ref}" if isinstance(ref, str) and ref.startswith("#") else ref

    listed = [*document.get("verificationMethod", []), *document.get("assertionMethod", [])]
    methods = {absolute(m.get("id")): m for m in listed if isinstance(m, dict)}
    assertion = {
        absolute(a if isinstance(a, str) else a.get("id")) for a in document.get("assertionMethod", [])
    }
    return {k: m for k, m in methods.items() if k in assertion}


def issuer_jwk(jwt: Jwt, issuer: str, fetch: Any) -> tuple[dict[str, Any], str]:
    """The issuer's public JWK for this JWT and a note saying which key it is."""

    def document_of(did: str) -> dict[str, Any]:
        if did.startswith("did:key:"):
            return resolve_did_key(did)
        if did.startswith("did:web:"):
            document = fetch(did_web_url(did))
            if isinstance(document, dict) and document.get("id") == did:
                return document
            raise VerificationError(f"the DID document of {did} does not describe {did}")
        raise VerificationError(f"unsupported issuer {did!r} for a VC-JWT (supported: did:web, did:key)")

    kid, jwk = jwt.header.get("kid"), jwt.header.get("jwk")
    if isinstance(kid, str) and kid:
        method_id = f"{issuer}{kid}" if kid.startswith("#") else kid
        if method_id.split("#", 1)[0] != issuer:
            raise VerificationError(f"the key {method_id} does not belong to the issuer {issuer}")
        method = _assertion_methods(document_of(issuer)).get(method_id)
        if method is None:
            raise VerificationError(f"{method_id} is not an assertion key in the issuer's DID document")
        return _jwk_of(method), method_id
    if isinstance(jwk, dict):
        if "d" in jwk:
            raise VerificationError("the jwk header holds a private key")
        for method_id, method in _assertion_methods(document_of(issuer)).items():
            try:
                if _same_key(_jwk_of(method), jwk):
                    return jwk, f"{method_id} (jwk header)"
            except VerificationError:
                continue
        raise VerificationError("the key in the jwk header is not one of the issuer's assertion keys")
    raise VerificationError("the JWT header names no key (kid or jwk)")


def _int(value: Any) -> int:
    return int.from_bytes(_b64(str(value)), "big")


def check_signature(jwt: Jwt, jwk: dict[str, Any]) -> None:
    """VerificationError unless the JWS signature holds under ``jwk``."""
    alg = jwt.header.get("alg")
    if alg not in ALGORITHMS:
        raise VerificationError(f"unsupported JWT algorithm {alg!r} (supported: {', '.join(ALGORITHMS)})")
    if "crit" in jwt.header:
        raise VerificationError(
            "the JWT has critical header parameters (crit), which are not understood here"
        )
    kty, crv = ALGORITHMS[alg]
    if jwk.get("kty") != kty or (crv and jwk.get("crv") != crv):
        raise VerificationError(
            f"the key ({jwk.get('kty')} {jwk.get('crv') or ''}) does not fit the algorithm {alg}"
        )
    try:
        if alg == "EdDSA":
            ed25519.Ed25519PublicKey.from_public_bytes(_b64(jwk["x"])).verify(
                jwt.signature, jwt.signing_input
            )
        elif alg == "ES256":
            key = ec.EllipticCurvePublicNumbers(_int(jwk["x"]), _int(jwk["y"]), ec.SECP256R1()).public_key()
            if len(jwt.signature) != 64:
                raise InvalidSignature
            der = encode_dss_signature(
                int.from_bytes(jwt.signature[:32], "big"), int.from_bytes(jwt.signature[32:], "big")
            )
            key.verify(der, jwt.signing_input, ec.ECDSA(hashes.SHA256()))
        else:
            rsa_key = rsa.RSAPublicNumbers(_int(jwk["e"]), _int(jwk["n"])).public_key()
            rsa_key.verify(jwt.signature, jwt.signing_input, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        raise VerificationError(
            "the JWT signature does not match the credential "
            "(it was changed after signing, or signed by another key)"
        ) from None
    except (KeyError, ValueError) as err:
        raise VerificationError(f"the public key is malformed: {err}") from None
