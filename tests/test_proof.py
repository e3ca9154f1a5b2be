"""eddsa-rdfc-2022: known answers from published vectors, strictness, and tamper detection."""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any

import pytest

from badgepress.errors import SigningError, VerificationError
from badgepress.sign import canon, proof
from badgepress.sign.keys import KeyPair, decode_public_key

from .conftest import DATA

W3C = json.loads((DATA / "eddsa-rdfc-2022-vector.json").read_text(encoding="utf-8"))
OB = json.loads((DATA / "ob3-1edtech-eddsa-rdfc-2022-vector.json").read_text(encoding="utf-8"))


def test_w3c_vector_canonical_document_and_hashes() -> None:
    canonical = canon.canonicalize(W3C["unsecuredDocument"])
    assert canonical == W3C["expectedCanonicalDocument"]
    assert hashlib.sha256(canonical.encode()).hexdigest() == W3C["expectedDocumentHashHex"]
    config = {**W3C["proofOptions"], "@context": W3C["unsecuredDocument"]["@context"]}
    assert canon.canonicalize(config) == W3C["expectedCanonicalProofConfig"]
    data = proof.hash_data(W3C["unsecuredDocument"], W3C["proofOptions"])
    assert data.hex() == W3C["expectedHashDataHex"]


def test_w3c_vector_signature_byte_for_byte() -> None:
    key = KeyPair.from_secret_multibase(W3C["secretKeyMultibase"])
    assert key.public_key_multibase == W3C["publicKeyMultibase"]
    options = W3C["proofOptions"]
    signed = proof.sign_document(
        W3C["unsecuredDocument"], key, options["verificationMethod"], options["created"]
    )
    (made,) = signed["proof"]
    assert made["proofValue"] == W3C["expectedProofValue"]
    assert key.sign(proof.hash_data(W3C["unsecuredDocument"], options)).hex() == W3C["expectedSignatureHex"]
    expected = W3C["signedDocument"]["proof"]
    expected = expected if isinstance(expected, list) else [expected]
    assert signed["proof"] == expected


def test_1edtech_open_badges_vector() -> None:
    pair = OB["keyPair"]
    key = KeyPair.from_seed(bytes.fromhex(pair["privateKeyHex"])[:32])
    assert key.public_key_multibase == pair["publicKeyMultibase"]
    options = OB["proofOptions"]
    assert canon.canonicalize(OB["unsecuredDocument"]) == OB["canonicalDocument"]
    signed = proof.sign_document(
        OB["unsecuredDocument"], key, options["verificationMethod"], options["created"]
    )
    assert signed["proof"][0]["proofValue"] == OB["expectedProofValue"]
    proof.check_proof(signed, decode_public_key(pair["publicKeyMultibase"]))


@pytest.mark.parametrize(
    ("change", "term"),
    [
        (lambda d: d.update(favouriteColour="blue"), "favouriteColour"),
        (lambda d: d["credentialSubject"].update(nickname="Al"), "nickname"),
        (lambda d: d["type"].append("MadeUpCredential"), "MadeUpCredential"),
    ],
)
def test_undefined_terms_are_refused(change: Any, term: str) -> None:
    document = copy.deepcopy(OB["unsecuredDocument"])
    change(document)
    with pytest.raises(SigningError, match=term):
        canon.canonicalize(document)


def test_inline_and_unknown_contexts_are_refused() -> None:
    document = copy.deepcopy(OB["unsecuredDocument"])
    document["@context"] = [*document["@context"], {"extra": "https://example.org/extra"}]
    with pytest.raises(SigningError, match="inline"):
        canon.canonicalize(document)
    document["@context"] = [*OB["unsecuredDocument"]["@context"], "https://example.org/context.json"]
    with pytest.raises(SigningError, match="not bundled"):
        canon.canonicalize(document)


def test_strict_path_matches_plain_pyld() -> None:
    for document in (W3C["unsecuredDocument"], OB["unsecuredDocument"]):
        assert canon.canonicalize(document) == canon.canonicalize_plain(document)


def _leaves(node: Any, path: tuple = ()) -> list[tuple]:
    if isinstance(node, dict):
        return [leaf for key, value in node.items() for leaf in _leaves(value, (*path, key))]
    if isinstance(node, list):
        return [leaf for index, value in enumerate(node) for leaf in _leaves(value, (*path, index))]
    return [path]


def _altered(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value + 1
    return str(value) + "x"


def tampered_copies(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """One copy per leaf value of the document (proof included), with that value changed."""
    copies = []
    for path in _leaves(document):
        changed = copy.deepcopy(document)
        node = changed
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = _altered(node[path[-1]])
        copies.append(("/".join(map(str, path)), changed))
    return copies


def test_every_single_field_change_breaks_the_proof() -> None:
    pair = OB["keyPair"]
    key = KeyPair.from_seed(bytes.fromhex(pair["privateKeyHex"])[:32])
    options = OB["proofOptions"]
    signed = proof.sign_document(
        OB["unsecuredDocument"], key, options["verificationMethod"], options["created"]
    )
    public = decode_public_key(pair["publicKeyMultibase"])
    proof.check_proof(signed, public)
    copies = tampered_copies(signed)
    assert len(copies) >= 20
    for _where, changed in copies:
        with pytest.raises(VerificationError):
            proof.check_proof(changed, public)
