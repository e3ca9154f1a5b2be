"""Hostile input through the commands: names, dates and ledgers that once crashed or misled."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from badgepress.cli import main
from badgepress.config import read_config
from badgepress.program import load_program

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
