"""The build's use of the cache store: never changes a byte of the output, never serves a stale proof.

Awards (by their file), credentials (proof and content ids, by every input of
the credential) and drawn badges are kept in the one store (``cache.py``, whose
own tests check its MAC, code version and content files). These tests build the
example program with a store, cold and warm, and change each input in turn.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from badgepress.build.pipeline import Publication, Signer, build_publication, choose_signer, sign_all
from badgepress.build.provenance import Change, FileHistory, History
from badgepress.build.urls import Urls
from badgepress.cache import CACHE_DIR, INDEX_FILE, Store
from badgepress.domain import Program, Revocation
from badgepress.load.program import load_program
from badgepress.load.settings import read_config
from badgepress.publish.pages import build_pages
from badgepress.sign.keys import KeyPair, encode_multibase

from .conftest import add_key, copy_program

NOW = datetime(2026, 11, 29, tzinfo=UTC)
KEY = KeyPair.from_seed(b"memo test key".ljust(32, b"."))
Pairs = list[tuple[dict[str, Any], str]]


class CountingSign:
    """The pipeline's ``sign``, counting the documents it is asked to sign."""

    def __init__(self) -> None:
        self.signed = 0

    def __call__(self, unsigned: Pairs, signer: Signer) -> list[dict[str, Any]]:
        self.signed += len(unsigned)
        return sign_all(unsigned, signer)


# ---------------------------------------------------------------- the build


@pytest.fixture(scope="module")
def program_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_program(tmp_path_factory.mktemp("program"))
    add_key(root, KEY)
    return root


def _publish(
    root: Path,
    store: Store | None,
    now: datetime = NOW,
    sign: CountingSign | None = None,
    signer: Signer | None = None,
) -> Publication:
    config = read_config(root / "mkdocs.yml")
    program = load_program(config.root, config.settings, store)
    signer = signer or choose_signer(config.settings, KEY)
    return build_publication(program, Urls(config.base_url), signer, now, store=store, sign=sign)


def test_a_build_from_the_cache_publishes_the_same_bytes(program_root: Path, tmp_path: Path) -> None:
    plain = _publish(program_root, None)
    cold = Store(tmp_path, KEY)
    first = _publish(program_root, cold)
    cold.save()
    warm, counted = Store(tmp_path, KEY), CountingSign()
    second = _publish(program_root, warm, sign=counted)
    count = len(plain.program.awards)
    assert warm.hits["credentials"] == count and warm.misses.get("credentials", 0) == 0
    assert warm.hits["awards"] > 0 and warm.misses.get("awards", 0) == 0
    assert warm.hits["rasters"] > 0 and warm.misses.get("rasters", 0) == 0
    assert warm.hits["ledger"] == 1
    assert counted.signed == 0
    for pub in (first, second):
        assert list(pub.files) == list(plain.files)
        for path in plain.files:
            assert pub.files[path] == plain.files[path], path
        assert dict(pub.credentials) == dict(plain.credentials)
        assert pub.learner_records == plain.learner_records
        assert pub.credential_keys == plain.credential_keys
    for path, content in second.content_ids.items():
        assert content == hashlib.sha256(plain.files[path]).hexdigest(), path


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.mark.parametrize(
    ("what", "file", "old", "new", "changed"),
    [
        # (what changes, file, text, replacement, credentials built again)
        ("an award's narrative", "credentials/2026/amara-data-analysis.yaml", "bicycle-counter", "bike", 1),
        (
            "an award's date (the proof's created)",
            "credentials/2026/amara-data-analysis.yaml",
            "issued: 2026-",
            "issued: 2025-",
            1,
        ),
        ("an achievement", "achievements/git-collaboration.yaml", "name: ", "name: Advanced ", None),
        ("the issuer", "mkdocs.yml", "name: Northfield Code School", "name: Northfield School", None),
        (
            "the base URL",
            "mkdocs.yml",
            "site_url: https://northfield-code.github.io/badges/",
            "site_url: https://badges.example.org/",
            None,
        ),
        ("a status index", "status-ledger.yaml", None, None, 1),
    ],
)
def test_changing_any_input_of_a_credential_builds_it_again(
    program_root: Path,
    tmp_path: Path,
    what: str,
    file: str,
    old: str | None,
    new: str | None,
    changed: int | None,
) -> None:
    root = copy_program(tmp_path / "program")
    add_key(root, KEY)
    before = Store(tmp_path / "cache", KEY)
    original = _publish(root, before)
    before.save()
    if old is None:  # move one credential to a free status index
        import yaml

        ledger = yaml.safe_load((root / file).read_text(encoding="utf-8"))
        cid, index = next(iter(ledger["indices"].items()))
        _edit(root / file, f"{cid}: {index}", f"{cid}: {max(ledger['indices'].values()) + 1}")
    else:
        _edit(root / file, old, new)
    after, counted = Store(tmp_path / "cache", KEY), CountingSign()
    edited = _publish(root, after, sign=counted)
    different = {cid for cid, doc in edited.credentials.items() if doc != original.credentials.get(cid)}
    assert different, what
    # exactly the credentials whose document changed are signed again; the others come from the store
    assert after.misses["credentials"] == len(different) == counted.signed, what
    if changed is not None:
        assert len(different) == changed
    assert after.hits.get("credentials", 0) == len(edited.program.awards) - len(different)
    fresh = _publish(root, None)
    for path in fresh.files:
        assert edited.files[path] == fresh.files[path], (what, path)


def _cold_and_warm(root: Path, folder: Path, signer: Signer | None = None, **store: Any) -> CountingSign:
    """Build with a store in ``folder``, then again: how many credentials the second build signed."""
    cold = Store(folder, KEY)
    _publish(root, cold)
    cold.save()
    counted = CountingSign()
    _publish(root, Store(folder, **{"key": KEY, **store}), sign=counted, signer=signer)
    return counted


def test_another_key_or_code_version_signs_everything_again(program_root: Path, tmp_path: Path) -> None:
    count = len(_publish(program_root, None).program.awards)
    other = KeyPair.generate()
    assert _cold_and_warm(program_root, tmp_path / "a", key=other).signed == count
    assert _cold_and_warm(program_root, tmp_path / "b", version="another release").signed == count
    # the same key under another name in mkdocs.yml: another verification method
    renamed = Signer(KEY, "key-renamed", preview=False)
    assert _cold_and_warm(program_root, tmp_path / "c", signer=renamed).signed == count
    assert _cold_and_warm(program_root, tmp_path / "d").signed == 0


def _index(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / INDEX_FILE).read_text(encoding="utf-8"))
    return data


def test_a_tampered_index_is_signed_again_never_served(program_root: Path, tmp_path: Path) -> None:
    plain = _publish(program_root, None)
    store = Store(tmp_path, KEY)
    _publish(program_root, store)
    store.save()
    index = _index(tmp_path)
    entries = index["entries"]["credentials"]
    names = sorted(entries)
    count = len(plain.program.awards)
    assert len(names) == count > 3
    # another valid-looking signature in place of one
    entries[names[0]][0] = encode_multibase(KeyPair.generate().sign(b"something else"))
    # two authentic entries swapped: each is right for the other credential only
    entries[names[1]], entries[names[2]] = entries[names[2]], entries[names[1]]
    (tmp_path / INDEX_FILE).write_text(json.dumps(index, separators=(",", ":")), encoding="utf-8")
    warm, counted = Store(tmp_path, KEY), CountingSign()
    rebuilt = _publish(program_root, warm, sign=counted)
    # the index's one MAC fails: nothing of it is read, every credential is signed again
    total = sum(len(items) for items in index["entries"].values())
    assert counted.signed == count and warm.rejected == total
    assert f"{total} entries failed their check" in warm.summary({"credentials": "credentials"})
    for path in plain.files:
        assert rebuilt.files[path] == plain.files[path], path
    warm.save()  # the cache healed itself
    again = CountingSign()
    _publish(program_root, Store(tmp_path, KEY), sign=again)
    assert again.signed == 0


def test_the_cache_holds_json_and_content_files_only_and_no_key(program_root: Path, tmp_path: Path) -> None:
    store = Store(tmp_path, KEY)
    _publish(program_root, store)
    store.save()
    kinds = set(_index(tmp_path)["entries"])
    assert kinds == {"awards", "credentials", "ledger", "rasters", "signed"}
    for path in tmp_path.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert not data.startswith(b"\x80"), path  # no pickle
            assert KEY.secret_key_multibase().encode() not in data, path


def test_documents_signed_by_every_build_come_from_the_store_while_unchanged(
    program_root: Path, tmp_path: Path
) -> None:
    """Status lists, learner records, endorsements given: the same document is not signed again."""
    store = Store(tmp_path, KEY)
    first = _publish(program_root, store)
    store.save()
    made = store.misses["signed"]
    assert made >= 2 and not store.hits.get("signed")  # a status list, and records or endorsements given
    warm = Store(tmp_path, KEY)
    again = _publish(program_root, warm)
    assert warm.hits["signed"] == made and not warm.misses.get("signed")
    assert again.files == first.files
    # two months later the status list's window has moved: it is signed again, the others are not
    later = Store(tmp_path, KEY)
    moved = _publish(program_root, later, now=NOW + timedelta(days=60))
    assert later.misses["signed"] >= 1 and later.hits["signed"] >= 1
    status = [path for path in first.files if path.startswith("status/")]
    assert status and all(moved.files[path] != first.files[path] for path in status)
    plain = _publish(program_root, None, now=NOW + timedelta(days=60))
    for path in plain.files:
        assert moved.files[path] == plain.files[path], path


def test_a_preview_store_stays_in_memory_and_serves_the_next_build(
    program_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    config = read_config(program_root / "mkdocs.yml")
    preview = choose_signer(config.settings, None)
    store = Store(None, preview.key)
    first = _publish(program_root, store, signer=preview)
    store.save()
    store.start()
    counted = CountingSign()
    second = _publish(program_root, store, signer=preview, sign=counted)
    assert counted.signed == 0
    assert dict(second.credentials) == dict(first.credentials)
    assert not (program_root / CACHE_DIR).exists() and not list(tmp_path.iterdir())


# ---------------------------------------------------------------- page model keys


# a program, the clock, and optionally the history read for provenance and the repository's address
Case = tuple[Any, ...]


def _history(program: Program, pull_request: int, first_only: bool = False) -> History:
    """A history in which every award file was added by one merged pull request (or only the first's)."""
    merged = Change("c" * 40, "2026-05-01T10:00:00+00:00", pull_request)
    other = Change("d" * 40, "2026-04-01T10:00:00+00:00", 7)
    first = program.awards[0].file
    files = {
        a.file: FileHistory(added=merged if (a.file == first or not first_only) else other)
        for a in program.awards
    }
    return History("complete", merged, files)


def _pairs(pub: Publication) -> dict[str, tuple[Case, Case]]:
    """Two programs or clocks that differ in one thing, by what differs."""
    program = pub.program
    awards = list(program.awards)
    first, second = awards[0], awards[1]
    revoked = Revocation(date=NOW - timedelta(days=1), reason="Found to be copied", public=True)
    hidden = replace(revoked, public=False)
    slug = first.achievement
    achievement = program.achievements[slug]
    renamed = replace(achievement, spec=achievement.spec.model_copy(update={"name": "Renamed"}))
    settings = program.settings
    issuer = settings.issuer.model_copy(update={"name": "Another School"})

    def with_awards(changed: dict[int, Any]) -> Program:
        return replace(program, awards=tuple(changed.get(i, a) for i, a in enumerate(awards)))

    # a learner with two awards: the page of one links to the learner's page as long as either
    # asks for a learner record, a change to the other award alone
    one, two = [i for i, a in enumerate(awards) if a.learner == "amara-o"]
    record_by_two = with_awards({one: replace(awards[one], learner_record=False)})
    no_record = with_awards(
        {one: replace(awards[one], learner_record=False), two: replace(awards[two], learner_record=False)}
    )
    # an award that expires at noon: the morning and the evening of that day
    noon = with_awards({0: replace(first, expires=NOW + timedelta(hours=12))})
    base = (program, NOW)
    history = _history(program, 12)
    repository = "https://github.com/school/badges"
    return {
        "repository": (
            (program, NOW, history, repository),
            (program, NOW, history, "https://github.com/school/other"),
        ),
        "approving pull request": (
            (program, NOW, _history(program, 12, first_only=True), repository),
            (program, NOW, _history(program, 13, first_only=True), repository),
        ),
        "revoked": (base, (with_awards({0: replace(first, revoked=revoked)}), NOW)),
        "reason hidden": (
            (with_awards({0: replace(first, revoked=revoked)}), NOW),
            (with_awards({0: replace(first, revoked=hidden)}), NOW),
        ),
        "narrative": (base, (with_awards({1: replace(second, narrative="Other words.")}), NOW)),
        "later": (base, (program, NOW + timedelta(days=3 * 365))),
        "next day": (base, (program, NOW + timedelta(days=1))),
        "expired within the day": ((noon, NOW + timedelta(hours=11)), (noon, NOW + timedelta(hours=13))),
        "achievement": (base, (replace(program, achievements={**program.achievements, slug: renamed}), NOW)),
        "issuer": (base, (replace(program, settings=settings.model_copy(update={"issuer": issuer})), NOW)),
        "another award's learner record": ((record_by_two, NOW), (no_record, NOW)),
    }


def test_a_credential_page_model_key_changes_exactly_when_its_model_does(program_root: Path) -> None:
    base = _publish(program_root, None)
    signer = choose_signer(base.program.settings, KEY)

    def pages(case: Case) -> dict[str, Any]:
        program, now, *more = case
        history, repository = (*more, None, None)[:2]
        pub = build_publication(program, base.urls, signer, now, history=history, repository=repository)
        return {p.path: p for p in build_pages(pub, now) if p.model_key is not None}

    for what, (before, after) in _pairs(base).items():
        one, other = pages(before), pages(after)
        assert len(one) == len(base.program.awards)
        changed = 0
        for path, page in one.items():
            same_model = other[path].model == page.model
            assert (other[path].model_key == page.model_key) == same_model, (what, path)
            changed += not same_model
        assert changed, what


def _published_and_cached(tmp_path: Path) -> tuple[Path, Publication]:
    """A copy of the example program, published once with its store saved under ``tmp_path/cache``."""
    root = copy_program(tmp_path / "program")
    add_key(root, KEY)
    store = Store(tmp_path / "cache", KEY)
    published = _publish(root, store)
    store.save()
    return root, published


def test_a_line_inserted_in_a_cohort_file_signs_nothing_again(tmp_path: Path) -> None:
    """An award's place in its file (line, position) is not an input of its credential or page."""
    root, before = _published_and_cached(tmp_path)
    cohort = root / "credentials" / "2026" / "python-foundations-spring.yaml"
    cohort.write_text("# a comment added above every award of the cohort\n" + cohort.read_text())
    counted = CountingSign()
    after = _publish(root, Store(tmp_path / "cache", KEY), sign=counted)
    moved = [a for a in after.program.awards if a.file.endswith("python-foundations-spring.yaml")]
    assert moved and all(a.line > 1 for a in moved)
    old_lines = {a.credential_id: a.line for a in before.program.awards}
    assert all(old_lines[a.credential_id] == a.line - 1 for a in moved)  # the awards did move
    assert counted.signed == 0
    assert after.credential_keys == before.credential_keys


def test_revoking_an_award_signs_nothing_again(tmp_path: Path) -> None:
    """A revocation changes the status list and the award's page, not its signed credential."""
    root, before = _published_and_cached(tmp_path)
    award = root / "credentials" / "2026" / "hugo-git.yaml"
    text = award.read_text()
    assert "revoked" not in text
    award.write_text(text.rstrip() + "\n  revoked:\n    date: 2026-11-20\n    reason: Issued by mistake.\n")
    counted = CountingSign()
    after = _publish(root, Store(tmp_path / "cache", KEY), sign=counted)
    assert len(after.revoked_ids) == len(before.revoked_ids) + 1
    assert counted.signed == 0
    assert after.credential_keys == before.credential_keys
