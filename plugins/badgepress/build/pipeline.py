"""The pipeline from a program folder to the files of a published site.

``build_publication`` runs stages 3 and 4 (build, sign) over a validated
:class:`~badgepress.program.Program`; it imports nothing from MkDocs. Every
input is a parameter: the key, the base URL, the clock.
"""

from __future__ import annotations

import json
import mimetypes
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol, TypeVar, runtime_checkable

from badgepress import clock
from badgepress.build import clr, documents
from badgepress.build.baking import bake_png, bake_svg
from badgepress.build.endorsements import build_given
from badgepress.build.provenance import PROVENANCE_PATH, History, build_provenance
from badgepress.build.status import (
    Ledger,
    allocate,
    encode_list,
    history_problems,
    load_ledger,
    missing_entries_hint,
    split_index,
)
from badgepress.build.urls import Urls
from badgepress.domain import Achievement, Award, Program, ReceivedEndorsement
from badgepress.errors import InputError, KeyConfigError, Problem
from badgepress.load.endorsements import check_subjects
from badgepress.load.model import parse_duration, type_label
from badgepress.load.program import award_key
from badgepress.load.settings import Settings
from badgepress.memo import BuildMemo, fingerprint
from badgepress.publish.outputs import content_id
from badgepress.sign.keys import PREVIEW_KEY_ID, KeyPair
from badgepress.sign.proof import proof_options, sign_document, sign_document_jcs, verification_method

Doc = documents.Doc


@dataclass(frozen=True)
class Signer:
    key: KeyPair = field(repr=False)
    key_id: str
    preview: bool


def choose_signer(settings: Settings, key: KeyPair | None, require_key: bool = False) -> Signer:
    """The configured key, or a throwaway preview key when none is given and none is required."""
    if key is None:
        if require_key or settings.require_key:
            raise KeyConfigError(
                "no signing key: set the BADGEPRESS_SIGNING_KEY environment variable "
                "(a deploy never publishes a preview build)"
            )
        return Signer(KeyPair.generate(), PREVIEW_KEY_ID, preview=True)
    public = key.public_key_multibase
    for entry in settings.keys:
        if entry.public_key == public:
            if entry.retired:
                raise KeyConfigError(
                    f"the signing key is '{entry.id}', which is marked retired in mkdocs.yml"
                )
            return Signer(key, entry.id, preview=False)
    raise KeyConfigError(
        "the signing key's public key is not listed in the plugin's 'keys' option; add this entry "
        "to mkdocs.yml under plugins → badgepress → keys:\n"
        f"  - id: key-{clock.now():%Y}\n    public_key: {public}"
    )


@dataclass(frozen=True)
class Publication:
    program: Program
    urls: Urls
    signer_key_id: str
    preview: bool
    files: Mapping[str, bytes]
    profile: Doc
    achievements: Mapping[str, Doc]
    credentials: Mapping[str, Doc]
    status_indices: Mapping[str, int]
    revoked_ids: frozenset[str]
    withdrawn_ids: frozenset[str]
    ledger_additions: Mapping[str, int]
    image_paths: Mapping[str, str]  # achievement slug -> site-relative path of its image
    # achievement slug -> its badge as PNG: the image itself, or an SVG image drawn as PNG
    png_paths: Mapping[str, str] = field(default_factory=dict)
    # endorsed id (an achievement's, or the issuer's DID) -> the endorsements it received
    endorsements: Mapping[str, tuple[ReceivedEndorsement, ...]] = field(default_factory=dict)
    given_endorsements: Mapping[str, Doc] = field(default_factory=dict)  # name -> signed credential
    learners: Mapping[str, tuple[Award, ...]] = field(default_factory=dict)  # handle -> awards recorded
    learner_records: Mapping[str, Doc] = field(default_factory=dict)  # handle -> signed ClrCredential
    credential_keys: Mapping[str, str] = field(default_factory=dict)  # id -> digest of all its inputs
    content_ids: Mapping[str, str] = field(default_factory=dict)  # path -> SHA-256 of its bytes (credentials)
    history: History | None = None  # the git history read for provenance (pages and provenance.json)
    repository: str | None = None  # the repository's web address, for links to commits and pull requests


Sign = Callable[[list[tuple[Doc, str]], Signer], list[Doc]]


@runtime_checkable
class Retaining(Protocol):
    """A ``sign`` with a cache: told which entries to keep for credentials the memo signed earlier."""

    signature_keys: list[str]  # the cache key of each document of the last batch

    def retain(self, keys: Iterable[str]) -> None: ...


# What the build memo keeps of a credential: its proof value, its signature cache
# key (the cache keeps the entry while the memo does), its JSON's and its baked
# badge's content ids. A plain tuple: it is read 10,000 times at every build.
MemoEntry = tuple[str, str | None, str, str]


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


def status_window(now: datetime, refresh: timedelta) -> tuple[datetime, datetime]:
    """The status list's validity: from the start of the current refresh period, for two periods.

    A scheduled rebuild every period re-signs the list well before it lapses;
    a site that stops rebuilding stops being trusted within two periods.
    """
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    periods = (now - epoch) // refresh
    start = epoch + periods * refresh
    return start, start + 2 * refresh


def build_publication(
    program: Program,
    urls: Urls,
    signer: Signer,
    now: datetime,
    *,
    artwork: Callable[[Achievement, Settings], bytes] | None = None,  # default: badge_artwork
    sign: Sign | None = None,
    memo: BuildMemo | None = None,
    history: History | None = None,
    repository: str | None = None,
) -> Publication:
    """Every file of the published program; with a ``memo``, only what changed is built and signed.

    With a ``history`` (``provenance.read_history``), also the signed
    provenance.json; nothing else depends on it.
    """
    settings = program.settings
    ledger_path = program.root / settings.ledger
    ledger, problems = _ledger(ledger_path, settings.ledger, memo)
    problems = problems or history_problems(program.root, ledger_path, settings.ledger, ledger)
    if problems:
        raise InputError(problems)
    award_ids = [a.credential_id for a in program.awards]
    additions = allocate(ledger, award_ids)
    if additions and not signer.preview:
        raise InputError(
            [
                Problem(
                    settings.ledger,
                    0,
                    "indices",
                    f"{len(additions)} new credential(s) have no status index yet",
                    missing_entries_hint(
                        settings.ledger,
                        ledger_path.is_file(),
                        additions,
                        {a.credential_id: a.file for a in program.awards},
                    ),
                )
            ]
        )
    indices = {**ledger.indices, **additions}

    files: Lazy[bytes] = Lazy()
    image_paths: dict[str, str] = {}
    png_paths: dict[str, str] = {}
    to_draw: dict[str, bytes] = {}  # slug -> its SVG badge, to draw as PNG
    issuer_image = _issuer_image(program, urls, files)
    profile = documents.build_profile(settings, urls, issuer_image)
    endorsed = _endorsements_by_subject(program, urls)
    issuer_endorsements = [e.credential for e in endorsed.get(urls.did, ())]
    files[urls.issuer_path] = documents.to_json(
        documents.with_context(documents.with_endorsements(profile, issuer_endorsements))
    )

    achievement_docs: dict[str, Doc] = {}
    for slug, achievement in program.achievements.items():
        if achievement.image_path is not None:
            suffix = achievement.image_path.suffix.lower()
            content = achievement.image_path.read_bytes()
        else:
            suffix, content = ".svg", _artwork(artwork, achievement, settings, memo)
        image_path = urls.achievement_image_path(slug, suffix)
        files[image_path] = content
        image_paths[slug] = image_path
        png_paths[slug] = image_path
        if suffix == ".svg":
            png_paths[slug] = urls.achievement_image_path(slug, ".png")
            to_draw[slug] = content
        received = endorsed.get(urls.absolute(urls.achievement_path(slug)), ())
        doc = documents.build_achievement(
            achievement, urls, urls.absolute(image_path), profile, [e.credential for e in received]
        )
        achievement_docs[slug] = doc
        files[urls.achievement_path(slug)] = documents.to_json(documents.with_context(doc))

    for slug, png in _rasters(program, to_draw, memo).items():
        files[png_paths[slug]] = png
    credentials, credential_keys, content_ids, remade = _credentials(
        program, urls, signer, profile, achievement_docs, image_paths, indices, files, sign, memo
    )
    _baked_pngs(program, urls, image_paths, png_paths, remade, credential_keys, content_ids, memo)

    for items in endorsed.values():
        for item in items:
            files[urls.received_endorsement_path(item.name)] = documents.to_json(item.credential)
    given = _sign_given(program, urls, signer, profile)
    for name, doc in given.items():
        files[urls.endorsement_path(name)] = documents.to_json(doc)
    learners = clr.learners_with_records(program.awards)
    records: dict[str, Doc] = {}
    for learner, recorded in learners.items():
        unsigned_record = clr.build_learner_record(
            learner,
            recorded,
            credentials,
            program.achievements,
            profile,
            urls,
            clr.learner_name(recorded),
        )
        records[learner] = _sign_one(unsigned_record, signer, urls)
        files[urls.learner_record_path(learner)] = documents.to_json(records[learner])

    revoked = frozenset(a.credential_id for a in program.awards if a.revoked is not None)
    for award in program.awards:
        if award.revoked is not None:
            files[urls.revocation_path(award.credential_id)] = documents.to_json(
                documents.build_revocation_notice(
                    urls.absolute(urls.credential_path(award.credential_id)),
                    award.revoked.date,
                    award.revoked.reason if award.revoked.public else None,
                )
            )
    withdrawn = frozenset(set(ledger.indices) - set(award_ids))
    _publish_status_lists(files, urls, signer, now, settings, Ledger(indices), revoked | withdrawn)
    if history is not None:
        unsigned_provenance = build_provenance(history, program, urls, repository, documents.timestamp(now))
        files[PROVENANCE_PATH] = documents.to_json(
            sign_document_jcs(
                unsigned_provenance,
                signer.key,
                urls.key_id(signer.key_id),
                unsigned_provenance["validFrom"],
            )
        )

    keys = documents.published_keys(settings.keys)
    if signer.preview:
        keys[signer.key_id] = signer.key.public_key_multibase
    elif PREVIEW_KEY_ID in keys:
        raise KeyConfigError(
            f"a key in mkdocs.yml is named '{PREVIEW_KEY_ID}', the name of preview builds' throwaway "
            "key: verifiers mark what it signs as not real; rename it"
        )
    files[urls.did_path] = documents.to_json(documents.build_did_document(urls, keys))
    return Publication(
        program=program,
        urls=urls,
        signer_key_id=signer.key_id,
        preview=signer.preview,
        files=files,
        profile=profile,
        achievements=achievement_docs,
        credentials=credentials,
        status_indices=indices,
        revoked_ids=revoked,
        withdrawn_ids=withdrawn,
        ledger_additions=additions,
        image_paths=image_paths,
        png_paths=png_paths,
        endorsements=endorsed,
        given_endorsements=given,
        learners=learners,
        learner_records=records,
        credential_keys=credential_keys,
        content_ids=content_ids,
        history=history,
        repository=repository,
    )


def _credentials(
    program: Program,
    urls: Urls,
    signer: Signer,
    profile: Doc,
    achievement_docs: Mapping[str, Doc],
    image_paths: Mapping[str, str],
    indices: Mapping[str, int],
    files: Lazy[bytes],
    sign: Sign | None,
    memo: BuildMemo | None,
) -> tuple[Lazy[Doc], dict[str, str], dict[str, str], _Remade]:
    """Each award's signed credential, and its JSON and baked badge into ``files``.

    Returns the credentials, each one's memo key (a digest of every input of
    the credential, its JSON and its baked badge) and the content id of each
    file. A credential the memo knows is neither built nor signed: the memo
    gives its proof value and its files' content ids, and the credential and
    its files are made only if something asks for them.
    """
    shared = fingerprint(
        urls.base, json.dumps(profile, sort_keys=True), signer.key_id, signer.key.public_key_multibase
    )
    per_achievement = {
        slug: fingerprint(
            json.dumps(doc, sort_keys=True), image_paths[slug], content_id(files[image_paths[slug]])
        )
        for slug, doc in achievement_docs.items()
    }
    keys = {
        a.credential_id: fingerprint(
            shared, per_achievement[a.achievement], award_key(program, a), str(indices[a.credential_id])
        )
        for a in program.awards
    }
    remade = _Remade(achievement_docs, profile, urls, indices, signer.key_id, files)
    credentials: Lazy[Doc] = Lazy(remade.credential)
    remade.credentials, files.make = credentials, remade.file
    known: dict[str, MemoEntry] = {}
    if memo is not None:
        for award in program.awards:
            entry = memo.get("credentials", keys[award.credential_id])
            if entry is not None:
                known[award.credential_id] = entry
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
    signed: dict[str, Doc] = {}
    signature_keys: dict[str, str] = {}
    sign = sign or sign_all
    if isinstance(sign, Retaining):
        sign.retain(entry[1] for entry in known.values() if entry[1])
    if todo or not isinstance(sign, Retaining):  # with nothing to sign, its cache file is left as it is
        ids = [a.credential_id for a in todo]
        signed = dict(zip(ids, sign(unsigned, signer), strict=True))
        if isinstance(sign, Retaining):
            signature_keys = dict(zip(ids, sign.signature_keys, strict=True))
    unsigned_of = {a.credential_id: doc for a, (doc, _) in zip(todo, unsigned, strict=True)}
    content_ids: dict[str, str] = {}
    for award in program.awards:
        cid = award.credential_id
        json_path = urls.credential_path(cid)
        image = image_paths[award.achievement]
        baked_path = urls.baked_path(cid, image[image.rindex(".") :])
        entry = known.get(cid)
        if entry is None:
            credentials[cid] = signed[cid]
            text = files[json_path] = documents.to_json(signed[cid])
            files[baked_path] = remade.bake(image, text)
            content_ids[json_path], content_ids[baked_path] = content_id(text), content_id(files[baked_path])
            proofs = signed[cid].get("proof")
            proof_value = proofs[0].get("proofValue") if proofs else None
            # kept only if the credential is exactly what _Remade makes of it again
            if (
                memo is not None
                and isinstance(proof_value, str)
                and remade.with_proof(unsigned_of[cid], award, proof_value) == signed[cid]
            ):
                entry = (
                    proof_value,
                    signature_keys.get(cid),
                    content_ids[json_path],
                    content_ids[baked_path],
                )
                memo.put("credentials", keys[cid], entry)
            continue
        remade.awards[cid] = (award, entry[0])
        credentials.later(cid)
        remade.files[json_path] = (cid, "")
        remade.files[baked_path] = (cid, image)
        files.later(json_path)
        files.later(baked_path)
        content_ids[json_path], content_ids[baked_path] = entry[2], entry[3]
    return credentials, keys, content_ids, remade


class _Remade:
    """Makes again, when asked for, the memo's credentials and their files: the same bytes as before."""

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

    def with_proof(self, doc: Doc, award: Award, proof_value: str) -> Doc:
        """The unsigned credential ``doc`` of ``award`` with its proof, as the batch signer makes it."""
        options = proof_options(verification_method(doc, self.key_id), documents.timestamp(award.issued))
        return {**doc, "proof": [{**options, "proofValue": proof_value}]}

    def credential(self, cid: str) -> Doc:
        award, proof_value = self.awards[cid]
        doc = documents.build_credential(
            award,
            self.achievement_docs[award.achievement],
            self.profile,
            self.urls,
            self.indices[award.credential_id],
        )
        return self.with_proof(doc, award, proof_value)

    def bake(self, image: str, text: bytes) -> bytes:
        bake = bake_png if image.endswith(".png") else bake_svg
        return bake(self.published[image], text.decode("utf-8"))

    def file(self, path: str) -> bytes:
        cid, image = self.files[path]
        text = documents.to_json(self.credentials[cid])
        return self.bake(image, text) if image else text


def _rasters(program: Program, svgs: Mapping[str, bytes], memo: BuildMemo | None) -> dict[str, bytes]:
    """Each achievement's SVG badge drawn as PNG, once: kept in the memo by the SVG's bytes.

    About 30 ms a badge on an idle core (6 s for 200 achievements, cold). Drawing
    over the cores with ``parallel_map`` showed no gain on the shared 2-core
    machine it was measured on, so it is not done.
    """
    drawn: dict[str, bytes] = {}
    todo = []
    for slug, svg in svgs.items():
        png = memo.get("rasters", fingerprint(svg)) if memo is not None else None
        if png is None:
            todo.append(slug)
        else:
            drawn[slug] = png
    problems = []
    for slug, png in zip(todo, [_raster(svgs[s]) for s in todo], strict=True):
        if isinstance(png, str):
            problems.append(Problem(program.achievements[slug].file, 1, "image", png, "check the SVG file"))
            continue
        drawn[slug] = png
        if memo is not None:
            memo.put("rasters", fingerprint(svgs[slug]), png)
    if problems:
        raise InputError(problems)
    return drawn


def _raster(svg: bytes) -> bytes | str:
    """The PNG of ``svg``, or why it cannot be drawn."""
    from badgepress.build.raster import RasterError, rasterize

    try:
        return rasterize(svg)
    except RasterError as err:
        return str(err)


def _baked_pngs(
    program: Program,
    urls: Urls,
    image_paths: Mapping[str, str],
    png_paths: Mapping[str, str],
    remade: _Remade,
    credential_keys: Mapping[str, str],
    content_ids: dict[str, str],
    memo: BuildMemo | None,
) -> None:
    """A baked PNG beside each baked SVG badge, for people and sites that take PNG only.

    Like the credential's other files it is made only when it must be written:
    the memo keeps its content id under the credential's key and the PNG's bytes.
    """
    files = remade.published
    png_ids = {slug: content_id(files[path]) for slug, path in png_paths.items() if path != image_paths[slug]}
    for award in program.awards:
        png_id = png_ids.get(award.achievement)
        if png_id is None:
            continue  # the badge is a PNG already: its baked copy is one
        cid, png = award.credential_id, png_paths[award.achievement]
        baked = urls.baked_path(cid, ".png")
        key = fingerprint(credential_keys[cid], png_id)
        known = memo.get("pngs", key) if memo is not None else None
        remade.files[baked] = (cid, png)
        # made when written, and again if asked for: 10,000 baked PNGs held at once would be 300 MB
        files.later(baked, keep=False)
        if known is None:
            known = content_id(files[baked])
            if memo is not None:
                memo.put("pngs", key, known)
        content_ids[baked] = known


def _ledger(path: Path, shown: str, memo: BuildMemo | None) -> tuple[Ledger, list[Problem]]:
    """The status ledger (a line per award): from the memo when its bytes are the last build's."""
    if memo is None or not path.is_file():
        return load_ledger(path, shown)
    key = fingerprint(shown, path.read_bytes())
    ledger = memo.get("ledger", key)
    if ledger is not None:
        return ledger, []
    ledger, problems = load_ledger(path, shown)
    if not problems:
        memo.put("ledger", key, ledger)
    return ledger, problems


def _artwork(
    artwork: Callable[[Achievement, Settings], bytes] | None,
    achievement: Achievement,
    settings: Settings,
    memo: BuildMemo | None,
) -> bytes:
    """The generated badge of an achievement: from the memo when its name, type and colours are the same."""
    if artwork is not None or memo is None:
        return (artwork or badge_artwork)(achievement, settings)
    spec, colors = achievement.spec, settings.colors
    key = fingerprint(spec.name, spec.achievement_type, colors.primary, colors.accent)
    content = memo.get("artwork", key)
    if content is None:
        content = badge_artwork(achievement, settings)
        memo.put("artwork", key, content)
    return content


def badge_artwork(achievement: Achievement, settings: Settings) -> bytes:
    """The generated SVG badge of an achievement that has no image of its own."""
    from badgepress.build.artwork import default_badge_svg

    spec = achievement.spec
    svg = default_badge_svg(
        spec.name,
        primary=settings.colors.primary,
        accent=settings.colors.accent,
        subtitle=type_label(spec.achievement_type),
    )
    return svg.encode("utf-8")


def sign_all(unsigned: list[tuple[Doc, str]], signer: Signer) -> list[Doc]:
    """Sign each (document, created) pair, in order: the fast path, no cache file.

    Byte-identical to ``sign_document`` one by one (tests/test_signing.py);
    the plugin passes a ``signing.BatchSigner`` with the program's cache instead.
    """
    from badgepress.sign.signing import sign_batch

    return sign_batch(unsigned, signer)


def _sign_one(document: Doc, signer: Signer, urls: Urls) -> Doc:
    """One document of the program (a learner record, an endorsement given), created = validFrom.

    These few are signed on the reference path rather than through the batch
    signer, whose cache keeps the entries of its latest batch only.
    """
    return sign_document(document, signer.key, urls.key_id(signer.key_id), document["validFrom"])


def _endorsements_by_subject(program: Program, urls: Urls) -> dict[str, tuple[ReceivedEndorsement, ...]]:
    """The received endorsements by what they endorse.

    InputError listing every received endorsement of something that is not
    this program's, and every given one of something that is.
    """
    achievement_ids = {urls.absolute(urls.achievement_path(slug)) for slug in program.achievements}
    received = program.received_endorsements
    problems = check_subjects(received, achievement_ids, urls.did)
    problems += [
        Problem(g.file, 0, "subject", "is this program's own: a program does not endorse itself")
        for g in program.given_endorsements
        if g.spec.subject in achievement_ids or g.spec.subject == urls.did
    ]
    if problems:
        raise InputError(problems)
    by_subject: dict[str, list[ReceivedEndorsement]] = {}
    for item in sorted(received, key=lambda e: (e.issued, e.file)):
        by_subject.setdefault(item.subject, []).append(item)
    return {subject: tuple(items) for subject, items in by_subject.items()}


def _sign_given(program: Program, urls: Urls, signer: Signer, profile: Doc) -> dict[str, Doc]:
    """Each endorsement the program gives, signed (checked by ``_endorsements_by_subject``)."""
    signed = {}
    for given in program.given_endorsements:
        unsigned = build_given(given.spec, profile, urls.absolute(urls.endorsement_path(given.name)))
        signed[given.name] = _sign_one(unsigned, signer, urls)
    return signed


def _publish_status_lists(
    files: Lazy[bytes],
    urls: Urls,
    signer: Signer,
    now: datetime,
    settings: Settings,
    ledger: Ledger,
    set_ids: frozenset[str],
) -> None:
    valid_from, valid_until = status_window(now, parse_duration(settings.status_list_refresh))
    bits: dict[int, list[int]] = {n: [] for n in range(1, ledger.lists + 1)}
    for cid in set_ids:
        number, index = split_index(ledger.indices[cid])
        bits.setdefault(number, []).append(index)
    for number, set_bits in sorted(bits.items()):
        doc = documents.build_status_list(
            urls, number, urls.did, encode_list(set_bits), valid_from, valid_until
        )
        signed = sign_document(doc, signer.key, urls.key_id(signer.key_id), documents.timestamp(valid_from))
        files[urls.status_list_path(number)] = documents.to_json(signed)


def _issuer_image(program: Program, urls: Urls, files: Lazy[bytes]) -> str | None:
    image = program.settings.issuer.image
    if not image:
        return None
    if image.startswith(("https://", "http://")):
        return image
    path = (program.root / image).resolve()
    suffix = path.suffix.lower()
    if suffix not in {".png", ".svg"} or not mimetypes.guess_type(path.name)[0]:
        raise InputError([Problem(program.problems_file, 0, "issuer.image", "must be a .png or .svg file")])
    if not path.is_file():
        raise InputError(
            [
                Problem(
                    program.problems_file,
                    0,
                    "issuer.image",
                    f"file {image!r} not found",
                    "give a path relative to mkdocs.yml",
                )
            ]
        )
    target = f"issuer{suffix}"
    files[target] = path.read_bytes()
    return urls.absolute(target)
