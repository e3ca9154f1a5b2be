"""A changed cohort file is read block by block (load/cohort.py, load/award_cache.py).

Whatever the edit, a warm read (the store holding the file's last reading)
gives exactly the awards, lines, positions and problems a cold read gives; and
an edit to one recipient parses that recipient alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from badgepress.cache import Store
from badgepress.errors import InputError
from badgepress.load import program as program_module
from badgepress.load import source as source_module
from badgepress.load.cohort import cut, masked
from badgepress.load.program import load_program
from badgepress.load.settings import read_config
from badgepress.sign.keys import KeyPair

from .conftest import copy_program

NOW = datetime(2026, 11, 29, tzinfo=UTC)
KEY = KeyPair.from_seed(b"cohort blocks key".ljust(32, b"."))
COHORT = Path("credentials") / "2026" / "python-foundations-spring.yaml"


# ---------------------------------------------------------------- cutting


IMPORTED = """\
# Imported from roster.csv: 3 recipients.
achievement: python-foundations
issued: 2026-05-29
recipients:
  - name: Ana
    identity: sha256$aa
    salt: "01"
  - name: Ben
    identity: sha256$bb
    salt: "02"
    narrative: |
      Two lines
      of text.

  # a comment between two people
  - name: Cy
    identity: sha256$cc
    salt: "03"
"""


def test_an_imported_cohort_file_is_cut_into_one_block_per_recipient() -> None:
    shape = cut(IMPORTED)
    assert shape is not None
    assert shape.header == IMPORTED[: IMPORTED.index("  - name: Ana")]
    assert shape.starts == [4, 7, 15]
    assert shape.block(1).startswith("  - name: Ben") and shape.block(1).endswith("between two people\n")
    assert "".join([shape.header, *(shape.block(i) for i in range(3))]) == IMPORTED
    text = masked(shape, [1])
    assert text.count("\n") == IMPORTED.count("\n")
    assert "Ana" not in text and "Cy" not in text and "of text." in text


@pytest.mark.parametrize(
    "text",
    [
        IMPORTED + "expires: 2027-01-01\n",  # another top-level key after the list
        IMPORTED.replace("\n", "\r\n"),  # other line breaks than \n
        IMPORTED.replace('    salt: "02"', '\tsalt: "02"'),  # a tab
        IMPORTED.replace("recipients:", "recipients: []  #"),  # not a block list
        IMPORTED.replace("  - name: Cy", " - name: Cy"),  # a line less indented than the items
        "achievement: x\nissued: 2026-01-01\nrecipient:\n  name: Ana\n",  # one recipient
    ],
)
def test_a_file_not_laid_out_as_import_writes_it_is_not_cut(text: str) -> None:
    assert cut(text) is None


def test_a_masked_file_parses_each_given_block_as_the_whole_file_does() -> None:
    # Ben's narrative keeps its trailing blank lines (|+): what follows it must not join it
    text = IMPORTED.replace("    narrative: |\n", "    narrative: |+\n").replace(
        "  # a comment between two people\n", ""
    )
    shape = cut(text)
    assert shape is not None
    whole, _ = source_module.parse_text(text, "x")
    part, _ = source_module.parse_text(masked(shape, [1]), "x")
    assert whole is not None and part is not None
    assert part.data["recipients"] == [whole.data["recipients"][1]]
    assert whole.data["recipients"][1]["narrative"] == "Two lines\nof text.\n\n"
    assert part.lines[("recipients", 0)] == whole.lines[("recipients", 1)] == 8


def test_a_list_at_the_left_margin_is_cut_too() -> None:
    text = "achievement: x\nrecipients:\n- name: Ana\n  salt: a\n- name: Ben\n"
    shape = cut(text)
    assert shape is not None and shape.starts == [2, 4]


# ---------------------------------------------------------------- reading warm and cold


class Program:
    """A copy of the example program, read with and without the store of its last reading."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.root = root
        self.store_dir = root.parent / "cache"
        self.parsed: list[int] = []  # how many recipients each reading of the cohort file parsed
        self.limit: int | None = None  # of values in a YAML file, while the program is read
        real = program_module._file_awards

        def counting(source: source_module.Source, *args: Any) -> Any:
            if source.path == COHORT.as_posix():
                recipients = source.data.get("recipients") if isinstance(source.data, dict) else None
                self.parsed.append(len(recipients) if isinstance(recipients, list) else 0)
            return real(source, *args)

        monkeypatch.setattr(program_module, "_file_awards", counting)

    def read(self, warm: bool) -> tuple[list[Any], dict[str, str]]:
        """The awards and their keys, or the problems (as text) when the program is refused."""
        config = read_config(self.root / "mkdocs.yml")
        store = Store(self.store_dir, KEY) if warm else None
        try:
            with pytest.MonkeyPatch.context() as patch:
                if self.limit is not None:
                    patch.setattr(source_module, "MAX_VALUES", self.limit)
                program = load_program(config.root, config.settings, store, NOW)
        except InputError as err:
            return [str(p) for p in err.problems], {}
        if store is not None:
            store.save()
        return list(program.awards), {cid: key for cid, (_, key) in program.award_keys.items()}

    def edit(self, change: Callable[[str], str]) -> tuple[Any, Any, list[int]]:
        """Change the cohort file; read it warm, then cold: both readings, and what the warm one parsed."""
        path = self.root / COHORT
        text = path.read_text(encoding="utf-8")
        path.write_text(change(text), encoding="utf-8")
        self.parsed = []
        warm = self.read(warm=True)
        parsed, self.parsed = self.parsed, []
        cold = self.read(warm=False)
        return warm, cold, parsed


@pytest.fixture
def program(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Program:
    found = Program(copy_program(tmp_path / "program"), monkeypatch)
    found.read(warm=True)  # the store now holds the cohort file's reading
    return found


def _recipient(name: str, seed: str) -> str:
    return f"  - name: {name}\n    identity: sha256${seed * 64}\n    salt: {seed * 32}\n"


def _narrative(text: str, name: str, value: str) -> str:
    start = text.index(f"  - name: {name}\n")
    end = text.index("\n", start) + 1
    return text[:end] + f"    narrative: {value}\n" + text[end:]


def _blocks(text: str) -> list[str]:
    shape = cut(text)
    assert shape is not None
    return [shape.block(i) for i in range(len(shape.starts))]


def _header(text: str) -> str:
    shape = cut(text)
    assert shape is not None
    return shape.header


EDITS: dict[str, tuple[Callable[[str], str], int | None]] = {
    # what the edit does → (the edit, how many recipients the warm reading parses; None: all)
    "one narrative added": (lambda t: _narrative(t, "Ben Lindqvist", "Rebuilt the grader."), 1),
    "a recipient inserted in the middle": (
        lambda t: t.replace("  - name: Chen Wei\n", _recipient("Zoe Abara", "e") + "  - name: Chen Wei\n"),
        1,
    ),
    "a recipient removed": (lambda t: _header(t) + "".join(b for b in _blocks(t) if "Ben" not in b), 1),
    "two recipients swapped": (
        lambda t: _header(t) + "".join([_blocks(t)[1], _blocks(t)[0], *_blocks(t)[2:]]),
        1,
    ),
    "a kept-newlines block scalar above reused blocks": (
        # at the end of Chen Wei's block, so that the blocks after it would be part of it if blank
        lambda t: t.replace(
            "    show_name: full\n",
            "    show_name: full\n    narrative: |+\n      Line one.\n\n      Two.\n\n",
            1,
        ),
        1,
    ),
    "a comment and blank lines between people": (
        lambda t: t.replace("  - name: Chen Wei\n", "\n  # late finishers below\n\n  - name: Chen Wei\n"),
        1,
    ),
    "a revocation": (
        lambda t: t.replace(
            "    result: B\n",
            "    result: B\n    revoked:\n      date: 2026-11-20\n      reason: Mistake.\n",
            1,
        ),
        1,
    ),
    # the parser reads Chen's, Dolores' and Emeka's lines as part of Ben's narrative: the file is read whole
    "a quote opened in one person and closed in a later one": (
        lambda t: (
            _header(t)
            + "".join(
                b.rstrip("\n") + '\n    narrative: "Rebuilt the\n'
                if "Ben" in b
                else '  - grader"\n'
                if "Emeka" in b
                else b
                for b in _blocks(t)
            )
        ),
        None,
    ),
    "a shared field changed": (lambda t: t.replace("issued: 2026-05-29", "issued: 2026-05-30", 1), None),
}


@pytest.mark.parametrize("what", list(EDITS))
def test_a_warm_reading_equals_a_cold_one_and_parses_only_what_changed(program: Program, what: str) -> None:
    change, parsed = EDITS[what]
    warm, cold, counts = program.edit(change)
    assert warm == cold
    awards = [a for a in warm[0] if a.file == COHORT.as_posix()]
    assert awards and [a.where for a in awards] == [("recipients", i) for i in range(len(awards))]
    assert counts == [len(awards) if parsed is None else parsed]
    # and once more, unchanged: nothing is parsed
    program.parsed = []
    assert program.read(warm=True) == cold
    assert program.parsed == []


BROKEN: dict[str, Callable[[str], str]] = {
    "a bad date in one recipient": lambda t: t.replace(
        "    result: B\n", "    result: B\n    issued: 2026-02-30\n", 1
    ),
    "a quote left open across the next person": lambda t: _narrative(t, "Ben Lindqvist", '"Rebuilt the'),
    "an unknown field": lambda t: t.replace("    result: C\n", "    result: C\n    grade: 9\n", 1),
    "a duplicate key": lambda t: t.replace("    result: C\n", "    result: C\n    result: A\n", 1),
    "an indentation slip": lambda t: t.replace("    result: C\n", "   result: C\n", 1),
}


@pytest.mark.parametrize("what", list(BROKEN))
def test_a_broken_edit_reports_what_a_cold_reading_reports(program: Program, what: str) -> None:
    warm, cold, _ = program.edit(BROKEN[what])
    assert warm == cold
    problems = warm[0]
    assert problems and all(isinstance(p, str) for p in problems)
    assert any(COHORT.as_posix() in p for p in problems)


def test_the_value_limit_holds_for_a_warm_reading(program: Program) -> None:
    """A file grown past the limit is refused, even if most of it was read before."""
    text = (program.root / COHORT).read_text(encoding="utf-8")
    source, _ = source_module.parse_text(text, "x")
    assert source is not None
    program.limit = source_module.count_values(source.data) + 3
    program.parsed = []
    assert program.read(warm=True)[1]  # within the limit: read
    assert program.parsed == []  # from the store
    warm, cold, _ = program.edit(lambda t: t + _recipient("Zoe Abara", "e"))  # 7 values more
    assert warm == cold
    assert any(re.search(r"more than [\d,]+ values", p) for p in warm[0])
