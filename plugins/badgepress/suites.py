"""Embedded proof suites for verification, chosen by each proof's type.

* ``DataIntegrityProof`` / ``eddsa-rdfc-2022`` (W3C vc-di-eddsa);
* ``Ed25519Signature2020`` (W3C CCG; DCC's issuers and Learner Credential
  Wallet): the same construction over URDNA2015 (which RDFC-1.0 equals) —
  SHA-256 of the proof options under the document's ``@context`` and of the
  document without its proof, Ed25519 over both, ``z`` + base58btc.

A document may carry several proofs (a proof set, VC Data Integrity
§2.1.2): each is an independent signature over the document without any
proof. Every proof in a supported suite must hold under a key of the issuer
and at least one must be supported; proofs in other suites are reported as
not checked, as DCC's verifier (jsonld-signatures) does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .errors import SigningError, VerificationError
from .keys import decode_multibase, verify_signature
from .proof import hash_data

SUPPORTED = ("DataIntegrityProof/eddsa-rdfc-2022", "Ed25519Signature2020")


def suite_key(proof: Any) -> str:
    """``type`` or ``type/cryptosuite`` of a proof."""
    if not isinstance(proof, dict):
        return type(proof).__name__
    kind = str(proof.get("type"))
    return kind if "cryptosuite" not in proof else f"{kind}/{proof['cryptosuite']}"


def proofs_of(document: dict[str, Any]) -> list[Any]:
    proof = document.get("proof")
    proofs = proof if isinstance(proof, list) else [] if proof is None else [proof]
    if not proofs:
        raise VerificationError("the credential has no proof")
    return proofs


def check_one(document: dict[str, Any], proof: dict[str, Any], public_key: bytes) -> None:
    """Verify one proof of a supported suite; VerificationError saying what failed."""
    if proof.get("proofPurpose") != "assertionMethod":
        raise VerificationError("the proof's purpose is not assertionMethod")
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


def check_proof_set(document: dict[str, Any], key_for: Callable[[str], bytes]) -> list[str]:
    """Verify every supported proof of ``document`` with ``key_for(verificationMethod)``.

    Returns one note per proof (``"<suite>: verified"`` or ``"...: not checked"``);
    raises VerificationError (or what ``key_for`` raises) when any supported proof fails.
    """
    proofs = proofs_of(document)
    notes: list[str] = []
    checked = 0
    for proof in proofs:
        name = suite_key(proof)
        if name not in SUPPORTED or not isinstance(proof, dict):
            notes.append(f"{name[:80]}: not checked (unsupported suite)")
            continue
        method = proof.get("verificationMethod")
        if not isinstance(method, str):
            raise VerificationError(f"the {name} proof has no verificationMethod")
        try:
            check_one(document, proof, key_for(method))
        except VerificationError as err:
            if len(proofs) == 1:
                raise
            raise VerificationError(f"{name.removeprefix('DataIntegrityProof/')}: {err}") from None
        checked += 1
        notes.append(f"{name.removeprefix('DataIntegrityProof/')}: verified")
    if not checked:
        raise VerificationError(
            f"unsupported proof {suite_key(proofs[0])[:80]} (supported: {', '.join(SUPPORTED)})"
        )
    return notes
