"""Key rotation: old copies keep verifying after a rotation; a removed (compromised) key stops them."""

from __future__ import annotations

import json
import re
import shutil
from datetime import datetime
from pathlib import Path

import pytest

from badgepress.sign.keys import KeyPair, key_from_environment
from badgepress.verify.credential import verify_credential
from badgepress.verify.results import site_fetcher

from .conftest import add_key, badgepress, copy_program, mkdocs_build

DID = "did:web:northfield-code.github.io:badges"


def credentials(site: Path) -> dict[str, dict]:
    return {
        p.name: json.loads(p.read_text(encoding="utf-8"))
        for p in sorted((site / "credentials").glob("*.json"))
    }


def signer(doc: dict) -> str:
    (proof,) = doc["proof"]
    return proof["verificationMethod"]


def moment(docs: dict[str, dict]) -> datetime:
    """A time at which every example credential is already valid (the latest validFrom)."""
    return max(datetime.fromisoformat(d["validFrom"].replace("Z", "+00:00")) for d in docs.values())


def statuses(docs: dict[str, dict], site: Path) -> dict[str, str]:
    fetch = site_fetcher(site)
    now = moment(docs)
    return {name: verify_credential(doc, fetch, now).status for name, doc in docs.items()}


def drop_key(root: Path, key_id: str) -> None:
    """Remove a key's entry from mkdocs.yml, as after a compromise."""
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    entry = re.compile(rf"^ *- id: {re.escape(key_id)}\n(?: {{10}}\S.*\n)+", re.MULTILINE)
    assert entry.search(text), text
    config.write_text(entry.sub("", text, count=1), encoding="utf-8")


@pytest.fixture(scope="module")
def rotated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Build with key A, keep the credentials; rotate to key B (A retired) with the command; rebuild."""
    work = tmp_path_factory.mktemp("rotation")
    root = copy_program(work / "program")
    key_a = KeyPair.generate()
    add_key(root, key_a, "key-a")
    before = mkdocs_build(root, work / "site-a", key_a, {"BADGEPRESS_REQUIRE_KEY": "1"})
    assert before.returncode == 0, before.output
    shutil.copytree(
        work / "site-a" / "credentials", work / "downloaded" / "credentials"
    )  # copies people already hold

    run = badgepress("keygen", "--add", "--id", "key-b", "--retire", "key-a", cwd=root)
    assert run.returncode == 0, run.stderr
    secret = re.search(r"^BADGEPRESS_SIGNING_KEY=(\S+)$", run.stdout, re.MULTILINE)
    assert secret
    key_b = key_from_environment({"BADGEPRESS_SIGNING_KEY": secret.group(1)})
    assert key_b is not None
    after = mkdocs_build(root, work / "site-b", key_b, {"BADGEPRESS_REQUIRE_KEY": "1"})
    assert after.returncode == 0, after.output
    refused = mkdocs_build(root, work / "site-refused", key_a, {"BADGEPRESS_REQUIRE_KEY": "1"})
    assert refused.returncode != 0 and "retired" in refused.output
    return {"root": root, "old": work / "downloaded", "site": work / "site-b", "work": work}


def test_after_a_rotation_old_copies_and_new_credentials_all_verify(rotated: dict[str, Path]) -> None:
    old = {f"old {name}": doc for name, doc in credentials(rotated["old"]).items()}
    new = credentials(rotated["site"])
    assert {signer(d) for d in old.values()} == {f"{DID}#key-a"}
    assert {signer(d) for d in new.values()} == {f"{DID}#key-b"}  # every credential is re-signed
    assert statuses(old, rotated["site"]) == dict.fromkeys(old, "verified")
    assert statuses(new, rotated["site"]) == dict.fromkeys(new, "verified")
    did = json.loads((rotated["site"] / "did.json").read_text(encoding="utf-8"))
    assert {f"{DID}#key-a", f"{DID}#key-b"} <= set(did["assertionMethod"])  # the retired key stays published


def test_the_same_credentials_only_change_their_proof(rotated: dict[str, Path]) -> None:
    old = credentials(rotated["old"])
    new = credentials(rotated["site"])
    assert old.keys() == new.keys()  # same ids, same URLs
    for name in old:
        assert {k: v for k, v in old[name].items() if k != "proof"} == {
            k: v for k, v in new[name].items() if k != "proof"
        }


def test_a_compromised_key_removed_from_the_list_stops_its_copies(rotated: dict[str, Path]) -> None:
    root, work = rotated["root"], rotated["work"]
    drop_key(root, "key-a")
    run = badgepress("keygen", "--add", "--id", "key-c", "--retire", "key-b", cwd=root)
    assert run.returncode == 0, run.stderr
    secret = re.search(r"^BADGEPRESS_SIGNING_KEY=(\S+)$", run.stdout, re.MULTILINE)
    assert secret
    key_c = key_from_environment({"BADGEPRESS_SIGNING_KEY": secret.group(1)})
    assert key_c is not None
    build = mkdocs_build(root, work / "site-c", key_c, {"BADGEPRESS_REQUIRE_KEY": "1"})
    assert build.returncode == 0, build.output
    site = work / "site-c"
    old_a = credentials(rotated["old"])
    now = moment(old_a)
    results = {name: verify_credential(doc, site_fetcher(site), now) for name, doc in old_a.items()}
    assert {r.status for r in results.values()} == {"invalid"}  # what a verifier sees: not trusted
    assert all("key-a" in r.summary for r in results.values()), [r.summary for r in results.values()]
    assert set(statuses(credentials(site), site).values()) == {"verified"}  # re-signed with key C
    assert set(statuses(credentials(work / "site-b"), site).values()) == {"verified"}  # B retired, kept
