"""An award file's validated awards, kept in the cache store as JSON between builds.

Reading and validating a cohort file of 2,000 awards takes a quarter of a
second. The store keeps, per award file (kind ``"awards"``, a content file
under a key over the file's path and everything its awards depend on besides
its bytes: the settings, the achievements), what the last build read of it:

- the digest of its bytes: a file that did not change is not parsed at all;
- its awards as JSON (no object is ever unpickled), each with the digest of
  its fields as read (``fields_key``), so that a credential's key is the same
  whether its award was read or taken from the store;
- for a cohort file, the digest of each recipient's block of lines
  (:mod:`badgepress.load.cohort`): when the file changed but its shared
  fields did not, only the blocks that changed are parsed and validated, and
  every other award is taken from the store, moved to its new line.

Only a file read without any problem is kept, so a problem is always reported
from a whole reading of the file.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from badgepress.cache import Store, content_id
from badgepress.domain import Award, Evidence, Revocation
from badgepress.errors import Problem
from badgepress.load import source as yaml_source
from badgepress.load.cohort import Cut, cut, masked, matches
from badgepress.load.source import MAX_BYTES, Source, count_values, parse_bytes, parse_text

KIND = "awards"
_DATES = ("issued", "expires")

Pair = tuple[Award, str]  # an award and the digest of its fields
# the awards of a parsed file, its problems added to the list given
Make = Callable[[Source, list[Problem]], list[Pair]]


@dataclasses.dataclass(frozen=True)
class Kept:
    """What a build read of one award file."""

    digest: str  # of its bytes
    header: str | None  # of a cohort file's shared part, when its awards are kept per block
    blocks: list[list[Any]]  # per recipient's block: [its digest, how many values, its first line]
    awards: list[list[Any]]  # per award: [its fields as JSON, its fields' digest]


def read_awards(
    store: Store, key: str, raw: bytes, shown: str, make: Make
) -> tuple[list[Pair] | None, list[Problem]]:
    """The awards of the award file of bytes ``raw`` (shown as ``shown``), reusing what ``key`` keeps.

    None and the problems if the file cannot be parsed at all; the store then keeps nothing of it.
    """
    kept = _stored(store, key)
    digest = content_id(raw)
    if kept is not None and kept.digest == digest:
        return [_pair(entry) for entry in kept.awards], []
    shape = _cut(raw)
    if shape is not None and kept is not None and kept.blocks:
        again = _read_changed_blocks(shape, kept, digest, shown, make)
        if again is not None:
            _store(store, key, again)
            return [_pair(entry) for entry in again.awards], []
    source, problems = parse_bytes(raw, shown)
    if source is None:
        return None, problems
    pairs = make(source, problems)
    if not problems:
        _store(store, key, _whole(shape, source, digest, pairs))
    return pairs, problems


def _cut(raw: bytes) -> Cut | None:
    if len(raw) > MAX_BYTES:
        return None
    try:
        return cut(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return None


def _whole(shape: Cut | None, source: Source, digest: str, pairs: list[Pair]) -> Kept:
    """The record of a file read whole: per block too if it is a cohort file the parser read as cut."""
    awards = [[_encode(award), key] for award, key in pairs]
    count = len(shape.starts) if shape is not None else 0
    every = list(range(count))
    if shape is None or len(pairs) != count or not matches(shape, source.lines, source.data, every):
        return Kept(digest, None, [], awards)
    recipients = source.data["recipients"]
    blocks = [
        [content_id(shape.block(i).encode()), count_values(recipients[i]), shape.starts[i]] for i in every
    ]
    return Kept(digest, content_id(shape.header.encode()), blocks, awards)


def _read_changed_blocks(shape: Cut, kept: Kept, digest: str, shown: str, make: Make) -> Kept | None:
    """The record of a changed cohort file, parsing only the blocks ``kept`` does not hold (None: cannot)."""
    if kept.header != content_id(shape.header.encode()) or len(kept.blocks) != len(kept.awards):
        return None
    known: dict[str, int] = {}
    for index, block in enumerate(kept.blocks):
        known.setdefault(block[0], index)
    digests = [content_id(shape.block(i).encode()) for i in range(len(shape.starts))]
    reused = {i: known[d] for i, d in enumerate(digests) if d in known}
    given = [i for i in range(len(digests)) if i not in reused] or [0]  # one at least: the list is not empty
    reused.pop(given[0], None)
    problems: list[Problem] = []
    source, errs = parse_text(masked(shape, given), shown)
    if source is None or errs or not matches(shape, source.lines, source.data, given):
        return None
    values = count_values(source.data) + sum(kept.blocks[j][1] for j in reused.values())
    if values > yaml_source.MAX_VALUES:
        return None  # read whole, which reports it
    made = make(source, problems)
    if problems or len(made) != len(given):
        return None
    blocks: list[list[Any]] = [[]] * len(digests)
    awards: list[list[Any]] = [[]] * len(digests)
    recipients = source.data["recipients"]
    for k, i in enumerate(given):
        award, key = made[k]
        awards[i] = [_encode(dataclasses.replace(award, where=("recipients", i))), key]
        blocks[i] = [digests[i], count_values(recipients[k]), shape.starts[i]]
    for i, j in reused.items():
        fields, key = kept.awards[j]
        line = fields["line"] + shape.starts[i] - kept.blocks[j][2]
        awards[i] = [{**fields, "line": line, "where": ["recipients", i]}, key]
        blocks[i] = [digests[i], kept.blocks[j][1], shape.starts[i]]
    return Kept(digest, kept.header, blocks, awards)


def _stored(store: Store, key: str) -> Kept | None:
    data = store.get_bytes(KIND, key)
    if data is None:
        return None
    try:
        fields = json.loads(data)
        return Kept(fields["digest"], fields["header"], fields["blocks"], fields["awards"])
    except (TypeError, ValueError, KeyError):  # written by other code: the file is read again
        return None


def _store(store: Store, key: str, kept: Kept) -> None:
    fields = {"digest": kept.digest, "header": kept.header, "blocks": kept.blocks, "awards": kept.awards}
    data = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))  # (asdict copies every award)
    store.put_bytes(KIND, key, data.encode("utf-8"))


def _pair(entry: list[Any]) -> Pair:
    return _decode(dict(entry[0])), entry[1]


def _encode(award: Award) -> dict[str, Any]:
    fields = {f.name: getattr(award, f.name) for f in dataclasses.fields(award)}
    for name in _DATES:
        if fields[name] is not None:
            fields[name] = fields[name].isoformat()
    fields["evidence"] = [dataclasses.asdict(e) for e in award.evidence]
    if award.revoked is not None:
        fields["revoked"] = {**dataclasses.asdict(award.revoked), "date": award.revoked.date.isoformat()}
    return fields


def _decode(fields: dict[str, Any]) -> Award:
    for name in _DATES:
        if fields[name] is not None:
            fields[name] = datetime.fromisoformat(fields[name])
    fields["where"] = tuple(fields["where"])
    fields["evidence"] = tuple(Evidence(**e) for e in fields["evidence"])
    if fields["revoked"] is not None:
        revoked = fields["revoked"]
        fields["revoked"] = Revocation(**{**revoked, "date": datetime.fromisoformat(revoked["date"])})
    return Award(**fields)
