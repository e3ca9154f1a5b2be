"""Issuance provenance: a small repository's history, as pages and provenance.json show it.

The repository is made in ``tmp_path`` from the example program: a first
direct commit, a pull request merged with a merge commit ("Merge pull
request #12 …"), one squash-merged ("… (#13)"), a direct commit, a
revocation merged as pull request #14 and an achievement changed in #15.
Commit dates are pinned, so every date shown is known.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from badgepress.build.provenance import History, award_provenance, read_history
from badgepress.load.program import load_program
from badgepress.load.settings import read_config
from badgepress.sign.keys import KeyPair, decode_public_key
from badgepress.sign.proof import check_proof_jcs

from .conftest import DATA, Build, add_key, copy_program, mkdocs_build

REPO_URL = "https://github.com/northfield-code/badges"
GITA = "credentials/2026/gita-accessibility.yaml"
FARAH = "credentials/2026/farah-git.yaml"  # pull request #12, merge commit
HUGO = "credentials/2026/hugo-git.yaml"  # pull request #13, squash merge
LEO = "credentials/2026/leo-mentor.yaml"  # a direct commit
COHORT = "credentials/2026/python-foundations-spring.yaml"  # first commit; one recipient added in #16
REVOKED_BLOCK = re.compile(r"\n  revoked:\n(?:    .*\n)+")


def git(root: Path, *args: str, day: int = 1) -> str:
    moment = f"2026-09-{day:02d}T10:00:00+02:00"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "GITHUB_"))},
        "GIT_AUTHOR_NAME": "Quill Committer",
        "GIT_AUTHOR_EMAIL": "quill.committer@example.net",
        "GIT_COMMITTER_NAME": "Quill Committer",
        "GIT_COMMITTER_EMAIL": "quill.committer@example.net",
        "GIT_AUTHOR_DATE": moment,
        "GIT_COMMITTER_DATE": moment,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
    }
    proc = subprocess.run(
        ["git", "-c", "commit.gpgsign=false", *args], cwd=root, env=env, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def head(root: Path) -> str:
    return git(root, "rev-parse", "HEAD")


@dataclass
class Story:
    root: Path
    commits: dict[str, str]  # step → commit id


def make_repository(root: Path, key: KeyPair) -> Story:
    copy_program(root)
    add_key(root, key)
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("site_url:", f"repo_url: {REPO_URL}\nsite_url:", 1), encoding="utf-8")
    held = {name: (root / name).read_text(encoding="utf-8") for name in (FARAH, HUGO, LEO, GITA, COHORT)}
    for name in (FARAH, HUGO, LEO):
        (root / name).unlink()
    (root / GITA).write_text(REVOKED_BLOCK.sub("\n", held[GITA]), encoding="utf-8")
    cohort = held[COHORT]
    last = cohort.index("  - name: Farah Haddad")
    (root / COHORT).write_text(cohort[:last], encoding="utf-8")
    commits = {}
    git(root, "init", "--quiet", "--initial-branch=main")
    git(root, "add", "-A")
    git(root, "commit", "--quiet", "-m", "Start the program", day=1)
    commits["start"] = head(root)

    git(root, "switch", "--quiet", "-c", "award-farah")
    (root / FARAH).write_text(held[FARAH], encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "--quiet", "-m", "Award Git Collaboration to Farah", day=2)
    commits["farah-branch"] = head(root)
    git(root, "switch", "--quiet", "main")
    git(
        root,
        "merge",
        "--quiet",
        "--no-ff",
        "award-farah",
        "-m",
        "Merge pull request #12 from northfield-code/award-farah",
        day=3,
    )
    commits["pr12"] = head(root)

    git(root, "switch", "--quiet", "-c", "award-hugo")
    (root / HUGO).write_text(held[HUGO].replace("Hugo", "Hugh"), encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "--quiet", "-m", "Award Hugo", day=4)
    (root / HUGO).write_text(held[HUGO], encoding="utf-8")
    git(root, "commit", "--quiet", "-am", "Spell Hugo's name", day=5)
    git(root, "switch", "--quiet", "main")
    git(root, "merge", "--quiet", "--squash", "award-hugo", day=6)
    git(root, "commit", "--quiet", "-m", "Award Git Collaboration to Hugo (#13)", day=6)
    commits["pr13"] = head(root)

    (root / LEO).write_text(held[LEO], encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "--quiet", "-m", "Recognize Leo as a mentor", day=7)
    commits["direct"] = head(root)

    git(root, "switch", "--quiet", "-c", "revoke-gita")
    (root / GITA).write_text(held[GITA], encoding="utf-8")
    git(root, "commit", "--quiet", "-am", "Revoke Gita's badge", day=8)
    git(root, "switch", "--quiet", "main")
    git(
        root,
        "merge",
        "--quiet",
        "--no-ff",
        "revoke-gita",
        "-m",
        "Merge pull request #14 from x/revoke-gita",
        day=9,
    )
    commits["pr14"] = head(root)

    achievement = root / "achievements" / "git-collaboration.yaml"
    achievement.write_text(
        achievement.read_text(encoding="utf-8").replace("code review.", "code review together."),
        encoding="utf-8",
    )
    git(root, "commit", "--quiet", "-am", "Clarify Git Collaboration (#15)", day=10)
    commits["pr15"] = head(root)

    (root / COHORT).write_text(cohort, encoding="utf-8")
    git(root, "commit", "--quiet", "-am", "Add Farah to the spring cohort (#16)", day=11)
    commits["pr16"] = head(root)
    return Story(root, commits)


@dataclass
class Sites:
    story: Story
    full: Build
    shallow: Build
    archive: Build
    ids: dict[str, str]  # file (single-recipient) or "file#name" → credential id


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory, signing_key: KeyPair) -> Sites:
    base = tmp_path_factory.mktemp("provenance")
    story = make_repository(base / "repo", signing_key)
    full = mkdocs_build(story.root, base / "site-full", signing_key)
    assert full.returncode == 0, full.output
    shallow_root = base / "shallow"
    git(base, "clone", "--quiet", "--depth", "1", f"file://{story.root}", str(shallow_root))
    shallow = mkdocs_build(shallow_root, base / "site-shallow", signing_key)
    assert shallow.returncode == 0, shallow.output
    archive_root = base / "archive"
    shutil.copytree(story.root, archive_root, ignore=shutil.ignore_patterns(".git", ".cache"))
    archive = mkdocs_build(archive_root, base / "site-archive", signing_key)
    assert archive.returncode == 0, archive.output
    config = read_config(story.root / "mkdocs.yml")
    ids = {}
    for award in load_program(config.root, config.settings).awards:
        ids[award.file] = award.credential_id
        ids[f"{award.file}#{award.name}"] = award.credential_id
    return Sites(story, full, shallow, archive, ids)


def page(build: Build, credential_id: str) -> str:
    return (build.site / "credentials" / credential_id / "index.html").read_text(encoding="utf-8")


def provenance_lines(html: str) -> list[str]:
    """The text of each provenance paragraph, tags removed, spaces collapsed."""
    found = re.findall(r'<p class="bp-provenance[^"]*" data-provenance="(\w+)">(.*?)</p>', html, re.DOTALL)
    return [f"{kind}: " + " ".join(re.sub(r"<[^>]+>", "", text).split()) for kind, text in found]


def test_merge_commit_pull_request(sites: Sites) -> None:
    html = page(sites.full, sites.ids[FARAH])
    merge = sites.story.commits["pr12"]
    assert provenance_lines(html) == [
        f"issued: Approved in pull request #12, merged on 3 September 2026 (commit {merge[:7]})."
    ]
    assert f'href="{REPO_URL}/pull/12"' in html
    assert f'href="{REPO_URL}/commit/{merge}"' in html


def test_squash_merge_pull_request(sites: Sites) -> None:
    html = page(sites.full, sites.ids[HUGO])
    squash = sites.story.commits["pr13"]
    assert provenance_lines(html) == [
        f"issued: Approved in pull request #13, merged on 6 September 2026 (commit {squash[:7]})."
    ]
    assert f'href="{REPO_URL}/pull/13"' in html


def test_direct_commit_has_no_pull_request(sites: Sites) -> None:
    html = page(sites.full, sites.ids[LEO])
    direct = sites.story.commits["direct"]
    assert provenance_lines(html) == [
        f"issued: Recorded in commit {direct[:7]} on 7 September 2026, without a pull request."
    ]
    assert "/pull/" not in html


def test_revocation_names_its_pull_request(sites: Sites) -> None:
    html = page(sites.full, sites.ids[GITA])
    start, revoke = sites.story.commits["start"], sites.story.commits["pr14"]
    assert provenance_lines(html) == [
        f"issued: Recorded in commit {start[:7]} on 1 September 2026, without a pull request.",
        f"revoked: Revoked in pull request #14, merged on 9 September 2026 (commit {revoke[:7]}).",
    ]


def test_cohort_recipients_each_have_their_own_commit(sites: Sites) -> None:
    first = page(sites.full, sites.ids[f"{COHORT}#Amara Okafor"])
    added = page(sites.full, sites.ids[f"{COHORT}#Farah Haddad"])
    start = sites.story.commits["start"]
    assert provenance_lines(first) == [
        f"issued: Recorded in commit {start[:7]} on 1 September 2026, without a pull request."
    ]
    assert provenance_lines(added) == [
        f"issued: Approved in pull request #16, merged on 11 September 2026 "
        f"(commit {sites.story.commits['pr16'][:7]})."
    ]


def test_achievement_page_shows_its_history(sites: Sites) -> None:
    html = (sites.full.site / "achievements" / "git-collaboration" / "index.html").read_text(encoding="utf-8")
    rows = dict(re.findall(r'<div data-history="(\w+)">(.*?)</div>', html, re.DOTALL))
    text = {k: " ".join(re.sub(r"<[^>]+>", "", v).split()) for k, v in rows.items()}
    assert text == {
        "created": f"Created1 September 2026 (commit {sites.story.commits['start'][:7]})",
        "changed": "Last changed10 September 2026, pull request #15 "
        f"(commit {sites.story.commits['pr15'][:7]})",
    }


def test_provenance_file_is_signed_and_lists_every_credential(sites: Sites, signing_key: KeyPair) -> None:
    doc = json.loads((sites.full.site / "provenance.json").read_text(encoding="utf-8"))
    check_proof_jcs(doc, decode_public_key(signing_key.public_key_multibase))
    assert doc["proof"][0]["verificationMethod"].endswith("#key-test")
    assert doc["validFrom"] == "2026-09-11T08:00:00Z"  # the built commit's date, in UTC
    subject = doc["credentialSubject"]
    assert subject["history"] == "complete"
    assert subject["repository"] == REPO_URL
    assert subject["builtFrom"] == {
        "commit": sites.story.commits["pr16"],
        "date": "2026-09-11T08:00:00Z",
        "pullRequest": 16,
        "merged": True,
    }
    by_id = {item["id"].rsplit("/", 1)[1].removesuffix(".json"): item for item in subject["credentials"]}
    assert set(by_id) == set(sites.ids.values())
    assert by_id[sites.ids[FARAH]]["issued"] == {
        "commit": sites.story.commits["pr12"],
        "date": "2026-09-03T08:00:00Z",
        "pullRequest": 12,
        "merged": True,
    }
    assert by_id[sites.ids[LEO]]["issued"] == {
        "commit": sites.story.commits["direct"],
        "date": "2026-09-07T08:00:00Z",
    }
    assert by_id[sites.ids[GITA]]["revoked"]["pullRequest"] == 14
    assert "revoked" not in by_id[sites.ids[FARAH]]
    achievements = {item["id"].rsplit("/", 1)[1]: item for item in subject["achievements"]}
    assert achievements["git-collaboration.json"]["lastChanged"]["pullRequest"] == 15
    text = (sites.full.site / "provenance.json").read_text(encoding="utf-8")
    assert "quill.committer@example.net" not in text and "Quill Committer" not in text
    tampered = json.loads(text)
    tampered["credentialSubject"]["credentials"][0]["issued"]["pullRequest"] = 99
    with pytest.raises(Exception, match="signature does not match"):
        check_proof_jcs(tampered, decode_public_key(signing_key.public_key_multibase))


def test_no_author_on_any_page(sites: Sites) -> None:
    for html in sites.full.site.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        assert "quill.committer@example.net" not in text and "Quill Committer" not in text, html


def test_shallow_clone_builds_with_a_notice(sites: Sites) -> None:
    assert "INFO    -  badgepress: provenance: a shallow clone" in sites.shallow.output
    assert "fetch-depth: 0" in sites.shallow.output
    assert provenance_lines(page(sites.shallow, sites.ids[FARAH])) == []
    doc = json.loads((sites.shallow.site / "provenance.json").read_text(encoding="utf-8"))
    assert doc["credentialSubject"]["history"] == "shallow"
    assert all("issued" not in item for item in doc["credentialSubject"]["credentials"])


def test_tree_without_git_builds_with_a_notice(sites: Sites) -> None:
    notices = [line for line in sites.archive.output.splitlines() if "provenance:" in line]
    assert notices == [
        "INFO    -  badgepress: provenance: not a git repository with commits (or git is not installed); "
        "credential pages show no approving pull request"
    ]
    assert provenance_lines(page(sites.archive, sites.ids[GITA])) == []
    assert 'data-history="' not in (
        sites.archive.site / "achievements" / "git-collaboration" / "index.html"
    ).read_text(encoding="utf-8")
    doc = json.loads((sites.archive.site / "provenance.json").read_text(encoding="utf-8"))
    assert doc["credentialSubject"]["history"] == "unavailable"


def test_credentials_do_not_depend_on_the_history(sites: Sites) -> None:
    for cid in set(sites.ids.values()):
        name = f"credentials/{cid}.json"
        full = (sites.full.site / name).read_bytes()
        assert full == (sites.shallow.site / name).read_bytes() == (sites.archive.site / name).read_bytes()


def test_pull_request_build_in_github_actions(sites: Sites, tmp_path: Path) -> None:
    """A pull request's preview build: its test merge commit is "proposed", not merged."""
    root = tmp_path / "pr"
    git(tmp_path, "clone", "--quiet", f"file://{sites.story.root}", str(root))
    (root / "credentials" / "2026" / "new.yaml").write_text(
        (root / LEO).read_text(encoding="utf-8").replace("Leo Fischer", "Nia Obi"), encoding="utf-8"
    )
    git(root, "add", "-A")
    git(root, "commit", "--quiet", "-m", "Merge 1234 into 5678", day=20)
    environ = {"GITHUB_SHA": head(root), "GITHUB_REF": "refs/pull/21/merge"}
    history: History = read_history(root, ["achievements", "credentials"], environ)
    added = history.files["credentials/2026/new.yaml"].added
    assert added is not None and (added.pull_request, added.merged) == (21, False)
    config = read_config(root / "mkdocs.yml")
    awards = {a.file: a for a in load_program(config.root, config.settings).awards}
    farah = award_provenance(history, awards[FARAH]).issued
    assert farah is not None and (farah.pull_request, farah.merged) == (12, True)


def test_eddsa_jcs_2022_known_answer() -> None:
    """The W3C vc-di-eddsa test vector: the same canonical forms, hashes and proof value."""
    import hashlib

    from badgepress.sign.proof import canonical_json, hash_data_jcs, sign_document_jcs

    vector = json.loads((DATA / "eddsa-jcs-2022-vector.json").read_text(encoding="utf-8"))
    document, options = vector["unsecuredDocument"], vector["proofOptions"]
    assert canonical_json(document).decode() == vector["expectedCanonicalDocument"]
    assert hashlib.sha256(canonical_json(document)).hexdigest() == vector["expectedDocumentHashHex"]
    assert hash_data_jcs(document, options).hex() == vector["expectedHashDataHex"]
    key = KeyPair.from_secret_multibase(vector["secretKeyMultibase"])
    signed = sign_document_jcs(document, key, options["verificationMethod"], options["created"])
    assert signed["proof"][0]["proofValue"] == vector["expectedProofValue"]
    check_proof_jcs(signed, decode_public_key(vector["publicKeyMultibase"]))


@pytest.mark.parametrize(
    "workflow", [".github/workflows/publish.yml", "plugins/badgepress/starter/.github/workflows/publish.yml"]
)
def test_publish_workflow_fetches_the_whole_history(workflow: str) -> None:
    import yaml

    from .conftest import REPO

    jobs = yaml.safe_load((REPO / workflow).read_text(encoding="utf-8"))["jobs"]
    checkouts = [
        step
        for job in jobs.values()
        for step in job.get("steps", [])
        if str(step.get("uses", "")).startswith("actions/checkout@")
    ]
    assert checkouts and all(step["with"]["fetch-depth"] == 0 for step in checkouts)


def test_history_of_a_program_in_a_subfolder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Paths relative to the program, a binary file, a non-ASCII name, a file removed and added again."""
    monkeypatch.setenv("GIT_CONFIG_COUNT", "1")  # a user's diff.noprefix changes nothing
    monkeypatch.setenv("GIT_CONFIG_KEY_0", "diff.noprefix")
    monkeypatch.setenv("GIT_CONFIG_VALUE_0", "true")
    program = tmp_path / "program"
    (program / "credentials").mkdir(parents=True)
    (program / "achievements").mkdir()
    award = "recipient:\n  identity: sha256$aa\n"
    (program / "credentials" / "inès.yaml").write_text(award, encoding="utf-8")
    (program / "credentials" / "gone.yaml").write_text(award.replace("aa", "bb"), encoding="utf-8")
    (program / "achievements" / "a.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary")
    (program / "achievements" / "a.yaml").write_text("name: A\n", encoding="utf-8")
    git(tmp_path, "init", "--quiet", "--initial-branch=main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "--quiet", "-m", "Start", day=1)
    (program / "credentials" / "gone.yaml").unlink()
    git(tmp_path, "commit", "--quiet", "-am", "Remove (#3)", day=2)
    (program / "credentials" / "gone.yaml").write_text(award.replace("aa", "cc"), encoding="utf-8")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "--quiet", "-m", "Add again (#4)", day=3)
    history = read_history(program, ["achievements", "credentials"], {})
    assert history.state == "complete"
    assert sorted(history.files) == [  # a binary file has no patch: its changes are not an achievement's
        "achievements/a.yaml",
        "credentials/gone.yaml",
        "credentials/inès.yaml",
    ]
    again = history.files["credentials/gone.yaml"]
    assert again.added is not None and again.added.pull_request == 4
    assert list(again.recipients) == ["sha256$cc"]
    first = history.files["credentials/inès.yaml"].recipients["sha256$aa"]
    assert (first.pull_request, first.date) == (None, "2026-09-01T10:00:00+02:00")


def test_no_history_outside_a_repository(tmp_path: Path) -> None:
    history = read_history(tmp_path, ["credentials"], {})
    assert (history.state, history.head, dict(history.files)) == ("unavailable", None, {})


def test_a_credential_page_key_changes_exactly_when_its_provenance_does(
    sites: Sites, signing_key: KeyPair
) -> None:
    """The page cache's key of a credential page covers its provenance (tests/test_memo.py, for the rest)."""
    from badgepress.build.pipeline import build_publication, choose_signer
    from badgepress.build.provenance import Change, FileHistory
    from badgepress.build.urls import Urls
    from badgepress.publish.pages import build_pages

    from .conftest import NOW

    config = read_config(sites.story.root / "mkdocs.yml")
    program = load_program(config.root, config.settings)
    signer = choose_signer(config.settings, signing_key)
    history = read_history(sites.story.root, ["achievements", "credentials"], {})
    moved = FileHistory(added=Change("f" * 40, "2026-10-01T00:00:00+00:00", 99))
    other = History(history.state, history.head, {**history.files, FARAH: moved})

    def pages(told: History) -> dict[str, Any]:
        pub = build_publication(
            program, Urls(config.base_url), signer, NOW, history=told, repository=REPO_URL
        )
        return {p.path: p for p in build_pages(pub, NOW) if p.model_key is not None}

    one, two = pages(history), pages(other)
    changed = [path for path in one if one[path].model != two[path].model]
    assert changed == [f"credentials/{sites.ids[FARAH]}/index.md"]
    assert [path for path in one if one[path].model_key != two[path].model_key] == changed
