"""The example program built with its endorsements (tests/conftest.py's copies leave them out).

``copy_program`` copies what the other tests need; the example's
``endorsements/`` folder endorses achievement ids of the example's real
address, so a copy built at another address (the browser tests) could not
accept them. Here the program is built at its own address, signed with the
session's test key, as of a fixed date, once per session for every module
that asks (``records_site``).
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from badgepress.sign.keys import KeyPair

from .conftest import REPO, Build, add_key, copy_program, mkdocs_build

NOW = datetime(2026, 11, 29, tzinfo=UTC)
EPOCH = str(int(NOW.timestamp()))
VC2 = "https://www.w3.org/ns/credentials/v2"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CLR2 = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
SITE = "https://northfield-code.github.io/badges/"
DID = "did:web:northfield-code.github.io:badges"
ENDORSED = {  # the example's received endorsements: file -> (endorser, achievement)
    "riverside-software-guild-python-foundations.json": ("Riverside Software Guild", "python-foundations"),
    "open-data-collective-data-analysis-certificate.json": (
        "Open Data Collective",
        "data-analysis-certificate",
    ),
}
GIVEN = "opendata-community-data-steward"
LEARNER = "amara-o"

_BUILT: dict[str, Build] = {}


def copy_program_with_endorsements(target: Path) -> Path:
    root = copy_program(target)
    shutil.copytree(REPO / "endorsements", root / "endorsements")
    return root


def build_records_site(tmp_path_factory: pytest.TempPathFactory, key: KeyPair) -> Build:
    """The example program with its endorsements, built once per session (per key)."""
    cached = _BUILT.get(key.public_key_multibase)
    if cached is None:
        root = copy_program_with_endorsements(tmp_path_factory.mktemp("records"))
        add_key(root, key)
        cached = mkdocs_build(root, root / "site", key, {"SOURCE_DATE_EPOCH": EPOCH})
        assert cached.returncode == 0, cached.output
        _BUILT[key.public_key_multibase] = cached
    return cached


def read(site: Path, path: str) -> Any:
    return json.loads((site / path).read_text(encoding="utf-8"))


def credentials(site: Path) -> dict[str, dict[str, Any]]:
    return {
        p.stem: read(site, f"credentials/{p.name}") for p in sorted((site / "credentials").glob("*.json"))
    }
