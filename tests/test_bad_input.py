"""The bad-input corpus: every case gets exactly the messages listed in tests/cases/bad_input.yaml."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from badgepress.errors import InputError
from badgepress.load.program import load_program
from badgepress.load.settings import read_config

from .conftest import REPO

CASES = yaml.safe_load((REPO / "tests" / "cases" / "bad_input.yaml").read_text(encoding="utf-8"))

BASE = {
    "mkdocs.yml": (
        "site_name: Test\nsite_url: https://example.org/badges/\nplugins:\n  - badgepress:\n"
        "      issuer:\n        name: Test School\n        url: https://example.org/\n"
    ),
    "achievements/intro.yaml": "name: Intro\ndescription: A first badge.\ncriteria: Attend.\n",
    "credentials/one.yaml": "achievement: intro\nissued: 2026-01-05\nrecipient:\n  did: did:example:alice\n",
}


def problems_of(root: Path) -> list[str]:
    try:
        config = read_config(root / "mkdocs.yml")
        load_program(config.root, config.settings)
    except InputError as err:
        return [str(p) for p in err.problems]
    return []


def make_program(root: Path, overlay: dict[str, str]) -> Path:
    return write_files(root, {**BASE, **overlay})


def write_files(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_base_program_is_valid(tmp_path: Path) -> None:
    assert problems_of(make_program(tmp_path, {})) == []


OUTSIDE = {  # files beside the program, which a symbolic link or a path may try to reach
    "secret.png": "not an image",
    "folder/award.yaml": BASE["credentials/one.yaml"].replace("alice", "mallory"),
}


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_bad_input(case: dict, tmp_path: Path) -> None:
    write_files(tmp_path / "outside", OUTSIDE)
    root = make_program(tmp_path / "program", case["files"])
    for link, target in case.get("symlinks", {}).items():
        (root / link).parent.mkdir(parents=True, exist_ok=True)
        (root / link).symlink_to(target)
    found = problems_of(root)
    assert found, "the case must be rejected"
    assert found == case["expected"]


# ---- hostile YAML: `badgepress check` stays within bounded memory and time, and never shows a traceback

MEMORY_CAP = 1 << 30  # bytes of address space for the checking process


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def _billion_laughs() -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 10):
        name, previous = chr(ord("a") + level), chr(ord("a") + level - 1)
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    return "\n".join(lines) + "\n"


AWARD = "credentials/hostile.yaml"
HOSTILE = {  # name: (file, its text, what the error says)
    "billion laughs": (AWARD, _billion_laughs(), "anchors and aliases are not allowed"),
    "alias to itself": (AWARD, "achievement: &x [*x]\n", "anchors and aliases are not allowed"),
    "deep brackets": (AWARD, "a: " + "[" * 100_000 + "]" * 100_000 + "\n", "nested more than 32 levels"),
    "deep blocks": (AWARD, "".join(" " * i + "k:\n" for i in range(2000)), "nested more than 32 levels"),
    "deep dashes": (AWARD, "- " * 500_000 + "x\n", "nested more than 32 levels"),
    "too large": (AWARD, "narrative: " + "x" * (9 * 1024 * 1024) + "\n", "is larger than 8 MiB"),
    "too many values": (AWARD, "a: [" + ", ".join(["1"] * 400_000) + "]\n", "more than 250,000 values"),
    "set as a key": (AWARD, "!!set {a, b}: 1\nachievement: intro\n", "has a key that is a list or a mapping"),
    "huge number": (AWARD, "achievement: " + "9" * 10_000 + "\n", "cannot be read as int"),
    "bad timestamp tag": (AWARD, "issued: !!timestamp never\n", "cannot be read as timestamp"),
    "far future": (
        AWARD,
        BASE["credentials/one.yaml"].replace("2026-01-05", "9999-12-31T23:00:00-05:00"),
        "out of range",
    ),
    "laughing achievement": (
        "achievements/intro.yaml",
        _billion_laughs(),
        "anchors and aliases are not allowed",
    ),
    "laughing ledger": ("status-ledger.yaml", _billion_laughs(), "anchors and aliases are not allowed"),
    "huge index": (
        "status-ledger.yaml",
        "indices:\n  abc: " + "9" * 4000 + "\n",
        "past the last status list",
    ),
    "aliased options": (
        "mkdocs.yml",
        BASE["mkdocs.yml"] + "extra: &x [*x]\n",
        "anchors and aliases are not allowed",
    ),
}


def _refused(root: Path, *args: str) -> str:
    """What ``python ARGS`` prints in ``root`` under the memory cap, checked to be a clean refusal."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BADGEPRESS_")}
    proc = subprocess.run(
        [sys.executable, *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=_cap_memory,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output
    assert "Traceback" not in output and "MemoryError" not in output
    return output


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_yaml_is_a_clean_error_in_bounded_memory(name: str, tmp_path: Path) -> None:
    file, text, expected = HOSTILE[name]
    root = make_program(tmp_path, {file: text})
    output = _refused(root, "-m", "badgepress", "check")
    assert f"{file}:" in output and expected in output, output


@pytest.mark.parametrize(
    ("file", "expected"), [(AWARD, "is larger than 8 MiB"), ("status-ledger.yaml", "is larger than 16 MiB")]
)
def test_a_huge_file_is_refused_in_bounded_memory_with_the_cache(
    tmp_path: Path, file: str, expected: str
) -> None:
    """With the cache store a file is hashed before it is parsed: no more of it than the parser reads."""
    root = make_program(tmp_path / "program", {})
    with open(root / file, "wb") as huge:  # sparse: 2 GiB on disk costs nothing
        huge.truncate(2 * MEMORY_CAP)
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from badgepress import clock\n"
        "from badgepress.build.pipeline import build_publication, choose_signer\n"
        "from badgepress.build.urls import Urls\n"
        "from badgepress.cache import Store\n"
        "from badgepress.errors import InputError\n"
        "from badgepress.load.program import load_program\n"
        "from badgepress.load.settings import read_config\n"
        "config = read_config(Path('mkdocs.yml'))\n"
        "signer = choose_signer(config.settings, None)\n"
        "store = Store(Path('.cache'), signer.key)\n"
        "try:\n"
        "    program = load_program(config.root, config.settings, store)\n"
        "    build_publication(program, Urls(config.base_url), signer, clock.now(), store=store)\n"
        "except InputError as err:\n"
        "    print(err)\n"
        "    sys.exit(1)\n"
    )
    output = _refused(root, "-c", script)
    assert f"{file}:" in output and expected in output, output


@pytest.mark.parametrize(
    ("overlay", "image", "expected"),
    [
        (
            {"achievements/intro.yaml": BASE["achievements/intro.yaml"] + "image: intro.png\n"},
            "achievements/intro.png",
            "achievements/intro.yaml:4: image: 'intro.png' is larger than 2 MiB (2,048.0 MiB)",
        ),
        (
            {"mkdocs.yml": BASE["mkdocs.yml"] + "        image: logo.svg\n"},
            "logo.svg",
            "mkdocs.yml: issuer.image: is larger than 2 MiB (2,048.0 MiB)",
        ),
    ],
)
def test_a_huge_image_is_refused_before_it_is_read(
    tmp_path: Path, overlay: dict[str, str], image: str, expected: str
) -> None:
    """A badge image or logo is published, and baked into every credential: its size is bounded."""
    root = make_program(tmp_path, overlay)
    with open(root / image, "wb") as huge:  # sparse: 2 GiB on disk costs nothing
        huge.truncate(2 * MEMORY_CAP)
    output = _refused(root, "-m", "badgepress", "check")
    assert expected in output, output
