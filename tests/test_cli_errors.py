"""The command line's one error type: a core error ends as one ``error:`` line and exit status 1."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from badgepress.cli.endorse import endorse
from badgepress.cli.errors import Command
from badgepress.cli.main import main
from badgepress.sign.keys import KeyPair


def test_every_command_turns_core_errors_into_clean_messages() -> None:
    assert set(main.commands) >= {"check", "init", "import", "summary", "notify", "endorse", "keygen"}
    for name, command in main.commands.items():
        assert isinstance(command, Command), name


@pytest.mark.parametrize("command", ["check", "award", "revoke"])
def test_an_unreadable_config_is_one_clean_message(command: str, tmp_path: Path) -> None:
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: [unclosed\n", encoding="utf-8")
    args = {
        "check": [],
        "award": ["some-badge", "--name", "Ada", "--email", "ada@example.org"],
        "revoke": ["aaaaaaaaaaaaaaaa", "--reason", "test"],
    }[command]
    result = CliRunner().invoke(main, [command, *args, "--config", str(config)])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert result.output == (
        "error: 1 problem in the badge program:\n"
        "  mkdocs.yml:2: is not valid YAML: expected ',' or ']', but got '<stream end>' "
        "(check indentation and quoting)\n"
    )


def test_a_core_error_of_a_command_run_on_its_own_is_clean(monkeypatch: pytest.MonkeyPatch) -> None:
    key, other = KeyPair.generate(), KeyPair.generate()
    monkeypatch.setenv("BADGEPRESS_ENDORSER_KEY", key.secret_key_multibase())
    other_did = f"did:key:{other.public_key_multibase}"
    result = CliRunner().invoke(
        endorse,
        ["did:web:example.org", "--name", "Org", "--comment", "Good", "--did", other_did],
    )
    assert result.exit_code == 1, result.output
    assert result.output.startswith(f"error: {other_did} is not the did:key of this key")
