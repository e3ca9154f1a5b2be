"""What `badgepress init` writes in requirements.txt: the Badgepress that ran it, or what it is told."""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path

import pytest

from badgepress.cli.requirement import RequirementUnknown, check_requirement, running_requirement

from .conftest import badgepress

COMMIT = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c"


def installed(tmp_path: Path, version: str, direct_url: dict[str, object] | None) -> metadata.Distribution:
    """A dist-info folder as pip leaves it, read through importlib.metadata."""
    info = tmp_path / f"badgepress-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: badgepress\nVersion: {version}\n")
    if direct_url is not None:
        (info / "direct_url.json").write_text(json.dumps(direct_url))
    return metadata.PathDistribution(info)


def test_a_release_from_an_index_is_pinned_to_its_version(tmp_path: Path) -> None:
    assert running_requirement(installed(tmp_path, "0.2.0", None)) == "badgepress==0.2.0"


def test_a_git_install_is_pinned_to_the_commit_that_was_installed(tmp_path: Path) -> None:
    dist = installed(
        tmp_path,
        "0.2.0",
        {
            "url": "https://github.com/example/badgepress",
            "vcs_info": {"vcs": "git", "requested_revision": "main", "commit_id": COMMIT},
        },
    )
    assert running_requirement(dist) == f"badgepress @ git+https://github.com/example/badgepress@{COMMIT}"


def test_a_remote_archive_is_named_by_its_url(tmp_path: Path) -> None:
    url = "https://example.org/dist/badgepress-0.2.0-py3-none-any.whl"
    dist = installed(tmp_path, "0.2.0", {"url": url, "archive_info": {"hashes": {"sha256": "00"}}})
    assert running_requirement(dist) == f"badgepress @ {url}"


@pytest.mark.parametrize(
    ("direct_url", "said"),
    [
        ({"url": "file:///home/ada/badgepress", "dir_info": {"editable": True}}, "an editable checkout"),
        ({"url": "file:///home/ada/badgepress", "dir_info": {}}, "a local path"),
        ({"url": "file:///tmp/badgepress-0.2.0-py3-none-any.whl", "archive_info": {}}, "a local path"),
        ({"url": "https://github.com/example/badgepress", "vcs_info": {"vcs": "git"}}, "names no commit"),
        ({"nourl": 1}, "unreadable"),
    ],
)
def test_what_another_machine_cannot_install_is_refused(
    tmp_path: Path, direct_url: dict[str, object], said: str
) -> None:
    with pytest.raises(RequirementUnknown, match=said):
        running_requirement(installed(tmp_path, "0.2.0", direct_url))


def test_a_given_requirement_is_one_line() -> None:
    assert check_requirement("  badgepress==0.2.0 \n") == "badgepress==0.2.0"
    for bad in ("", "  ", "badgepress\nrequests"):
        with pytest.raises(RequirementUnknown, match="one line"):
            check_requirement(bad)


def test_init_from_an_editable_checkout_asks_for_the_requirement(tmp_path: Path) -> None:
    run = badgepress("init", str(tmp_path / "club"), cwd=tmp_path)
    assert run.returncode == 1
    assert "editable checkout" in run.stderr and "--requirement" in run.stderr
    assert not (tmp_path / "club").exists()  # nothing written


def test_init_writes_the_requirement_it_is_given(tmp_path: Path) -> None:
    line = f"badgepress @ git+https://github.com/example/badgepress@{COMMIT}"
    run = badgepress("init", str(tmp_path / "club"), "--requirement", line, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    text = (tmp_path / "club/requirements.txt").read_text(encoding="utf-8")
    assert [x for x in text.splitlines() if not x.startswith("#")] == [line]
    assert line in run.stdout
