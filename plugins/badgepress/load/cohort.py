"""Load stage: a cohort file cut into its recipients' blocks, so that an edit re-reads one block.

``badgepress import`` writes one award file per roster: the shared fields,
then ``recipients:`` and one block of lines per person. A maintainer then
edits one person (a narrative, a revocation) and the whole file's bytes
change. Reading 2,000 recipients again costs a quarter of a second, more than
the rest of such a rebuild, so the awards of a cohort file are kept per block
(:mod:`badgepress.load.award_cache`) and only the blocks that changed are
parsed: the file is parsed with every other block turned into comment lines,
so that each line keeps its number.

The cut is only trusted where YAML's own reading agrees with it: a file this
module cannot cut plainly (another top-level key after the list, tabs, other
line breaks than ``\\n``, a line less indented than the list) is read whole,
and :func:`matches` checks that the parser found exactly one recipient
starting on the first line of each block it was given. A quoted value running
over a block's end, say, makes the parser disagree, and then the whole file is
read again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from badgepress.load.source import Path_

_LIST_KEY = re.compile(r"recipients:[ ]*(?:#.*)?")
# line breaks other than \n (YAML 1.1 and str.splitlines know more than one) and tabs: not cut
_AWKWARD = re.compile("[\r\t\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_ITEM = re.compile(r"( *)-(?: |$)")


@dataclass(frozen=True)
class Cut:
    """A cohort file as its header (every line outside the blocks) and one block per recipient."""

    lines: list[str]  # the file's lines, each with its "\n" (the last one may have none)
    header: str  # the lines before the first block: the fields the recipients share
    starts: list[int]  # each block's first line, counted from 0
    ends: list[int]  # each block's end: the line after its last

    def block(self, index: int) -> str:
        return "".join(self.lines[self.starts[index] : self.ends[index]])


def cut(text: str) -> Cut | None:
    """The blocks of ``recipients:``, the file's last top-level key, or None if it is not laid out so."""
    if _AWKWARD.search(text):
        return None
    lines = text.splitlines(keepends=True)
    key = next((n for n, line in enumerate(lines) if _LIST_KEY.fullmatch(line.rstrip("\n"))), None)
    if key is None:
        return None
    starts: list[int] = []
    indent = -1
    for number in range(key + 1, len(lines)):
        line = lines[number].rstrip("\n")
        content = line.lstrip(" ")
        if not content or content.startswith("#"):
            continue  # a blank or comment line: in the block it follows (or the header, before the first)
        depth = len(line) - len(content)
        item = _ITEM.match(line)
        if indent < 0:
            if item is None:
                return None  # not a block sequence, or another key after an empty list
            indent = depth
        if item is not None and depth == indent:
            starts.append(number)
        elif depth <= indent:
            return None  # another top-level key, or a line the list's items cannot hold
    if not starts:
        return None
    ends = [*starts[1:], len(lines)]
    return Cut(lines, "".join(lines[: starts[0]]), starts, ends)


def masked(shape: Cut, keep: Iterable[int]) -> str:
    """The file with every block but those in ``keep`` turned into comment lines (``#``).

    A comment line keeps the line numbers as they are, and ends whatever block
    scalar or plain scalar precedes it (a blank line could be part of a ``|+``
    scalar before it).
    """
    kept = set(keep)
    out = shape.lines[: shape.starts[0]]
    for index, (start, end) in enumerate(zip(shape.starts, shape.ends, strict=True)):
        if index in kept:
            out.extend(shape.lines[start:end])
        else:
            out.extend("#\n" for _ in range(start, end))
    return "".join(out)


def matches(shape: Cut, lines: Mapping[Path_, int], data: Any, given: list[int]) -> bool:
    """Whether the parser read the ``given`` blocks as ``recipients[0..]``, one on each block's first line."""
    recipients = data.get("recipients") if isinstance(data, dict) else None
    if not isinstance(recipients, list) or len(recipients) != len(given):
        return False
    return all(lines.get(("recipients", k)) == shape.starts[index] + 1 for k, index in enumerate(given))
