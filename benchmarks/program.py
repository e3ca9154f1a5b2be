"""Generate a synthetic Badgepress program of N awards across M achievements, shaped like a real one.

A program issues most of its badges to whole cohorts: `badgepress import`
writes one cohort file per roster (a course's CSV export), thousands of
awards in one file. The rest come one at a time, an award file per person
from a pull request (`badgepress award`). So 60% of the awards are imported
here, by running `badgepress import` itself over generated CSV rosters of at
most 2,000 people (N = 10,000: three cohort files of 2,000), and the other 40%
are single award files.

The files, paths and credential ids are the same for a given (N, M, seed);
only the imported cohorts' salts differ from run to run (`import` draws a
fresh salt for each person). Every optional field of achievements and awards
occurs somewhere (alignments, results, expiry, evidence, DID recipients,
unicode, long narratives, per-person dates in a cohort), so that a build
exercises the whole pipeline.
"""

from __future__ import annotations

import csv
import hashlib
import os
import random
import subprocess
import sys
import tempfile
import textwrap
from datetime import date, timedelta
from pathlib import Path

import yaml

from badgepress.build.status import Ledger, allocate, write_ledger
from badgepress.load.program import hash_identity, load_program
from badgepress.load.settings import read_config
from badgepress.sign.keys import KeyPair

SITE_URL = "https://bench.example.org/badges/"
KEY_ID = "key-bench"
COHORT = 2000  # the most people in one roster, hence in one cohort file
COHORT_SHARE = 0.6  # of the awards, imported from rosters; the rest are single award files
SINGLE_PREFIX = "award-"  # single award files are credentials/NNN/award-NNNNNN.yaml

_FIRST = ["Amara", "Ben", "Chen", "Dana", "Émile", "Farah", "Gita", "Hugo", "Inès", "Jürgen", "Kofi", "Łucja"]
_LAST = [
    "Okafor",
    "Lindqvist",
    "Wei",
    "Müller",
    "Dupont",
    "Haddad",
    "Raman",
    "Martin",
    "Søndergaard",
    "Ngata",
]
_WORDS = [
    "data",
    "analysis",
    "python",
    "testing",
    "review",
    "design",
    "accessibility",
    "security",
    "cloud",
    "git",
    "mentoring",
    "teamwork",
    "research",
    "statistics",
    "writing",
    "leadership",
    "communication",
    "databases",
    "networks",
]


def _dump(path: Path, data: object, header: str = "") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    path.write_text(header + text, encoding="utf-8")


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(words)).capitalize() + "."


def achievement_data(index: int, rng: random.Random) -> dict:
    name = f"{rng.choice(_WORDS).capitalize()} {rng.choice(_WORDS)} {index:04d}"
    data: dict = {
        "name": name,
        "achievement_type": rng.choice(["Badge", "Certificate", "Course", "Competency", "MicroCredential"]),
        "description": _sentence(rng, 18),
        "criteria": "\n".join(textwrap.wrap(_sentence(rng, 40), 70)) + "\n",
        "tags": sorted({rng.choice(_WORDS) for _ in range(3)}),
    }
    if index % 3 == 0:
        data["alignments"] = [
            {
                "name": f"Skill {index}-{j}",
                "url": f"https://frameworks.example.org/skills/{index}-{j}",
                "framework": "ESCO",
                "code": f"S{index}.{j}",
                "description": _sentence(rng, 8),
                "type": "ceasn:Competency",
            }
            for j in range(2)
        ]
    if index % 4 == 0:
        data["result"] = {"name": "Final grade", "type": "LetterGrade", "values": ["A", "B", "C"]}
    if index % 5 == 0:
        data["valid_for"] = "2 years"
    if index % 2 == 0:
        data.update(credits=float(index % 7 + 1), field_of_study="Computer Science", language="en")
    if index % 6 == 0:
        data.update(specialization="Data engineering", code=f"CS-{index:03d}")
    return data


def award_data(index: int, slug: str, achievement: dict, rng: random.Random) -> dict:
    # programs issue in cohorts: awards fall on one of 90 weekly session days
    issued = date(2025, 1, 6) + timedelta(weeks=rng.randrange(0, 90))
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    recipient: dict = {"name": f"{first} {last}"}
    if index % 10 == 7:
        recipient["did"] = f"did:key:z6Mk{hashlib.sha256(str(index).encode()).hexdigest()[:40]}"
    else:
        salt = hashlib.sha256(f"salt{index}".encode()).hexdigest()[:32]
        recipient["identity"] = hash_identity(f"learner{index}@example.org", salt)
        recipient["salt"] = salt
    data: dict = {"achievement": slug, "issued": issued.isoformat(), "recipient": recipient}
    if index % 4 == 1:
        data["narrative"] = "\n".join(textwrap.wrap(_sentence(rng, 30 + index % 90), 70)) + "\n"
    if index % 3 == 2:
        data["evidence"] = [
            {
                "url": f"https://portfolio.example.org/{index}",
                "name": f"Project {index} — “{rng.choice(_WORDS)}”",
                "description": _sentence(rng, 12),
                "narrative": _sentence(rng, 25),
            }
        ]
    if "result" in achievement and index % 2 == 0:
        data["result"] = rng.choice(achievement["result"]["values"])
    if index % 11 == 5 and "valid_for" not in achievement:
        data["expires"] = (issued + timedelta(days=730)).isoformat()
    return data


MKDOCS_YML = """\
site_name: Benchmark Badges
site_url: {site_url}
theme:
  name: material
plugins:
  - search
  - badgepress:
      issuer:
        name: Benchmark Academy
        url: https://bench.example.org/
        description: A synthetic program for the Badgepress benchmark.
      keys:
        - id: {key_id}
          public_key: {public_key}
nav:
  - Home: index.md
  - Badges: achievements/index.md
  - Verify: verify/index.md
  - Taxonomy: taxonomy/index.md
  - Issuer: issuer/index.md
"""


def cohort_sizes(awards: int) -> list[int]:
    """People in each roster: ``COHORT_SHARE`` of the awards, in rosters of at most ``COHORT``."""
    imported = int(awards * COHORT_SHARE)
    if imported == 0:
        return []
    count = -(-imported // COHORT)
    base, extra = divmod(imported, count)
    return [base + (1 if i < extra else 0) for i in range(count)]


def generate_program(root: Path, awards: int, achievements: int, key: KeyPair, seed: int = 7) -> Path:
    """Write a program of ``awards`` credentials across ``achievements`` into ``root``, with its ledger.

    The cohorts are imported first, by `badgepress import` (which checks each
    roster against the program and writes the cohort file and its ledger
    lines), then the single award files are written and given their ledger lines.
    """
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    (root / "mkdocs.yml").write_text(
        MKDOCS_YML.format(site_url=SITE_URL, key_id=KEY_ID, public_key=key.public_key_multibase),
        encoding="utf-8",
    )
    (root / ".gitignore").write_text(".cache/\nsite/\n_site/\n", encoding="utf-8")
    (root / "docs").mkdir(exist_ok=True)
    (root / "docs" / "index.md").write_text("# Benchmark Academy\n\nA synthetic program.\n", encoding="utf-8")
    specs = {}
    for i in range(achievements):
        slug = f"achievement-{i:04d}"
        specs[slug] = achievement_data(i, rng)
        _dump(root / "achievements" / f"{slug}.yaml", specs[slug])
    slugs = sorted(specs)
    sizes = cohort_sizes(awards)
    with tempfile.TemporaryDirectory(prefix="badgepress-rosters-") as folder:
        for number, size in enumerate(sizes):
            slug = slugs[number * len(slugs) // len(sizes)]
            roster = Path(folder) / f"{slug} roster.csv"
            day = write_roster(roster, number, size, specs[slug], rng)
            import_roster(root, roster, slug, day)
    for i in range(awards - sum(sizes)):
        slug = slugs[i % len(slugs)]
        _dump(
            root / "credentials" / f"{i // 1000:03d}" / f"{SINGLE_PREFIX}{i:06d}.yaml",
            award_data(i, slug, specs[slug], rng),
        )
    write_full_ledger(root)
    return root


def write_roster(path: Path, number: int, size: int, achievement: dict, rng: random.Random) -> date:
    """A course's CSV export: name, email, date (a few finished late), evidence, notes, grade.

    Returns the course's session day, the date of most rows.
    """
    day = date(2025, 3, 3) + timedelta(weeks=13 * number)
    grades = achievement.get("result", {}).get("values")
    header = ["Full Name", "Email", "Date", "Evidence", "Notes"] + (["Grade"] if grades else [])
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        for i in range(size):
            name = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
            late = day + timedelta(days=7 * (1 + i % 3)) if i % 20 == 3 else day
            evidence = f"https://portfolio.example.org/cohort-{number}/{i}" if i % 3 == 1 else ""
            notes = _sentence(rng, 12 + i % 30) if i % 5 == 2 else ""
            row = [name, f"learner{number}-{i}@example.org", late.isoformat(), evidence, notes]
            writer.writerow(row + ([rng.choice(grades)] if grades else []))
    return day


def import_roster(root: Path, roster: Path, achievement: str, day: date) -> None:
    """`badgepress import` of one roster, as a program's maintainer runs it: one cohort file."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BADGEPRESS_")}
    command = [sys.executable, "-m", "badgepress", "import", str(roster), "--achievement", achievement]
    run = subprocess.run(
        [*command, "--date", day.isoformat()], cwd=root, env=env, capture_output=True, text=True, check=False
    )
    if run.returncode != 0:
        raise SystemExit(f"badgepress import {roster.name} failed:\n{run.stdout}{run.stderr}")


def cohort_files(root: Path) -> list[Path]:
    """The program's cohort files (those with a ``recipients:`` list), the largest (most bytes) first."""
    files = [
        p
        for p in (root / "credentials").rglob("*.yaml")
        if not p.name.startswith(SINGLE_PREFIX) and "\nrecipients:" in p.read_text(encoding="utf-8")
    ]
    return sorted(files, key=lambda p: (-p.stat().st_size, p))


def write_full_ledger(root: Path) -> int:
    """Give every credential without an index one (what `badgepress check --fix` does)."""
    config = read_config(root / "mkdocs.yml")
    program = load_program(config.root, config.settings)
    from badgepress.build.status import load_ledger

    ledger, problems = load_ledger(root / config.settings.ledger, config.settings.ledger)
    assert not problems, problems
    added = allocate(ledger, [a.credential_id for a in program.awards])
    if added:
        write_ledger(root / config.settings.ledger, ledger, added)
    return len(added)


__all__ = [
    "KEY_ID",
    "SITE_URL",
    "Ledger",
    "cohort_files",
    "cohort_sizes",
    "commit_history",
    "generate_program",
    "write_full_ledger",
]


def commit_history(root: Path, per_pull_request: int = 10) -> int:
    """Make ``root`` a git repository whose main line issued its awards through merged pull requests.

    A first commit holds everything but the award files; then each cohort
    file, and every ``per_pull_request`` single award files, come on a branch
    of their own, merged into main by a merge commit titled "Merge pull
    request #N from …", as GitHub does; the cohorts' pull requests fall
    among the others, spread evenly. Written with ``git fast-import``
    (seconds for 10,000 awards). Returns the number of pull requests.
    """
    skip = {".git", ".cache", "site", "credentials"}
    first: list[str] = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not (Path(folder) == root and d in skip))
        first += sorted(Path(folder, n).relative_to(root).as_posix() for n in names)
    awards = sorted(p.relative_to(root).as_posix() for p in (root / "credentials").rglob("*.yaml"))
    singles = [p for p in awards if Path(p).name.startswith(SINGLE_PREFIX)]
    groups = [singles[i : i + per_pull_request] for i in range(0, len(singles), per_pull_request)]
    cohorts = [p for p in awards if not Path(p).name.startswith(SINGLE_PREFIX)]
    for number, cohort in enumerate(cohorts):
        groups.insert((number + 1) * len(groups) // (len(cohorts) + 1), [cohort])
    stream = bytearray()
    marks = 0

    def blob(path: str) -> int:
        nonlocal marks
        data = (root / path).read_bytes()
        marks += 1
        stream.extend(b"blob\nmark :%d\ndata %d\n" % (marks, len(data)) + data + b"\n")
        return marks

    moment = 1_735_700_000  # 1 January 2025
    main: int | None = None

    def commit(ref: str, message: str, files: dict[str, int], parents: list[int]) -> int:
        nonlocal marks, moment
        marks += 1
        moment += 600
        text = message.encode()
        stream.extend(b"commit %s\nmark :%d\n" % (ref.encode(), marks))
        stream.extend(b"committer Bench <bench@example.org> %d +0000\n" % moment)
        stream.extend(b"data %d\n%s\n" % (len(text), text))
        if parents:
            stream.extend(b"from :%d\n" % parents[0])
        for parent in parents[1:]:
            stream.extend(b"merge :%d\n" % parent)
        for path, mark in files.items():
            stream.extend(b"M 100644 :%d %s\n" % (mark, path.encode()))
        stream.extend(b"\n")
        return marks

    main = commit("refs/heads/main", "Start the program", {p: blob(p) for p in first}, [])
    number = 0
    for group in groups:
        number += 1
        files = {p: blob(p) for p in group}
        message = f"Award {len(files)} badges" if group[0] in singles else "Import a cohort's roster"
        branch = commit(f"refs/heads/awards-{number}", message, files, [main])
        title = f"Merge pull request #{number} from bench/awards-{number}"
        main = commit("refs/heads/main", title, files, [main, branch])
    git = ["git", "-c", "init.defaultBranch=main"]
    subprocess.run([*git, "init", "--quiet", str(root)], check=True)
    subprocess.run([*git, "fast-import", "--quiet"], cwd=root, input=bytes(stream), check=True)
    subprocess.run(["git", "symbolic-ref", "HEAD", "refs/heads/main"], cwd=root, check=True)
    subprocess.run(["git", "reset", "--quiet"], cwd=root, check=True)
    return number
