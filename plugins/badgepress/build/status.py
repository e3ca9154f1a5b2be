"""Revocation through a W3C Bitstring Status List, and the ledger of indices.

Every credential gets one index for life. Indices live in a ledger file in
the repository (so a pull request shows them to its reviewer) and are never
changed or reused: a credential whose award file disappears keeps its index
and its bit is set, so it stops verifying as valid. A new credential's index
is a hash of its id, probed past taken slots, so indices look random to an
outsider (herd privacy) and do not reveal the order of issuance.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import re
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from badgepress.errors import InputError, Problem
from badgepress.load.source import load_source

LIST_SIZE = 131_072  # 16 KiB of bits: the minimum of the Recommendation, §6.1 (herd privacy)
FILL_LIMIT = 0.5  # open another list before probing gets long and indices get guessable

# The ledger grows by a line of about 70 bytes a credential, written by Badgepress: it may be
# larger than a person's file, up to some 200,000 credentials.
LEDGER_MAX_BYTES = 16 * 1024 * 1024
LEDGER_MAX_VALUES = 600_000
_KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")  # a credential id: never a line break, never a space
_ADDED = re.compile(r"^\+\s+([A-Za-z0-9_-]{1,64})\s*:\s*(\d{1,12})\s*(?:#.*)?$")

LEDGER_HEADER = """\
# The status list index of every credential this program has published.
# Kept by Badgepress: `badgepress check --fix` adds new lines (or add the lines
# `badgepress check` prints). Never change or remove a line: an index is a
# credential's place in the public revocation list, for life.
"""


@dataclass(frozen=True)
class Ledger:
    indices: Mapping[str, int]

    @property
    def lists(self) -> int:
        """How many status lists the ledger spans (at least one)."""
        highest = max(self.indices.values(), default=0)
        needed = max(highest // LIST_SIZE + 1, 1)
        while len(self.indices) > FILL_LIMIT * needed * LIST_SIZE:
            needed += 1
        return needed


def load_ledger(path: Path, shown_as: str) -> tuple[Ledger, list[Problem]]:
    if not path.is_file():
        return Ledger({}), []
    source, problems = load_source(path, shown_as, LEDGER_MAX_BYTES, LEDGER_MAX_VALUES)
    if source is None:
        return Ledger({}), problems
    data = source.data if isinstance(source.data, dict) else {}
    raw = data.get("indices") or {}
    if not isinstance(raw, dict) or set(data) - {"indices"}:
        return Ledger({}), [
            source.problem((), "must contain only an 'indices' mapping of credential id → index")
        ]
    seen: dict[int, str] = {}
    indices: dict[str, int] = {}
    capacity = lists_for(len(raw)) * LIST_SIZE
    for cid, index in raw.items():
        if not _KEY.fullmatch(cid):
            problems.append(
                source.problem(
                    ("indices",),
                    f"{_one_line(cid)[:40]!r} is not a credential id",
                    "restore the file from git: a key is the 16-character id `badgepress check --fix` wrote",
                )
            )
        elif not isinstance(index, int) or isinstance(index, bool) or index < 0:
            problems.append(source.problem(("indices", cid), "must be a whole number ≥ 0"))
        elif index >= capacity:
            lists = capacity // LIST_SIZE
            problems.append(
                source.problem(
                    ("indices", cid),
                    f"index {index} is past the last status list: {len(raw)} credentials span "
                    f"{lists} list{'s' if lists > 1 else ''}, indices 0 to {capacity - 1}",
                    "restore the line as `badgepress check --fix` wrote it",
                )
            )
        elif index in seen:
            problems.append(
                source.problem(
                    ("indices", cid),
                    f"index {index} is also used by {seen[index]}",
                    "restore the line as it was: indices are never reused",
                )
            )
        else:
            seen[index] = cid
            indices[cid] = index
    return Ledger(indices), problems


def lists_for(count: int) -> int:
    """The status lists a ledger of ``count`` credentials spans: another opens at each FILL_LIMIT."""
    per_list = int(FILL_LIMIT * LIST_SIZE)
    return max((count + per_list - 1) // per_list, 1)


def history_problems(root: Path, path: Path, shown_as: str, ledger: Ledger) -> list[Problem]:
    """Every credential whose index differs from the one the ledger first gave it in git history.

    The history is the git log of the ledger file from ``root``: the whole of it,
    so that a change is found in the working tree, in the last commit and in
    any commit before (a shallow clone has only the commits it fetched). Without
    git, or outside a repository, there is no history to compare with.
    """
    try:
        relative = path.resolve().relative_to(root.resolve()).as_posix()
        log = subprocess.run(
            [
                "git",
                "-C",
                str(root),
                "log",
                "--reverse",
                "--format=",
                "-p",
                "--unified=0",
                "--no-color",
                "--no-ext-diff",
                "--",
                relative,
            ],
            capture_output=True,
            check=False,
            timeout=120,
        )
    except (OSError, ValueError, subprocess.SubprocessError):
        return []
    if log.returncode != 0:
        return []
    first: dict[str, int] = {}
    for line in log.stdout.decode("utf-8", "replace").splitlines():
        match = _ADDED.match(line)
        if match:
            first.setdefault(match.group(1), int(match.group(2)))
    changed = {
        cid: (first[cid], index)
        for cid, index in ledger.indices.items()
        if cid in first and first[cid] != index
    }
    if not changed:
        return []
    text = path.read_text(encoding="utf-8")
    problems = []
    for cid, (was, now) in changed.items():
        found = re.search(rf"^\s*{re.escape(cid)}\s*:", text, re.MULTILINE)
        number = text.count("\n", 0, found.start()) + 1 if found else 0
        problems.append(
            Problem(
                shown_as,
                number,
                f"indices.{cid}",
                f"index {now} was {was} when the credential was first published (git history): "
                "changing it would un-revoke every copy its earner holds",
                f"restore the line to '{cid}: {was}'",
            )
        )
    return problems


def candidate(credential_id: str, capacity: int) -> int:
    digest = hashlib.sha256(f"badgepress-status\n{credential_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % capacity


def allocate(ledger: Ledger, credential_ids: Iterable[str]) -> dict[str, int]:
    """Indices for the ids the ledger lacks, in the given order; the ledger is unchanged."""
    taken = set(ledger.indices.values())
    lists = ledger.lists
    count = len(ledger.indices)
    added: dict[str, int] = {}
    for cid in credential_ids:
        if cid in ledger.indices or cid in added:
            continue
        while count + 1 > FILL_LIMIT * lists * LIST_SIZE:
            lists += 1
        capacity = lists * LIST_SIZE
        index = candidate(cid, capacity)
        while index in taken:
            index = (index + 1) % capacity
        taken.add(index)
        added[cid] = index
        count += 1
    return added


def ledger_lines(entries: Mapping[str, int], labels: Mapping[str, str] | None = None) -> str:
    """Ledger lines, each commented with where the credential comes from (for reviewers)."""
    labels = {cid: _one_line(label) for cid, label in (labels or {}).items()}
    return "".join(
        f"  {cid}: {index}" + (f"  # {labels[cid]}" if cid in labels else "") + "\n"
        for cid, index in entries.items()
    )


def _one_line(text: str) -> str:
    """A label as a comment can hold it: no line break nor any other control character."""
    return "".join(c if c.isprintable() else "?" for c in text)


def missing_entries_hint(
    ledger_file: str, exists: bool, added: Mapping[str, int], labels: Mapping[str, str] | None = None
) -> str:
    """What to do, in words, when the ledger lacks ``added``."""
    if exists:
        return (
            f"run `badgepress check --fix`, or add these lines at the end of {ledger_file}:\n"
            + ledger_lines(added, labels)
        )
    return (
        f"run `badgepress check --fix`, or create {ledger_file} with these lines:\nindices:\n"
        + ledger_lines(added, labels)
    )


def write_ledger(
    path: Path, ledger: Ledger, added: Mapping[str, int], labels: Mapping[str, str] | None = None
) -> None:
    """Append ``added`` to the ledger file, keeping every existing line as it is."""
    if path.is_file() and ledger.indices:
        text = path.read_text(encoding="utf-8")
        if not text.endswith("\n"):
            text += "\n"
    else:
        text = LEDGER_HEADER + "indices:\n"
    path.write_text(text + ledger_lines(added, labels), encoding="utf-8")
    written = yaml.safe_load(path.read_text(encoding="utf-8")).get("indices")
    if written != {**ledger.indices, **added}:
        raise InputError(
            [
                Problem(
                    path.name,
                    0,
                    "indices",
                    "could not be extended cleanly",
                    "restore the file from git and run `badgepress check --fix` again",
                )
            ]
        )


def split_index(global_index: int) -> tuple[int, int]:
    """(list number starting at 1, index inside that list)."""
    return global_index // LIST_SIZE + 1, global_index % LIST_SIZE


def encode_list(set_bits: Iterable[int], size: int = LIST_SIZE) -> str:
    """Multibase base64url (no padding) of the GZIP'd bitstring; index 0 is the left-most bit."""
    bits = bytearray(size // 8)
    for index in set_bits:
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), compresslevel=9, mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode("ascii").rstrip("=")


def decode_list(encoded: str) -> bytes:
    if not encoded.startswith("u"):
        raise ValueError("encodedList must be multibase base64url (start with 'u')")
    payload = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def bit_is_set(bitstring: bytes, index: int) -> bool:
    if index < 0 or index // 8 >= len(bitstring):
        raise ValueError(f"status index {index} is outside the list")
    return bool(bitstring[index // 8] & (0x80 >> (index % 8)))
