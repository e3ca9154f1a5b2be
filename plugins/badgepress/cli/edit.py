"""Edits of files a person also edits by hand, keeping their comments and layout (ruamel.yaml round trip).

``record_revocation`` adds a ``revoked`` block to a recipient of an award
file (``badgepress revoke``); ``add_key_entry`` lists a public key in
mkdocs.yml (``badgepress keygen --add``).
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping, Sequence
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from badgepress.errors import InputError, Problem
from badgepress.load.settings import PLUGIN
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


def add_key_entry(config_file: Path, key_id: str, public_key: str, retire: Sequence[str] = ()) -> None:
    """List a public key in mkdocs.yml (comments and layout kept); mark ``retire`` keys retired."""
    yaml = _yaml()
    shown = config_file.name
    data = yaml.load(config_file.read_text(encoding="utf-8"))
    plugins = data.get("plugins") if isinstance(data, Mapping) else None
    options: Any = None
    if isinstance(plugins, Mapping):
        options = plugins.get(PLUGIN)
    elif isinstance(plugins, list):
        options = next((p[PLUGIN] for p in plugins if isinstance(p, Mapping) and PLUGIN in p), None)
    if not isinstance(options, MutableMapping):
        raise InputError(
            [
                Problem(
                    shown, 0, "plugins", "has no badgepress block with options", "add '- badgepress:' first"
                )
            ]
        )
    keys = options.get("keys")
    if keys is None:
        keys = CommentedSeq()
        options["keys"] = keys
    entries: dict[str, Any] = {str(k.get("id")): k for k in keys if isinstance(k, Mapping)}
    problems = []
    if key_id in entries:
        problems.append(Problem(shown, 0, "keys", f"a key named {key_id!r} is already listed", "pick --id"))
    if any(str(k.get("public_key")) == public_key for k in entries.values()):
        problems.append(Problem(shown, 0, "keys", "this public key is already listed"))
    for old in retire:
        if old not in entries:
            known = ", ".join(entries) or "none"
            problems.append(Problem(shown, 0, "keys", f"no key named {old!r} to retire", f"listed: {known}"))
    if problems:
        raise InputError(problems)
    for old in retire:
        entries[old]["retired"] = True
    entry = CommentedMap()
    entry["id"] = key_id
    entry["public_key"] = public_key
    keys.append(entry)
    out = StringIO()
    yaml.dump(data, out)
    config_file.write_text(out.getvalue(), encoding="utf-8")
