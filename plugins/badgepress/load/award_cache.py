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
from badgepress.load.model import EvidenceIn, Revocation

KIND = "awards"
_DATES = ("issued", "expires")


def store_awards(store: Store, key: str, awards: list[tuple[Any, str]]) -> None:
    """Keep an award file's (award, digest) pairs under ``key``."""
    data = [[_encode(award), digest] for award, digest in awards]
    store.put_bytes(KIND, key, json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def stored_awards(store: Store, key: str, award_type: type) -> list[tuple[Any, str]] | None:
    """The (award, digest) pairs kept under ``key``, or None if there are none of this shape."""
    data = store.get_bytes(KIND, key)
    if data is None:
        return None
    try:
        return [(_decode(award_type, fields), digest) for fields, digest in json.loads(data)]
    except (TypeError, ValueError, KeyError):  # written by other code: the file is read again
        return None


def _encode(award: Any) -> dict[str, Any]:
    fields = {f.name: getattr(award, f.name) for f in dataclasses.fields(award)}
    for name in _DATES:
        if fields[name] is not None:
            fields[name] = fields[name].isoformat()
    fields["evidence"] = [e.model_dump(mode="json") for e in fields["evidence"]]
    if fields["revoked"] is not None:
        fields["revoked"] = fields["revoked"].model_dump(mode="json")
    return fields


def _decode(award_type: type, fields: dict[str, Any]) -> Any:
    for name in _DATES:
        if fields[name] is not None:
            fields[name] = datetime.fromisoformat(fields[name])
    fields["where"] = tuple(fields["where"])
    fields["evidence"] = tuple(EvidenceIn.model_validate(e) for e in fields["evidence"])
    if fields["revoked"] is not None:
        fields["revoked"] = Revocation.model_validate(fields["revoked"])
    return award_type(**fields)
