"""Differential: what `check` accepts, Badgepress signs and the JavaScript verifier verifies.

A corpus of awards with unusual but valid text (Unicode names and IRIs,
percent-escapes, query strings, fragments, DIDs with escapes and colons) is
built into a signed site; jsonld.js (safe mode, RDFC-1.0) must compute the same
canonical form as pyld for every credential, so every one verifies.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from badgepress.load.program import load_program
from badgepress.load.settings import read_config
from badgepress.sign.keys import KeyPair

from .conftest import REPO, add_key, badgepress, copy_program, mkdocs_build

IRIS = [
    "https://例え.jp/パス?クエリ=値#フラグ",
    "https://example.org/a%20b?x=1&y=%C3%A9#sec-2",
    "https://example.org/~user/(paren)!$&'*+,;=:@/",
    "https://user:secret@example.org:8443/path?q",
    "https://[2001:db8::1]/ipv6",
    "http://example.org/%E2%9C%93/?a=b&c=d;e#",
    "https://example.org/🎓/diplôme?année=2026",
    "https://example.org/é\u200d?zwj",
    "https://xn--bcher-kva.example/straße?ß=ẞ#Ωmega",
    "https://example.org/?",
    "https://example.org/#frag/with/slashes?and=query",
    "HTTPS://EXAMPLE.ORG/UPPER%2fcase",
]
DIDS = [
    "did:example:%C3%A9l%C3%A8ve",
    "did:web:example.org%3A8443:users:alice",
    "did:example:a.b-c_d",
    "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
]
NAMES = ["Zoë Ñúñez-O'Brien", "李小龍", "محمد", 'Ǆemal 🎓 "Quotes" <b>', "Ελένη\tΠαπαδοπούλου"]


def quoted(text: str) -> str:
    """``text`` as a YAML double-quoted scalar (JSON's escapes are YAML's)."""
    return json.dumps(text, ensure_ascii=False)


ACHIEVEMENT = """\
name: Ünïcödé Badge — «test» & 'quotes'
description: "Described with <angle> brackets, a backslash \\\\ and a tab:\\tend."
criteria: Attend — all 𝟙𝟚 sessions.
alignments:
""" + "".join(f"  - name: Skill {n} ✓\n    url: {quoted(url)}\n" for n, url in enumerate(IRIS))


def _award() -> str:
    lines = ["achievement: unusual", "issued: 2026-01-05", "recipients:"]
    for n, did in enumerate(DIDS):
        name = NAMES[n % len(NAMES)]
        lines += [f"  - did: {did}", f"    name: {quoted(name)}", "    show_name: full", "    evidence:"]
        for url in IRIS[n :: len(DIDS)]:
            lines += [f"      - url: {quoted(url)}", f"        name: {quoted(name + ' ' + url[-6:])}"]
        lines += [f"    narrative: {quoted('Led ' + name + ' — ½ of the work; see ' + IRIS[n])}"]
    return "\n".join(lines) + "\n"


def test_unusual_but_valid_awards_verify_in_javascript(tmp_path: Path, signing_key: KeyPair) -> None:
    node = shutil.which("node")
    assert node, "Node.js is required (scripts/bootstrap installs it)"
    root = copy_program(tmp_path / "program")
    (root / "achievements" / "unusual.yaml").write_text(ACHIEVEMENT, encoding="utf-8")
    (root / "credentials" / "unusual.yaml").write_text(_award(), encoding="utf-8")
    fixed = badgepress("check", "--fix", cwd=root)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    config = read_config(root / "mkdocs.yml")
    ids = [
        a.credential_id
        for a in load_program(config.root, config.settings).awards
        if a.file.endswith("unusual.yaml")
    ]
    assert len(ids) == len(DIDS)
    add_key(root, signing_key)
    build = mkdocs_build(root, root / "site", signing_key)
    assert build.returncode == 0, build.output
    files = [str(root / "site" / "credentials" / f"{cid}.json") for cid in ids]
    run = subprocess.run(
        [node, "js/tools/verify-site.mjs", str(root / "site"), "--now", "2026-11-29T00:00:00Z", *files],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    results = json.loads(run.stdout)
    assert {r["status"] for r in results.values()} == {"verified"}, results
    signed = [json.loads(Path(f).read_text(encoding="utf-8")) for f in files]
    evidence = {e["id"] for doc in signed for e in doc.get("evidence", [])}
    assert evidence == set(IRIS)  # every IRI of the corpus was signed as written
