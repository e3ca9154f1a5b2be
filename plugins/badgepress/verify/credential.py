"""Verify Open Badges 3.0 credentials (``eddsa-rdfc-2022``), as a relying party would.

Checks, in order: the document's shape, the issuer's key (resolved from
``did:web`` or ``did:key``, listed in ``assertionMethod``, controlled by the
issuer), every proof (a proof set verifies only when each of its proofs
does: :func:`badgepress.proof.proofs_of`), the validity dates and, unless
asked not to, the status list. A revoked credential's reason and date come
from the notice its issuer publishes beside it (``…/revocation.json``), when
there is one. What a preview build's throwaway key signed is marked.
An ``EndorsementCredential`` also reports who endorses what; a
``ClrCredential`` (learner record) also verifies each credential it holds,
and fails when any of them does.
Documents are fetched through a :class:`Fetcher`: from a built site folder
(``--site``) or, only when asked, from the network.
"""

from __future__ import annotations

import base64
import contextlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from badgepress import clock
from badgepress.build.status import bit_is_set, decode_list
from badgepress.errors import VerificationError
from badgepress.sign.canon import VC_V1, VC_V2
from badgepress.sign.keys import PREVIEW_KEY_ID, decode_public_key, resolve_did_key
from badgepress.verify.ob2 import is_ob2_assertion, verify_assertion
from badgepress.verify.results import (
    MAX_BYTES,
    Check,
    Doc,
    Fetcher,
    Result,
    Unreachable,
    did_web_url,
    parse_time,
)
from badgepress.verify.suites import check_proof_set
from badgepress.verify.vcjwt import check_signature, decode_jwt, is_compact_jws, issuer_jwk

CREDENTIAL_TYPES = {"OpenBadgeCredential", "AchievementCredential", "EndorsementCredential", "ClrCredential"}
MAX_EMBEDDED = 500  # credentials in one learner record
PREVIEW_NOTE = "signed with a preview key: not a real credential"
MONTHS: tuple[str, ...] = ("January", "February", "March", "April", "May", "June", "July")
MONTHS += ("August", "September", "October", "November", "December")


def resolve_key(verification_method: str, issuer: str, fetch: Fetcher) -> bytes:
    """The raw key of ``verification_method`` if the issuer's DID document authorizes it."""
    did = verification_method.split("#", 1)[0]
    if did != issuer:
        raise VerificationError(f"the proof's key belongs to {did}, not to the issuer {issuer}")
    if did.startswith("did:key:"):
        document = resolve_did_key(did)
    elif did.startswith("did:web:"):
        document = fetch(did_web_url(did))
    else:
        raise VerificationError(f"unsupported DID method in {did!r} (supported: did:web, did:key)")
    if not isinstance(document, dict) or document.get("id") != did:
        raise VerificationError(f"the DID document of {did} does not describe {did}")

    def absolute(ref: Any) -> Any:
        return did + ref if isinstance(ref, str) and ref.startswith("#") else ref

    listed = [*document.get("verificationMethod", []), *document.get("assertionMethod", [])]
    methods = {absolute(m.get("id")): m for m in listed if isinstance(m, dict)}
    method = methods.get(verification_method)
    if method is None:
        raise VerificationError(f"{verification_method} is not in the issuer's DID document")
    assertion = [
        absolute(a if isinstance(a, str) else a.get("id")) for a in document.get("assertionMethod", [])
    ]
    if verification_method not in assertion:
        raise VerificationError(f"{verification_method} is not listed in the issuer's assertionMethod")
    if method.get("controller") != did:
        raise VerificationError(
            f"{verification_method} is controlled by {method.get('controller')}, not {did}"
        )
    jwk = method.get("publicKeyJwk")
    if "publicKeyMultibase" not in method and isinstance(jwk, dict):  # as the page reads keys (did.js)
        if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519" or not isinstance(jwk.get("x"), str):
            raise VerificationError(f"{verification_method} is not an Ed25519 key")
        raw = base64.urlsafe_b64decode(jwk["x"] + "=" * (-len(jwk["x"]) % 4))
        if len(raw) != 32:
            raise VerificationError(f"{verification_method} is malformed")
        return raw
    try:
        return decode_public_key(method.get("publicKeyMultibase", ""))
    except ValueError as err:
        raise VerificationError(f"{verification_method}: {err}") from None


def issuer_id(document: Doc) -> str:
    issuer = document.get("issuer")
    value = issuer.get("id") if isinstance(issuer, dict) else issuer
    if not isinstance(value, str):
        raise VerificationError("the credential has no issuer id")
    return value


def check_signed(document: Doc, fetch: Fetcher) -> list[tuple[str, str]]:
    """Every proof holds under a key of the issuer (suites.py); returns ``(method, suite)`` per proof.

    Raises VerificationError or Unreachable (naming the proof, in a proof set).
    """
    issuer = issuer_id(document)
    return check_proof_set(document, lambda method: resolve_key(method, issuer, fetch))


def is_preview_key(verification_method: str) -> bool:
    """Whether a verification method is a Badgepress preview build's throwaway key."""
    return verification_method.rpartition("#")[2] == PREVIEW_KEY_ID


def format_day(moment: datetime) -> str:
    """A moment as the site's pages write dates, in UTC: 12 September 2026."""
    utc = moment.astimezone(UTC)
    return f"{utc.day} {MONTHS[utc.month - 1]} {utc.year}"


def _check_jwt(jwt: Any, document: Doc, fetch: Fetcher) -> list[str]:
    jwk, key = issuer_jwk(jwt, issuer_id(document), fetch)
    check_signature(jwt, jwk)
    return [f"VC-JWT {jwt.header.get('alg')}, {key}"]


def verify_credential(
    document: Any, fetch: Fetcher, now: datetime | None = None, check_status: bool = False
) -> Result:
    now = now or clock.now()
    jwt = None
    if isinstance(document, str) and document.startswith(("https://", "http://")):
        try:  # the URL of a hosted (Open Badges 2.0) assertion, as baked in an image
            document = fetch(document)
        except Unreachable as err:
            return Result().fail("format", str(err), "unreachable")
    if isinstance(document, str):  # a VC-JWT (vcjwt.py): its envelope is the proof
        try:
            jwt = decode_jwt(document)
        except (VerificationError, ValueError) as err:
            return Result().fail("format", str(err))
        document = jwt.credential

    if is_ob2_assertion(document):  # Open Badges 2.0: its own checks (ob2.py)
        return verify_assertion(document, fetch, now, check_status)
    result = Result(credential=document if isinstance(document, dict) else None)
    if not isinstance(document, dict):
        return result.fail("format", "not a JSON object")
    contexts = document.get("@context")
    types = document.get("type")
    types = types if isinstance(types, list) else [types]
    if not isinstance(contexts, list) or not contexts or contexts[0] not in {VC_V2, VC_V1}:
        return result.fail(
            "format", f"not a verifiable credential (its first @context must be {VC_V2} or, VC 1.1, {VC_V1})"
        )
    if "VerifiableCredential" not in types or not CREDENTIAL_TYPES & set(types):
        return result.fail(
            "format", "not an Open Badges 3.0 credential (type OpenBadgeCredential is missing)"
        )
    result.checks.append(Check("format", True))
    try:
        if jwt is None:
            signed = check_signed(document, fetch)
            methods = [method for method, _ in signed]
            notes = [f"{suite}: verified" for _, suite in signed]
        else:
            methods, notes = [], _check_jwt(jwt, document, fetch)
    except VerificationError as err:
        return result.fail("proof", str(err))
    except Unreachable as err:
        return result.fail("proof", str(err), "unreachable")
    shown = f" ({'; '.join(notes)})" if len(notes) > 1 or jwt is not None else ""
    result.checks.append(Check("proof", True, f"signed by {issuer_id(document)}{shown}"))
    if any(is_preview_key(m) for m in methods):
        result.notes.append(PREVIEW_NOTE)
    # VC 1.1 names the validity dates issuanceDate / expirationDate
    start, end = ("validFrom", "validUntil") if contexts[0] == VC_V2 else ("issuanceDate", "expirationDate")
    try:
        valid_from = parse_time(document.get(start), start)
        if valid_from > now:
            result.fail("dates", f"not valid yet: valid from {format_day(valid_from)}", "not-yet-valid")
        elif end in document and (until := parse_time(document[end], end)) <= now:
            result.fail("dates", f"expired on {format_day(until)}", "expired")
        else:
            result.checks.append(Check("dates", True))
    except VerificationError as err:
        return result.fail("dates", str(err))
    if check_status:
        _check_status(document, fetch, now, result)
    if "EndorsementCredential" in types:
        _describe_endorsement(document, result)
    if "ClrCredential" in types:
        _check_embedded(document, fetch, now, check_status, result)
    return result


def _describe_endorsement(document: Doc, result: Result) -> None:
    subject = document.get("credentialSubject")
    endorsed = subject.get("id") if isinstance(subject, dict) else None
    if not isinstance(endorsed, str):
        result.fail("endorsement", "the endorsement does not say what it endorses (credentialSubject.id)")
        return
    issuer = document.get("issuer")
    name = issuer.get("name") if isinstance(issuer, dict) else None
    endorser = name if isinstance(name, str) and name.strip() else issuer_id(document)
    result.checks.append(Check("endorsement", True, f"{endorser} endorses {endorsed}"))


def _check_embedded(document: Doc, fetch: Fetcher, now: datetime, check_status: bool, result: Result) -> None:
    """Verify each credential of a learner record, as if it came alone; one check each."""
    subject = document.get("credentialSubject")
    embedded = subject.get("verifiableCredential") if isinstance(subject, dict) else None
    if not isinstance(embedded, list) or not embedded:
        result.fail("credentials", "the learner record holds no credentials")
        return
    if len(embedded) > MAX_EMBEDDED:
        result.fail("credentials", f"the learner record holds over {MAX_EMBEDDED} credentials")
        return
    for number, item in enumerate(embedded, 1):
        label = f"credential {number}"
        name = item.get("name") if isinstance(item, dict) else None
        shown = name if isinstance(name, str) and name else label
        types = item.get("type") if isinstance(item, dict) else None
        if isinstance(types, list) and "ClrCredential" in types:
            result.fail(label, f"{shown}: a learner record inside a learner record is not verified")
            continue
        inner = verify_credential(item, fetch, now, check_status)
        result.embedded.append(inner)
        if inner.status == "verified":
            result.checks.append(Check(label, True, f"{shown}: verified"))
        else:
            result.fail(label, f"{shown}: {inner.status} ({inner.summary})", inner.status)


# entry type -> (list credential type, list subject type, encodedList must be multibase)
STATUS_LISTS = {
    "BitstringStatusListEntry": ("BitstringStatusListCredential", "BitstringStatusList", True),
    "StatusList2021Entry": ("StatusList2021Credential", "StatusList2021", False),
}
REVOCATION_LIST = "1EdTechRevocationList"


def _check_status(document: Doc, fetch: Fetcher, now: datetime, result: Result) -> None:
    entries = document.get("credentialStatus")
    entries = entries if isinstance(entries, list) else [entries] if entries else []
    checked = [
        e
        for e in entries
        if isinstance(e, dict)
        and (e.get("type") == REVOCATION_LIST or e.get("statusPurpose") in {"revocation", "suspension"})
    ]
    if not checked:
        result.checks.append(Check("status", None, "no revocation status"))
        return
    for entry in checked:
        try:
            state = _entry_state(document, entry, fetch, now)
        except Unreachable as err:
            result.fail("status", str(err), "unreachable")
        except (VerificationError, ValueError, OSError) as err:
            result.fail("status", f"status list: {err}")
        else:
            if state == "suspended":
                result.fail("status", "suspended by its issuer", "suspended")
            elif state == "revoked":
                result.fail("status", _revocation_detail(document, fetch), "revoked")
            else:
                result.checks.append(Check("status", True, state))


def _entry_state(document: Doc, entry: Doc, fetch: Fetcher, now: datetime) -> str:
    """The entry's state: revoked, suspended, or a note saying neither; raises on an unusable list."""
    kind = entry.get("type")
    if kind == REVOCATION_LIST:
        return _revocation_list_state(document, entry, fetch)
    if kind not in STATUS_LISTS:
        raise VerificationError(f"unsupported status type {kind!r}")
    list_type, subject_type, multibase = STATUS_LISTS[str(kind)]
    purpose = entry["statusPurpose"]
    status_list = fetch(str(entry.get("statusListCredential")))
    if not isinstance(status_list, dict) or list_type not in (status_list.get("type") or []):
        raise VerificationError(f"the status list is not a {list_type}")
    if issuer_id(status_list) != issuer_id(document):
        raise VerificationError("the status list was issued by someone else than the credential")
    check_signed(status_list, fetch)
    until_name = "validUntil" if "validUntil" in status_list else "expirationDate"
    if until_name in status_list and parse_time(status_list[until_name], until_name) <= now:
        raise Unreachable(f"the status list expired on {status_list[until_name]}; the issuer must rebuild it")
    subject = status_list.get("credentialSubject") or {}
    if subject.get("type") != subject_type:
        raise VerificationError(f"the status list's subject is not a {subject_type}")
    if subject.get("statusPurpose") != purpose:
        raise VerificationError(f"the status list's purpose is not {purpose}")
    encoded = str(subject.get("encodedList", ""))
    if not multibase and not encoded.startswith("u"):
        encoded = "u" + encoded  # StatusList2021 predates the multibase prefix
    if bit_is_set(decode_list(encoded), int(entry.get("statusListIndex", -1))):
        return "revoked" if purpose == "revocation" else "suspended"
    return f"not {'revoked' if purpose == 'revocation' else 'suspended'}"


def _revocation_list_state(document: Doc, entry: Doc, fetch: Fetcher) -> str:
    """1EdTech Revocation List: an unsigned JSON list of revoked credential ids at the entry's id."""
    listing = fetch(str(entry.get("id")))
    revoked = listing.get("revokedCredentials") if isinstance(listing, dict) else None
    if not isinstance(revoked, list):
        raise VerificationError("the revocation list has no revokedCredentials array")
    owner = listing.get("issuer")
    owner = owner.get("id") if isinstance(owner, dict) else owner
    if owner is not None and owner != issuer_id(document):
        raise VerificationError("the revocation list was issued by someone else than the credential")
    # an entry revokes when its `revoked` is true or absent (vcrl 1.0, as the 1EdTech validator reads it)
    ids = {r for r in revoked if isinstance(r, str)} | {
        r.get("id") for r in revoked if isinstance(r, dict) and r.get("revoked", True) is True
    }
    if document.get("id") in ids:
        return "revoked"
    return "not revoked (1EdTech revocation list, unsigned)"


def revocation_notice_url(credential_id: Any) -> str | None:
    """Where a Badgepress issuer publishes a revoked credential's notice (``…/revocation.json``)."""
    if not isinstance(credential_id, str) or not credential_id.startswith(("https://", "http://")):
        return None
    if not credential_id.endswith(".json") or "?" in credential_id or "#" in credential_id:
        return None
    return credential_id.removesuffix(".json") + "/revocation.json"


def _revocation_detail(document: Doc, fetch: Fetcher) -> str:
    """'revoked by its issuer', with the date and reason of the issuer's notice when it has one."""
    url = revocation_notice_url(document.get("id"))
    try:
        notice = fetch(url) if url else None
    except (Unreachable, OSError, ValueError):
        notice = None
    if not isinstance(notice, dict) or notice.get("credential") != document.get("id"):
        return "revoked by its issuer (no reason published)"
    detail = "revoked by its issuer"
    with contextlib.suppress(VerificationError):
        detail += f" on {format_day(parse_time(notice.get('revoked'), 'revoked'))}"
    reason = notice.get("reason")
    return detail + (f": {reason}" if isinstance(reason, str) and reason.strip() else "")


def load_credential_file(path: Path) -> Any:
    """A credential from a .json file or a baked PNG/SVG badge."""
    with open(path, "rb") as handle:
        data = handle.read(MAX_BYTES * 4 + 1)  # enough to tell that it is too large
    if len(data) > MAX_BYTES * 4:
        raise VerificationError("the file is too large to be a credential")
    if data[:8] == b"\x89PNG\r\n\x1a\n" or data.lstrip()[:1] == b"<":
        from badgepress.build.baking import extract_baked, extract_ob2_png, extract_ob2_svg

        text = extract_baked(data)
        if text is None:  # Open Badges 2.0: JSON, or the hosted assertion's URL
            text = extract_ob2_png(data) if data[:8] == b"\x89PNG\r\n\x1a\n" else extract_ob2_svg(data)
        if text is None:
            raise VerificationError("the image carries no baked credential")
        if text.strip().startswith(("https://", "http://")):
            return text.strip()  # a hosted assertion's URL, fetched by verify_credential
    else:
        text = data.decode("utf-8")
    if is_compact_jws(text):
        return text.strip()  # a VC-JWT, verified as such by verify_credential
    try:
        return json.loads(text)
    except ValueError as err:
        raise VerificationError(f"not JSON: {err}") from None
