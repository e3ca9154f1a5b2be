"""The files of the build caches in ``.cache/badgepress/``: read leniently, written atomically.

A cache file is JSON with a ``format`` number. One that is missing, unreadable
or of another format reads as empty (the build then does the work again); one
that cannot be written is skipped. Neither ever fails a build.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

CACHE_DIR = Path(".cache") / "badgepress"  # under the program's root
CACHEDIR_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# A cache of Badgepress: safe to delete.\n"


def read_cache(path: Path | None, format_: int) -> dict[str, Any]:
    """The cache file's object if it has format ``format_``, else ``{}``."""
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and data.get("format") == format_ else {}


def read_entries(path: Path | None, format_: int, field: str = "entries") -> dict[str, Any]:
    """The mapping under ``field`` of the cache file, or ``{}``."""
    entries = read_cache(path, format_).get(field)
    return entries if isinstance(entries, dict) else {}


def write_cache(path: Path, format_: int, **fields: Any) -> None:
    """Replace the cache file at once (a temporary file renamed over it), tagging the cache folder."""
    replace_file(path, json.dumps({"format": format_, **fields}, separators=(",", ":")).encode("utf-8"))


def replace_file(path: Path, data: bytes) -> None:
    """Write ``data`` to a cache file at once (a temporary file renamed over it), tagging the cache folder."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tag = path.parent / "CACHEDIR.TAG"
        if not tag.exists():
            tag.write_text(CACHEDIR_TAG)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:
        pass  # a cache that cannot be written only costs time next build
