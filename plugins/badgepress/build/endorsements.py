"""Endorsement credentials: an endorser's, made by ``badgepress endorse``, and the program's own.

An ``EndorsementCredential`` is built as data like the program's other
documents and signed with ``eddsa-rdfc-2022``: by an endorser's key offline
(``sign_endorsement``), or, for the endorsements the program gives
(``endorsements/given/*.yaml``), by the build with the program's key.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from badgepress.build.documents import timestamp
from badgepress.errors import VerificationError
from badgepress.load.model import GivenEndorsement
from badgepress.sign.canon import OB_V3, VC_V2
from badgepress.sign.keys import KeyPair, did_key
from badgepress.sign.proof import sign_document

ENDORSEMENT_CONTEXT = [VC_V2, OB_V3]
ENDORSER_KEY_ENV = "BADGEPRESS_ENDORSER_KEY"
Doc = dict[str, Any]


def endorser_profile(
    did: str, name: str, url: str | None = None, email: str | None = None, description: str | None = None
) -> Doc:
    """The endorser's OB 3.0 ``Profile`` (the credential's issuer)."""
    profile: Doc = {"id": did, "type": ["Profile"], "name": name}
    for key, value in (("url", url), ("email", email), ("description", description)):
        if value:
            profile[key] = value
    return profile


def build_endorsement(
    subject_id: str,
    comment: str,
    endorser: Doc,
    issued: datetime,
    *,
    name: str | None = None,
    credential_id: str | None = None,
) -> Doc:
    """An unsigned EndorsementCredential.

    Without ``credential_id`` the id is a ``urn:uuid`` that is stable for the
    same endorser, subject and day (so signing it again gives the same file).
    """
    if credential_id is None:
        ident = uuid.uuid5(
            uuid.NAMESPACE_URL, f"badgepress-endorsement\n{endorser['id']}\n{subject_id}\n{issued:%Y-%m-%d}"
        )
        credential_id = f"urn:uuid:{ident}"
    return {
        "@context": list(ENDORSEMENT_CONTEXT),
        "id": credential_id,
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "name": name or f"Endorsement by {endorser.get('name', endorser['id'])}",
        "issuer": endorser,
        "validFrom": timestamp(issued),
        "credentialSubject": {
            "id": subject_id,
            "type": ["EndorsementSubject"],
            "endorsementComment": comment,
        },
    }


def endorser_method(key: KeyPair, did: str | None = None, key_id: str | None = None) -> tuple[str, str]:
    """(DID, verification method) of an endorser: the key's own did:key, or ``did#key_id``."""
    if did is None or did.startswith("did:key:"):
        own = did_key(key.public_key_multibase)
        if did is not None and did != own:
            raise VerificationError(f"{did} is not the did:key of this key (that is {own})")
        return own, f"{own}#{key.public_key_multibase}"
    return did, f"{did}#{key_id or 'key-1'}"


def sign_endorsement(document: Doc, key: KeyPair, did: str | None = None, key_id: str | None = None) -> Doc:
    """Sign as ``did`` (default: the key's own did:key), with ``created`` = ``validFrom``."""
    did, method = endorser_method(key, did, key_id)
    if document["issuer"]["id"] != did:
        document = {**document, "issuer": {**document["issuer"], "id": did}}
    return sign_document(document, key, method, document["validFrom"])


def build_given(spec: GivenEndorsement, profile: Doc, credential_id: str) -> Doc:
    """The unsigned EndorsementCredential of a given endorsement, issued by the program's ``profile``."""
    return build_endorsement(
        spec.subject,
        spec.comment.strip(),
        profile,
        spec.issued,
        name=spec.name or f"{profile['name']} endorses {spec.subject_name}",
        credential_id=credential_id,
    )
