"""The bad-input corpus: every case gets exactly the messages listed in tests/cases/bad_input.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from badgepress.config import read_config
from badgepress.errors import InputError
from badgepress.program import load_program

from .conftest import REPO

CASES = yaml.safe_load((REPO / "tests" / "cases" / "bad_input.yaml").read_text(encoding="utf-8"))

BASE = {
    "mkdocs.yml": (
        "site_name: Test\nsite_url: https://example.org/badges/\nplugins:\n  - badgepress:\n"
        "      issuer:\n        name: Test School\n        url: https://example.org/\n"
    ),
    "achievements/intro.yaml": "name: Intro\ndescription: A first badge.\ncriteria: Attend.\n",
    "credentials/one.yaml": "achievement: intro\nissued: 2026-01-05\nrecipient:\n  did: did:example:alice\n",
}


def problems_of(root: Path) -> list[str]:
    try:
        config = read_config(root / "mkdocs.yml")
        load_program(config.root, config.settings)
    except InputError as err:
        return [str(p) for p in err.problems]
    return []


def make_program(root: Path, overlay: dict[str, str]) -> Path:
    for name, text in {**BASE, **overlay}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_base_program_is_valid(tmp_path: Path) -> None:
    assert problems_of(make_program(tmp_path, {})) == []


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_bad_input(case: dict, tmp_path: Path) -> None:
    found = problems_of(make_program(tmp_path, case["files"]))
    assert found, "the case must be rejected"
    assert found == case["expected"]
