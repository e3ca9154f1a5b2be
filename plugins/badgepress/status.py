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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import InputError, Problem
from .source import load_source

LIST_SIZE = 131_072  # 16 KiB of bits: the minimum of the Recommendation, §6.1 (herd privacy)
FILL_LIMIT = 0.5  # open another list before probing gets long and indices get guessable

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
    source, problems = load_source(path, shown_as)
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
    for cid, index in raw.items():
        if not isinstance(index, int) or isinstance(index, bool) or index < 0:
            problems.append(source.problem(("indices", cid), "must be a whole number ≥ 0"))
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
    labels = labels or {}
    return "".join(
        f"  {cid}: {index}" + (f"  # {labels[cid]}" if cid in labels else "") + "\n"
        for cid, index in entries.items()
    )


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
