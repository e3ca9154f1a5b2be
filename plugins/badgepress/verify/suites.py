"""Embedded proof suites for verification, chosen by each proof's type.

* ``DataIntegrityProof`` / ``eddsa-rdfc-2022`` (W3C vc-di-eddsa);
* ``Ed25519Signature2020`` (W3C CCG; DCC's issuers and Learner Credential
  Wallet): the same construction over URDNA2015 (which RDFC-1.0 equals) —
  SHA-256 of the proof options under the document's ``@context`` and of the
  document without its proof, Ed25519 over both, ``z`` + base58btc.

A document may carry several proofs (a proof set, VC Data Integrity
§2.1.2): each is an independent signature over the document without any
proof. Following the specification's "Verify Proof Sets and Chains", the set
is verified only when every proof is: a proof in a suite this verifier does
not support, or a chain's ``previousProof``, fails the document (the page's
verifier applies the same rule, js/verify/secured.js).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from badgepress.errors import VerificationError
from badgepress.sign.proof import check_proof_value, proofs_of

SUPPORTED = ("DataIntegrityProof/eddsa-rdfc-2022", "Ed25519Signature2020")


def suite_key(proof: Any) -> str:
    """``type`` or ``type/cryptosuite`` of a proof."""
    if not isinstance(proof, dict):
        return type(proof).__name__
    kind = str(proof.get("type"))
    return kind if "cryptosuite" not in proof else f"{kind}/{proof['cryptosuite']}"


def check_one(document: dict[str, Any], proof: dict[str, Any], public_key: bytes) -> None:
    """Verify one proof of a supported suite; VerificationError saying what failed."""
    if proof.get("proofPurpose") != "assertionMethod":
        raise VerificationError("the proof's purpose is not assertionMethod")
    check_proof_value(document, proof, public_key)


def check_proof_set(document: dict[str, Any], key_for: Callable[[str], bytes]) -> list[tuple[str, str]]:
    """Verify every proof of ``document`` with ``key_for(verificationMethod)``.

    Returns ``(verificationMethod, suite name)`` per proof; raises
    VerificationError (or what ``key_for`` raises), naming the proof's place
    in a proof set, when any proof fails or is in a suite not supported here.
    """
    proofs = proofs_of(document)
    checked: list[tuple[str, str]] = []
    for number, proof in enumerate(proofs, 1):
        where = f"proof {number} of {len(proofs)}: " if len(proofs) > 1 else ""
        name = suite_key(proof)
        if name not in SUPPORTED:
            raise VerificationError(
                f"{where}unsupported proof {name[:80]} (supported: {', '.join(SUPPORTED)})"
            )
        if "previousProof" in proof:
            raise VerificationError(f"{where}proof chains (previousProof) are not supported")
        method = proof.get("verificationMethod")
        if not isinstance(method, str):
            raise VerificationError(f"{where}the proof has no verificationMethod")
        try:
            check_one(document, proof, key_for(method))
        except VerificationError as err:
            named = f"{where[:-2]} ({name.removeprefix('DataIntegrityProof/')}): " if where else ""
            raise VerificationError(f"{named}{err}") from None
        checked.append((method, name.removeprefix("DataIntegrityProof/")))
    return checked
