"""Edits of award files that keep their comments and layout (ruamel.yaml round trip)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ruamel.yaml import YAML

from badgepress.errors import InputError, Problem
from badgepress.load.source import Path_


def _yaml() -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def record_revocation(file: Path, where: Path_, day: date, reason: str, public: bool) -> None:
    """Add a ``revoked`` block to the recipient at ``where`` in ``file``."""
    yaml = _yaml()
    data = yaml.load(file.read_text(encoding="utf-8"))
    node = data
    for part in where:
        node = node[part]
    if "revoked" in node:
        raise InputError([Problem(file.name, 0, "revoked", "is already set")])
    entry: dict[str, object] = {"date": day.isoformat(), "reason": reason}
    if not public:
        entry["public"] = False
    node["revoked"] = entry
    with file.open("w", encoding="utf-8") as out:
        yaml.dump(data, out)
