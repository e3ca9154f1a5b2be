"""The pipeline from a program folder to the files of a published site.

``build_publication`` runs stages 3 and 4 (build, sign) over a validated
:class:`~badgepress.program.Program`; it imports nothing from MkDocs. Every
input is a parameter: the key, the base URL, the clock.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from badgepress import clock
from badgepress.build import clr, documents
from badgepress.build.badges import badge_artwork, draw_pngs, issuer_image
from badgepress.build.credentials import Lazy, build_credentials
from badgepress.build.endorsements import build_given
from badgepress.build.provenance import PROVENANCE_PATH, History, build_provenance
from badgepress.build.status import (
    LEDGER_MAX_BYTES,
    Ledger,
    allocate,
    encode_list,
    history_problems,
    load_ledger,
    missing_entries_hint,
    split_index,
)
from badgepress.build.urls import Urls
from badgepress.cache import Store, fingerprint
from badgepress.domain import Achievement, Award, Program, ReceivedEndorsement
from badgepress.errors import InputError, KeyConfigError, Problem
from badgepress.load.endorsements import check_subjects
from badgepress.load.files import read_image
from badgepress.load.model import parse_duration
from badgepress.load.settings import Settings
from badgepress.load.source import read_bounded
from badgepress.sign.keys import PREVIEW_KEY_ID, KeyPair
from badgepress.sign.proof import sign_document, sign_document_jcs

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
    store: Store | None = None,
    history: History | None = None,
    repository: str | None = None,
) -> Publication:
    """Every file of the published program; with a ``store``, only what changed is built and signed.

    ``store`` keeps, between builds, each credential's proof and the content
    ids of its files (``credentials.build_credentials``) and each SVG badge
    drawn as PNG; None builds and signs everything.

    With a ``history`` (``provenance.read_history``), also the signed
    provenance.json; nothing else depends on it.
    """
    settings = program.settings
    ledger_path = program.root / settings.ledger
    ledger, problems = _ledger(ledger_path, settings.ledger, store)
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
    logo = issuer_image(program, urls, files)
    profile = documents.build_profile(settings, urls, logo)
    endorsed = _endorsements_by_subject(program, urls)
    issuer_endorsements = [e.credential for e in endorsed.get(urls.did, ())]
    files[urls.issuer_path] = documents.to_json(
        documents.with_context(documents.with_endorsements(profile, issuer_endorsements))
    )

    achievement_docs: dict[str, Doc] = {}
    for slug, achievement in program.achievements.items():
        if achievement.image_path is not None:
            suffix = achievement.image_path.suffix.lower()
            content = read_image(achievement.image_path, achievement.file, "image")
        else:
            suffix, content = ".svg", (artwork or badge_artwork)(achievement, settings)
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

    for slug, png in draw_pngs(program, to_draw, store).items():
        files[png_paths[slug]] = png
    credentials, credential_keys, content_ids = build_credentials(
        program,
        urls,
        signer,
        profile,
        achievement_docs,
        image_paths,
        png_paths,
        indices,
        files,
        sign or sign_all,
        store,
    )

    for items in endorsed.values():
        for item in items:
            files[urls.received_endorsement_path(item.name)] = documents.to_json(item.credential)
    given: dict[str, Doc] = {}
    for giving in program.given_endorsements:
        path = urls.endorsement_path(giving.name)
        files[path] = _signed_json(
            build_given(giving.spec, profile, urls.absolute(path)), signer, urls, store
        )
        given[giving.name] = json.loads(files[path])
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
        files[urls.learner_record_path(learner)] = _signed_json(unsigned_record, signer, urls, store)
        records[learner] = json.loads(files[urls.learner_record_path(learner)])

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
    _publish_status_lists(files, urls, signer, now, settings, Ledger(indices), revoked | withdrawn, store)
    if history is not None:
        unsigned_provenance = build_provenance(history, program, urls, repository, documents.timestamp(now))
        files[PROVENANCE_PATH] = _signed_json(unsigned_provenance, signer, urls, store, jcs=True)

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


def _ledger(path: Path, shown: str, store: Store | None) -> tuple[Ledger, list[Problem]]:
    """The status ledger (a line per award): from the store when its bytes are the last build's.

    Reading a ledger of 10,000 lines as YAML, with line numbers, takes about half a second.
    """
    if store is None or not path.is_file():
        return load_ledger(path, shown)
    key = fingerprint(shown, read_bounded(path, LEDGER_MAX_BYTES))  # a larger ledger is refused, never kept
    kept = store.get_bytes("ledger", key)
    if kept is not None:
        indices = json.loads(kept)
        if isinstance(indices, dict) and all(type(v) is int for v in indices.values()):
            return Ledger(indices), []
    ledger, problems = load_ledger(path, shown)
    if not problems:
        store.put_bytes("ledger", key, json.dumps(dict(ledger.indices), separators=(",", ":")).encode())
    return ledger, problems


def sign_all(unsigned: list[tuple[Doc, str]], signer: Signer) -> list[Doc]:
    """Sign each (document, created) pair, in order: the fast path, no cache file.

    Byte-identical to ``sign_document`` one by one (tests/test_signing.py);
    the plugin passes its own ``signing.BatchSigner`` (workers, progress).
    """
    from badgepress.sign.signing import sign_batch

    return sign_batch(unsigned, signer)


SIGNED = "signed"  # the store's kind of entry: a document signed anew by every build, as published


def _signed_json(
    document: Doc, signer: Signer, urls: Urls, store: Store | None, *, jcs: bool = False
) -> bytes:
    """``document`` signed (created = its validFrom) as published JSON; from the store if signed before.

    The few documents made whole by every build (status lists, learner records,
    endorsements given, provenance.json, whose 10,000 entries take half a second
    to lay out and sign) are signed on the reference path, by the same key, the
    same document and the same suite giving the same bytes (Ed25519 is deterministic).
    """
    method = urls.key_id(signer.key_id)
    text = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    key = fingerprint("jcs" if jcs else "rdfc", text, method, signer.key.public_key_multibase)
    found = store.get_bytes(SIGNED, key) if store is not None else None
    if found is not None:
        return found
    sign = sign_document_jcs if jcs else sign_document
    data = documents.to_json(sign(document, signer.key, method, document["validFrom"]))
    if store is not None:
        store.put_bytes(SIGNED, key, data)
    return data


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


def _publish_status_lists(
    files: Lazy[bytes],
    urls: Urls,
    signer: Signer,
    now: datetime,
    settings: Settings,
    ledger: Ledger,
    set_ids: frozenset[str],
    store: Store | None,
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
        files[urls.status_list_path(number)] = _signed_json(doc, signer, urls, store)
