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

import contextlib
import json
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from . import clock
from .canon import VC_V2
from .errors import VerificationError
from .keys import PREVIEW_KEY_ID, decode_public_key, resolve_did_key
from .proof import check_proof, proofs_of
from .status import bit_is_set, decode_list

Doc = dict[str, Any]
CREDENTIAL_TYPES = {"OpenBadgeCredential", "AchievementCredential", "EndorsementCredential", "ClrCredential"}
MAX_BYTES = 2 * 1024 * 1024
MAX_EMBEDDED = 500  # credentials in one learner record
# Worst first: a result's status is the first of these any check leads to, else "verified".
PRECEDENCE = ("invalid", "unreachable", "revoked", "suspended", "expired", "not-yet-valid")
PREVIEW_NOTE = "signed with a preview key: not a real credential"
MONTHS: tuple[str, ...] = ("January", "February", "March", "April", "May", "June", "July")
MONTHS += ("August", "September", "October", "November", "December")


class Unreachable(Exception):
    """A document the verification needs could not be fetched."""


Fetcher = Callable[[str], Any]


def site_fetcher(site: Path) -> Fetcher:
    """Resolve URLs to files of a built site: the longest path suffix that exists wins."""
    site = site.resolve()

    def fetch(url: str) -> Any:
        segments = [unquote(s) for s in urlsplit(url).path.split("/") if s]
        for start in range(len(segments)):
            candidate = site.joinpath(*segments[start:])
            if candidate.is_file() and site in candidate.resolve().parents:
                return json.loads(candidate.read_text(encoding="utf-8"))
        raise Unreachable(f"{url} is not in the site folder {site}")

    return fetch


def network_fetcher(timeout: float = 10.0) -> Fetcher:
    def fetch(url: str) -> Any:
        if not url.startswith("https://"):
            raise Unreachable(f"refusing to fetch {url}: only https URLs are resolved")
        request = urllib.request.Request(url, headers={"Accept": "application/json, application/did+json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return json.loads(response.read(MAX_BYTES))
        except (OSError, ValueError) as err:
            raise Unreachable(f"could not fetch {url}: {err}") from None

    return fetch


def did_web_url(did: str) -> str:
    """did:web:host%3Aport:a:b → https://host:port/a/b/did.json (bare host: /.well-known/did.json)."""
    parts = did.split(":")[2:]
    if not parts or not parts[0]:
        raise VerificationError(f"malformed did:web {did!r}")
    host = unquote(parts[0])
    path = "/".join(parts[1:]) + "/did.json" if len(parts) > 1 else ".well-known/did.json"
    return f"https://{host}/{path}"


@dataclass
class Check:
    name: str
    ok: bool | None  # None: skipped
    detail: str = ""


@dataclass
class Result:
    status: str = "verified"  # "verified" or one of PRECEDENCE
    checks: list[Check] = field(default_factory=list)
    credential: Doc | None = None
    embedded: list[Result] = field(default_factory=list)  # a learner record's credentials
    notes: list[str] = field(default_factory=list)  # what a reader must know, whatever the status

    def fail(self, name: str, detail: str, status: str = "invalid") -> Result:
        self.checks.append(Check(name, False, detail))
        if self.status == "verified" or PRECEDENCE.index(status) < PRECEDENCE.index(self.status):
            self.status = status
        return self

    @property
    def summary(self) -> str:
        failed = [c for c in self.checks if c.ok is False]
        return failed[0].detail if failed else "; ".join(c.detail for c in self.checks if c.ok and c.detail)


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

    methods = {
        absolute(m.get("id")): m for m in document.get("verificationMethod", []) if isinstance(m, dict)
    }
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


def check_signed(document: Doc, fetch: Fetcher) -> list[str]:
    """Every proof holds under a key of the issuer; returns their verification methods.

    Raises VerificationError or Unreachable (naming the proof, in a proof set).
    """
    proofs = proofs_of(document)
    issuer = issuer_id(document)
    methods = []
    for number, proof in enumerate(proofs, 1):
        where = f"proof {number} of {len(proofs)}: " if len(proofs) > 1 else ""
        method = proof.get("verificationMethod")
        try:
            if not isinstance(method, str):
                raise VerificationError("the proof has no verificationMethod")
            check_proof(document, resolve_key(method, issuer, fetch), proof)
        except VerificationError as err:
            raise VerificationError(where + str(err)) from None
        except Unreachable as err:
            raise Unreachable(where + str(err)) from None
        methods.append(method)
    return methods


def is_preview_key(verification_method: str) -> bool:
    """Whether a verification method is a Badgepress preview build's throwaway key."""
    return verification_method.rpartition("#")[2] == PREVIEW_KEY_ID


def format_day(moment: datetime) -> str:
    """A moment as the site's pages write dates, in UTC: 12 September 2026."""
    utc = moment.astimezone(UTC)
    return f"{utc.day} {MONTHS[utc.month - 1]} {utc.year}"


def _parse_time(value: Any, name: str) -> datetime:
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise VerificationError(f"{name} is not a date-time: {value!r}") from None
    if moment.tzinfo is None:
        raise VerificationError(f"{name} has no time zone")
    return moment


def verify_credential(
    document: Any, fetch: Fetcher, now: datetime | None = None, check_status: bool = False
) -> Result:
    now = now or clock.now()
    result = Result(credential=document if isinstance(document, dict) else None)
    if not isinstance(document, dict):
        return result.fail("format", "not a JSON object")
    contexts = document.get("@context")
    types = document.get("type")
    types = types if isinstance(types, list) else [types]
    if not isinstance(contexts, list) or not contexts or contexts[0] != VC_V2:
        return result.fail("format", "not a VC 2.0 credential (its first @context must be " + VC_V2 + ")")
    if "VerifiableCredential" not in types or not CREDENTIAL_TYPES & set(types):
        return result.fail(
            "format", "not an Open Badges 3.0 credential (type OpenBadgeCredential is missing)"
        )
    result.checks.append(Check("format", True))
    try:
        methods = check_signed(document, fetch)
    except VerificationError as err:
        return result.fail("proof", str(err))
    except Unreachable as err:
        return result.fail("proof", str(err), "unreachable")
    result.checks.append(Check("proof", True, f"signed by {issuer_id(document)}"))
    if any(is_preview_key(m) for m in methods):
        result.notes.append(PREVIEW_NOTE)
    try:
        valid_from = _parse_time(document.get("validFrom"), "validFrom")
        if valid_from > now:
            result.fail("dates", f"not valid yet: valid from {format_day(valid_from)}", "not-yet-valid")
        elif "validUntil" in document and (until := _parse_time(document["validUntil"], "validUntil")) <= now:
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


def _check_status(document: Doc, fetch: Fetcher, now: datetime, result: Result) -> None:
    entries = document.get("credentialStatus")
    entries = entries if isinstance(entries, list) else [entries] if entries else []
    checked = [
        e for e in entries if isinstance(e, dict) and e.get("statusPurpose") in ("revocation", "suspension")
    ]
    if not checked:
        result.checks.append(Check("status", None, "no revocation status"))
        return
    for entry in checked:
        purpose = entry["statusPurpose"]
        try:
            if _status_bit(entry, document, fetch, now):
                if purpose == "suspension":
                    result.fail("status", "suspended by its issuer", "suspended")
                else:
                    result.fail("status", _revocation_detail(document, fetch), "revoked")
            else:
                result.checks.append(Check("status", True, f"not {_PAST[purpose]}"))
        except Unreachable as err:
            result.fail("status", str(err), "unreachable")
        except (VerificationError, ValueError, OSError) as err:
            result.fail("status", f"status list: {err}")


_PAST = {"revocation": "revoked", "suspension": "suspended"}


def _status_bit(entry: Doc, document: Doc, fetch: Fetcher, now: datetime) -> bool:
    """Whether the entry's bit is set in its (verified, current) status list."""
    if entry.get("type") != "BitstringStatusListEntry":
        raise VerificationError(f"unsupported status type {entry.get('type')!r}")
    status_list = fetch(str(entry.get("statusListCredential")))
    if not isinstance(status_list, dict) or "BitstringStatusListCredential" not in (
        status_list.get("type") or []
    ):
        raise VerificationError("the status list is not a BitstringStatusListCredential")
    if issuer_id(status_list) != issuer_id(document):
        raise VerificationError("the status list was issued by someone else than the credential")
    check_signed(status_list, fetch)
    if "validUntil" in status_list and _parse_time(status_list["validUntil"], "validUntil") <= now:
        raise Unreachable(
            f"the status list expired on {status_list['validUntil']}; the issuer must rebuild it"
        )
    subject = status_list.get("credentialSubject") or {}
    purposes = subject.get("statusPurpose")
    if entry["statusPurpose"] not in (purposes if isinstance(purposes, list) else [purposes]):
        raise VerificationError(f"the status list's purpose is not {entry['statusPurpose']}")
    bits = decode_list(str(subject.get("encodedList", "")))
    return bit_is_set(bits, int(entry.get("statusListIndex", -1)))


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
        detail += f" on {format_day(_parse_time(notice.get('revoked'), 'revoked'))}"
    reason = notice.get("reason")
    return detail + (f": {reason}" if isinstance(reason, str) and reason.strip() else "")


def load_credential_file(path: Path) -> Any:
    """A credential from a .json file or a baked PNG/SVG badge."""
    data = path.read_bytes()
    if len(data) > MAX_BYTES * 4:
        raise VerificationError("the file is too large to be a credential")
    if data[:8] == b"\x89PNG\r\n\x1a\n" or data.lstrip()[:1] == b"<":
        from .baking import extract_baked

        text = extract_baked(data)
        if text is None:
            raise VerificationError("the image carries no baked credential")
    else:
        text = data.decode("utf-8")
    try:
        return json.loads(text)
    except ValueError as err:
        raise VerificationError(f"not JSON: {err}") from None
