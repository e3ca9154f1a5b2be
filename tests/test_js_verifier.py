"""An independent verifier accepts what Badgepress signs: jsonld.js (safe mode) + WebCrypto, under Node."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from .conftest import REPO, Build

pytestmark = pytest.mark.clock  # scripts/test runs these again a year ahead


def test_javascript_verifier_accepts_every_published_credential(signed_site: Build) -> None:
    node = shutil.which("node")
    assert node, "Node.js is required (scripts/bootstrap installs it)"
    files = sorted(str(p) for p in (signed_site.site / "credentials").glob("*.json"))
    run = subprocess.run(
        [node, "js/tools/verify-site.mjs", str(signed_site.site), "--now", "2026-11-29T00:00:00Z", *files],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    results = json.loads(run.stdout)
    statuses = sorted(r["status"] for r in results.values())
    assert statuses == ["revoked"] + ["verified"] * 15, results
    revoked = next(r for r in results.values() if r["status"] == "revoked")
    assert "signature:pass" in revoked["checks"]  # still cryptographically valid


def test_the_wheel_ships_every_chunk_of_the_verifier(wheel: Path) -> None:
    """The page's script is split (a chunk per proof suite, VC-JWT, Open Badges 2.0): all must ship."""
    bundle = REPO / "plugins/badgepress/assets/verify"
    chunks = sorted(p.name for p in bundle.glob("*.js"))
    assert "verify.js" in chunks, "the verifier bundle is not built (npm run build)"
    assert len(chunks) > 1
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"badgepress/assets/verify/{c}" for c in chunks} <= names
