"""The one clock: SOURCE_DATE_EPOCH sets the build's status-list window and nothing else that is signed."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from badgepress import clock
from badgepress.build.pipeline import status_window
from badgepress.errors import BadgepressError
from badgepress.sign.keys import KeyPair

from .conftest import NOW, add_key, copy_program, mkdocs_build

pytestmark = pytest.mark.clock

LATER = NOW + timedelta(days=400, hours=5)


def test_source_date_epoch_is_the_clock() -> None:
    assert clock.now({"SOURCE_DATE_EPOCH": str(int(LATER.timestamp()))}) == LATER
    assert clock.today({"SOURCE_DATE_EPOCH": " 0 "}) == datetime(1970, 1, 1, tzinfo=UTC).date()
    for bad in ("yesterday", "-5", "1.5", "9" * 30):
        with pytest.raises(BadgepressError, match="SOURCE_DATE_EPOCH"):
            clock.now({"SOURCE_DATE_EPOCH": bad})


def test_the_build_s_status_list_window_follows_source_date_epoch(tmp_path: Path) -> None:
    root = copy_program(tmp_path / "program")
    key = KeyPair.generate()
    add_key(root, key)
    sites = {}
    for moment in (NOW, LATER):
        site = tmp_path / f"site-{moment:%Y%m%d}"
        build = mkdocs_build(root, site, key, {"SOURCE_DATE_EPOCH": str(int(moment.timestamp()))})
        assert build.returncode == 0, build.output
        status = json.loads((site / "status/1.json").read_text(encoding="utf-8"))
        start, end = status_window(moment, timedelta(days=7))  # the example's status_list_refresh
        assert start <= moment < end
        assert status["validFrom"] == f"{start:%Y-%m-%dT%H:%M:%SZ}"
        assert status["validUntil"] == f"{end:%Y-%m-%dT%H:%M:%SZ}"
        sites[moment] = site
    # nothing else that is signed depends on the clock: the credentials are the same bytes
    first, second = (sorted(s.glob("credentials/*.json")) for s in sites.values())
    assert [p.name for p in first] == [p.name for p in second] and first
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
