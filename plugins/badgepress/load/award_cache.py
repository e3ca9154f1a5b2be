"""An award file's validated awards, kept in the cache store as JSON between builds.

Reading and validating a cohort file of 2,000 awards takes seconds; a
rebuild in which the file did not change takes its awards from the store
instead (kind ``"awards"``, a content file per award file), under a key over
the file's path and bytes and everything else its awards depend on (the
settings, the achievements). An entry is JSON (no object is ever unpickled),
and each award keeps the digest of its fields as read (``program.award_key``),
so that a credential's key is the same whether its award was read or taken
from the store.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from typing import Any

from badgepress.cache import Store
from badgepress.domain import Award, Evidence, Revocation

KIND = "awards"
_DATES = ("issued", "expires")


def store_awards(store: Store, key: str, awards: list[tuple[Award, str]]) -> None:
    """Keep an award file's (award, digest) pairs under ``key``."""
    data = [[_encode(award), digest] for award, digest in awards]
    store.put_bytes(KIND, key, json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def stored_awards(store: Store, key: str) -> list[tuple[Award, str]] | None:
    """The (award, digest) pairs kept under ``key``, or None if there are none of this shape."""
    data = store.get_bytes(KIND, key)
    if data is None:
        return None
    try:
        return [(_decode(fields), digest) for fields, digest in json.loads(data)]
    except (TypeError, ValueError, KeyError):  # written by other code: the file is read again
        return None


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
