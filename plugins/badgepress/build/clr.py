"""Comprehensive Learner Record 2.0: one signed ``ClrCredential`` per learner who opts in.

A learner is the ``learner:`` handle on their awards; the record is published
when at least one of them sets ``learner_record: true``. It holds the
learner's live Open Badges credentials exactly as published (with their own
proofs; revoked ones are left out), the achievements, and the associations
between them that the achievement files declare (``related.prerequisites``:
a prerequisite ``precedes`` the achievement that requires it).

Contexts are VC 2.0, CLR 2.0.1 and OB 3.0.3, in that order: the CLR context
defines ``ClrSubject`` and ``Association``, the OB context the achievements.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from badgepress.build.documents import timestamp
from badgepress.build.urls import Urls
from badgepress.domain import Achievement, Award, display_name
from badgepress.sign.canon import CLR_V2, OB_V3, VC_V2

CLR_CONTEXT = [VC_V2, CLR_V2, OB_V3]
Doc = dict[str, Any]
_PRIVACY = {"none": 0, "initial": 1, "full": 2}


def learners_with_records(awards: Sequence[Award]) -> dict[str, tuple[Award, ...]]:
    """Learner handle → their live awards, for learners who opted in; in a stable order."""
    by_learner: dict[str, list[Award]] = {}
    for award in awards:
        if award.learner:
            by_learner.setdefault(award.learner, []).append(award)
    records = {}
    for learner, items in sorted(by_learner.items()):
        live = sorted((a for a in items if a.revoked is None), key=lambda a: (a.issued, a.credential_id))
        if live and any(a.learner_record for a in items):
            records[learner] = tuple(live)
    return records


def learner_name(awards: Sequence[Award]) -> str:
    """The learner's name as the most private of their awards allows it to be shown."""
    named = [a for a in awards if a.name]
    if not named:
        return "A recipient"
    strictest = min(named, key=lambda a: (_PRIVACY[a.show_name], -a.issued.timestamp()))
    return display_name(strictest)


def associations(achievements: Mapping[str, Achievement], slugs: Sequence[str], urls: Urls) -> list[Doc]:
    """``precedes`` associations between achievements of the record, from prerequisites."""
    present = set(slugs)
    found = []
    for slug in slugs:
        related = achievements[slug].spec.related
        for prerequisite in related.prerequisites if related else []:
            if prerequisite in present:
                found.append(
                    {
                        "type": "Association",
                        "associationType": "precedes",
                        "sourceId": urls.absolute(urls.achievement_path(prerequisite)),
                        "targetId": urls.absolute(urls.achievement_path(slug)),
                    }
                )
    return found


def build_learner_record(
    learner: str,
    awards: Sequence[Award],
    credentials: Mapping[str, Doc],
    achievements: Mapping[str, Achievement],
    profile: Doc,
    urls: Urls,
    display: str,
) -> Doc:
    """An unsigned ClrCredential for ``learner``'s awards (signed credentials embedded as published).

    ``validFrom`` is the latest award's date, so the record changes (and is
    signed again) only when the learner earns, or loses, a credential.
    """
    if not awards:
        raise ValueError(f"learner {learner!r} has no credential to record")
    embedded = [credentials[a.credential_id] for a in awards]
    identifiers: list[Doc] = []
    for doc in embedded:
        for identifier in doc["credentialSubject"].get("identifier", []):
            if identifier not in identifiers:
                identifiers.append(identifier)
    subject: Doc = {"type": ["ClrSubject"]}
    dids = sorted({a.did for a in awards if a.did})
    if dids:
        subject["id"] = dids[0]
    if identifiers:
        subject["identifier"] = identifiers
    subject["verifiableCredential"] = embedded
    unique: dict[str, Doc] = {}
    for doc in embedded:
        achievement = doc["credentialSubject"]["achievement"]
        unique.setdefault(achievement["id"], achievement)
    subject["achievement"] = list(unique.values())
    links = associations(achievements, list(dict.fromkeys(a.achievement for a in awards)), urls)
    if links:
        subject["association"] = links
    return {
        "@context": list(CLR_CONTEXT),
        "id": urls.absolute(urls.learner_record_path(learner)),
        "type": ["VerifiableCredential", "ClrCredential"],
        "name": f"Learner record of {display}",
        "description": f"The achievements {display} has earned from {profile['name']}.",
        "issuer": profile,
        "validFrom": max(timestamp(a.issued) for a in awards),
        "credentialSubject": subject,
    }
