"""`badgepress verify` on built sites: status by default, revocation notices, preview keys."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from badgepress.sign.keys import PREVIEW_KEY_ID, KeyPair
from badgepress.verify.credential import revocation_notice_url, verify_credential
from badgepress.verify.results import site_fetcher

from .conftest import DATA, Build, add_key, badgepress, copy_program, mkdocs_build

AT = ("--at", "2026-11-29T00:00:00Z")
REASON = "Awarded by mistake to the wrong learner; reissued to the right one."


def _revoked(site: Path) -> Path:
    (notice,) = site.glob("credentials/*/revocation.json")
    return site / "credentials" / f"{notice.parent.name}.json"


def test_the_revocation_notice_is_published_beside_the_revoked_credential(signed_site: Build) -> None:
    path = _revoked(signed_site.site)
    credential = json.loads(path.read_text(encoding="utf-8"))
    notice = json.loads((path.with_suffix("") / "revocation.json").read_text(encoding="utf-8"))
    assert notice == {"credential": credential["id"], "revoked": "2026-07-02T00:00:00Z", "reason": REASON}


def test_a_revoked_credential_fails_without_any_flag(signed_site: Build) -> None:
    site = signed_site.site
    files = sorted(str(p) for p in (site / "credentials").glob("*.json"))
    run = badgepress("verify", "--site", str(site), *AT, *files)
    assert run.returncode == 1, run.stdout
    (line,) = [x for x in run.stdout.splitlines() if x.startswith("REVOKED")]
    assert str(_revoked(site)) in line
    assert f"revoked by its issuer on 2 July 2026: {REASON}" in line
    assert run.stdout.strip().endswith(f"1 revoked, {len(files) - 1} verified")


def test_no_status_skips_the_status_list_and_says_so(signed_site: Build) -> None:
    path = str(_revoked(signed_site.site))
    run = badgepress("verify", "--site", str(signed_site.site), "--no-status", *AT, path)
    assert run.returncode == 0, run.stdout
    assert run.stdout.startswith("VERIFIED")
    assert "note: status not checked (--no-status)" in run.stdout
    # the flag of the time when status was checked only on request is still accepted
    legacy = badgepress("verify", "--site", str(signed_site.site), "--check-status", *AT, path)
    assert legacy.returncode == 1 and legacy.stdout.startswith("REVOKED"), legacy.stdout


def test_preview_credentials_are_marked(tmp_path: Path) -> None:
    root = copy_program(tmp_path / "program")
    build = mkdocs_build(root, root / "site")
    assert build.returncode == 0, build.output
    files = sorted(p for p in (build.site / "credentials").glob("*.json") if p != _revoked(build.site))
    run = badgepress("verify", "--site", str(build.site), *AT, *map(str, files))
    assert run.returncode == 0, run.stdout
    assert run.stdout.count("note: signed with a preview key: not a real credential") == len(files)


def test_a_key_named_like_the_preview_key_is_refused(tmp_path: Path) -> None:
    root = copy_program(tmp_path / "program")
    key = KeyPair.generate()
    add_key(root, key, PREVIEW_KEY_ID)
    build = mkdocs_build(root, root / "site", key)
    assert build.returncode != 0
    assert f"named '{PREVIEW_KEY_ID}'" in build.output
    assert not (root / "site").exists()


def test_a_keyed_build_never_publishes_the_preview_key(signed_site: Build) -> None:
    for path in signed_site.site.rglob("*.json"):
        assert PREVIEW_KEY_ID not in path.read_text(encoding="utf-8"), path


def test_a_private_reason_stays_out_of_the_notice(tmp_path: Path) -> None:
    root = copy_program(tmp_path / "program")
    award = root / "credentials" / "2026" / "gita-accessibility.yaml"
    text = award.read_text(encoding="utf-8")
    assert f"    reason: {REASON}\n" in text
    award.write_text(text.replace(f"    reason: {REASON}\n", f"    reason: {REASON}\n    public: false\n"))
    key = KeyPair.generate()
    add_key(root, key)
    build = mkdocs_build(root, root / "site", key)
    assert build.returncode == 0, build.output
    path = _revoked(build.site)
    notice = json.loads((path.with_suffix("") / "revocation.json").read_text(encoding="utf-8"))
    assert notice == {"credential": notice["credential"], "revoked": "2026-07-02T00:00:00Z"}
    documents = [p for p in build.site.rglob("*.json") if p.parts[-2:] != ("search", "search_index.json")]
    assert all(REASON not in p.read_text(encoding="utf-8") for p in documents)  # (the guide quotes it)
    run = badgepress("verify", "--site", str(build.site), *AT, str(path))
    assert run.returncode == 1
    assert run.stdout.startswith("REVOKED") and "revoked by its issuer on 2 July 2026\n" in run.stdout


def test_a_notice_decides_nothing_but_the_words() -> None:
    """Only the signed status list says revoked; a notice naming another credential is ignored."""
    corpus = DATA / "corpus"
    now = datetime(2026, 11, 29, tzinfo=UTC)
    site = site_fetcher(corpus / "site")
    revoked = json.loads((corpus / "credentials" / "revoked.json").read_text(encoding="utf-8"))
    valid = json.loads((corpus / "credentials" / "valid.json").read_text(encoding="utf-8"))
    notice_url = revocation_notice_url(revoked["id"])
    assert notice_url == revoked["id"].removesuffix(".json") + "/revocation.json"

    def stray(url: str) -> object:
        if url == notice_url:
            return {"credential": valid["id"], "revoked": "2026-10-03T00:00:00Z", "reason": "not this one"}
        return site(url)

    result = verify_credential(revoked, stray, now, check_status=True)
    assert result.status == "revoked" and result.summary == "revoked by its issuer (no reason published)"

    def forged(url: str) -> object:
        if url == revocation_notice_url(valid["id"]):
            return {"credential": valid["id"], "revoked": "2026-10-03T00:00:00Z", "reason": "forged"}
        return site(url)

    assert verify_credential(valid, forged, now, check_status=True).status == "verified"
    assert revocation_notice_url("urn:uuid:0f5c") is None


def test_the_sites_provenance_file_verifies_and_an_edit_to_it_does_not(
    signed_site: Build, tmp_path: Path
) -> None:
    """`badgepress verify` checks provenance.json as the page does: one eddsa-jcs-2022 proof by the issuer."""
    site = signed_site.site
    provenance = site / "provenance.json"
    run = badgepress("verify", "--site", str(site), str(provenance))
    assert run.returncode == 0, run.stdout + run.stderr
    document = json.loads(provenance.read_text(encoding="utf-8"))
    count = len(document["credentialSubject"]["credentials"])
    assert run.stdout.startswith(
        f"VERIFIED    {provenance}: Issuance provenance — provenance of {count} credential"
    )
    assert "(eddsa-jcs-2022)" in run.stdout and run.stdout.strip().endswith("1 verified")

    # text from the file reaches the terminal with its control characters escaped
    edited = tmp_path / "provenance.json"
    edited.write_text(json.dumps({**document, "name": "Provenance\x1b[2J\x1b]0;owned\x07"}), encoding="utf-8")
    run = badgepress("verify", "--site", str(site), str(edited))
    assert run.returncode == 1 and run.stdout.startswith("INVALID"), run.stdout
    assert "\x1b" not in run.stdout and "\x07" not in run.stdout
    assert "Provenance\\x1b[2J\\x1b]0;owned\\x07" in run.stdout

    # one credential left out (this copy is no git repository: the entries name no commit)
    assert count > 1
    del document["credentialSubject"]["credentials"][0]
    edited.write_text(json.dumps(document), encoding="utf-8")
    run = badgepress("verify", "--site", str(site), str(edited))
    assert run.returncode == 1 and run.stdout.startswith("INVALID"), run.stdout
    assert "the signature does not match the document" in run.stdout

    # signed by another key: that key is not the issuer's
    other = KeyPair.generate()
    from badgepress.sign.proof import sign_document_jcs

    unsigned = {k: v for k, v in json.loads(provenance.read_text(encoding="utf-8")).items() if k != "proof"}
    method = document["proof"][0]["verificationMethod"].replace("#", "#x-")
    forged = sign_document_jcs(unsigned, other, method, unsigned["validFrom"])
    edited.write_text(json.dumps(forged), encoding="utf-8")
    run = badgepress("verify", "--site", str(site), str(edited))
    assert run.returncode == 1 and run.stdout.startswith("INVALID"), run.stdout
    assert "is not in the issuer's DID document" in run.stdout
