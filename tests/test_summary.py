"""`badgepress summary`: what a pull request issues, revokes, changes and withdraws, from git."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from badgepress.cli.summary import code, md

from .conftest import REPO, badgepress, copy_program

REPO_SITE = "https://northfield-code.github.io/badges/"

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.org",
}


def git(root: Path, *args: str) -> str:
    env = {**os.environ, **GIT_ENV, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(root.parent)}
    proc = subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True, check=True)
    return proc.stdout


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example program in git: a first commit, then a 'pull request' commit with every kind of change."""
    root = copy_program(tmp_path_factory.mktemp("summary") / "badges")
    shutil.copytree(REPO / "endorsements", root / "endorsements")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "the program")
    git(root, "switch", "-q", "-c", "pull-request")

    issued = badgepress(
        "award", "git-collaboration", "--name", "Noor Haddad", "--email", "noor@example.org",
        "--date", "2026-10-01", cwd=root,
    )  # fmt: skip
    assert issued.returncode == 0, issued.stderr
    ledger = (root / "status-ledger.yaml").read_text(encoding="utf-8")
    hugo = next(line.split(":")[0].strip() for line in ledger.splitlines() if "hugo-git" in line)
    revoked = badgepress(
        "revoke",
        hugo,
        "--reason",
        "Plagiarised | see <the report> @reviewer",
        "--date",
        "2026-10-02",
        cwd=root,
    )
    assert revoked.returncode == 0, revoked.stderr
    edit(root / "credentials/2026/ben-accessibility.yaml", "issued: 2026-06-20", "issued: 2026-06-21")
    (root / "credentials/2026/farah-git.yaml").unlink()
    edit(root / "achievements/community-mentor.yaml", "for a whole term.", "for a whole school term.")
    (root / "endorsements/riverside-software-guild-python-foundations.json").unlink()
    edit(
        root / "endorsements/given/opendata-community-data-steward.yaml",
        "subject_name: Community Data Steward, a badge of the Open Data Collective",
        "subject_name: The Community Data Steward badge",
    )
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "the pull request")
    return root


def summary(root: Path, *args: str) -> tuple[int, str]:
    run = badgepress("summary", *args, cwd=root)
    return run.returncode, run.stdout + run.stderr


def section(text: str, title: str) -> str:
    start = text.index(f"### {title}")
    end = text.find("\n### ", start + 1)
    return text[start : end if end > 0 else None]


def test_summary_lists_every_kind_of_change(repo: Path) -> None:
    code_, text = summary(repo, "--base", "main", "--head", "pull-request")
    assert code_ == 0, text
    assert "**1** credential(s) to issue, **1** to revoke, **1** changed (re-issued), **1** withdrawn" in text

    issued = section(text, "Credentials to issue")
    assert (
        "| Git Collaboration | Noor H. | 2026-10-01 | `credentials/2026/noor-haddad-git-collaboration.yaml` |"
        in issued
    )
    noor = re.search(r"noor-haddad-git-collaboration\.yaml` \| \[([a-z2-7]{16})\]\((\S+)\) \|", issued)
    assert noor and noor.group(2) == f"{REPO_SITE}credentials/{noor.group(1)}/", issued

    revoked = section(text, "Credentials to revoke")
    assert "| Git Collaboration | Hugo M. | 2026-10-02 |" in revoked
    assert r"Plagiarised \| see \<the report\> &#64;reviewer" in revoked  # inert: no table break, tag or ping

    changed = section(text, "Credentials changed (re-issued)")
    assert "| Accessible Web Pages | Ben L. | issued | `credentials/2026/ben-accessibility.yaml` |" in changed

    withdrawn = section(text, "Award files removed (withdrawn)")
    assert "will show as revoked" in withdrawn
    assert "| Git Collaboration | Farah H. | 2026-04-10 | `credentials/2026/farah-git.yaml` |" in withdrawn

    achievements = section(text, "Achievements changed")
    assert "| Community Mentor | description | 2 |" in achievements

    assert "1 line(s) added, 0 removed." in section(text, "Status ledger")
    assert "CAUTION" not in text

    assert "**2** endorsement(s) added, removed or changed" in text
    endorsements = section(text, "Endorsements")
    assert (
        "| received, removed | from Riverside Software Guild | "
        f"{md(REPO_SITE)}achievements/python-foundations.json | "
        "`endorsements/riverside-software-guild-python-foundations.json` |"
    ) in endorsements
    assert (
        "| given, changed | by this program | The Community Data Steward badge | "
        "`endorsements/given/opendata-community-data-steward.yaml` |"
    ) in endorsements


def test_names_follow_the_program_visibility_and_no_email_or_hash_appears(repo: Path) -> None:
    git(repo, "switch", "-q", "pull-request")
    _, text = summary(repo, "--base", "main")  # the working tree, as in a pull request's checkout
    assert "Noor H." in text and "Noor Haddad" not in text  # show_names: initial
    assert "@example.org" not in text and "sha256$" not in text


def test_full_and_hidden_names(repo: Path, tmp_path: Path) -> None:
    root = copy_program(tmp_path / "p")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    for name, show in (("Olu Adebayo", "full"), ("Pia Secret", "none")):
        run = badgepress(
            "award", "community-mentor", "--name", name, "--email", f"{show}@example.org", cwd=root
        )
        assert run.returncode == 0, run.stderr
        edit(root / f"credentials/{_file(root, name)}", "  name:", f"  show_name: {show}\n  name:")
    _, text = summary(root, "--base", "main")
    assert "| Community Mentor | Olu Adebayo |" in text
    assert "| Community Mentor | (name not shown) |" in text and "Pia Secret" not in text


def _file(root: Path, name: str) -> str:
    slug = name.lower().replace(" ", "-")
    (found,) = (root / "credentials").rglob(f"{slug}-*.yaml")
    return found.relative_to(root / "credentials").as_posix()


def test_a_removed_ledger_line_is_an_error_shouted_first(repo: Path, tmp_path: Path) -> None:
    git(repo, "switch", "-q", "pull-request")
    ledger = repo / "status-ledger.yaml"
    original = ledger.read_text(encoding="utf-8")
    try:
        lines = original.splitlines(keepends=True)
        gone = next(line for line in lines if "ines-mentor" in line)
        ledger.write_text("".join(line for line in lines if line != gone), encoding="utf-8")
        out = tmp_path / "summary.md"
        code_, text = summary(repo, "--base", "main", "--output", str(out))
        assert code_ == 1
        assert "status ledger line(s) removed" in text
        written = out.read_text(encoding="utf-8")
        assert written.index("[!CAUTION]") < written.index("### Credentials to issue")
        assert f"removed `{gone.split('#')[0].strip()}`" in written
    finally:
        ledger.write_text(original, encoding="utf-8")


def test_a_renamed_award_file_is_pointed_out(tmp_path: Path) -> None:
    root = copy_program(tmp_path / "p")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    (root / "credentials/2026/hugo-git.yaml").rename(root / "credentials/2026/hugo-martin-git.yaml")
    assert badgepress("check", "--fix", cwd=root).returncode == 0
    _, text = summary(root, "--base", "main")
    assert "looks renamed or moved" in text and "Move the file back" in text


def test_a_first_pull_request_compares_with_an_empty_program(tmp_path: Path) -> None:
    root = tmp_path / "new"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    (root / "README.md").write_text("empty\n")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "empty")
    code_, text = summary(root, "--base", "main", "--config", str(_init(tmp_path, root)))
    assert code_ == 0, text
    assert "Compared with an empty program" in text and "**1** credential(s) to issue" in text


def _init(tmp_path: Path, root: Path) -> Path:
    program = root / "program"
    run = badgepress("init", str(program), "--requirement", "badgepress==0.1.0", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    return program / "mkdocs.yml"


def test_unknown_revisions_say_how_to_fix_it(repo: Path) -> None:
    code_, text = summary(repo, "--base", "origin/nowhere")
    assert code_ == 1 and "unknown revision 'origin/nowhere'" in text and "git fetch" in text


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("a | b", r"a \| b"),
        ("<img src=x>", r"\<img src=x\>"),
        ("@team", "&#64;team"),
        ("[link](https://x)", r"\[link\](https://x)"),
        ("two\nlines", "two lines"),
    ],
)
def test_untrusted_text_is_inert(text: str, shown: str) -> None:
    assert md(text) == shown


def test_code_spans_cannot_be_escaped() -> None:
    assert code("a`b|c\nd") == r"`a'b\|c d`"
