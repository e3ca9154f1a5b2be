"""A new program's life, end to end, as its own repository on GitHub would live it.

In a fresh virtual environment that cannot see this repository's sources:
Badgepress is installed from a wheel built here; ``badgepress init`` makes the
program (its requirements.txt naming that wheel); a signing key is made; the
program is committed and pushed. A pull request then issues a badge and
removes the sample award, and the ``run:`` steps of the program's own
workflows run in order, through bash, with the environment GitHub gives them:
first *Pull request* on the branch, then, after the merge, *Publish* on main
with the key as its secret. Last, ``badgepress verify`` checks every
credential of the published site.

``uses:`` steps are not run; what stands in for each:

- ``actions/checkout``: the test's own clone, at the branch or at main;
- ``actions/setup-python``: the fresh virtual environment, first on PATH;
- ``actions/upload-artifact``, ``actions/upload-pages-artifact``: the folders
  stay where the steps wrote them, and the test reads them there;
- ``actions/cache/restore``: nothing to restore (a program's first deployment);
  ``actions/cache/save``: the build cache stays in place, and the test checks
  the build wrote it;
- ``actions/deploy-pages`` (the whole *deploy* job): nothing to deploy to.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from .conftest import EPOCH, REPO

STAND_INS = {
    "actions/checkout": "the test's clone",
    "actions/setup-python": "the fresh virtual environment",
    "actions/upload-artifact": "the folder stays in place",
    "actions/upload-pages-artifact": "the folder stays in place",
    "actions/cache/restore": "nothing to restore: the first deployment",
    "actions/cache/save": "the build cache stays in place",
    "actions/deploy-pages": "nothing to deploy to",
}
EXPRESSION = re.compile(r"^\$\{\{\s*([\w.\-\[\]']+)\s*\}\}$")


def sh(*args: str, cwd: Path, env: dict[str, str], timeout: int = 600) -> str:
    run = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    assert run.returncode == 0, f"{' '.join(args)}\n{run.stdout}\n{run.stderr}"
    return run.stdout + run.stderr


def clean_env(venv: Path, home: Path) -> dict[str, str]:
    """The environment of a fresh machine with the virtual environment first on PATH."""
    keep = {"HOME", "LANG", "LC_ALL", "TMPDIR", "PIP_FIND_LINKS", "PIP_CERT", "PIP_DEFAULT_TIMEOUT"}
    env = {k: v for k, v in os.environ.items() if k in keep or k.startswith(("PIP_", "XDG_"))}
    env.update(
        PATH=f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}",
        VIRTUAL_ENV=str(venv),
        SOURCE_DATE_EPOCH=EPOCH,  # the tests' clock, as everywhere in the suite
        NO_MKDOCS_2_WARNING="1",
        GIT_AUTHOR_NAME="Ada Maintainer",
        GIT_AUTHOR_EMAIL="ada@example.org",
        GIT_COMMITTER_NAME="Ada Maintainer",
        GIT_COMMITTER_EMAIL="ada@example.org",
        GIT_CONFIG_GLOBAL=str(home / "gitconfig"),
        GIT_CONFIG_NOSYSTEM="1",
    )
    return env


def run_workflow(
    path: Path, job: str, cwd: Path, env: dict[str, str], context: dict[str, str], log: list[str]
) -> None:
    """Run the ``run:`` steps of ``job`` in order, as GitHub would; ``uses:`` steps have stand-ins."""
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    for step in workflow["jobs"][job]["steps"]:
        name = step.get("name", "")
        if "uses" in step:
            action = step["uses"].split("@")[0]
            assert action in STAND_INS, f"{path.name}: {name}: no stand-in for {action}"
            log.append(f"{path.name}: skipped `{name}` ({action}: {STAND_INS[action]})")
            continue
        assert "if" not in step, f"{path.name}: {name}: a run step with a condition"
        step_env = dict(env)
        for key, value in step.get("env", {}).items():
            match = EXPRESSION.match(str(value))
            step_env[key] = context[match.group(1)] if match else str(value)
        run = subprocess.run(
            ["bash", "-e", "-c", step["run"]],  # GitHub's default shell on Linux: bash -e {0}
            cwd=cwd,
            env=step_env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        assert run.returncode == 0, f"{path.name}: {name}\n{run.stdout}\n{run.stderr}"
        log.append(f"{path.name}: ran `{name}`")


def test_a_new_program_from_init_to_a_verified_published_site(wheel: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "gitconfig").write_text("[init]\n\tdefaultBranch = main\n", encoding="utf-8")
    venv = tmp_path / "venv"
    sh(sys.executable, "-m", "venv", str(venv), cwd=tmp_path, env=dict(os.environ))
    env = clean_env(venv, home)
    python = str(venv / "bin" / "python")

    # Install Badgepress as a new user would: the wheel, its dependencies from the package index.
    sh(python, "-m", "pip", "install", "-q", str(wheel), cwd=tmp_path, env=env)
    where = sh(python, "-c", "import badgepress; print(badgepress.__file__)", cwd=tmp_path, env=env)
    assert where.strip().startswith(str(venv)), where  # the installed copy, not the sources

    # init knows a wheel on this disk is nothing GitHub could install: it asks for the requirement
    refused = subprocess.run(
        ["badgepress", "init", "refused"], cwd=tmp_path, env=env, capture_output=True, text=True, check=False
    )
    assert refused.returncode == 1 and "a local path" in refused.stderr and "--requirement" in refused.stderr
    program = tmp_path / "riverside"
    named = [
        "--name",
        "Riverside Robotics Club",
        "--site-url",
        "https://riverside-robotics.github.io/badges/",
    ]
    sh("badgepress", "init", str(program), *named, "--requirement", str(wheel), cwd=tmp_path, env=env)
    assert (program / "requirements.txt").read_text(encoding="utf-8").splitlines()[-1] == str(wheel)
    keygen = sh("badgepress", "keygen", "--add", cwd=program, env=env)
    secret = re.search(r"^BADGEPRESS_SIGNING_KEY=(\S+)$", keygen, re.MULTILINE)
    assert secret is not None

    # The repository on "GitHub": a bare remote; main holds the program as init made it.
    origin = tmp_path / "origin.git"
    sh("git", "init", "-q", "--bare", str(origin), cwd=tmp_path, env=env)
    sh("git", "init", "-q", "-b", "main", cwd=program, env=env)
    sh("git", "add", "-A", cwd=program, env=env)
    sh("git", "commit", "-q", "-m", "Our badge program", cwd=program, env=env)
    sh("git", "remote", "add", "origin", str(origin), cwd=program, env=env)
    sh("git", "push", "-q", "-u", "origin", "main", cwd=program, env=env)

    # A pull request: one real award, and the sample award removed (its ledger line stays).
    sh("git", "checkout", "-q", "-b", "award-grace", cwd=program, env=env)
    grace = ["--name", "Grace Hopper", "--email", "grace@example.org", "--date", "2026-11-20"]
    sh("badgepress", "award", "first-contribution", *grace, cwd=program, env=env)
    sample = next((program / "credentials").rglob("ada-example-*.yaml"))
    sample.unlink()
    sh("git", "add", "-A", cwd=program, env=env)
    sh("git", "commit", "-q", "-m", "Award Grace Hopper", cwd=program, env=env)

    workflows = program / ".github" / "workflows"
    log: list[str] = []
    summary = tmp_path / "step-summary.md"
    github = {
        **env,
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": str(program),
        "GITHUB_STEP_SUMMARY": str(summary),
        "RUNNER_TEMP": str(tmp_path),
    }
    run_workflow(
        workflows / "pull-request.yml",
        "check",
        program,
        {**github, "GITHUB_EVENT_NAME": "pull_request", "GITHUB_BASE_REF": "main"},
        {"github.base_ref": "main", "github.event.pull_request.number": "7"},
        log,
    )
    text = (program / "pr-summary" / "summary.md").read_text(encoding="utf-8")
    assert "Grace" in text and "grace@example.org" not in text
    assert (program / "pr-summary" / "pr-number").read_text(encoding="utf-8") == "7\n"
    assert summary.read_text(encoding="utf-8") == text
    assert (program / "preview-site" / "achievements" / "index.html").is_file()  # built for files

    # Merged: Publish runs on main with the key, as the environment "signing" gives it.
    sh("git", "checkout", "-q", "main", cwd=program, env=env)
    sh("git", "merge", "-q", "--no-ff", "-m", "Merge pull request #7", "award-grace", cwd=program, env=env)
    run_workflow(
        workflows / "publish.yml",
        "build",
        program,
        {**github, "GITHUB_EVENT_NAME": "push", "GITHUB_REF": "refs/heads/main"},
        {"secrets.BADGEPRESS_SIGNING_KEY": secret.group(1)},
        log,
    )
    publish = yaml.safe_load((workflows / "publish.yml").read_text(encoding="utf-8"))
    assert all("uses" in s for s in publish["jobs"]["deploy"]["steps"])  # nothing to run there
    log.append("publish.yml: skipped the job `deploy` (actions/deploy-pages: nothing to deploy to)")

    site = program / "_site"
    assert (program / ".cache" / "badgepress").is_dir()  # what the publish workflow saves
    credentials = sorted((site / "credentials").glob("*.json"))
    assert len(credentials) == 1  # Grace's; the sample award's file is gone
    verify = ["badgepress", "verify", "--site", str(site), "--check-status", *map(str, credentials)]
    verified = sh(*verify, cwd=program, env=env)
    assert "1 verified" in verified, verified
    assert "bp-preview" not in (site / "index.html").read_text(encoding="utf-8")  # signed for real
    assert "bp-preview" in (program / "preview-site" / "index.html").read_text(encoding="utf-8")
    print("\n".join(log))  # which steps ran and which were skipped, shown with -s or on failure
    assert [line for line in log if ": ran " in line] == [
        "pull-request.yml: ran `Install Badgepress`",
        "pull-request.yml: ran `Summarize the changes for reviewers`",
        "pull-request.yml: ran `Check every achievement, award and the status ledger`",
        "pull-request.yml: ran `Build the preview site (signed with a throwaway key)`",
        "publish.yml: ran `Install Badgepress`",
        "publish.yml: ran `Check every achievement, award and the status ledger`",
        "publish.yml: ran `Build and sign`",
    ]


def test_the_stand_ins_cover_every_action_the_template_uses() -> None:
    used: set[str] = set()
    for path in (REPO / "plugins/badgepress/starter/.github/workflows").glob("*.yml"):
        workflow: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
        if path.name == "pull-request-comment.yml":
            continue  # runs on GitHub's own events with gh only; not part of a program's build
        for job in workflow["jobs"].values():
            used |= {s["uses"].split("@")[0] for s in job["steps"] if "uses" in s}
    assert used == set(STAND_INS)
