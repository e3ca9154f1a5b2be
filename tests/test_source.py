"""The YAML load stage: libyaml's fast parse gives exactly what the pure-Python parser gives."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from badgepress.load import source
from badgepress.load.source import load_source

REPO = Path(__file__).resolve().parents[1]
EXAMPLE_FILES = sorted(
    [
        REPO / "mkdocs.yml",
        REPO / "status-ledger.yaml",
        *(REPO / "achievements").rglob("*.yaml"),
        *(REPO / "credentials").rglob("*.yaml"),
    ]
)


def _load_with(monkeypatch: pytest.MonkeyPatch, loader: type, file: Path) -> tuple:
    with monkeypatch.context() as patch:
        patch.setattr(source, "_FastLoader", loader)
        found, problems = load_source(file, file.name)
    return (found.data, found.lines) if found else None, problems


@pytest.mark.parametrize("file", EXAMPLE_FILES, ids=lambda f: str(f.relative_to(REPO)))
def test_libyaml_and_pure_python_agree(file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Same values and same line for every value, on every YAML file of the example program."""
    assert source._FastLoader.__mro__[1] is yaml.CSafeLoader  # PyYAML's wheels ship libyaml
    fast = _load_with(monkeypatch, source._FastLoader, file)
    pure = _load_with(monkeypatch, source._Loader, file)
    assert fast == pure
    assert fast[0] is not None and len(fast[0][1]) > 1


def test_dates_stay_text_and_duplicates_are_found(tmp_path: Path) -> None:
    file = tmp_path / "award.yaml"
    file.write_text("issued: 2026-03-14\nname: a\nname: b\n", encoding="utf-8")
    found, problems = load_source(file, "award.yaml")
    assert found is not None and found.data == {"issued": "2026-03-14", "name": "a"}
    assert found.lines[("name",)] == 2
    found_problems = [(p.line, p.field, p.message) for p in problems]
    assert found_problems == [(3, "name", "appears twice in the same block")]


def test_no_mutation_of_a_real_file_makes_load_source_raise(tmp_path: Path) -> None:
    """Seeded random edits of real files (YAML's special characters among them): problems, never a raise."""
    import random

    chaos = random.Random(14)
    specials = ["\x00", "\x85", "\ufeff", "\ud800", "é", "🎓", "!!int ", "<<: "]
    alphabet = [*"&*!|>[]{}:-?#%@`'\",\t\n \\", *specials]
    file = tmp_path / "mutant.yaml"
    for original in EXAMPLE_FILES[:6]:
        text = original.read_text(encoding="utf-8")
        for _ in range(60):
            mutant = list(text)
            for _ in range(chaos.randint(1, 8)):
                mutant.insert(chaos.randrange(len(mutant) + 1), chaos.choice(alphabet))
            file.write_bytes("".join(mutant).encode("utf-8", "surrogatepass"))
            found, problems = load_source(file, "mutant.yaml")
            assert found is not None or problems
