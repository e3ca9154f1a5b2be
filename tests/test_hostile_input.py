"""Hostile input through the commands: names, dates and ledgers that once crashed or misled."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from badgepress.cli.main import main
from badgepress.load.program import load_program
from badgepress.load.settings import read_config

from .conftest import mkdocs_build
from .test_bad_input import make_program


def run(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, [*args, "--config", str(root / "mkdocs.yml")])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("at", "message"),
    [
        ("2026-01-01T10:00:00", "has a time but no time zone"),
        ("yesterday", "is not a date"),
        ("9999-12-31T23:00:00-05:00", "is out of range"),
    ],
)
def test_verify_at_needs_a_time_zone(at: str, message: str, tmp_path: Path) -> None:
    credential = tmp_path / "credential.json"
    credential.write_text("{}", encoding="utf-8")
    result = CliRunner().invoke(main, ["verify", "--at", at, str(credential)])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert "Invalid value for --at" in result.output and message in result.output


def test_verify_at_a_date_is_midnight_utc(tmp_path: Path) -> None:
    credential = tmp_path / "credential.json"
    credential.write_text("{}", encoding="utf-8")
    result = CliRunner().invoke(main, ["verify", "--at", "2026-05-01", str(credential)])
    assert result.exit_code == 1 and "INVALID" in result.output and "Traceback" not in result.output


def test_revoke_with_a_bad_date_is_a_clean_error(tmp_path: Path) -> None:
    root = make_program(tmp_path, {})
    config = read_config(root / "mkdocs.yml")
    (award,) = load_program(config.root, config.settings).awards
    code, output = run(root, "revoke", award.credential_id, "--reason", "Test.", "--date", "2026-02-30")
    assert code == 2 and "Invalid value for --date: '2026-02-30' is not a date" in output


# ---- the status ledger


def _ledger(root: Path) -> Path:
    code, output = run(root, "check", "--fix")
    assert code == 0, output
    return root / "status-ledger.yaml"


def _set_index(ledger: Path, index: str) -> None:
    text = ledger.read_text(encoding="utf-8")
    head, _, tail = text.rpartition(": ")
    ledger.write_text(f"{head}: {index}  {tail.split(None, 1)[1]}", encoding="utf-8")


@pytest.mark.parametrize("index", ["1" + "0" * 30, str(131_072 * 1000), "131072"])
def test_an_index_past_the_status_lists_is_an_error(index: str, tmp_path: Path) -> None:
    root = make_program(tmp_path, {})
    ledger = _ledger(root)
    _set_index(ledger, index)
    code, output = run(root, "check")
    assert code == 1 and "Traceback" not in output and "MemoryError" not in output
    assert "status-ledger.yaml:6: indices." in output
    assert (
        f"index {index} is past the last status list: 1 credentials span 1 list, indices 0 to 131071"
        in output
    )


def test_a_ledger_key_with_a_line_break_is_an_error(tmp_path: Path) -> None:
    root = make_program(tmp_path, {})
    ledger = _ledger(root)
    ledger.write_text(ledger.read_text(encoding="utf-8") + '  "x\\ny": 7\n', encoding="utf-8")
    code, output = run(root, "check")
    assert code == 1 and "'x?y' is not a credential id" in output


def test_a_file_name_cannot_inject_ledger_lines(tmp_path: Path) -> None:
    evil = "credentials/a\n  abcdefghijklmnop: 5\n#.yaml"
    root = make_program(
        tmp_path, {evil: "achievement: intro\nissued: 2026-01-05\nrecipient:\n  did: did:example:m\n"}
    )
    code, output = run(root, "check", "--fix")
    assert code == 1 and "has a control character in its name" in output
    assert not (root / "status-ledger.yaml").exists()


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


def test_a_changed_index_fails_check_and_build(tmp_path: Path) -> None:
    root = make_program(tmp_path / "program", {"docs/index.md": "# Badges\n"})
    ledger = _ledger(root)
    original = ledger.read_text(encoding="utf-8")
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "first")
    was = int(original.rpartition(": ")[2].split()[0])
    _set_index(ledger, str((was + 1) % 131_072))
    code, output = run(root, "check")
    assert (
        code == 1
        and f"index {(was + 1) % 131_072} was {was} when the credential was first published" in output
    )
    _git(root, "commit", "-qam", "change an index")  # once committed, history still knows
    code, output = run(root, "check")
    assert code == 1 and "restore the line to" in output
    build = mkdocs_build(root, tmp_path / "site")
    assert build.returncode != 0 and f"was {was} when the credential was first published" in build.output
    assert "Traceback" not in build.output
    ledger.write_text(original, encoding="utf-8")
    assert run(root, "check")[0] == 0


# ---- bounded names


def test_a_300_character_name_makes_a_short_file_name(tmp_path: Path) -> None:
    root = make_program(tmp_path, {})
    written = []
    for last in ("Smith", "Jones"):
        name = "Anna " + "Maria " * 49 + last  # 300 characters, alike until the last word
        code, output = run(root, "award", "intro", "--name", name, "--email", f"{last}@example.org")
        assert code == 0, output
        written.append(output.split("wrote ", 1)[1].split(":", 1)[0])
    assert written[0] != written[1]
    for file in written:
        stem = Path(file).stem
        assert len(stem) <= 2 * 60 + 1 and stem.startswith("anna-maria-maria") and stem.endswith("-intro")
        assert (root / file).is_file()


def test_an_award_file_name_with_a_control_character_is_refused(tmp_path: Path) -> None:
    root = make_program(tmp_path, {})
    code, output = run(
        root, "award", "intro", "--name", "A", "--email", "a@example.org", "--file", "credentials/a\nb.yaml"
    )
    assert code == 1 and "credentials/a\\nb.yaml: has a control character" in output
    assert not (root / "status-ledger.yaml").exists()


def test_an_award_dated_years_ahead_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    root = make_program(tmp_path, {})
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    code, output = run(
        root, "award", "intro", "--name", "Ada", "--email", "ada@example.org", "--date", "2030-01-05"
    )
    assert code == 1 and "issued: 2030-01-05 is more than a year after today (2026-11-29)" in output
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before


def test_verify_a_credential_nested_too_deeply(tmp_path: Path) -> None:
    credential = tmp_path / "deep.json"
    credential.write_text("[" * 5000 + "]" * 5000, encoding="utf-8")
    result = CliRunner().invoke(main, ["verify", str(credential)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "INVALID" in result.output and "nested too deeply to read" in result.output


def test_a_roster_with_a_huge_cell_is_a_clean_error(tmp_path: Path) -> None:
    root = make_program(tmp_path, {})
    roster = tmp_path / "roster.csv"
    roster.write_text('name,email\n"' + "x" * 200_000 + '",a@example.org\n', encoding="utf-8")
    code, output = run(root, "import", str(roster), "--achievement", "intro", "--date", "2026-11-01")
    assert (
        code == 1 and "roster.csv: is not a CSV file this can read (field larger than field limit" in output
    )
