"""Comprehensive Learner Records: who gets one, what it holds, and that it and its credentials verify."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from badgepress.build.clr import learner_name, learners_with_records
from badgepress.build.pipeline import Signer, build_publication, choose_signer
from badgepress.build.urls import Urls
from badgepress.domain import Award, Revocation
from badgepress.load.program import load_program
from badgepress.load.settings import read_config
from badgepress.sign.keys import KeyPair
from badgepress.sign.proof import sign_document
from badgepress.verify.credential import verify_credential
from badgepress.verify.results import site_fetcher

from .conftest import REPO, Build, badgepress, copy_program
from .records_support import CLR2, DID, LEARNER, NOW, OB3, SITE, VC2, build_records_site, credentials, read

RECORD = f"learners/{LEARNER}.json"


@pytest.fixture(scope="session")
def records_site(tmp_path_factory: pytest.TempPathFactory, signing_key: KeyPair) -> Build:
    return build_records_site(tmp_path_factory, signing_key)


@pytest.fixture(scope="module")
def awards() -> tuple[Award, ...]:
    config = read_config(REPO / "mkdocs.yml")
    return load_program(config.root, config.settings).awards


def amaras(awards: tuple[Award, ...]) -> list[Award]:
    return sorted((a for a in awards if a.name == "Amara Okafor"), key=lambda a: a.issued)


def resign(record: dict[str, Any], key: KeyPair) -> dict[str, Any]:
    """``record`` signed again by the site's issuer (so only what it holds can fail)."""
    unsigned = {k: v for k, v in record.items() if k != "proof"}
    return sign_document(unsigned, key, f"{DID}#key-test", unsigned["validFrom"])


# ---------------------------------------------------------------- who gets a record


def test_only_learners_who_opt_in_get_a_record(awards: tuple[Award, ...]) -> None:
    records = learners_with_records(awards)
    assert list(records) == [LEARNER]
    assert [a.achievement for a in records[LEARNER]] == ["python-foundations", "data-analysis-certificate"]
    first, second = amaras(awards)
    # the opt-in of one award is enough; without any, no record; a revoked award is left out
    assert list(learners_with_records([first, replace(second, learner_record=False)])) == [LEARNER]
    assert learners_with_records([replace(a, learner_record=False) for a in (first, second)]) == {}
    revoked = replace(first, revoked=Revocation(date=NOW, reason="mistake"))
    assert learners_with_records([revoked, second]) == {LEARNER: (second,)}
    assert learners_with_records([revoked]) == {}
    # a handle groups awards: someone else's award without it is not in the record
    ben = next(a for a in awards if a.name == "Ben Lindqvist")
    assert learners_with_records([*amaras(awards), ben]) == records


def test_the_record_shows_the_most_private_name(awards: tuple[Award, ...]) -> None:
    first, second = amaras(awards)
    assert learner_name([first, second]) == "Amara O."
    assert learner_name([replace(first, show_name="full"), second]) == "Amara O."
    assert (
        learner_name([replace(first, show_name="full"), replace(second, show_name="full")]) == "Amara Okafor"
    )
    assert learner_name([first, replace(second, show_name="none")]) == "A recipient"
    assert learner_name([replace(first, name=None)]) == "A recipient"


# ---------------------------------------------------------------- the published record


def test_the_record_has_the_clr_structure(records_site: Build, awards: tuple[Award, ...]) -> None:
    site = records_site.site
    record = read(site, RECORD)
    assert record["@context"] == [VC2, CLR2, OB3]
    assert record["type"] == ["VerifiableCredential", "ClrCredential"]
    assert record["id"] == f"{SITE}{RECORD}"
    assert record["name"] == "Learner record of Amara O."
    assert record["issuer"]["id"] == DID
    assert record["validFrom"] == "2026-09-12T00:00:00Z"  # her latest award
    (proof,) = record["proof"]
    assert proof["type"] == "DataIntegrityProof" and proof["cryptosuite"] == "eddsa-rdfc-2022"
    assert proof["verificationMethod"] == f"{DID}#key-test" and proof["created"] == record["validFrom"]
    subject = record["credentialSubject"]
    assert subject["type"] == ["ClrSubject"]
    published = credentials(site)
    ids = [a.credential_id for a in amaras(awards)]
    assert subject["verifiableCredential"] == [published[i] for i in ids]  # as published, proofs included
    assert all(len(c["proof"]) == 1 for c in subject["verifiableCredential"])
    assert [a["id"] for a in subject["achievement"]] == [
        f"{SITE}achievements/python-foundations.json",
        f"{SITE}achievements/data-analysis-certificate.json",
    ]
    published_achievement = read(site, "achievements/python-foundations.json")
    assert subject["achievement"][0] == {k: v for k, v in published_achievement.items() if k != "@context"}
    assert subject["association"] == [
        {
            "type": "Association",
            "associationType": "precedes",
            "sourceId": f"{SITE}achievements/python-foundations.json",
            "targetId": f"{SITE}achievements/data-analysis-certificate.json",
        }
    ]
    hashes = {i["identityHash"] for i in subject["identifier"]}
    assert hashes == {a.identity_hash for a in amaras(awards)}
    assert "Okafor" not in json.dumps(record)


def test_the_record_and_every_credential_in_it_verify(records_site: Build) -> None:
    site = records_site.site
    fetch = site_fetcher(site)
    record = read(site, RECORD)
    result = verify_credential(record, fetch, NOW, check_status=True)
    assert result.status == "verified", result.checks
    assert [(c.name, c.ok) for c in result.checks] == [
        ("format", True),
        ("proof", True),
        ("dates", True),
        ("status", None),
        ("credential 1", True),
        ("credential 2", True),
    ]
    assert [r.status for r in result.embedded] == ["verified", "verified"]
    assert all(any(c.detail == "not revoked" for c in r.checks) for r in result.embedded)
    for embedded in record["credentialSubject"]["verifiableCredential"]:
        assert verify_credential(embedded, fetch, NOW, check_status=True).status == "verified"


def test_a_bad_credential_inside_fails_the_record(records_site: Build, signing_key: KeyPair) -> None:
    site = records_site.site
    fetch = site_fetcher(site)
    record = read(site, RECORD)
    # changed inside, the issuer's signature over the record no longer holds
    changed = copy.deepcopy(record)
    changed["credentialSubject"]["verifiableCredential"][0]["credentialSubject"]["result"][0]["value"] = "B"
    assert verify_credential(changed, fetch, NOW).status == "invalid"
    # signed again by the issuer, the record holds, but the credential inside does not
    result = verify_credential(resign(changed, signing_key), fetch, NOW)
    assert result.status == "invalid"
    failed = [c for c in result.checks if c.ok is False]
    assert [c.name for c in failed] == ["credential 1"]
    assert failed[0].detail.startswith("Python Foundations: invalid (the signature does not match")
    assert ("credential 2", True) in [(c.name, c.ok) for c in result.checks]


def test_a_revoked_credential_inside_makes_the_record_revoked(
    records_site: Build, signing_key: KeyPair
) -> None:
    site = records_site.site
    fetch = site_fetcher(site)
    record = copy.deepcopy(read(site, RECORD))
    (revoked,) = [
        c for c in credentials(site).values() if verify_credential(c, fetch, NOW, True).status == "revoked"
    ]
    record["credentialSubject"]["verifiableCredential"].append(revoked)
    result = verify_credential(resign(record, signing_key), fetch, NOW, check_status=True)
    assert result.status == "revoked"
    assert "Accessible Web Pages: revoked" in result.summary
    # a record in a record is not verified
    record["credentialSubject"]["verifiableCredential"][-1] = read(site, RECORD)
    result = verify_credential(resign(record, signing_key), fetch, NOW)
    assert result.status == "invalid" and "a learner record inside a learner record" in result.summary
    record["credentialSubject"]["verifiableCredential"] = []
    result = verify_credential(resign(record, signing_key), fetch, NOW)
    assert result.status == "invalid" and "holds no credentials" in result.summary


def test_badgepress_verify_accepts_the_record(records_site: Build) -> None:
    site = records_site.site
    run = badgepress(
        "verify", "--site", str(site), "--check-status", "--at", "2026-11-29T00:00:00Z", str(site / RECORD)
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.startswith(f"VERIFIED    {site / RECORD}: Learner record of Amara O.")
    assert "Python Foundations: verified; Data Analysis with Python: verified" in run.stdout


def test_the_javascript_verifier_accepts_the_record_and_the_endorsements(records_site: Build) -> None:
    node = shutil.which("node")
    assert node, "Node.js is required (scripts/bootstrap installs it)"
    site = records_site.site
    files = [
        str(site / RECORD),
        *(str(p) for p in sorted((site / "endorsements").rglob("*.json"))),
        *(str(p) for p in sorted((site / "credentials").glob("*.json"))),
    ]
    run = subprocess.run(
        [node, "js/tools/verify-site.mjs", str(site), "--now", "2026-11-29T00:00:00Z", *files],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    results = json.loads(run.stdout)
    statuses = sorted(r["status"] for r in results.values())
    assert statuses == ["revoked"] + ["verified"] * (len(files) - 1), results
    record = results[str(site / RECORD)]
    assert [c for c in record["checks"] if c.startswith("embedded-")] == [
        "embedded-1:pass",
        "embedded-2:pass",
    ]


def test_the_learner_page(records_site: Build) -> None:
    site = records_site.site
    html = (site / "learners" / LEARNER / "index.html").read_text(encoding="utf-8")
    assert '<h1><span class="bp-recipient">Amara O.</span></h1>' in html
    assert "Okafor" not in html
    for name in ("Python Foundations", "Data Analysis with Python"):
        assert name in html
    record = read(site, RECORD)
    for credential in record["credentialSubject"]["verifiableCredential"]:
        page = credential["id"].removeprefix(SITE).removesuffix(".json") + "/"
        assert f'href="../../{page}"' in html
    assert 'href="../../learners/amara-o.json"' in html
    assert (
        "verify/?credential=..%2Flearners%2Famara-o.json"  # relative: a preview checks its own copy
        in html
    )
    assert "Data pathway" in html and "2 of 2" in html
    assert '<span class="bp-record__result">Final grade: <strong>A</strong></span>' in html  # her result
    # linked from her credential pages, kept out of the navigation, the search index and the sitemap
    for credential in record["credentialSubject"]["verifiableCredential"]:
        page = (site / credential["id"].removeprefix(SITE).removesuffix(".json") / "index.html").read_text(
            encoding="utf-8"
        )
        assert 'href="../../learners/amara-o/"' in page
    assert "learners/" not in (site / "sitemap.xml").read_text(encoding="utf-8")
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert not [d for d in index["docs"] if d["location"].startswith("learners/")]
    assert "learners/" not in (site / "index.html").read_text(encoding="utf-8")


def test_records_are_deterministic(tmp_path: Path) -> None:
    root = copy_program(tmp_path / "program")
    config = read_config(root / "mkdocs.yml")
    signer = Signer(KeyPair.from_seed(bytes(range(32))), "key-2026", preview=False)
    first, second = (
        build_publication(load_program(config.root, config.settings), Urls(config.base_url), signer, NOW)
        for _ in range(2)
    )
    assert first.files[RECORD] == second.files[RECORD]
    preview = build_publication(
        load_program(config.root, config.settings),
        Urls(config.base_url),
        choose_signer(config.settings, None),
        NOW,
    )
    assert json.loads(preview.files[RECORD])["proof"][0]["verificationMethod"].endswith(
        "#preview-key-not-for-real-credentials"
    )
