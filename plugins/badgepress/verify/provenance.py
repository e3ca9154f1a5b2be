"""Verify a site's ``provenance.json``: signed by its issuer's key, with ``eddsa-jcs-2022``.

The file (``build/provenance.py``) says which commit and pull request approved
each credential. Its proof is a Data Integrity proof over the JSON itself
(RFC 8785), not over RDF: no published context defines its terms. It is
checked as the verification page checks it (``js/verify/provenance.js``):
one proof, of that suite, for assertion, by a key the issuer's DID document
lists in ``assertionMethod``. It holds no status entry and never expires.
"""

from __future__ import annotations

from typing import Any

from badgepress.errors import VerificationError
from badgepress.sign.proof import JCS_CRYPTOSUITE, check_proof_jcs, proofs_of
from badgepress.verify.credential import format_day, is_preview_key, issuer_id, resolve_key
from badgepress.verify.results import Check, Fetcher, Result, Unreachable, parse_time

TYPE = "BadgepressProvenance"


def is_provenance(document: Any) -> bool:
    """Whether ``document`` claims to be a Badgepress provenance file."""
    types = document.get("type") if isinstance(document, dict) else None
    return isinstance(types, list) and TYPE in types


def verify_provenance(document: dict[str, Any], fetch: Fetcher) -> Result:
    """The checks of a provenance file: its shape, its one proof under the issuer's key."""
    result = Result(credential=document)
    subject = document.get("credentialSubject")
    if "VerifiableCredential" not in document.get("type", []) or not isinstance(subject, dict):
        return result.fail("format", "not a provenance file (a VerifiableCredential with a subject)")
    entries = subject.get("credentials")
    count = len(entries) if isinstance(entries, list) else 0
    history = subject.get("history")
    result.checks.append(Check("format", True, f"provenance of {count:,} credential(s), history {history}"))
    try:
        proofs = proofs_of(document)
        method = proofs[0].get("verificationMethod") if isinstance(proofs[0], dict) else None
        if not isinstance(method, str):
            raise VerificationError("the proof has no verificationMethod")
        issuer = issuer_id(document)
        # one proof, of eddsa-jcs-2022, for assertion: check_proof_jcs checks them all
        check_proof_jcs(document, resolve_key(method, issuer, fetch))
    except VerificationError as err:
        return result.fail("proof", str(err))
    except Unreachable as err:
        return result.fail("proof", str(err), "unreachable")
    try:
        built = format_day(parse_time(document.get("validFrom"), "validFrom"))
    except VerificationError as err:
        return result.fail("dates", str(err))
    result.checks.append(Check("proof", True, f"signed by {issuer} ({JCS_CRYPTOSUITE}), as of {built}"))
    if is_preview_key(method):
        result.notes.append("signed with a preview key: not the issuer's real provenance")
    return result
