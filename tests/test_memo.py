"""The build memo: never read unless authentic and of this code; never changes a byte of the output."""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from badgepress import memo as memo_module
from badgepress.build.pipeline import Publication, build_publication, choose_signer
from badgepress.build.urls import Urls
from badgepress.domain import Program, Revocation
from badgepress.load.program import load_program
from badgepress.load.settings import read_config
from badgepress.memo import MEMO_DIR, BuildMemo, fingerprint, memo_file, shard_of
from badgepress.publish.pages import build_pages
from badgepress.sign.keys import KeyPair

from .conftest import add_key, copy_program

NOW = datetime(2026, 11, 29, tzinfo=UTC)
KEY = KeyPair.from_seed(b"memo test key".ljust(32, b"."))

# ---------------------------------------------------------------- the file


def test_entries_come_back_in_the_next_build_and_unused_ones_are_dropped(tmp_path: Path) -> None:
    first = BuildMemo(tmp_path, KEY)
    first.put("awards", "a", [1, 2])
    first.put("awards", "b", "kept only if used")
    first.save()
    second = BuildMemo(tmp_path, KEY)
    assert second.get("awards", "a") == [1, 2]
    assert second.get("awards", "missing") is None
    assert (second.hits["awards"], second.misses["awards"]) == (1, 1)
    second.save()
    third = BuildMemo(tmp_path, KEY)
    assert third.get("awards", "a") == [1, 2]
    assert third.get("awards", "b") is None


class _Planted:
    """Unpickling this calls ``_planted``: a memo that runs code when read."""

    def __reduce__(self) -> tuple[Any, ...]:
        return (_planted, ())


PLANTED: list[str] = []


def _planted() -> str:
    PLANTED.append("unpickled")
    return "planted"


def _memo_bytes(key: bytes, version: str, entries: Any, name: str) -> bytes:
    import hmac

    body = version.encode() + pickle.dumps(entries)
    return hmac.new(key, name.encode() + b"\n" + body, hashlib.sha256).digest() + body


def _plant(folder: Path, data: bytes) -> None:
    path = memo_file(folder, "awards", shard_of("a"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


NAME = f"awards.{shard_of('a')}.pickle"


@pytest.mark.parametrize(
    "how", ["no MAC", "another key's MAC", "edited after its MAC", "truncated", "moved from another file"]
)
def test_a_memo_not_written_with_this_key_is_never_unpickled(tmp_path: Path, how: str) -> None:
    version = memo_module.code_version()
    entries = {"a": _Planted()}
    mac_key = memo_module._mac_key(KEY)
    if how == "no MAC":
        data = version.encode() + pickle.dumps(entries)
    elif how == "another key's MAC":
        data = _memo_bytes(memo_module._mac_key(KeyPair.generate()), version, entries, NAME)
    elif how == "edited after its MAC":
        good = _memo_bytes(mac_key, version, {"a": "fine"}, NAME)
        data = good[:-40] + pickle.dumps(entries)[-40:]
    elif how == "truncated":
        data = _memo_bytes(mac_key, version, entries, NAME)[:-1]
    else:  # a right MAC, for another file's name
        data = _memo_bytes(mac_key, version, entries, "credentials.a.pickle")
    _plant(tmp_path, data)
    PLANTED.clear()
    memo = BuildMemo(tmp_path, KEY)
    assert memo.get("awards", "a") is None
    assert PLANTED == []
    memo.save()
    assert not list((tmp_path / MEMO_DIR).glob("*.pickle"))  # and the file is gone


def test_the_same_memo_with_its_mac_is_read(tmp_path: Path) -> None:
    """The counterpart of the test above: the planted object is read when the MAC is right."""
    _plant(
        tmp_path, _memo_bytes(memo_module._mac_key(KEY), memo_module.code_version(), {"a": _Planted()}, NAME)
    )
    PLANTED.clear()
    assert BuildMemo(tmp_path, KEY).get("awards", "a") == "planted"
    assert PLANTED == ["unpickled"]


def test_a_memo_of_other_code_is_not_even_unpickled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _plant(tmp_path, _memo_bytes(memo_module._mac_key(KEY), "0" * 64, {"a": _Planted()}, NAME))
    PLANTED.clear()
    assert BuildMemo(tmp_path, KEY).get("awards", "a") is None
    assert PLANTED == []
    # and the code version moves with any module's source
    memo_module.code_version.cache_clear()
    before = memo_module.code_version()
    monkeypatch.setattr(memo_module, "installed_packages", lambda: ("other==1",))
    memo_module.code_version.cache_clear()
    try:
        assert memo_module.code_version() != before
    finally:
        monkeypatch.undo()
        memo_module.code_version.cache_clear()


def test_a_rebuild_rewrites_only_the_files_of_what_changed(tmp_path: Path) -> None:
    keys = [fingerprint(str(n)) for n in range(64)]
    first = BuildMemo(tmp_path, KEY)
    for key in keys:
        first.put("credentials", key, key.upper())
    first.save()
    files = {p.name: p.stat().st_mtime_ns for p in (tmp_path / MEMO_DIR).glob("*.pickle")}
    assert len(files) == len({shard_of(k) for k in keys}) > 1
    second = BuildMemo(tmp_path, KEY)
    for key in keys[1:]:
        assert second.get("credentials", key) == key.upper()
    second.put("credentials", keys[0], "changed")
    second.save()
    after = {p.name: p.stat().st_mtime_ns for p in (tmp_path / MEMO_DIR).glob("*.pickle")}
    rewritten = {name for name in files if after[name] != files[name]}
    assert rewritten == {f"credentials.{shard_of(keys[0])}.pickle"}
    assert BuildMemo(tmp_path, KEY).get("credentials", keys[0]) == "changed"


def test_a_preview_memo_stays_in_memory(tmp_path: Path) -> None:
    preview = KeyPair.generate()
    first = BuildMemo(tmp_path, preview, on_disk=False)
    first.put("credentials", "k", ("proof", None, "a", "b"))
    first.save()
    assert not (tmp_path / MEMO_DIR).exists()
    assert BuildMemo(tmp_path, preview, on_disk=False).get("credentials", "k") == ("proof", None, "a", "b")
    assert BuildMemo(tmp_path, KeyPair.generate(), on_disk=False).get("credentials", "k") is None


def test_fingerprints_do_not_collide_when_parts_shift() -> None:
    assert fingerprint("ab", "c") != fingerprint("a", "bc")
    assert fingerprint("a", "") != fingerprint("a")
    assert fingerprint(b"x") == fingerprint("x")


# ---------------------------------------------------------------- the build


@pytest.fixture(scope="module")
def program_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_program(tmp_path_factory.mktemp("program"))
    add_key(root, KEY)
    return root


def _publish(root: Path, memo: BuildMemo | None, now: datetime = NOW) -> Publication:
    config = read_config(root / "mkdocs.yml")
    program = load_program(config.root, config.settings, memo)
    signer = choose_signer(config.settings, KEY)
    return build_publication(program, Urls(config.base_url), signer, now, memo=memo)


def test_a_build_from_the_memo_publishes_the_same_bytes(program_root: Path, tmp_path: Path) -> None:
    plain = _publish(program_root, None)
    cold = BuildMemo(tmp_path, KEY)
    first = _publish(program_root, cold)
    cold.save()
    warm = BuildMemo(tmp_path, KEY)
    second = _publish(program_root, warm)
    count = len(plain.program.awards)
    assert warm.hits["credentials"] == count and warm.misses["credentials"] == 0
    assert warm.hits["awards"] > 0 and warm.misses["awards"] == 0
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
    before = BuildMemo(tmp_path / "cache", KEY)
    original = _publish(root, before)
    before.save()
    if old is None:  # move one credential to a free status index
        import yaml

        ledger = yaml.safe_load((root / file).read_text(encoding="utf-8"))
        cid, index = next(iter(ledger["indices"].items()))
        _edit(root / file, f"{cid}: {index}", f"{cid}: {max(ledger['indices'].values()) + 1}")
    else:
        _edit(root / file, old, new)
    after = BuildMemo(tmp_path / "cache", KEY)
    edited = _publish(root, after)
    different = {cid for cid, doc in edited.credentials.items() if doc != original.credentials.get(cid)}
    assert different, what
    # exactly the credentials whose document changed are built again; the others come from the memo
    assert after.misses["credentials"] == len(different), what
    if changed is not None:
        assert len(different) == changed
    assert after.hits["credentials"] == len(edited.program.awards) - len(different)
    fresh = _publish(root, None)
    for path in fresh.files:
        assert edited.files[path] == fresh.files[path], (what, path)


def test_another_key_builds_everything_again(program_root: Path, tmp_path: Path) -> None:
    memo = BuildMemo(tmp_path, KEY)
    _publish(program_root, memo)
    memo.save()
    other = KeyPair.generate()
    assert BuildMemo(tmp_path, other).old == {name: {} for name in memo_module.SECTIONS}


# ---------------------------------------------------------------- page model keys


Case = tuple[Program, datetime]


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
    return {
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
        program, now = case
        pub = build_publication(program, base.urls, signer, now)
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
