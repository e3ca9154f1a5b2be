"""Each award's signed credential and its files (JSON, baked badge, baked PNG), signed once.

A credential is a function of its inputs: the award, its achievement's
document and image, the issuer's profile, the base URL, its status index and
the signing key (and the code, which the store's version covers). The cache
store keeps, under a digest of all of them (kind ``"credentials"``), the
credential's proof value and the content ids of its files. A rebuild takes the
proof of every credential whose inputs did not change: it neither builds nor
signs it, and makes its files only if something asks for them (a page to
render, a file missing from the site). Since the key covers every input of the
signed document, it also covers every input of its proof: one entry is all a
credential needs (there is no second, per-document signature cache).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, TypeGuard, TypeVar

from badgepress.build import documents
from badgepress.build.baking import bake_png, bake_svg
from badgepress.build.urls import Urls
from badgepress.cache import Store, content_id, fingerprint
from badgepress.domain import Award, Program
from badgepress.load.program import award_key
from badgepress.sign.proof import proof_options, verification_method

if TYPE_CHECKING:
    from badgepress.build.pipeline import Signer

Doc = documents.Doc
KIND = "credentials"

V = TypeVar("V")
_LATER: Any = object()  # a value not made yet
_EACH_TIME: Any = object()  # a value made every time it is asked for, never kept


class Lazy(Mapping[str, V]):
    """A mapping some of whose values (``later``) are made by ``make(key)`` when first asked for."""

    def __init__(self, make: Callable[[str], V] | None = None) -> None:
        self._values: dict[str, V] = {}
        self.make = make

    def __setitem__(self, key: str, value: V) -> None:
        self._values[key] = value

    def later(self, key: str, *, keep: bool = True) -> None:
        """Make ``key``'s value when asked for; ``keep=False``: every time, never held in memory."""
        assert self.make is not None
        self._values[key] = _LATER if keep else _EACH_TIME

    def __getitem__(self, key: str) -> V:
        value = self._values[key]
        if value is _EACH_TIME:
            assert self.make is not None
            return self.make(key)
        if value is _LATER:
            assert self.make is not None
            value = self._values[key] = self.make(key)
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


Sign = Callable[[list[tuple[Doc, str]], "Signer"], list[Doc]]


def credential_keys(
    program: Program,
    urls: Urls,
    signer: Signer,
    profile: Doc,
    achievement_docs: Mapping[str, Doc],
    image_paths: Mapping[str, str],
    indices: Mapping[str, int],
    files: Mapping[str, bytes],
) -> dict[str, str]:
    """Each credential's key: a digest of every input of the credential and its files."""
    shared = fingerprint(
        urls.base, json.dumps(profile, sort_keys=True), signer.key_id, signer.key.public_key_multibase
    )
    per_achievement = {
        slug: fingerprint(
            json.dumps(doc, sort_keys=True), image_paths[slug], content_id(files[image_paths[slug]])
        )
        for slug, doc in achievement_docs.items()
    }
    return {
        a.credential_id: fingerprint(
            shared, per_achievement[a.achievement], award_key(program, a), str(indices[a.credential_id])
        )
        for a in program.awards
    }


def build_credentials(
    program: Program,
    urls: Urls,
    signer: Signer,
    profile: Doc,
    achievement_docs: Mapping[str, Doc],
    image_paths: Mapping[str, str],
    png_paths: Mapping[str, str],
    indices: Mapping[str, int],
    files: Lazy[bytes],
    sign: Sign,
    store: Store | None,
) -> tuple[Lazy[Doc], dict[str, str], dict[str, str]]:
    """Each award's signed credential, and its JSON, baked badge and baked PNG into ``files``.

    Returns the credentials, each one's key and the content id of each of
    their files. A credential the store knows is neither built nor signed.
    """
    keys = credential_keys(program, urls, signer, profile, achievement_docs, image_paths, indices, files)
    remade = _Remade(achievement_docs, profile, urls, indices, signer.key_id, files)
    credentials: Lazy[Doc] = Lazy(remade.credential)
    remade.credentials, files.make = credentials, remade.file
    # the baked PNG of a credential whose badge is an SVG drawn as PNG: by the drawn PNG's content id
    png_ids = {slug: content_id(files[path]) for slug, path in png_paths.items() if path != image_paths[slug]}
    known: dict[str, list[Any]] = {}
    if store is not None:
        for award in program.awards:
            kept = store.get(KIND, keys[award.credential_id])
            if _is_entry(kept, award.achievement in png_ids):
                known[award.credential_id] = kept
    todo = [a for a in program.awards if a.credential_id not in known]
    unsigned = [
        (
            documents.build_credential(
                a, achievement_docs[a.achievement], profile, urls, indices[a.credential_id]
            ),
            documents.timestamp(a.issued),
        )
        for a in todo
    ]
    signed = dict(zip([a.credential_id for a in todo], sign(unsigned, signer), strict=True)) if todo else {}
    unsigned_of = {a.credential_id: doc for a, (doc, _) in zip(todo, unsigned, strict=True)}
    content_ids: dict[str, str] = {}
    for award in program.awards:
        cid = award.credential_id
        json_path = urls.credential_path(cid)
        image = image_paths[award.achievement]
        baked_path = urls.baked_path(cid, image[image.rindex(".") :])
        png_path = urls.baked_path(cid, ".png") if award.achievement in png_ids else None
        if png_path is not None:
            remade.files[png_path] = (cid, png_paths[award.achievement])
            # made when written, and again if asked for: 10,000 baked PNGs held at once would be 300 MB
            files.later(png_path, keep=False)
        entry = known.get(cid)
        if entry is not None:
            remade.awards[cid] = (award, entry[0])
            credentials.later(cid)
            remade.files[json_path] = (cid, "")
            remade.files[baked_path] = (cid, image)
            files.later(json_path)
            files.later(baked_path)
            content_ids[json_path], content_ids[baked_path] = entry[1], entry[2]
            if png_path is not None:
                content_ids[png_path] = entry[3]
            continue
        credentials[cid] = signed[cid]
        text = files[json_path] = documents.to_json(signed[cid])
        files[baked_path] = remade.bake(image, text)
        content_ids[json_path], content_ids[baked_path] = content_id(text), content_id(files[baked_path])
        if png_path is not None:
            content_ids[png_path] = content_id(files[png_path])
        proofs = signed[cid].get("proof")
        proof_value = proofs[0].get("proofValue") if proofs else None
        # kept only if the credential is exactly what _Remade makes of it again
        if (
            store is not None
            and isinstance(proof_value, str)
            and remade.with_proof(unsigned_of[cid], award, proof_value) == signed[cid]
        ):
            png_id = content_ids[png_path] if png_path is not None else None
            store.put(KIND, keys[cid], [proof_value, content_ids[json_path], content_ids[baked_path], png_id])
    return credentials, keys, content_ids


def _is_entry(entry: Any, baked_png: bool) -> TypeGuard[list[Any]]:
    """An entry of this shape: [proof value, JSON id, baked badge id, baked PNG id (or null: none)]."""
    return (
        isinstance(entry, list)
        and len(entry) == 4
        and all(isinstance(v, str) for v in entry[:3])
        and (isinstance(entry[3], str) if baked_png else entry[3] is None)
    )


class _Remade:
    """Makes again, when asked for, the stored credentials and their files: the same bytes as before."""

    def __init__(
        self,
        achievement_docs: Mapping[str, Doc],
        profile: Doc,
        urls: Urls,
        indices: Mapping[str, int],
        key_id: str,
        files: Lazy[bytes],
    ) -> None:
        self.achievement_docs, self.profile, self.urls = achievement_docs, profile, urls
        self.indices, self.key_id = indices, key_id
        self.published = files
        self.credentials: Mapping[str, Doc] = {}
        self.awards: dict[str, tuple[Award, str]] = {}  # id → (award, proof value)
        # path → (credential id, image to bake, or "" for the JSON)
        self.files: dict[str, tuple[str, str]] = {}

    def unsigned(self, award: Award) -> Doc:
        return documents.build_credential(
            award,
            self.achievement_docs[award.achievement],
            self.profile,
            self.urls,
            self.indices[award.credential_id],
        )

    def with_proof(self, doc: Doc, award: Award, proof_value: str) -> Doc:
        """The unsigned credential ``doc`` of ``award`` with its proof, as the batch signer makes it."""
        options = proof_options(verification_method(doc, self.key_id), documents.timestamp(award.issued))
        return {**doc, "proof": [{**options, "proofValue": proof_value}]}

    def credential(self, cid: str) -> Doc:
        award, proof_value = self.awards[cid]
        return self.with_proof(self.unsigned(award), award, proof_value)

    def bake(self, image: str, text: bytes) -> bytes:
        bake = bake_png if image.endswith(".png") else bake_svg
        return bake(self.published[image], text.decode("utf-8"))

    def file(self, path: str) -> bytes:
        cid, image = self.files[path]
        text = documents.to_json(self.credentials[cid])
        return self.bake(image, text) if image else text
