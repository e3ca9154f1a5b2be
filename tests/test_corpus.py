"""The shared corpus (tests/data/corpus): `badgepress verify` gives every case its expected outcome.

js/test/corpus.test.js holds the page's verifier to the same answers.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from .conftest import DATA, badgepress

CORPUS = DATA / "corpus"
MANIFEST = json.loads((CORPUS / "cases.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def answers() -> dict[str, list[str]]:
    """Each case's lines of one `badgepress verify` run over the whole corpus."""
    files = [str(CORPUS / "credentials" / f"{name}.json") for name in MANIFEST["cases"]]
    run = badgepress("verify", "--site", str(CORPUS / "site"), "--at", MANIFEST["now"], *files)
    assert run.returncode == 1, run.stdout + run.stderr  # some cases are not verified
    out: dict[str, list[str]] = {}
    current = None
    for line in run.stdout.splitlines():
        for name in MANIFEST["cases"]:
            if f" {CORPUS / 'credentials' / name}.json:" in line:
                current = name
                out[current] = [line]
                break
        else:
            if current and line.startswith(" "):
                out[current].append(line)
    return out


@pytest.mark.parametrize("name", sorted(MANIFEST["cases"]))
def test_the_cli_gives_the_expected_outcome(name: str, answers: dict[str, list[str]]) -> None:
    expected = MANIFEST["cases"][name]
    lines = answers[name]
    assert lines[0].split()[0] == expected["status"].upper(), lines
    text = "\n".join(lines)
    for shown in expected["shows"]:
        assert shown in text, (shown, lines)
    assert ("signed with a preview key: not a real credential" in text) == expected["preview"], lines


def test_each_verified_case_exits_zero_alone() -> None:
    for name, expected in MANIFEST["cases"].items():
        if expected["status"] == "verified":
            path = str(CORPUS / "credentials" / f"{name}.json")
            run = badgepress("verify", "--site", str(CORPUS / "site"), "--at", MANIFEST["now"], path)
            assert run.returncode == 0, run.stdout


def test_the_corpus_is_what_its_script_makes(tmp_path_factory: pytest.TempPathFactory) -> None:
    before = {p: p.read_bytes() for p in CORPUS.rglob("*.json")}
    subprocess.run([sys.executable, str(CORPUS / "make_corpus.py")], check=True, timeout=300)
    after = {p: p.read_bytes() for p in CORPUS.rglob("*.json")}
    assert after == before, "run tests/data/corpus/make_corpus.py and commit its output"
