"""Endorsements: made with `badgepress endorse`, checked at build time, embedded, published, verified."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jsonschema
import pytest
from click.testing import CliRunner

from badgepress.build.documents import to_json
from badgepress.build.endorsements import build_endorsement, endorser_profile, sign_endorsement
from badgepress.build.pipeline import Publication, Signer, build_publication, choose_signer
from badgepress.build.urls import Urls
from badgepress.cli.endorse import endorse
from badgepress.errors import InputError
from badgepress.load.endorsements import load_received
from badgepress.load.program import load_program
from badgepress.load.settings import read_config
from badgepress.sign.keys import KeyPair, did_key
from badgepress.sign.proof import sign_document
from badgepress.verify.credential import verify_credential
from badgepress.verify.results import site_fetcher

from .conftest import DATA, REPO, Build, badgepress, mkdocs_build
from .records_support import (
    DID,
    ENDORSED,
    GIVEN,
    NOW,
    OB3,
    SITE,
    VC2,
    build_records_site,
    copy_program_with_endorsements,
    credentials,
    read,
)

pytestmark = pytest.mark.clock  # scripts/test runs these again a year ahead

RIVERSIDE = "riverside-software-guild-python-foundations.json"


@pytest.fixture(scope="session")
def records_site(tmp_path_factory: pytest.TempPathFactory, signing_key: KeyPair) -> Build:
    return build_records_site(tmp_path_factory, signing_key)


def schema_validator(name: str) -> Any:
    schema = json.loads((DATA / "schemas" / name).read_text(encoding="utf-8"))
    return jsonschema.validators.validator_for(schema)(schema)


def publish(root: Path, signer: Signer | None = None) -> Publication:
    config = read_config(root / "mkdocs.yml")
    program = load_program(config.root, config.settings)
    signer = signer or choose_signer(config.settings, None)
    return build_publication(program, Urls(config.base_url), signer, NOW)


def problems_of(root: Path) -> str:
    with pytest.raises(InputError) as caught:
        publish(root)
    return str(caught.value)


def received(root: Path, name: str = RIVERSIDE) -> dict[str, Any]:
    return json.loads((root / "endorsements" / name).read_text(encoding="utf-8"))


def write(path: Path, doc: dict[str, Any]) -> None:
    path.write_bytes(to_json(doc))


@pytest.fixture
def program(tmp_path: Path) -> Path:
    return copy_program_with_endorsements(tmp_path / "program")


# ---------------------------------------------------------------- the example, built


def test_received_endorsements_are_embedded_in_achievements_and_credentials(records_site: Build) -> None:
    site = records_site.site
    for file, (endorser, slug) in ENDORSED.items():
        original = json.loads((REPO / "endorsements" / file).read_text(encoding="utf-8"))
        assert original["issuer"]["name"] == endorser
        assert original["issuer"]["id"].startswith("did:key:z6Mk")
        assert original["credentialSubject"]["id"] == f"{SITE}achievements/{slug}.json"
        achievement = read(site, f"achievements/{slug}.json")
        assert achievement["endorsement"] == [original]
        assert read(site, f"endorsements/received/{file}") == original
        holders = [
            c
            for c in credentials(site).values()
            if c["credentialSubject"]["achievement"]["id"] == achievement["id"]
        ]
        assert holders
        for credential in holders:
            assert credential["credentialSubject"]["achievement"]["endorsement"] == [original]
    others = [
        c for c in credentials(site).values() if "endorsement" not in c["credentialSubject"]["achievement"]
    ]
    assert len(others) == 16 - 6 - 2  # all but Python Foundations' and the certificate's
    assert "endorsement" not in read(site, "issuer.json")  # nobody endorses the issuer in the example


def test_every_credential_and_endorsement_is_valid_against_the_1edtech_schemas(records_site: Build) -> None:
    site = records_site.site
    achievement_schema = schema_validator("achievementcredential.json")
    for name, doc in credentials(site).items():
        assert [e.message for e in achievement_schema.iter_errors(doc)] == [], name
    endorsement_schema = schema_validator("endorsementcredential.json")
    endorsements = sorted((site / "endorsements").rglob("*.json"))
    assert len(endorsements) == 3
    for path in endorsements:
        doc = json.loads(path.read_text(encoding="utf-8"))
        assert doc["@context"] == [VC2, OB3]
        assert doc["type"] == ["VerifiableCredential", "EndorsementCredential"]
        assert [e.message for e in endorsement_schema.iter_errors(doc)] == [], path


def test_every_endorsement_and_credential_verifies(records_site: Build) -> None:
    site = records_site.site
    fetch = site_fetcher(site)
    for file, (endorser, slug) in ENDORSED.items():
        result = verify_credential(read(site, f"endorsements/received/{file}"), fetch, NOW)
        assert result.status == "verified", result.checks
        assert f"{endorser} endorses {SITE}achievements/{slug}.json" in result.summary
    for name, doc in credentials(site).items():
        assert verify_credential(doc, fetch, NOW).status == "verified", name


def test_the_given_endorsement_is_signed_by_the_program(records_site: Build, signing_key: KeyPair) -> None:
    site = records_site.site
    doc = read(site, f"endorsements/{GIVEN}.json")
    spec = (REPO / "endorsements" / "given" / f"{GIVEN}.yaml").read_text(encoding="utf-8")
    assert doc["id"] == f"{SITE}endorsements/{GIVEN}.json"
    assert doc["issuer"] == read(site, "credentials/" + next(iter(credentials(site))) + ".json")["issuer"]
    assert doc["issuer"]["id"] == DID
    assert (
        doc["name"]
        == "Northfield Code School endorses Community Data Steward, a badge of the Open Data Collective"
    )
    assert doc["validFrom"] == "2026-10-22T00:00:00Z"
    subject = doc["credentialSubject"]
    assert subject["id"] in spec and subject["type"] == ["EndorsementSubject"]
    assert subject["endorsementComment"].startswith("Several of our learners earned this badge")
    (proof,) = doc["proof"]
    assert proof["verificationMethod"] == f"{DID}#key-test"
    assert proof["created"] == doc["validFrom"]
    result = verify_credential(doc, site_fetcher(site), NOW)
    assert result.status == "verified", result.checks
    assert "Northfield Code School endorses https://opendata-collective.example.org/" in result.summary
    issuer_page = (site / "issuer" / "index.html").read_text(encoding="utf-8")
    assert "Endorsements we give" in issuer_page
    assert "Community Data Steward, a badge of the Open Data Collective" in issuer_page
    assert f"../endorsements/{GIVEN}.json" in issuer_page


def test_the_achievement_page_shows_who_endorses_it_and_what_they_said(records_site: Build) -> None:
    html = (records_site.site / "achievements" / "python-foundations" / "index.html").read_text(
        encoding="utf-8"
    )
    assert '<h2 id="endorsements">Endorsements' in html
    assert "Endorsed by <a" in html and "Riverside Software Guild</a>" in html
    assert "Our members have hired several graduates of this course." in html
    assert 'href="https://riverside-guild.example.org/" rel="nofollow noopener"' in html
    assert '<time datetime="2026-10-05">5 October 2026</time>' in html
    endorsement_path = f"../endorsements/received/{RIVERSIDE}"  # from verify/, relative
    assert f'href="../../verify/?credential={quote(endorsement_path, safe="")}"' in html
    other = (records_site.site / "achievements" / "git-collaboration" / "index.html").read_text(
        encoding="utf-8"
    )
    assert 'id="endorsements"' not in other


def test_badgepress_verify_reports_the_endorser(records_site: Build) -> None:
    site = records_site.site
    files = [str(p) for p in sorted((site / "endorsements").rglob("*.json"))]
    run = badgepress("verify", "--site", str(site), "--at", "2026-11-29T00:00:00Z", *files)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.count("VERIFIED") == 3
    assert "Riverside Software Guild endorses" in run.stdout
    assert "Open Data Collective endorses" in run.stdout
    assert "3 verified" in run.stdout


# ---------------------------------------------------------------- refused at build time


def test_a_tampered_endorsement_is_refused_naming_the_file(program: Path) -> None:
    doc = received(program)
    comment = doc["credentialSubject"]["endorsementComment"]
    doc["credentialSubject"]["endorsementComment"] = comment.replace("hired", "hires", 1)
    assert (
        sum(a != b for a, b in zip(comment, doc["credentialSubject"]["endorsementComment"], strict=True)) == 1
    )
    write(program / "endorsements" / RIVERSIDE, doc)
    message = problems_of(program)
    assert f"endorsements/{RIVERSIDE}: proof: the endorsement does not verify" in message
    assert "changed after signing" in message
    assert "open-data-collective" not in message  # the good one is not blamed


def test_a_tampered_endorsement_fails_the_build_and_publishes_nothing(program: Path) -> None:
    doc = received(program)
    doc["credentialSubject"]["endorsementComment"] += "!"
    write(program / "endorsements" / RIVERSIDE, doc)
    build = mkdocs_build(program, program / "site")
    assert build.returncode != 0
    assert f"endorsements/{RIVERSIDE}: proof: the endorsement does not verify" in build.output
    assert not (program / "site").exists()


def test_a_forged_endorsement_is_refused(program: Path) -> None:
    """Signed by another key than the did:key it names as its issuer."""
    genuine = received(program)
    unsigned = {k: v for k, v in genuine.items() if k != "proof"}
    issuer = genuine["issuer"]["id"]
    forger = KeyPair.generate()
    # the issuer's own verification method, the forger's signature
    write(
        program / "endorsements" / RIVERSIDE,
        sign_document(unsigned, forger, f"{issuer}#{issuer.removeprefix('did:key:')}", unsigned["validFrom"]),
    )
    assert "signature does not match" in problems_of(program)
    # the forger's own did:key as the verification method, the issuer's name kept
    forged_method = f"{did_key(forger.public_key_multibase)}#{forger.public_key_multibase}"
    write(
        program / "endorsements" / RIVERSIDE,
        sign_document(unsigned, forger, forged_method, unsigned["validFrom"]),
    )
    message = problems_of(program)
    assert f"endorsements/{RIVERSIDE}: proof:" in message
    assert f"belongs to {did_key(forger.public_key_multibase)}, not to the issuer {issuer}" in message


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda d: d.pop("proof"), "the credential has no proof"),
        (
            lambda d: d.update(type=["VerifiableCredential", "OpenBadgeCredential"]),
            "is not an EndorsementCredential",
        ),
        (lambda d: d.update({"@context": [VC2]}), "must start with"),
        (lambda d: d["credentialSubject"].update(secret="x"), "no JSON-LD context defines 'secret'"),
        (lambda d: d["issuer"].update(id="did:example:123"), "is not a did:key or did:web endorser"),
    ],
)
def test_malformed_endorsements_are_refused(program: Path, edit: Any, expected: str) -> None:
    doc = received(program)
    edit(doc)
    write(program / "endorsements" / RIVERSIDE, doc)
    message = problems_of(program)
    assert f"endorsements/{RIVERSIDE}" in message and expected in message


def test_an_endorsement_of_something_else_is_refused(program: Path) -> None:
    key = KeyPair.generate()
    elsewhere = "https://other.example.org/achievements/python-foundations.json"
    doc = build_endorsement(elsewhere, "Good.", endorser_profile("x", "Someone"), NOW)
    write(program / "endorsements" / "someone.json", sign_endorsement(doc, key))
    message = problems_of(program)
    assert "endorsements/someone.json: credentialSubject.id:" in message
    assert "is not an achievement of this program, nor its issuer" in message


def test_all_bad_endorsements_are_reported_at_once(program: Path) -> None:
    for name in ENDORSED:
        doc = received(program, name)
        doc["name"] += "."
        write(program / "endorsements" / name, doc)
    (program / "endorsements" / "Bad Name.json").write_text("{}", encoding="utf-8")
    (program / "endorsements" / "broken.json").write_text("{", encoding="utf-8")
    message = problems_of(program)
    assert message.startswith("4 problems in the badge program")
    for name in (*ENDORSED, "Bad Name.json", "broken.json"):
        assert f"endorsements/{name}" in message


def test_an_endorsement_of_the_issuer_goes_into_its_profile_only(program: Path) -> None:
    key = KeyPair.generate()
    doc = build_endorsement(DID, "A well-run program.", endorser_profile("x", "City Library"), NOW)
    write(program / "endorsements" / "city-library.json", sign_endorsement(doc, key))
    pub = publish(program)
    profile = json.loads(pub.files["issuer.json"])
    (embedded,) = profile["endorsement"]
    assert embedded["issuer"]["name"] == "City Library"
    credential = next(iter(pub.credentials.values()))
    assert "endorsement" not in credential["issuer"]  # not copied into every credential
    assert [e.endorser for e in pub.endorsements[DID]] == ["City Library"]


def test_a_did_web_endorser_commits_its_did_document_beside_the_endorsement(program: Path) -> None:
    key = KeyPair.generate()
    did = "did:web:guild.example.org"
    did_document = {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [
            {
                "id": f"{did}#key-1",
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": key.public_key_multibase,
            }
        ],
        "assertionMethod": [f"{did}#key-1"],
    }
    subject = f"{SITE}achievements/git-collaboration.json"
    doc = sign_endorsement(
        build_endorsement(subject, "Solid.", endorser_profile(did, "Guild"), NOW), key, did, "key-1"
    )
    write(program / "endorsements" / "guild.json", doc)
    message = problems_of(program)
    assert (
        "endorsements/guild.json: issuer: the DID document of did:web:guild.example.org is missing" in message
    )
    assert "guild.did.json" in message
    write(program / "endorsements" / "guild.did.json", did_document)
    pub = publish(program)
    assert [e.endorser for e in pub.endorsements[subject]] == ["Guild"]
    other = copy.deepcopy(did_document)
    other["verificationMethod"][0]["publicKeyMultibase"] = KeyPair.generate().public_key_multibase
    write(program / "endorsements" / "guild.did.json", other)
    assert "endorsements/guild.json: proof: the endorsement does not verify" in problems_of(program)


def test_load_received_without_a_folder() -> None:
    assert load_received(Path("/nonexistent"), "endorsements") == ([], [])


# ---------------------------------------------------------------- given endorsements


def test_given_endorsements_are_validated_with_lines(program: Path) -> None:
    path = program / "endorsements" / "given" / GIVEN
    text = path.with_suffix(".yaml").read_text(encoding="utf-8")
    edited = text.replace("issued: 2026-10-22", "isued: 2026-10-22")
    path.with_suffix(".yaml").write_text(edited, encoding="utf-8")
    lines = edited.splitlines()
    typo = next(n for n, line in enumerate(lines, 1) if line.startswith("isued:"))
    first = next(n for n, line in enumerate(lines, 1) if line and not line.startswith("#"))
    message = problems_of(program)
    assert (
        f"endorsements/given/{GIVEN}.yaml:{typo}: isued: is not a known field (did you mean 'issued'?)"
        in message
    )
    assert f"endorsements/given/{GIVEN}.yaml:{first}: issued: is required" in message


def test_a_program_does_not_endorse_itself(program: Path) -> None:
    (program / "endorsements" / "given" / "self.yaml").write_text(
        f"subject: {SITE}achievements/git-collaboration.json\nsubject_name: Ours\n"
        "issued: 2026-10-01\ncomment: We like it.\n",
        encoding="utf-8",
    )
    assert "endorsements/given/self.yaml: subject: is this program's own" in problems_of(program)
    # reported with the other endorsements' problems, at once
    elsewhere = "https://other.example.org/achievements/x.json"
    doc = build_endorsement(elsewhere, "Good.", endorser_profile("x", "Someone"), NOW)
    write(program / "endorsements" / "someone.json", sign_endorsement(doc, KeyPair.generate()))
    message = problems_of(program)
    assert message.startswith("2 problems")
    assert "self.yaml" in message and "someone.json" in message


# ---------------------------------------------------------------- badgepress endorse


@pytest.fixture
def endorser_key() -> KeyPair:
    return KeyPair.generate()


def run_endorse(args: list[str], key: KeyPair, cwd: Path, stdin: str | None = None, **env: str) -> Any:
    """`badgepress endorse ARGS` run in ``cwd``, with the endorser's key in its environment variable."""
    environment = {"BADGEPRESS_ENDORSER_KEY": key.secret_key_multibase(), **env}
    old = Path.cwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(endorse, args, input=stdin, env=environment, catch_exceptions=False)
    finally:
        os.chdir(old)


def test_endorse_in_a_program_folder_writes_a_file_the_build_accepts(
    program: Path, endorser_key: KeyPair
) -> None:
    args = ["web-accessibility", "--name", "Access Alliance", "--url", "https://access.example.org/",
            "--date", "2026-11-02", "--comment", "Careful, **practical** audits."]  # fmt: skip
    result = run_endorse(args, endorser_key, program)
    assert result.exit_code == 0, result.output
    path = program / "endorsements" / "access-alliance-web-accessibility.json"
    assert "wrote" in result.output and "access-alliance-web-accessibility.json" in result.output
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["issuer"] == {
        "id": did_key(endorser_key.public_key_multibase),
        "type": ["Profile"],
        "name": "Access Alliance",
        "url": "https://access.example.org/",
    }
    assert doc["credentialSubject"]["id"] == f"{SITE}achievements/web-accessibility.json"
    assert doc["validFrom"] == doc["proof"][0]["created"] == "2026-11-02T00:00:00Z"
    assert endorser_key.secret_key_multibase() not in result.output + path.read_text(encoding="utf-8")
    pub = publish(program)
    (item,) = pub.endorsements[doc["credentialSubject"]["id"]]
    assert item.endorser == "Access Alliance" and item.comment == "Careful, **practical** audits."
    # the same endorsement again is the same file; an existing file is not overwritten by accident
    again = run_endorse(args, endorser_key, program)
    assert again.exit_code != 0 and "exists" in again.output
    forced = run_endorse([*args, "--force"], endorser_key, program)
    assert forced.exit_code == 0
    assert json.loads(path.read_text(encoding="utf-8")) == doc


def test_endorse_by_id_anywhere(tmp_path: Path, endorser_key: KeyPair) -> None:
    subject = f"{SITE}achievements/python-foundations.json"
    out = tmp_path / "mine.json"
    args = [subject, "--name", "Guild", "--comment", "-", "-o", str(out)]
    result = run_endorse(args, endorser_key, tmp_path, stdin="")
    assert result.exit_code != 0 and "the comment is empty" in result.output
    result = run_endorse(args, endorser_key, tmp_path, stdin="Read from standard input.\n")
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["credentialSubject"]["endorsementComment"] == "Read from standard input."
    assert verify_credential(doc, lambda url: None, NOW).status == "verified"


OTHER_DID_KEY = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
KEY_ENV = "BADGEPRESS_ENDORSER_KEY"


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        (["python-foundations"], {KEY_ENV: ""}, f"set the environment variable {KEY_ENV}"),
        (["python-foundations"], {KEY_ENV: "z123"}, f"{KEY_ENV}: the signing key is malformed"),
        (["python-foundation"], {}, "no achievement named 'python-foundation'"),
        (
            [f"{SITE}achievements/python-foundations/"],
            {},
            f"endorse the achievement's id, {SITE}achievements/python-foundations.json",
        ),
        (["python-foundations", "--did", "did:web:x.example"], {}, "needs your DID document"),
        (["python-foundations", "--did", OTHER_DID_KEY], {}, "is not the did:key of this key"),
        (["python-foundations", "--key-id", "k"], {}, "--key-id and --did-document go with --did did:web"),
        (["python-foundations", "--date", "tomorrow"], {}, "'tomorrow' is not a date"),
    ],
)
def test_endorse_explains_what_is_wrong(
    program: Path, endorser_key: KeyPair, args: list[str], env: dict[str, str], expected: str
) -> None:
    result = run_endorse([*args, "--name", "Guild", "--comment", "Good."], endorser_key, program, **env)
    assert result.exit_code != 0
    assert expected in " ".join(result.output.split()), result.output
    assert not list((program / "endorsements").glob("guild-*.json"))


def test_endorse_as_a_did_web_copies_the_did_document_beside(program: Path, endorser_key: KeyPair) -> None:
    did = "did:web:guild.example.org"
    did_json = program.parent / "did.json"
    method = {"id": f"{did}#key-7", "type": "Multikey", "controller": did}
    write(
        did_json,
        {
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": did,
            "verificationMethod": [{**method, "publicKeyMultibase": endorser_key.public_key_multibase}],
            "assertionMethod": [f"{did}#key-7"],
        },
    )
    args = [
        "git-collaboration",
        "--name",
        "Guild",
        "--comment",
        "Good.",
        "--did",
        did,
        "--did-document",
        str(did_json),
    ]
    wrong = run_endorse([*args, "--key-id", "key-1"], endorser_key, program)
    assert wrong.exit_code != 0 and "would not verify" in wrong.output and "key-1" in wrong.output
    result = run_endorse([*args, "--key-id", "key-7"], endorser_key, program)
    assert result.exit_code == 0, result.output
    folder = program / "endorsements"
    assert (folder / "guild-git-collaboration.did.json").read_bytes() == did_json.read_bytes()
    doc = json.loads((folder / "guild-git-collaboration.json").read_text(encoding="utf-8"))
    assert doc["issuer"]["id"] == did and doc["proof"][0]["verificationMethod"] == f"{did}#key-7"
    (item,) = publish(program).endorsements[f"{SITE}achievements/git-collaboration.json"]
    assert item.endorser_id == did


def test_endorse_is_a_badgepress_command_once_registered() -> None:
    """`badgepress endorse --help` works standalone now, and through `badgepress` once cli.py adds it."""
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            "from badgepress.cli.endorse import endorse; endorse(prog_name='badgepress endorse')",
            "--help",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert "Usage: badgepress endorse [OPTIONS] SUBJECT" in run.stdout
    assert "BADGEPRESS_ENDORSER_KEY" in run.stdout
    from badgepress.cli.main import main

    if "endorse" in main.commands:
        assert main.commands["endorse"] is endorse


def test_endorsements_are_deterministic(program: Path) -> None:
    signer = Signer(KeyPair.from_seed(bytes(range(32))), "key-2026", preview=False)
    first, second = publish(program, signer), publish(program, signer)
    paths = [f"endorsements/received/{name}" for name in ENDORSED] + [f"endorsements/{GIVEN}.json"]
    for path in paths:
        assert first.files[path] == second.files[path], path
    for name in ENDORSED:
        assert json.loads(first.files[f"endorsements/received/{name}"]) == received(program, name)


def test_a_credential_page_shows_what_its_badge_stands_for(records_site: Build) -> None:
    """Skills with their framework links, credits and the badge's endorsements, where an employer looks."""
    site = records_site.site
    record = read_json(site / "learners" / "amara-o.json")
    pages = {}
    for credential in record["credentialSubject"]["verifiableCredential"]:
        path = credential["id"].removeprefix(SITE).removesuffix(".json")
        pages[credential["name"]] = (site / path / "index.html").read_text(encoding="utf-8")
    python = pages["Python Foundations"]
    assert '<h2 id="skills">Skills and standards</h2>' in python
    assert (
        '<a href="http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d" rel="noopener">'
        in python
    )
    assert "<dt>Credits</dt><dd>3</dd>" in python
    assert '<h2 id="endorsements">Endorsements of this badge</h2>' in python
    assert "Our members have hired several graduates of this course." in python
    assert "Riverside Software Guild</a>" in python
    assert "Open Data Collective" in pages["Data Analysis with Python"]
    assert "Riverside Software Guild" not in pages["Data Analysis with Python"]


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))
