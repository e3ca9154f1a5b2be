"""The GitHub workflows: linted (actionlint), audited (zizmor), and no secret near a pull request."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import REPO

TEMPLATE = REPO / "plugins" / "badgepress" / "starter"
WORKFLOW_DIRS = [REPO / ".github" / "workflows", TEMPLATE / ".github" / "workflows"]
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$")


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:  # YAML 1.1 reads the key `on` as true
        data["on"] = data.pop(True)
    return data


def steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def tool(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        pytest.fail(f"{name} is not installed: `pip install -e '.[test]'` installs it")
    return found


def test_root_workflows_and_codeowners_are_the_templates() -> None:
    # release.yml is Badgepress' own (it publishes the package), not a program's
    root = sorted(p.name for p in (REPO / ".github" / "workflows").iterdir() if p.name != "release.yml")
    template = sorted(p.name for p in (TEMPLATE / ".github" / "workflows").iterdir())
    assert root == template == ["publish.yml", "pull-request-comment.yml", "pull-request.yml"]
    for name in root:
        assert (REPO / ".github/workflows" / name).read_bytes() == (
            TEMPLATE / ".github/workflows" / name
        ).read_bytes(), (
            f"{name}: copy plugins/badgepress/starter/.github/workflows/{name} to .github/workflows/"
        )
    assert (REPO / ".github/CODEOWNERS").read_bytes() == (TEMPLATE / ".github/CODEOWNERS").read_bytes()


@pytest.mark.parametrize("folder", WORKFLOW_DIRS, ids=["root", "template"])
def test_actionlint(folder: Path) -> None:
    files = sorted(str(p) for p in folder.glob("*.yml"))
    run = subprocess.run(
        [tool("actionlint"), "-no-color", *files], capture_output=True, text=True, timeout=120, check=False
    )
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.parametrize("folder", [REPO, TEMPLATE], ids=["root", "template"])
def test_zizmor_finds_nothing_even_as_an_auditor(folder: Path) -> None:
    env = {
        k: v for k, v in os.environ.items() if k not in {"GH_TOKEN", "GITHUB_TOKEN", "ZIZMOR_GITHUB_TOKEN"}
    }
    run = subprocess.run(
        [
            tool("zizmor"),
            "--offline",
            "--persona=auditor",
            "--no-progress",
            "--color=never",
            "--collect=workflows",
            "--collect=pre-commit",
            str(folder),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert "No findings to report" in output
    for name in ("publish.yml", "pull-request-comment.yml", "pull-request.yml", ".pre-commit-"):
        assert name in output  # audited, not skipped
    if folder == REPO:
        assert "release.yml" in output


def test_the_pull_request_workflow_has_no_access_to_secrets() -> None:
    for folder in WORKFLOW_DIRS:
        path = folder / "pull-request.yml"
        text = path.read_text(encoding="utf-8")
        assert "secrets." not in text and "secrets[" not in text, path
        assert "pull_request_target" not in text
        workflow = load(path)
        assert set(workflow["on"]) == {"pull_request"}
        assert workflow["permissions"] == {"contents": "read"}
        for job in workflow["jobs"].values():
            assert set(job.get("permissions", {}).values()) <= {"read", "none"}
            assert "environment" not in job  # environments hold the signing key
            assert "secrets" not in job
        for step in steps(workflow):
            if "uses" in step and step["uses"].startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False


def test_no_run_step_interpolates_event_data() -> None:
    for folder in WORKFLOW_DIRS:
        for path in folder.glob("*.yml"):
            for step in steps(load(path)):
                script = step.get("run", "")
                assert "${{" not in script, f"{path.name}: {step.get('name')}: pass values through env"


def test_the_comment_workflow_never_touches_pull_request_code() -> None:
    for folder in WORKFLOW_DIRS:
        workflow = load(folder / "pull-request-comment.yml")
        assert set(workflow["on"]) == {"workflow_run"}
        assert workflow["permissions"] == {}
        (job,) = workflow["jobs"].values()
        assert job["permissions"] == {"actions": "read", "pull-requests": "write"}
        for step in job["steps"]:
            assert "uses" not in step  # no checkout, no third-party code: gh only
            assert (
                "pip" not in step["run"] and "badgepress" not in step["run"] and "mkdocs" not in step["run"]
            )


def test_the_publish_workflow_requires_the_key_and_keeps_dotfiles() -> None:
    for folder in WORKFLOW_DIRS:
        workflow = load(folder / "publish.yml")
        assert workflow["on"]["push"] == {"branches": ["main"]}
        assert workflow["on"]["schedule"][0]["cron"] and "workflow_dispatch" in workflow["on"]
        build = workflow["jobs"]["build"]
        assert build["environment"] == "signing" and build["permissions"] == {"contents": "read"}
        signing = [s for s in build["steps"] if "BADGEPRESS_SIGNING_KEY" in s.get("env", {})]
        assert len(signing) == 1  # the key reaches one step only
        assert signing[0]["env"]["BADGEPRESS_REQUIRE_KEY"] == "1"
        assert "mkdocs build --strict" in signing[0]["run"]
        (upload,) = [
            s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact@")
        ]
        assert upload["with"]["include-hidden-files"] is True  # .nojekyll, .well-known/did.json
        deploy = workflow["jobs"]["deploy"]
        assert deploy["permissions"] == {"pages": "write", "id-token": "write"}


def position(steps: list[dict[str, Any]], action: str) -> int:
    """Where the one step using ``action`` (``owner/name@``) is among ``steps``."""
    (found,) = [i for i, s in enumerate(steps) if s.get("uses", "").startswith(action)]
    return found


def test_the_publish_workflow_restores_and_saves_the_build_cache_on_main_only() -> None:
    for folder in WORKFLOW_DIRS:
        build = load(folder / "publish.yml")["jobs"]["build"]["steps"]
        (signing,) = [i for i, s in enumerate(build) if "BADGEPRESS_SIGNING_KEY" in s.get("env", {})]
        checkout, restore = position(build, "actions/checkout@"), position(build, "actions/cache/restore@")
        save, upload = (
            position(build, "actions/cache/save@"),
            position(build, "actions/upload-pages-artifact@"),
        )
        # restored after the checkout (which cleans the folder) and before the build; saved after it
        assert checkout < restore < signing < save < upload
        restored, saved = build[restore], build[save]
        assert restored["with"]["path"] == saved["with"]["path"] == ".cache/badgepress"
        # a new entry each run of main, and the newest of them restored
        key = saved["with"]["key"]
        assert restored["with"]["key"] == key and "${{ github.run_id }}" in key
        prefix = restored["with"]["restore-keys"]
        assert prefix == "badgepress-${{ runner.os }}-" and key.startswith(prefix)
        assert "if" not in restored
        assert saved["if"] == "github.ref == 'refs/heads/main'"  # only main's own builds write it
        # both halves of the one action, pinned to the same commit
        commits = {build[i]["uses"].split("@")[1] for i in (restore, save)}
        assert len(commits) == 1 and re.fullmatch(r"[0-9a-f]{40}", commits.pop())
    starter_ignores = (TEMPLATE / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".cache/" in starter_ignores  # a program never commits its cache


def test_no_other_workflow_touches_a_cache() -> None:
    # a pull request's preview is signed with a throwaway key: it has nothing to restore, and
    # must never write an entry main's build would see
    for folder in WORKFLOW_DIRS:
        for path in folder.glob("*.yml"):
            for step in steps(load(path)):
                uses = step.get("uses", "")
                if path.name != "publish.yml":
                    assert not uses.startswith("actions/cache"), f"{path.name}: {step.get('name')}"
                assert "cache" not in step.get("with", {}), f"{path.name}: {step.get('name')}"


def test_every_action_is_pinned_to_a_commit_with_its_version_named() -> None:
    for folder in WORKFLOW_DIRS:
        for path in folder.glob("*.yml"):
            lines = path.read_text(encoding="utf-8").splitlines()
            for line in lines:
                match = re.match(r"^\s*(?:- )?uses: (\S+)(.*)$", line)
                if match:
                    assert PINNED.match(match.group(1)), line
                    assert re.match(r"^ # v\d+\.\d+\.\d+$", match.group(2)), line


def test_the_pre_commit_hook_definition() -> None:
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "badgepress-check" and hook["entry"] == "badgepress check"
    assert hook["language"] == "python" and hook["pass_filenames"] is False
    pattern = re.compile(hook["files"])
    for path in ("achievements/x.yaml", "credentials/2026/a.yaml", "mkdocs.yml", "status-ledger.yaml"):
        assert pattern.search(path), path
    assert not pattern.search("docs/index.md")
    example = yaml.safe_load((TEMPLATE / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert example["repos"][0]["hooks"][0]["id"] == "badgepress-check"


def test_the_wheel_ships_the_template_with_its_dotfiles(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {n.removeprefix("badgepress/starter/") for n in names if n.startswith("badgepress/starter/")}
    expected = {p.relative_to(TEMPLATE).as_posix() for p in TEMPLATE.rglob("*") if p.is_file()}
    assert shipped == expected
    assert {
        ".gitignore",
        ".pre-commit-config.yaml",
        ".github/CODEOWNERS",
        ".github/workflows/publish.yml",
    } <= shipped


def test_the_release_workflow_publishes_a_tag_by_trusted_publishing() -> None:
    path = REPO / ".github" / "workflows" / "release.yml"
    text = path.read_text(encoding="utf-8")
    assert "secrets." not in text and "password" not in text  # no token: PyPI trusts the workflow
    workflow = load(path)
    assert workflow["on"] == {"push": {"tags": ["v[0-9]+.[0-9]+.[0-9]+*"]}}
    assert workflow["permissions"] == {}
    build, publish = workflow["jobs"]["build"], workflow["jobs"]["publish"]
    assert build["permissions"] == {"contents": "read"} and "environment" not in build
    runs = "\n".join(s.get("run", "") for s in build["steps"])
    assert "python -m build" in runs and "verify.js" in runs  # the wheel carries the verifier
    assert any(s.get("uses", "").startswith("actions/setup-node@") for s in build["steps"])
    assert publish["needs"] == "build" and publish["permissions"] == {"id-token": "write"}
    assert publish["environment"]["name"] == "pypi"
    assert publish["steps"][-1]["uses"].startswith("pypa/gh-action-pypi-publish@")
    assert all("run" not in s for s in publish["steps"])  # runs nothing of its own next to the OIDC token
