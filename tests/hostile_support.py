"""A hostile copy of the example program: script and markup in every text a contributor writes.

:func:`make_hostile` adds to a copy of the example (``copy_program``)

* an achievement whose name, description, criteria, tag and image caption
  carry raw HTML, event handlers, ``javascript:``/``data:`` links and an
  ``attr_list`` event handler;
* a roster of hostile names imported with ``badgepress import`` (a cohort file);
* an award written by hand for a hostile name that opted in to a learner
  record, with hostile narrative and evidence.

Every payload, if it ever ran, would set ``window.__pwned`` or open a dialog.
``show_names`` is set to ``full`` so that whole names reach the pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from badgepress.load.program import hash_identity

from .conftest import badgepress

SLUG = "hostile-badge"
ACHIEVEMENT_NAME = "Hostile <script>window.__pwned='achievement name'</script> & <b>Co</b>"
DESCRIPTION = (
    "Resist <img src=x onerror=\"window.__pwned='description img'\"> markup "
    "<script>window.__pwned='description script'</script> "
    "with [a script link](javascript:window.__pwned='description link'), "
    "[an attribute](https://example.org/){onclick=\"window.__pwned='attr_list'\"} and "
    '<a href="data:text/html,<script>alert(1)</script>">a data link</a>.'
)
CRITERIA = (
    "<iframe src=\"javascript:window.__pwned='iframe'\"></iframe>\n\n"
    "<div style=\"background:url(javascript:window.__pwned='style')\" "
    "onmouseover=\"window.__pwned='hover'\">Hover here</div>\n\n"
    "<svg onload=\"window.__pwned='svg'\"></svg>\n\n"
    "Write <code>&lt;script&gt;</code> safely, then [submit it](JaVaScRiPt:alert('criteria')).\n"
)
TAG = "<img src=x onerror=alert('tag')>"
CAPTION = "\"><script>window.__pwned='caption'</script>"

ROSTER_NAMES = (
    "<script>window.__pwned='roster'</script>",
    "\"><svg onload=alert('roster attribute')>",
    "&lt;/title&gt;&lt;script&gt;alert('entity')&lt;/script&gt;",
    "{{ 7*7 }} Ada ${7*7}",
)
LEARNER = "hostile-learner"
LEARNER_NAME = "<img src=x onerror=\"window.__pwned='recipient'\"> Learner"
NARRATIVE = "<script>window.__pwned='narrative'</script> Built [this](javascript:alert('narrative'))."
EVIDENCE = {
    "url": "https://example.org/work",
    "name": "<b onmouseover=alert('evidence')>Work</b>",
    "description": "</p><script>alert('evidence description')</script>",
    "narrative": '<iframe srcdoc="<script>alert(1)</script>"></iframe> A **real** story.',
}
NAMES = (*ROSTER_NAMES, LEARNER_NAME)  # every recipient name, each shown in full


@dataclass
class Hostile:
    root: Path
    roster_file: Path
    award_file: Path


def make_hostile(root: Path) -> Hostile:
    """Turn the example program copied at ``root`` into the hostile program."""
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "      show_names: initial\n" in text
    config.write_text(
        text.replace("      show_names: initial\n", "      show_names: full\n"), encoding="utf-8"
    )
    achievement = {
        "name": ACHIEVEMENT_NAME,
        "description": DESCRIPTION,
        "criteria": CRITERIA,
        "tags": [TAG],
        "image_caption": CAPTION,
    }
    _dump(root / "achievements" / f"{SLUG}.yaml", achievement)
    roster = root / "roster.csv"
    lines = ["name,email"] + [
        '"' + name.replace('"', '""') + f'",hostile{n}@example.org' for n, name in enumerate(ROSTER_NAMES)
    ]
    roster.write_text("\n".join(lines) + "\n", encoding="utf-8")
    imported = badgepress(
        "import", str(roster), "--achievement", SLUG, "--date", "2026-11-01",
        "--cohort-file", "credentials/2026/hostile-roster.yaml", cwd=root,
    )  # fmt: skip
    assert imported.returncode == 0, imported.stdout + imported.stderr
    salt = "0123456789abcdef"
    award = {
        "achievement": SLUG,
        "issued": "2026-11-02",
        "recipient": {
            "name": LEARNER_NAME,
            "identity": hash_identity("learner@example.org", salt),
            "salt": salt,
            "learner": LEARNER,
            "learner_record": True,
        },
        "narrative": NARRATIVE,
        "evidence": [EVIDENCE],
    }
    award_file = root / "credentials" / "2026" / "hostile-learner.yaml"
    _dump(award_file, award)
    fixed = badgepress("check", "--fix", cwd=root)  # the ledger lines of the hand-written award
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    return Hostile(root, roster, award_file)


def _dump(path: Path, data: dict) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
