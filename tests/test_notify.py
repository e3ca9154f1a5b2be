"""`badgepress notify`: a mail-merge CSV of the credentials a range of commits added, emails kept private."""

from __future__ import annotations

import csv
import io
import os
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from badgepress.cli.notify import COLUMNS, Notice, write_notices
from badgepress.load.program import load_program
from badgepress.load.settings import read_config

from .conftest import badgepress

SITE = "https://example-org.github.io/badges/"


def git(root: Path, *args: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.org",
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(root.parent),
    }
    subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True, check=True)


def run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = badgepress(*args, cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def roster(path: Path, people: list[tuple[str, str]]) -> Path:
    path.write_text("Student,Mail\n" + "".join(f"{n},{e}\n" for n, e in people), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new program: one award in the first commit, a cohort and a revocation in the second."""
    base = tmp_path_factory.mktemp("notify")
    root = base / "badges"
    run(base, "init", str(root), "--requirement", "badgepress==0.1.0")
    run(root, "award", "first-contribution", "--name", "Old Timer", "--email", "old@example.org")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "the program")
    people = [("Ana Ruiz", "Ana@Example.org"), ("Bo Chen", "bo@example.org"), ("Cy Dunn", "cy@example.org")]
    run(
        root, "import", str(roster(base / "cohort.csv", people)), "--achievement", "first-contribution",
        "--column", "name=Student", "--column", "email=Mail", "--date", "2026-11-20",
    )  # fmt: skip
    config = read_config(root / "mkdocs.yml")
    cy = next(a for a in load_program(config.root, config.settings).awards if a.name == "Cy Dunn")
    run(root, "revoke", cy.credential_id, "--reason", "Entered by mistake")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "spring cohort")
    return root


def test_notify_lists_the_new_credentials_with_their_addresses_and_no_email_without_the_roster(
    repo: Path,
) -> None:
    done = run(repo, "notify", "--since", "main~1")
    rows = rows_of(done.stdout)
    assert list(rows[0]) == list(COLUMNS)
    assert [r["name"] for r in rows] == ["Ana Ruiz", "Bo Chen"]  # not Old Timer (before), not Cy (revoked)
    config = read_config(repo / "mkdocs.yml")
    ids = {a.name: a.credential_id for a in load_program(config.root, config.settings).awards}
    for row in rows:
        cid = ids[row["name"]]
        assert row["credential_id"] == cid and row["credential_url"] == f"{SITE}credentials/{cid}/"
        assert row["achievement"] == "First Contribution" and row["issued"] == "2026-11-20"
        assert row["email"] == ""
        query = parse_qs(urlsplit(row["linkedin_url"]).query)
        assert query["certUrl"] == [row["credential_url"]] and query["certId"] == [cid]
        assert query["name"] == ["First Contribution"] and query["issueYear"] == ["2026"]
    assert "2 new credential(s) since main~1" in done.stderr
    assert "2 have no email" in done.stderr and "--roster" in done.stderr
    # the same range given as two revisions, the working tree left out
    assert rows_of(run(repo, "notify", "--since", "main~1", "--head", "main").stdout) == rows


def test_notify_matches_the_roster_emails_back_to_the_hashed_identities(repo: Path, tmp_path: Path) -> None:
    # the roster as exported again later: other order, a renamed person, someone not awarded
    later = roster(
        tmp_path / "later.csv",
        [("Zed Extra", "zed@example.org"), ("Bo Chen-Li", "bo@example.org"), ("Ana Ruiz", "ana@example.org")],
    )
    out = tmp_path / "notices.csv"
    done = run(
        repo, "notify", "--since", "main~1", "--roster", str(later),
        "--column", "name=Student", "--column", "email=Mail", "-o", str(out),
    )  # fmt: skip
    assert done.stdout == "" and "have no email" not in done.stderr
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw  # what Excel and Sheets read as UTF-8 CSV
    rows = rows_of(raw.decode("utf-8"))
    assert [(r["name"], r["email"]) for r in rows] == [
        ("Ana Ruiz", "ana@example.org"),
        ("Bo Chen", "bo@example.org"),
    ]
    assert "zed@example.org" not in raw.decode("utf-8")


def test_notify_refuses_to_write_where_the_site_is_published_from(repo: Path) -> None:
    for place in ("docs/notices.csv", "site/notices.csv"):
        done = badgepress("notify", "--since", "main~1", "-o", place, cwd=repo)
        assert done.returncode != 0 and "which is published" in done.stderr
        assert not (repo / place).exists()
    done = badgepress("notify", "--since", "no-such-branch", cwd=repo)
    assert done.returncode != 0 and "unknown revision 'no-such-branch'" in done.stderr


def test_plain_emails_come_from_the_award_files(tmp_path: Path) -> None:
    root = tmp_path / "private"
    run(tmp_path, "init", str(root), "--requirement", "badgepress==0.1.0")
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace(
            "      show_names: initial\n", "      show_names: initial\n      recipient_emails: plain\n"
        )
    )
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "the program")
    run(root, "award", "first-contribution", "--name", "Kai Private", "--email", "Kai@Example.org")
    rows = rows_of(run(root, "notify", "--since", "main").stdout)  # the working tree, not committed yet
    assert [(r["name"], r["email"]) for r in rows] == [("Kai Private", "kai@example.org")]


def test_cells_that_a_spreadsheet_would_run_as_formulas_are_kept_as_text() -> None:
    out = io.StringIO()
    notice = Notice(
        '=HYPERLINK("x")', "a@example.org", "+Badge", "https://x/", "https://l/", "2026-01-01", "a" * 16
    )
    write_notices([notice], out)
    row = rows_of(out.getvalue())[0]
    assert row["name"] == '\'=HYPERLINK("x")' and row["achievement"] == "'+Badge"
    assert row["email"] == "a@example.org"
