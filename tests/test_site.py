"""Strict builds of the example program: standards profile, verification, determinism, secrets."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest

from badgepress.sign.keys import KeyPair
from badgepress.verify.credential import verify_credential
from badgepress.verify.results import site_fetcher

from .conftest import DATA, Build, add_key, badgepress, copy_program, mkdocs_build
from .test_proof import tampered_copies

pytestmark = pytest.mark.clock  # scripts/test runs these again a year ahead

VC2 = "https://www.w3.org/ns/credentials/v2"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_EXT = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
NOW = datetime(2026, 11, 29, tzinfo=UTC)


def credentials(site: Path) -> dict[Path, dict]:
    return {
        p: json.loads(p.read_text(encoding="utf-8")) for p in sorted((site / "credentials").glob("*.json"))
    }


def test_every_credential_follows_the_standards_profile(signed_site: Build) -> None:
    creds = credentials(signed_site.site)
    assert len(creds) == 16
    for path, doc in creds.items():
        assert doc["@context"] == [VC2, OB3, OB_EXT], path
        assert doc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
        assert doc["id"] == f"https://northfield-code.github.io/badges/credentials/{path.name}"
        assert doc["issuer"]["id"] == "did:web:northfield-code.github.io:badges"
        assert doc["name"] == doc["credentialSubject"]["achievement"]["name"]
        assert doc["validFrom"].endswith("Z")
        assert doc["credentialSubject"]["achievement"]["image"]["caption"]
        assert doc["credentialSchema"][0]["type"] == "1EdTechJsonSchemaValidator2019"
        (proof,) = doc["proof"]
        assert proof["type"] == "DataIntegrityProof"
        assert proof["cryptosuite"] == "eddsa-rdfc-2022"
        assert proof["proofPurpose"] == "assertionMethod"
        assert proof["verificationMethod"] == "did:web:northfield-code.github.io:badges#key-test"
        status = doc["credentialStatus"]
        assert status["type"] == "BitstringStatusListEntry"
        assert status["id"] == f"{status['statusListCredential']}#{status['statusListIndex']}"
        assert status["statusListCredential"].endswith(".json")
        assert path.read_bytes().decode("utf-8")  # exact UTF-8
    did = json.loads((signed_site.site / "did.json").read_text(encoding="utf-8"))
    assert did["id"] == "did:web:northfield-code.github.io:badges"
    assert "did:web:northfield-code.github.io:badges#key-test" in did["assertionMethod"]
    assert "did:web:northfield-code.github.io:badges#key-2026" in did["assertionMethod"]
    assert not any("preview" in m["id"] for m in did["verificationMethod"])


def test_every_credential_is_valid_against_the_1edtech_schema(signed_site: Build) -> None:
    schema = json.loads((DATA / "schemas" / "achievementcredential.json").read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    for path, doc in credentials(signed_site.site).items():
        errors = [e.message for e in validator.iter_errors(doc)]
        assert errors == [], path


def test_every_credential_verifies_from_the_site_folder(signed_site: Build) -> None:
    fetch = site_fetcher(signed_site.site)
    statuses = {
        p.name: verify_credential(doc, fetch, NOW).status for p, doc in credentials(signed_site.site).items()
    }
    assert set(statuses.values()) == {"verified"}, statuses
    later = datetime(2027, 10, 2, tzinfo=UTC)  # after the two awards that carry a validUntil
    expired = [
        p.name
        for p, doc in credentials(signed_site.site).items()
        if verify_credential(doc, fetch, later).status == "expired"
    ]
    assert len(expired) == 2  # Leo's one-year award and Chen's certificate


def test_badgepress_verify_command(signed_site: Build) -> None:
    files = [str(p) for p in credentials(signed_site.site)]
    site = ("--site", str(signed_site.site))
    run = badgepress("verify", *site, "--no-status", "--at", "2026-10-02T00:00:00Z", *files)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.count("VERIFIED") == 16  # signatures and dates; the status list is checked below
    assert "16 verified" in run.stdout
    run = badgepress("verify", *site, "--at", "2026-10-02T00:00:00Z", *files)
    assert run.returncode == 1
    assert "1 revoked, 15 verified" in run.stdout
    run = badgepress("verify", *site, "--no-status", "--at", "2027-10-02T00:00:00Z", *files)
    assert run.returncode == 1
    assert run.stdout.count("EXPIRED") == 2


def test_any_single_change_to_a_published_credential_fails(signed_site: Build) -> None:
    fetch = site_fetcher(signed_site.site)
    _path, doc = next(iter(credentials(signed_site.site).items()))
    assert verify_credential(doc, fetch, NOW).status == "verified"
    copies = tampered_copies(doc)
    assert len(copies) > 40
    for where, changed in copies:
        result = verify_credential(changed, fetch, NOW)
        assert result.status in {"invalid", "unreachable"}, where


def test_builds_are_deterministic(tmp_path: Path, signing_key: KeyPair, signed_site: Build) -> None:
    root = copy_program(tmp_path / "again")
    add_key(root, signing_key)
    again = mkdocs_build(root, root / "site", signing_key)
    assert again.returncode == 0, again.output
    first = {p.name: p.read_bytes() for p in (signed_site.site / "credentials").glob("*.json")}
    second = {p.name: p.read_bytes() for p in (again.site / "credentials").glob("*.json")}
    assert first == second
    for name in ("did.json", "issuer.json", "achievements/python-foundations.json"):
        assert (signed_site.site / name).read_bytes() == (again.site / name).read_bytes()


def test_no_key_material_in_site_or_log(signed_site: Build, signing_key: KeyPair) -> None:
    secret = signing_key.secret_key_multibase()
    seed = bytes(signing_key._signing_key)
    needles = [secret.encode(), secret[1:].encode(), seed, seed.hex().encode(), seed.hex().upper().encode()]
    for path in signed_site.site.rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            assert not any(n in content for n in needles), path
    assert not any(n.decode("latin-1") in signed_site.output for n in needles)


def test_preview_build_is_marked_and_refused_on_deploy(tmp_path: Path) -> None:
    root = copy_program(tmp_path / "program")
    build = mkdocs_build(root, root / "site")
    assert build.returncode == 0, build.output
    assert "preview build" in build.output
    assert "WARNING" not in build.output
    did = json.loads((build.site / "did.json").read_text(encoding="utf-8"))
    assert any(m["id"].endswith("#preview-key-not-for-real-credentials") for m in did["verificationMethod"])
    pages = list(build.site.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        assert 'class="bp-preview"' in page.read_text(encoding="utf-8"), page
    refused = mkdocs_build(root, tmp_path / "deploy", extra_env={"BADGEPRESS_REQUIRE_KEY": "1"})
    assert refused.returncode != 0
    assert "no signing key" in refused.output
    assert not (tmp_path / "deploy").exists()


def test_unpublished_key_is_refused_with_the_entry_to_add(tmp_path: Path) -> None:
    root = copy_program(tmp_path / "program")
    stranger = KeyPair.generate()
    build = mkdocs_build(root, root / "site", stranger)
    assert build.returncode != 0
    assert f"public_key: {stranger.public_key_multibase}" in build.output
    assert stranger.secret_key_multibase() not in build.output
    assert not (root / "site").exists()


@pytest.mark.parametrize("bad", ["not-a-key", "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHq"])
def test_malformed_key_never_echoed(tmp_path: Path, bad: str) -> None:
    root = copy_program(tmp_path / "program")
    build = mkdocs_build(root, root / "site", extra_env={"BADGEPRESS_SIGNING_KEY": bad})
    assert build.returncode != 0
    assert "malformed" in build.output
    assert bad not in build.output


def test_bad_input_fails_the_build_and_publishes_nothing(tmp_path: Path) -> None:
    root = copy_program(tmp_path / "program")
    award = root / "credentials" / "2026" / "hugo-git.yaml"
    award.write_text(
        award.read_text(encoding="utf-8").replace("issued: 2026-04-10", "issued: 2026-04-31"),
        encoding="utf-8",
    )
    build = mkdocs_build(root, root / "site")
    assert build.returncode != 0
    assert "credentials/2026/hugo-git.yaml:3: issued: is not a date" in build.output
    assert not (root / "site").exists()


def test_credential_pages_are_not_in_the_sitemap(signed_site: Build) -> None:
    sitemap = (signed_site.site / "sitemap.xml").read_text(encoding="utf-8")
    assert "/achievements/python-foundations/" in sitemap
    assert "/credentials/" not in sitemap
    assert len(list((signed_site.site / "credentials").glob("*/index.html"))) == 16


@pytest.mark.parametrize(
    ("start", "period", "end"),
    [
        ("2026-09-12", "2 years", "2028-09-12"),
        ("2024-02-29", "1 year", "2025-02-28"),
        ("2026-01-31", "1 month", "2026-02-28"),
        ("2026-11-15", "18 months", "2028-05-15"),
        ("2026-12-30", "2 weeks", "2027-01-13"),
        ("2026-03-01", "365 days", "2027-03-01"),
    ],
)
def test_validity_periods_are_calendar_periods(start: str, period: str, end: str) -> None:
    from badgepress.load.model import add_period

    begin = datetime.fromisoformat(start).replace(tzinfo=UTC)
    assert add_period(begin, period) == datetime.fromisoformat(end).replace(tzinfo=UTC)
