"""Shared fixtures: copies of the example program, keys, and strict site builds."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from badgepress.sign.keys import KeyPair

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data"
# The tests' clock. Every build, command and browser page of the suite runs as of
# this moment (SOURCE_DATE_EPOCH is Badgepress' one clock, see badgepress.clock),
# so that no test depends on the day it runs; CI runs the suite a year ahead too.
NOW = datetime(2026, 11, 29, tzinfo=UTC)
EPOCH = str(int(NOW.timestamp()))
os.environ["SOURCE_DATE_EPOCH"] = EPOCH


def pin_clock(context: Any) -> Any:
    """Start a Playwright browser context's clock at the tests' ``NOW``, time flowing from there.

    (A fixed time would stall Material's search, whose debounce waits for time to pass.)
    """
    context.clock.install(time=NOW)
    return context


PROGRAM_PARTS = ("mkdocs.yml", "achievements", "credentials", "docs", "overrides", "status-ledger.yaml")


def copy_program(target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for part in PROGRAM_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        elif source.is_file():
            shutil.copy2(source, target / part)
    return target


def add_key(root: Path, key: KeyPair, key_id: str = "key-test") -> None:
    """Publish ``key``'s public half in the program's mkdocs.yml (a text edit, keeping tags)."""
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    marker = "      keys:\n"
    assert marker in text
    entry = f"        - id: {key_id}\n          public_key: {key.public_key_multibase}\n"
    config.write_text(text.replace(marker, marker + entry, 1), encoding="utf-8")


@dataclass
class Build:
    site: Path
    returncode: int
    output: str


def mkdocs_build(
    root: Path, site: Path, key: KeyPair | None = None, extra_env: dict[str, str] | None = None
) -> Build:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BADGEPRESS_")}
    env["NO_MKDOCS_2_WARNING"] = "1"
    if key is not None:
        env["BADGEPRESS_SIGNING_KEY"] = key.secret_key_multibase()
    env.update(extra_env or {})
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return Build(site, proc.returncode, proc.stdout + proc.stderr)


def badgepress(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BADGEPRESS_")}
    return subprocess.run(
        [sys.executable, "-m", "badgepress", *args],
        cwd=cwd or REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="session")
def signing_key() -> KeyPair:
    return KeyPair.generate()


@pytest.fixture(scope="session")
def signed_site(tmp_path_factory: pytest.TempPathFactory, signing_key: KeyPair) -> Build:
    """The example program built once, signed with a real (test) key, under --strict."""
    root = copy_program(tmp_path_factory.mktemp("program"))
    add_key(root, signing_key)
    build = mkdocs_build(root, root / "site", signing_key)
    assert build.returncode == 0, build.output
    return build


@pytest.fixture(scope="session")
def example_config() -> dict:
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor(None, lambda loader, node: None)  # type: ignore[arg-type]
    return yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Badgepress' wheel, built once from these sources.

    With the verifier bundle scripts/bootstrap built, the build reuses it;
    without, the build hook bundles it.
    """
    out = tmp_path_factory.mktemp("wheel")
    env = dict(os.environ)
    if (REPO / "plugins/badgepress/assets/verify/verify.js").is_file():
        env["BADGEPRESS_SKIP_JS_BUILD"] = "1"
    build = [sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "--no-build-isolation"]
    run = subprocess.run(
        [*build, "-q", "-w", str(out)], capture_output=True, text=True, timeout=300, env=env, check=False
    )
    assert run.returncode == 0, run.stdout + run.stderr
    (found,) = out.glob("badgepress-*.whl")
    return found
