"""Generate a synthetic Badgepress program of N awards across M achievements.

Deterministic for a given (N, M, seed): the same files, the same credential
ids, the same ledger. Every optional field of achievements and awards occurs
somewhere (alignments, results, expiry, evidence, DID recipients, unicode,
long narratives, cohorts), so that a build exercises the whole pipeline.
"""

from __future__ import annotations

import hashlib
import random
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


def generate_program(root: Path, awards: int, achievements: int, key: KeyPair, seed: int = 7) -> Path:
    """Write a program of ``awards`` credentials across ``achievements`` into ``root``, with its ledger."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    (root / "mkdocs.yml").write_text(
        MKDOCS_YML.format(site_url=SITE_URL, key_id=KEY_ID, public_key=key.public_key_multibase),
        encoding="utf-8",
    )
    (root / "docs").mkdir(exist_ok=True)
    (root / "docs" / "index.md").write_text("# Benchmark Academy\n\nA synthetic program.\n", encoding="utf-8")
    specs = {}
    for i in range(achievements):
        slug = f"achievement-{i:04d}"
        specs[slug] = achievement_data(i, rng)
        _dump(root / "achievements" / f"{slug}.yaml", specs[slug])
    slugs = sorted(specs)
    for i in range(awards):
        slug = slugs[i % len(slugs)]
        _dump(
            root / "credentials" / f"{i // 1000:03d}" / f"award-{i:06d}.yaml",
            award_data(i, slug, specs[slug], rng),
        )
    write_full_ledger(root)
    return root


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


__all__ = ["KEY_ID", "SITE_URL", "Ledger", "commit_history", "generate_program", "write_full_ledger"]


def commit_history(root: Path, per_pull_request: int = 10) -> int:
    """Make ``root`` a git repository whose main line issued its awards through merged pull requests.

    A first commit holds everything but the award files; then every
    ``per_pull_request`` award files come on a branch of their own, merged
    into main by a merge commit titled "Merge pull request #N from …", as
    GitHub does. Written with ``git fast-import`` (seconds for 10,000
    awards). Returns the number of pull requests.
    """
    import os
    import subprocess

    skip = {".git", ".cache", "site", "credentials"}
    first: list[str] = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not (Path(folder) == root and d in skip))
        first += sorted(Path(folder, n).relative_to(root).as_posix() for n in names)
    awards = sorted(p.relative_to(root).as_posix() for p in (root / "credentials").rglob("*.yaml"))
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
    for start in range(0, len(awards), per_pull_request):
        number += 1
        files = {p: blob(p) for p in awards[start : start + per_pull_request]}
        branch = commit(f"refs/heads/awards-{number}", f"Award {len(files)} badges", files, [main])
        title = f"Merge pull request #{number} from bench/awards-{number}"
        main = commit("refs/heads/main", title, files, [main, branch])
    git = ["git", "-c", "init.defaultBranch=main"]
    subprocess.run([*git, "init", "--quiet", str(root)], check=True)
    subprocess.run([*git, "fast-import", "--quiet"], cwd=root, input=bytes(stream), check=True)
    subprocess.run(["git", "symbolic-ref", "HEAD", "refs/heads/main"], cwd=root, check=True)
    subprocess.run(["git", "reset", "--quiet"], cwd=root, check=True)
    return number
