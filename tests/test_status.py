"""Revocation: the status ledger's invariants, the published bitstring, withdrawal and expiry."""

from __future__ import annotations

import itertools
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from badgepress.build.status import (
    LIST_SIZE,
    Ledger,
    allocate,
    bit_is_set,
    decode_list,
    encode_list,
    load_ledger,
    write_ledger,
)
from badgepress.sign.keys import KeyPair
from badgepress.verify.credential import check_signed, verify_credential
from badgepress.verify.results import site_fetcher

from .conftest import DATA, Build, add_key, badgepress, copy_program, mkdocs_build

NOW = datetime(2026, 11, 29, tzinfo=UTC)


def test_encoding_matches_the_1edtech_vector() -> None:
    vector = json.loads((DATA / "1edtech-bitstring-status-list-vector.json").read_text(encoding="utf-8"))
    encoded = vector["statusListCredential"]["credentialSubject"]["encodedList"]
    bits = decode_list(encoded)
    assert len(bits) * 8 >= LIST_SIZE
    assert [i for i in range(len(bits) * 8) if bit_is_set(bits, i)] == [23]
    assert decode_list(encode_list([23], len(bits) * 8)) == bits


def test_encoding_round_trip_and_left_most_bit_first() -> None:
    bits = decode_list(encode_list([0, 7, 8, LIST_SIZE - 1]))
    assert len(bits) == LIST_SIZE // 8
    assert bits[0] == 0b1000_0001 and bits[1] == 0b1000_0000 and bits[-1] == 0b0000_0001
    assert encode_list([5]) == encode_list([5])  # gzip without a timestamp: deterministic


# Operations on the set of award files: add a new one, remove one, reorder, revoke one.
operation = st.one_of(
    st.tuples(st.just("add"), st.integers(1, 4)),
    st.tuples(st.just("remove"), st.integers(0, 50)),
    st.tuples(st.just("reorder"), st.randoms(use_true_random=False)),
    st.tuples(st.just("revoke"), st.integers(0, 50)),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(operation, min_size=1, max_size=40))
def test_an_index_never_changes_and_is_never_reused(operations: list) -> None:
    ledger = Ledger({})
    present: list[str] = []
    revoked: set[str] = set()
    assigned: dict[str, int] = {}
    counter = 0
    for kind, arg in operations:
        if kind == "add":
            for _ in range(arg):
                counter += 1
                present.append(f"cred{counter:05d}")
        elif kind == "remove" and present:
            present.pop(arg % len(present))
        elif kind == "reorder":
            arg.shuffle(present)
        elif kind == "revoke" and present:
            revoked.add(present[arg % len(present)])
        added = allocate(ledger, present)
        ledger = Ledger({**ledger.indices, **added})
        for cid, index in ledger.indices.items():
            assert assigned.setdefault(cid, index) == index  # never changes
        assert len(set(ledger.indices.values())) == len(ledger.indices)  # never reused
        assert all(0 <= i < ledger.lists * LIST_SIZE for i in ledger.indices.values())
        assert set(present) <= set(ledger.indices)


def test_indices_look_random() -> None:
    added = allocate(Ledger({}), [f"c{i}" for i in range(2000)])
    values = list(added.values())
    assert len(set(values)) == 2000
    # issuance order does not show: consecutive credentials are far apart and not increasing
    increasing = sum(1 for a, b in itertools.pairwise(values) if b > a)
    assert 800 < increasing < 1200
    assert max(values) > LIST_SIZE * 0.9 and min(values) < LIST_SIZE * 0.1


def test_a_full_list_opens_another() -> None:
    ledger = Ledger({f"old{i}": i * 2 for i in range(LIST_SIZE // 2)})
    assert ledger.lists == 1
    added = allocate(ledger, ["new"])
    assert Ledger({**ledger.indices, **added}).lists == 2


def test_ledger_file_is_append_only(tmp_path: Path) -> None:
    path = tmp_path / "status-ledger.yaml"
    first = allocate(Ledger({}), ["a", "b"])
    write_ledger(path, Ledger({}), first, {"a": "credentials/a.yaml"})
    before = path.read_text(encoding="utf-8")
    ledger, problems = load_ledger(path, "status-ledger.yaml")
    assert problems == [] and dict(ledger.indices) == first
    second = allocate(ledger, ["a", "b", "c"])
    assert list(second) == ["c"]
    write_ledger(path, ledger, second)
    assert path.read_text(encoding="utf-8").startswith(before)
    assert "# credentials/a.yaml" in before


def test_a_reused_index_in_the_ledger_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "status-ledger.yaml"
    path.write_text("indices:\n  aaa: 5\n  bbb: 5\n", encoding="utf-8")
    _, problems = load_ledger(path, "status-ledger.yaml")
    assert [str(p) for p in problems] == [
        "status-ledger.yaml:3: indices.bbb: index 5 is also used by aaa "
        "(restore the line as it was: indices are never reused)"
    ]


def _status_bits(site: Path) -> set[int]:
    status = json.loads((site / "status" / "1.json").read_text(encoding="utf-8"))
    bits = decode_list(status["credentialSubject"]["encodedList"])
    return {i for i in range(len(bits) * 8) if bit_is_set(bits, i)}


def test_published_list_has_exactly_the_revoked_bits(signed_site: Build) -> None:
    creds = [
        json.loads(p.read_text(encoding="utf-8")) for p in (signed_site.site / "credentials").glob("*.json")
    ]
    names = {
        int(c["credentialStatus"]["statusListIndex"]): c["credentialSubject"]["achievement"]["name"]
        for c in creds
    }
    set_bits = _status_bits(signed_site.site)
    assert len(set_bits) == 1
    (revoked_index,) = set_bits
    assert names[revoked_index] == "Accessible Web Pages"  # Gita's award, revoked in its YAML
    status = json.loads((signed_site.site / "status" / "1.json").read_text(encoding="utf-8"))
    assert status["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert status["issuer"] == creds[0]["issuer"]["id"]
    check_signed(status, site_fetcher(signed_site.site))  # signed by the same issuer's key


def test_verify_checks_status_and_reports_the_revoked_one(signed_site: Build) -> None:
    files = sorted(str(p) for p in (signed_site.site / "credentials").glob("*.json"))
    plain = badgepress("verify", "--no-status", "--site", str(signed_site.site), *files)
    assert plain.returncode == 0 and "16 verified" in plain.stdout  # cryptographically fine
    run = badgepress("verify", "--site", str(signed_site.site), *files)
    assert run.returncode == 1
    assert run.stdout.count("REVOKED") == 1 and "15 verified" in run.stdout
    assert "1 revoked" in run.stdout


def test_removing_an_award_file_revokes_its_published_credential(tmp_path: Path) -> None:
    key = KeyPair.generate()
    root = copy_program(tmp_path / "program")
    add_key(root, key)
    first = mkdocs_build(root, tmp_path / "first", key)
    assert first.returncode == 0, first.output
    award = root / "credentials" / "2026" / "hugo-git.yaml"
    published = [
        p
        for p in (first.site / "credentials").glob("*.json")
        if "Git Collaboration" in p.read_text(encoding="utf-8")
    ]
    assert len(published) == 2
    award.unlink()
    check = badgepress("check", cwd=root)
    assert check.returncode == 0 and "1 withdrawn" in check.stdout
    second = mkdocs_build(root, tmp_path / "second", key)
    assert second.returncode == 0, second.output
    fetch = site_fetcher(second.site)
    outcomes = sorted(
        verify_credential(json.loads(p.read_text(encoding="utf-8")), fetch, NOW, check_status=True).status
        for p in published
    )
    assert outcomes == ["revoked", "verified"]  # Hugo's is withdrawn, Farah's stays valid
    shutil.rmtree(first.site)


def test_revoke_command_edits_the_award_and_the_rebuild_sets_the_bit(tmp_path: Path) -> None:
    key = KeyPair.generate()
    root = copy_program(tmp_path / "program")
    add_key(root, key)
    before = mkdocs_build(root, tmp_path / "before", key)
    assert before.returncode == 0, before.output
    cohort = root / "credentials" / "2026" / "python-foundations-spring.yaml"
    from badgepress.load.program import load_program
    from badgepress.load.settings import read_config

    config = read_config(root / "mkdocs.yml")
    program = load_program(config.root, config.settings)
    target = next(a for a in program.awards if a.name == "Emeka Nwosu")
    run = badgepress(
        "revoke",
        target.credential_id,
        "--reason",
        "Duplicate award",
        "--date",
        "2026-11-01",
        "--private",
        cwd=root,
    )
    assert run.returncode == 0, run.stderr
    text = cohort.read_text(encoding="utf-8")
    assert "revoked:" in text and "reason: Duplicate award" in text and "public: false" in text
    assert text.startswith("# yaml-language-server")  # comments kept
    after = mkdocs_build(root, tmp_path / "after", key)
    assert after.returncode == 0, after.output
    assert len(_status_bits(after.site)) == len(_status_bits(before.site)) + 1
    again = badgepress("revoke", target.credential_id, "--reason", "again", cwd=root)
    assert again.returncode != 0 and "already revoked" in again.stderr
