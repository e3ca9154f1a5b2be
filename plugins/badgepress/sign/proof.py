"""Data Integrity proofs with the ``eddsa-rdfc-2022`` cryptosuite.

The steps mirror the W3C vc-di-eddsa Recommendation, section 3.3:
transformation (RDFC-1.0 of the document without its proof), proof
configuration (the proof options under the document's ``@context``,
canonicalized), hashing (SHA-256 of each; the proof configuration's hash
first) and serialization (Ed25519 over the 64 bytes; ``proofValue`` is
``z`` + base58btc of the signature).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from badgepress.errors import SigningError, VerificationError
from badgepress.sign import canon
from badgepress.sign.keys import KeyPair, decode_multibase, verify_signature

CRYPTOSUITE = "eddsa-rdfc-2022"

Canonicalizer = Callable[[dict[str, Any]], str]


def verification_method(document: dict[str, Any], key_id: str) -> str:
    """The issuer's DID URL of the key."""
    issuer = document["issuer"]
    did = issuer["id"] if isinstance(issuer, dict) else issuer
    return f"{did}#{key_id}"


def proof_options(verification_method: str, created: str) -> dict[str, Any]:
    return {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }


def hash_data(
    document: dict[str, Any], options: dict[str, Any], canonicalizer: Canonicalizer = canon.canonicalize
) -> bytes:
    """SHA-256(canonical proof config) || SHA-256(canonical document without proof)."""
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    config = {k: v for k, v in options.items() if k != "proofValue"}
    config["@context"] = document.get("@context")
    return (
        hashlib.sha256(canonicalizer(config).encode("utf-8")).digest()
        + hashlib.sha256(canonicalizer(unsecured).encode("utf-8")).digest()
    )


def sign_document(
    document: dict[str, Any],
    key: KeyPair,
    verification_method: str,
    created: str,
    canonicalizer: Canonicalizer = canon.canonicalize,
) -> dict[str, Any]:
    """``document`` with one DataIntegrityProof, published as a one-element array."""
    if "proof" in document:
        raise SigningError("the document already has a proof")
    options = proof_options(verification_method, created)
    signature = key.sign(hash_data(document, options, canonicalizer))
    return {**document, "proof": [{**options, "proofValue": "z" + _b58(signature)}]}


def _b58(data: bytes) -> str:
    import base58

    return base58.b58encode(data).decode("ascii")


MAX_PROOFS = 8  # proofs in one proof set; each costs a canonicalization


def proofs_of(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The document's proofs (one object, or a proof set as an array); VerificationError if none.

    Rule for proof sets (VC Data Integrity 1.0, "Verify Proof Sets and Chains"):
    a verifier checks *every* proof, and the document is verified only when all
    of them are. A proof this verifier cannot check (another cryptosuite, a
    proof chain's ``previousProof``) is therefore a failure, not a proof to skip.
    """
    proof = document.get("proof")
    proofs = proof if isinstance(proof, list) else [proof] if proof is not None else []
    if not proofs:
        raise VerificationError("the credential has no proof")
    if len(proofs) > MAX_PROOFS:
        raise VerificationError(f"the credential has {len(proofs)} proofs (at most {MAX_PROOFS} are checked)")
    if not all(isinstance(p, dict) for p in proofs):
        raise VerificationError("a proof of the credential is not an object")
    return proofs


def check_proof(document: dict[str, Any], public_key: bytes, proof: dict[str, Any] | None = None) -> None:
    """Verify one ``eddsa-rdfc-2022`` proof of ``document`` (its only one by default) with a raw Ed25519 key.

    Raises VerificationError saying what failed; returns None when it holds.
    """
    if proof is None:
        proofs = proofs_of(document)
        if len(proofs) != 1:
            raise VerificationError(f"expected exactly one proof, found {len(proofs)}")
        proof = proofs[0]
    check_proof_shape(proof)
    check_proof_value(document, proof, public_key)


def check_proof_value(document: dict[str, Any], proof: dict[str, Any], public_key: bytes) -> None:
    """The Ed25519 signature of ``proof`` over ``document`` holds (VerificationError if not).

    The signature step that ``eddsa-rdfc-2022`` and ``Ed25519Signature2020``
    share: both sign SHA-256 of the canonical proof options and document.
    """
    try:
        signature = decode_multibase(str(proof.get("proofValue", "")))
    except ValueError as err:
        raise VerificationError(f"the proofValue is malformed: {err}") from None
    try:
        data = hash_data(document, proof)
    except SigningError as err:
        raise VerificationError(str(err)) from None
    if len(signature) != 64 or not verify_signature(public_key, data, signature):
        raise VerificationError(
            "the signature does not match the credential "
            "(it was changed after signing, or signed by another key)"
        )


def check_proof_shape(proof: dict[str, Any]) -> None:
    """What this verifier requires of a proof before any cryptography."""
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != CRYPTOSUITE:
        raise VerificationError(
            f"unsupported proof {proof.get('type')}/{proof.get('cryptosuite')} "
            "(expected DataIntegrityProof/eddsa-rdfc-2022)"
        )
    if "previousProof" in proof:
        raise VerificationError("proof chains (previousProof) are not supported")
    if proof.get("proofPurpose") != "assertionMethod":
        raise VerificationError("the proof's purpose is not assertionMethod")


# ---------------------------------------------------------------- eddsa-jcs-2022 (vc-di-eddsa §3.4)

JCS_CRYPTOSUITE = "eddsa-jcs-2022"


def canonical_json(value: Any) -> bytes:
    """RFC 8785 (JCS) for the JSON Badgepress makes: objects with ASCII keys, strings, integers, booleans.

    For such values JCS is JSON with sorted keys, no spaces and strings
    escaped as ECMAScript's JSON.stringify does, which ``json.dumps`` matches.
    """
    import json

    def check(item: Any) -> None:
        if isinstance(item, float):
            raise SigningError("JCS: floating-point numbers are not supported here")
        if isinstance(item, dict):
            for key, inner in item.items():
                if not key.isascii():
                    raise SigningError("JCS: object keys must be ASCII here")
                check(inner)
        elif isinstance(item, list):
            for inner in item:
                check(inner)

    check(value)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def hash_data_jcs(document: dict[str, Any], options: dict[str, Any]) -> bytes:
    """SHA-256(JCS(proof config with the document's @context)) || SHA-256(JCS(document without proof))."""
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    config = {k: v for k, v in options.items() if k != "proofValue"}
    if "@context" in document:
        config["@context"] = document["@context"]
    config_hash = hashlib.sha256(canonical_json(config)).digest()
    return config_hash + hashlib.sha256(canonical_json(unsecured)).digest()


def sign_document_jcs(
    document: dict[str, Any], key: KeyPair, verification_method: str, created: str
) -> dict[str, Any]:
    """``document`` with one ``eddsa-jcs-2022`` DataIntegrityProof (its @context kept, as the suite says).

    For documents whose terms no bundled context defines: JCS signs the JSON
    itself, so nothing can be dropped by JSON-LD processing.
    """
    if "proof" in document:
        raise SigningError("the document already has a proof")
    options = {**proof_options(verification_method, created), "cryptosuite": JCS_CRYPTOSUITE}
    if "@context" in document:
        options["@context"] = document["@context"]
    signature = key.sign(hash_data_jcs(document, options))
    return {**document, "proof": [{**options, "proofValue": "z" + _b58(signature)}]}


def check_proof_jcs(document: dict[str, Any], public_key: bytes) -> None:
    """Verify the document's one ``eddsa-jcs-2022`` proof; VerificationError saying what failed."""
    proofs = proofs_of(document)
    if len(proofs) != 1:
        raise VerificationError(f"expected exactly one proof, found {len(proofs)}")
    proof = proofs[0]
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != JCS_CRYPTOSUITE:
        raise VerificationError(f"expected a DataIntegrityProof with cryptosuite {JCS_CRYPTOSUITE}")
    if proof.get("proofPurpose") != "assertionMethod":
        raise VerificationError("the proof's purpose is not assertionMethod")
    if "@context" in proof and proof["@context"] != document.get("@context"):
        raise VerificationError("the proof's @context differs from the document's")
    try:
        signature = decode_multibase(proof.get("proofValue", ""))
        data = hash_data_jcs(document, proof)
    except (ValueError, SigningError) as err:
        raise VerificationError(f"the proof cannot be checked: {err}") from None
    if len(signature) != 64 or not verify_signature(public_key, data, signature):
        raise VerificationError(
            "the signature does not match the document (changed after signing, or another key)"
        )
