"""The builds the benchmark times: a cold build, each kind of rebuild, a deployment, the example program.

Every build is `mkdocs build --strict` in a subprocess with the signing key
in ``BADGEPRESS_SIGNING_KEY``, as a program's own workflow runs it. Each kind
of rebuild is measured ``REBUILDS`` times, another award each time: on a
shared machine another process's burst can add a second to one run, so the
median is reported and every time is kept.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from program import KEY_ID, cohort_files, import_roster, write_roster

from badgepress.load.program import load_program
from badgepress.load.settings import read_config
from badgepress.sign.keys import KeyPair

REPO = Path(__file__).resolve().parent.parent
REBUILDS = 3  # each kind of rebuild is measured this many times; the median is reported

# The build log's summary lines, matched loosely: their wording changes with the
# cache (issue 15). A figure no line gives is None, shown as "?".
SIGNED = (
    re.compile(r"signed ([\d,]+) of [\d,]+ credentials"),
    re.compile(r"([\d,]+) credentials? (?:were |was )?signed"),
    re.compile(r"signed ([\d,]+) credentials?"),
)
CACHED = (re.compile(r"credentials in [\d.]+ s \(([\d,]+) from cache"),)
RENDERED = (
    re.compile(r"credential pages in [\d.]+ s \([\d,]+ from cache, ([\d,]+) rendered"),
    re.compile(r"([\d,]+) (?:credential )?pages? (?:were |was )?rendered"),
    re.compile(r"rendered ([\d,]+) (?:credential )?pages?"),
)
SUMMARY_LINE = re.compile(r"\b(signed|rendered|cache)\b", re.IGNORECASE)

GIT = ["git", "-c", "user.name=Bench", "-c", "user.email=bench@example.org", "-c", "init.defaultBranch=main"]
# the example program: what tests/conftest.py copies, and its endorsements
EXAMPLE_PARTS = (
    "mkdocs.yml",
    "achievements",
    "credentials",
    "docs",
    "overrides",
    "endorsements",
    "status-ledger.yaml",
)


@dataclass
class Build:
    label: str
    seconds: float
    max_rss_mb: float
    signed: int | None
    cached: int | None
    pages_rendered: int | None = None
    samples: list[float] = field(default_factory=list)  # every time measured (the median is ``seconds``)
    log: list[str] = field(default_factory=list)  # the build log's summary lines
    # every run's (signed, pages rendered), in the order run
    sample_counts: list[tuple[int | None, int | None]] = field(default_factory=list)


def _figure(patterns: Sequence[re.Pattern[str]], text: str) -> int | None:
    for pattern in patterns:
        found = pattern.search(text)
        if found:
            return int(found.group(1).replace(",", ""))
    return None


def mkdocs_build(root: Path, key: KeyPair, label: str, site: Path | None = None) -> Build:
    """One `mkdocs build --strict` in a subprocess: wall time and the peak RSS of the build process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BADGEPRESS_")}
    env.update(BADGEPRESS_SIGNING_KEY=key.secret_key_multibase(), NO_MKDOCS_2_WARNING="1")
    target = site or root / "site"
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(target)]
    start = time.perf_counter()
    with tempfile.TemporaryFile() as output:
        proc = subprocess.Popen(command, cwd=root, env=env, stdout=output, stderr=subprocess.STDOUT)
        # wait4 gives this child's own resource usage (ru_maxrss: its largest
        # process, the build or one of its workers), not the sum of all children so far
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - start
        output.seek(0)
        text = output.read().decode("utf-8", "replace")
    if proc.returncode != 0:
        raise SystemExit(f"the {label} build failed:\n{text[-4000:]}")
    log = [line.split(" -  ", 1)[-1].strip() for line in text.splitlines() if SUMMARY_LINE.search(line)]
    return Build(
        label,
        seconds,
        usage.ru_maxrss / 1024,
        _figure(SIGNED, text),
        _figure(CACHED, text),
        _figure(RENDERED, text),
        log=log[:12],
    )


def median(runs: list[Build]) -> Build:
    """The median run, carrying every run's time."""
    middle = sorted(runs, key=lambda b: b.seconds)[len(runs) // 2]
    return replace(
        middle,
        samples=[round(b.seconds, 2) for b in runs],
        sample_counts=[(b.signed, b.pages_rendered) for b in runs],
    )


# ---------------------------------------------------------------- edits between rebuilds


def change_one_award(root: Path, number: int, revoke: bool = False) -> None:
    """Change the narrative of a single award file, or revoke it."""
    path = next((root / "credentials").rglob(f"award-{number:06d}.yaml"))
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if revoke:
        data["recipient"]["revoked"] = {"date": "2026-11-01", "reason": "Revoked by the benchmark."}
    else:
        data["narrative"] = f"Changed by the benchmark at {datetime.now(UTC).isoformat()}."
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def cohort_size(path: Path) -> int:
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return len(data["recipients"])


def change_in_cohort(path: Path, position: int) -> None:
    """Give one person of a cohort file a narrative: a one-line edit, as a maintainer makes it by hand.

    The person is the ``position``-th with no narrative yet; the rest of the
    file keeps its bytes (the layout `badgepress import` wrote).
    """
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if re.match(r"^\s*- name: ", line)]
    bare = [
        at
        for at, end in zip(starts, [*starts[1:], len(lines)], strict=True)
        if not any(re.match(r"^\s*narrative:", line) for line in lines[at:end])
    ]
    if not bare:
        raise SystemExit(f"{path}: no '- name:' entry without a narrative; has `import` changed its layout?")
    at = bare[position % len(bare)]
    indent = " " * lines[at].index("name:")
    lines.insert(at + 1, f"{indent}narrative: Changed by the benchmark ({position}).\n")
    path.write_text("".join(lines), encoding="utf-8")


# ---------------------------------------------------------------- the program's builds


def measure_builds(root: Path, key: KeyPair) -> tuple[dict[str, Build], dict[str, Any]]:
    """A cold build, each kind of rebuild ``REBUILDS`` times (another award each time), deployments.

    Returns the builds by kind and what the cohort and deployment scenarios
    worked on (the cohort file's size, the merged awards' achievement and its earners).
    """
    shutil.rmtree(root / ".cache", ignore_errors=True)
    shutil.rmtree(root / "site", ignore_errors=True)
    builds = {"cold": mkdocs_build(root, key, "cold")}
    cohort = cohort_files(root)[0]
    details: dict[str, Any] = {
        "cohort_file": cohort.relative_to(root).as_posix(),
        "cohort_awards": cohort_size(cohort),
    }
    kinds: list[tuple[str, str, Callable[[int], None]]] = [
        ("unchanged", "rebuild, nothing changed", lambda n: None),
        ("changed", "rebuild after changing one award", lambda n: change_one_award(root, 5 + 2 * n)),
        (
            "cohort",
            "rebuild after changing one award in a cohort",
            lambda n: change_in_cohort(cohort, 10 + 7 * n),
        ),
        ("revoked", "rebuild after revoking one award", lambda n: change_one_award(root, 6 + 2 * n, True)),
    ]
    for name, label, change in kinds:
        runs = []
        for n in range(REBUILDS):
            change(n)
            runs.append(mkdocs_build(root, key, label))
        builds[name] = median(runs)
    builds["deploy"], details["deploy"] = measure_deployments(root, key)
    return builds, details


def git(root: Path, *args: str) -> str:
    run = subprocess.run([*GIT, *args], cwd=root, capture_output=True, text=True, check=False)
    if run.returncode != 0:
        raise SystemExit(f"git {' '.join(args)} failed in {root}:\n{run.stdout}{run.stderr}")
    return run.stdout


def merge_one_award(root: Path, number: int, achievement: str) -> str:
    """A pull request that awards one badge with `badgepress award`, merged into main as GitHub does."""
    branch = f"bench/deploy-{number}"
    git(root, "switch", "--quiet", "--create", branch)
    env = {k: v for k, v in os.environ.items() if not k.startswith("BADGEPRESS_")}
    name, email = f"Learner {number} Deployed", f"deployed{number}@example.org"
    command = [sys.executable, "-m", "badgepress", "award", achievement, "--name", name, "--email", email]
    run = subprocess.run(
        [*command, "--date", "2026-11-02"], cwd=root, env=env, capture_output=True, text=True, check=False
    )
    if run.returncode != 0:
        raise SystemExit(f"badgepress award failed:\n{run.stdout}{run.stderr}")
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "--message", f"Award {achievement} to {name}")
    git(root, "switch", "--quiet", "main")
    pull_request = int(git(root, "rev-list", "--count", "--merges", "main")) + 1
    git(
        root,
        "merge",
        "--quiet",
        "--no-ff",
        "--message",
        f"Merge pull request #{pull_request} from {branch}",
        branch,
    )
    return name


def measure_deployments(root: Path, key: KeyPair) -> tuple[Build, dict[str, Any]]:
    """What the publish workflow does after one merged award, ``REBUILDS`` times.

    The edits of the rebuilds above are committed to main and main is built
    in place. Then, each time: a pull request awarding one badge is merged;
    main is cloned afresh (no site folder, every file new) into the same
    folder each time, as on GitHub's runners; the cache the last build saved
    is copied in, as actions/cache restores it; the clone is built into
    ``_site``; its cache is kept for the next time, as actions/cache saves it.
    The first deployment restores the in-place build's cache (another folder,
    another site folder): it is reported apart, and only the ``REBUILDS``
    after it, each restoring a deployment's cache as on GitHub, are measured.
    """
    if git(root, "status", "--porcelain"):
        git(root, "add", "--all")
        git(root, "commit", "--quiet", "--message", "Corrections by the benchmark")
    mkdocs_build(root, key, "main before the merge")
    saved = root.parent / f"{root.name}-saved-cache"
    clone = root.parent / f"{root.name}-deploy"
    shutil.rmtree(saved, ignore_errors=True)
    if (root / ".cache" / "badgepress").is_dir():
        shutil.copytree(root / ".cache" / "badgepress", saved)
    achievement = "achievement-0001"  # single awards only: no cohort is of this achievement
    runs = []
    try:
        for n in range(REBUILDS + 1):
            merge_one_award(root, n + 1, achievement)
            shutil.rmtree(clone, ignore_errors=True)
            git(root.parent, "clone", "--quiet", str(root), str(clone))
            if saved.is_dir():
                shutil.copytree(saved, clone / ".cache" / "badgepress")
            runs.append(mkdocs_build(clone, key, "deployment after one merged award", clone / "_site"))
            shutil.rmtree(saved, ignore_errors=True)
            if (clone / ".cache" / "badgepress").is_dir():
                shutil.copytree(clone / ".cache" / "badgepress", saved)
        config = read_config(root / "mkdocs.yml")
        program = load_program(config.root, config.settings)
        earners = sum(1 for a in program.awards if a.achievement == achievement)
    finally:
        shutil.rmtree(clone, ignore_errors=True)
        shutil.rmtree(saved, ignore_errors=True)
    first = runs.pop(0)
    details = {
        "achievement": achievement,
        "earners": earners,
        "first_from_in_place_cache": {
            "seconds": round(first.seconds, 2),
            "signed": first.signed,
            "pages_rendered": first.pages_rendered,
            "log": first.log,
        },
    }
    return median(runs), details


# ---------------------------------------------------------------- the example program


def measure_example(workdir: Path, key: KeyPair) -> dict[str, Build]:
    """The repository's example program, copied with ``key`` listed: cold, then untouched, ``REBUILDS`` times.

    The baseline of a rebuild: what MkDocs, Material and Badgepress cost on a
    program of a few awards. The copy is a git repository of one commit, so
    that its builds read a history as a checkout's do.
    """
    root = workdir / "example"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    for part in EXAMPLE_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, root / part)
        elif source.is_file():
            shutil.copy2(source, root / part)
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    marker = "      keys:\n"
    if marker not in text:
        raise SystemExit(f"{REPO / 'mkdocs.yml'}: no '      keys:' line to list the benchmark's key under")
    entry = f"        - id: {KEY_ID}\n          public_key: {key.public_key_multibase}\n"
    config.write_text(text.replace(marker, marker + entry, 1), encoding="utf-8")
    (root / ".gitignore").write_text(".cache/\nsite/\n", encoding="utf-8")
    git(workdir, "init", "--quiet", str(root))
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "--message", "The example program")
    cold = mkdocs_build(root, key, "example program, cold")
    runs = [mkdocs_build(root, key, "example program, nothing changed") for _ in range(REBUILDS)]
    builds = {"cold": cold, "unchanged": median(runs)}
    builds.update(measure_bootcamp(workdir, root, key))
    return builds


BOOTCAMP = 2_000  # the roster a bootcamp imports at the end of a course


def measure_bootcamp(workdir: Path, root: Path, key: KeyPair) -> dict[str, Build]:
    """The example program once a bootcamp's roster of 2,000 is imported: one cohort file of 2,000.

    Run as its maintainer would: `badgepress import`, `badgepress check --fix`
    (the new credentials' ledger lines), a commit; then the untouched rebuild
    and the rebuild after changing one award of the cohort, ``REBUILDS`` times each.
    """
    roster = workdir / "bootcamp.csv"
    day = write_roster(roster, 1, BOOTCAMP, {}, random.Random(11))
    import_roster(root, roster, "python-foundations", day)
    env = {k: v for k, v in os.environ.items() if not k.startswith("BADGEPRESS_")}
    fix = [sys.executable, "-m", "badgepress", "check", "--fix"]
    run = subprocess.run(fix, cwd=root, env=env, capture_output=True, text=True, check=False)
    if run.returncode != 0:
        raise SystemExit(f"badgepress check --fix failed:\n{run.stdout}{run.stderr}")
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "--message", "Import the bootcamp's roster")
    (cohort,) = [p for p in cohort_files(root) if cohort_size(p) == BOOTCAMP]
    mkdocs_build(root, key, "example program with a cohort of 2,000, first build")
    untouched = [mkdocs_build(root, key, "example + cohort, nothing changed") for _ in range(REBUILDS)]
    changed = []
    for n in range(REBUILDS):
        change_in_cohort(cohort, 10 + 7 * n)
        changed.append(mkdocs_build(root, key, "example + cohort, one award changed"))
    return {"bootcamp_unchanged": median(untouched), "bootcamp_changed": median(changed)}
