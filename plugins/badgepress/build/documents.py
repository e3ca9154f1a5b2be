"""Build stage: unsigned JSON-LD documents, built as data.

This is the one place that maps the YAML's snake_case to the specs'
camelCase. Every function is pure: same inputs, same document.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from badgepress.build.status import split_index
from badgepress.build.urls import Urls
from badgepress.domain import Achievement, Award
from badgepress.load.settings import KeyEntry, Settings
from badgepress.sign.canon import OB_EXTENSIONS, OB_V3, VC_V2

CREDENTIAL_CONTEXT = [VC_V2, OB_V3, OB_EXTENSIONS]
PROFILE_CONTEXT = [VC_V2, OB_V3]
DID_CONTEXT = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]
ACHIEVEMENT_SCHEMA = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)

Doc = dict[str, Any]


def timestamp(moment: datetime) -> str:
    """XML Schema dateTime, UTC, no fractions: 2026-03-14T00:00:00Z."""
    text = moment.astimezone(UTC).isoformat(timespec="seconds")
    return text.replace("+00:00", "Z")


def _drop_empty(doc: Doc) -> Doc:
    return {k: v for k, v in doc.items() if v not in (None, [], {}, "")}


def image(url: str, caption: str) -> Doc:
    return {"id": url, "type": "Image", "caption": caption}


def build_profile(settings: Settings, urls: Urls, image_url: str | None) -> Doc:
    """The issuer ``Profile`` (embedded in credentials; published with a context as issuer.json)."""
    issuer = settings.issuer
    return _drop_empty(
        {
            "id": urls.did,
            "type": ["Profile"],
            "name": issuer.name,
            "url": issuer.url,
            "email": issuer.email,
            "description": issuer.description,
            "image": image(image_url, issuer.image_caption or f"Logo of {issuer.name}")
            if image_url
            else None,
        }
    )


def with_endorsements(profile: Doc, endorsements: Sequence[Doc]) -> Doc:
    """The issuer ``Profile`` as published (issuer.json), with the endorsements of the issuer.

    Credentials embed the profile without them: an endorsement of the
    organization is read from its profile, not copied into every credential.
    """
    return {**profile, "endorsement": list(endorsements)} if endorsements else profile


def build_achievement(
    achievement: Achievement, urls: Urls, image_url: str, issuer: Doc, endorsements: Sequence[Doc] = ()
) -> Doc:
    """The ``Achievement``; ``endorsements`` are signed EndorsementCredentials of it, embedded as they are."""
    spec = achievement.spec
    achievement_id = urls.absolute(urls.achievement_path(achievement.slug))
    result = spec.result
    return _drop_empty(
        {
            "id": achievement_id,
            "type": ["Achievement"],
            "achievementType": spec.achievement_type,
            "name": spec.name,
            "description": spec.description,
            "criteria": {
                "id": urls.absolute(urls.achievement_page_path(achievement.slug)),
                "narrative": spec.criteria.strip(),
            },
            "image": image(image_url, spec.image_caption or f"{spec.name} badge"),
            "creator": {k: v for k, v in issuer.items() if k in ("id", "type", "name", "url")},
            "tag": list(spec.tags),
            "alignment": [
                _drop_empty(
                    {
                        "type": ["Alignment"],
                        "targetName": a.name,
                        "targetUrl": a.url,
                        "targetDescription": a.description,
                        "targetFramework": a.framework,
                        "targetCode": a.code,
                        "targetType": a.type,
                    }
                )
                for a in spec.alignments
            ],
            "creditsAvailable": spec.credits,
            "fieldOfStudy": spec.field_of_study,
            "specialization": spec.specialization,
            "humanCode": spec.code,
            "inLanguage": spec.language,
            "resultDescription": [
                _drop_empty(
                    {
                        "id": f"{achievement_id}#result",
                        "type": ["ResultDescription"],
                        "name": result.name,
                        "resultType": result.type,
                        "allowedValue": list(result.values or []),
                    }
                )
            ]
            if result
            else None,
            "endorsement": list(endorsements),
        }
    )


def status_entry(urls: Urls, global_index: int) -> Doc:
    number, index = split_index(global_index)
    list_url = urls.absolute(urls.status_list_path(number))
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def build_credential(award: Award, achievement: Doc, issuer: Doc, urls: Urls, status_index: int) -> Doc:
    """An unsigned ``OpenBadgeCredential`` for one award, per DESIGN.md's standards profile."""
    identifiers = []
    if award.identity_hash:
        identifiers.append(
            {
                "type": "IdentityObject",
                "identityHash": award.identity_hash,
                "identityType": "emailAddress",
                "hashed": True,
                "salt": award.salt,
            }
        )
    result = None
    if award.result is not None:
        result = [
            {"type": ["Result"], "resultDescription": f"{achievement['id']}#result", "value": award.result}
        ]
    subject = _drop_empty(
        {
            "id": award.did,
            "type": ["AchievementSubject"],
            "identifier": identifiers,
            "achievement": achievement,
            "narrative": award.narrative.strip() if award.narrative else None,
            "result": result,
        }
    )
    evidence = [
        _drop_empty(
            {
                "id": e.url,
                "type": ["Evidence"],
                "name": e.name,
                "description": e.description,
                "narrative": e.narrative.strip() if e.narrative else None,
            }
        )
        for e in award.evidence
    ]
    return _drop_empty(
        {
            "@context": list(CREDENTIAL_CONTEXT),
            "id": urls.absolute(urls.credential_path(award.credential_id)),
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "name": achievement["name"],
            "issuer": issuer,
            "validFrom": timestamp(award.issued),
            "validUntil": timestamp(award.expires) if award.expires else None,
            "credentialSubject": subject,
            "evidence": evidence,
            "credentialSchema": [{"id": ACHIEVEMENT_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}],
            "credentialStatus": status_entry(urls, status_index),
        }
    )


def build_status_list(
    urls: Urls, number: int, issuer_did: str, encoded: str, valid_from: datetime, valid_until: datetime
) -> Doc:
    list_url = urls.absolute(urls.status_list_path(number))
    return {
        "@context": [VC_V2],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_did,
        "validFrom": timestamp(valid_from),
        "validUntil": timestamp(valid_until),
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded,
        },
    }


def build_did_document(urls: Urls, keys: Mapping[str, str]) -> Doc:
    """The did:web document: every key (id → publicKeyMultibase) as a Multikey for assertions."""
    did = urls.did
    methods = [
        {"id": urls.key_id(key_id), "type": "Multikey", "controller": did, "publicKeyMultibase": public}
        for key_id, public in keys.items()
    ]
    return {
        "@context": list(DID_CONTEXT),
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [m["id"] for m in methods],
    }


def build_revocation_notice(credential_id: str, revoked: datetime, reason: str | None) -> Doc:
    """What the issuer says publicly of a revoked credential, for verifiers to show.

    Not signed: the signed status list says *whether* it is revoked; this says when
    and why (the reason only when the award makes it public).
    """
    notice: Doc = {"credential": credential_id, "revoked": timestamp(revoked)}
    if reason:
        notice["reason"] = reason
    return notice


def published_keys(keys: list[KeyEntry]) -> dict[str, str]:
    return {k.id: k.public_key for k in keys}


def with_context(doc: Doc, context: list[str] = PROFILE_CONTEXT) -> Doc:
    return {"@context": list(context), **doc}


def to_json(doc: Any) -> bytes:
    """The one serializer of published JSON: UTF-8, 2-space indent, newline-terminated."""
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
