"""Credentials signed by other implementations (tests/data/third-party/): expected outcomes, offline."""

from __future__ import annotations

import base64
import copy
import json
import shutil
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from badgepress.verify.credential import verify_credential
from badgepress.verify.results import Unreachable

from .conftest import REPO, badgepress

DATA = Path(__file__).parent / "data" / "third-party"
MANIFEST = json.loads((DATA / "manifest.json").read_text("utf-8"))
CLOCK = datetime.fromisoformat(MANIFEST["clock"].replace("Z", "+00:00"))
ENTRIES = MANIFEST["credentials"]


def fetch(url: str) -> Any:
    file = MANIFEST["routes"].get(url)
    if file is None:
        raise Unreachable(f"could not fetch {url}: not served")
    return json.loads((DATA / file).read_text("utf-8"))


def load(entry: dict[str, Any]) -> Any:
    text = (DATA / entry["file"]).read_text("utf-8")
    return text.strip() if entry["file"].endswith(".jwt") else json.loads(text)


def tampered(entry: dict[str, Any]) -> Any:
    """The credential, or the VC-JWT's credential, with one character of its name (2.0: recipient) changed."""
    if not entry["file"].endswith(".jwt"):
        document = copy.deepcopy(load(entry))
        if "recipient" in document:  # Open Badges 2.0
            document["recipient"]["identity"] = document["recipient"]["identity"][:-1] + "0"
        else:
            document["name"] = f"{document.get('name', '')}!"
        return document
    header, payload, signature = load(entry).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    credential = claims.get("vc", claims)
    credential["name"] += "!"
    changed = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"{header}.{changed}.{signature}"


# the words a distinct outcome is reported with
REASONS = {
    "not-yet-valid": "not valid yet",
    "suspended": "suspended",
    "revoked": "revoked",
    "expired": "expired",
}


def outcome(entry: dict[str, Any]) -> str:
    """The outcome `badgepress verify` gives: the page's status, told apart by its reason."""
    return str(entry.get("reason", entry["expect"]))


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["file"] for e in ENTRIES])
def test_expected_outcome(entry: dict[str, Any]) -> None:
    result = verify_credential(load(entry), fetch, CLOCK, check_status=True)
    assert result.status == outcome(entry), result.checks
    if "reason" in entry:
        assert REASONS[entry["reason"]] in result.summary


VERIFIED = [e for e in ENTRIES if e["expect"] == "verified"]


@pytest.mark.parametrize("entry", VERIFIED, ids=[e["file"] for e in VERIFIED])
def test_tampered_copy_is_invalid(entry: dict[str, Any]) -> None:
    result = verify_credential(tampered(entry), fetch, CLOCK, check_status=True)
    assert result.status == "invalid"
    assert "does not match" in result.summary or "differs from the one the issuer hosts" in result.summary


def test_proof_set_every_proof_must_hold() -> None:
    entry = next(e for e in ENTRIES if e["file"].endswith("v2DoubleSigWithValidStatus.json"))
    document = load(entry)
    result = verify_credential(document, fetch, CLOCK)
    assert "eddsa-rdfc-2022: verified; Ed25519Signature2020: verified" in result.checks[1].detail
    broken = copy.deepcopy(document)
    broken["proof"][1]["proofValue"] = broken["proof"][0]["proofValue"]
    summary = verify_credential(broken, fetch, CLOCK).summary
    assert "proof 2 of 2 (Ed25519Signature2020): the signature does not match" in summary
    # VC Data Integrity: a proof set holds only when every proof does, so one in
    # a suite this verifier cannot check fails it (as on the page)
    extra = copy.deepcopy(document)
    extra["proof"].append({"type": "BbsBlsSignature2020", "proofPurpose": "assertionMethod"})
    result = verify_credential(extra, fetch, CLOCK)
    assert result.status == "invalid"
    assert "proof 3 of 3: unsupported proof BbsBlsSignature2020" in result.summary


def lay_out_site(site: Path) -> Path:
    """The routes as a site folder (both site resolvers match a URL's longest path suffix)."""
    for url, file in MANIFEST["routes"].items():
        target = site / urlsplit(url).path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(DATA / file, target)
    return site


def test_page_verifier_tool_gives_the_same_outcomes(tmp_path: Path) -> None:
    """js/tools/verify-site.mjs: the page's verifier under Node, on the same site folder."""
    node = shutil.which("node")
    assert node, "Node.js is required (scripts/bootstrap installs it)"
    site = lay_out_site(tmp_path / "site")
    files = [str(DATA / e["file"]) for e in ENTRIES]
    run = subprocess.run(
        [node, "js/tools/verify-site.mjs", str(site), "--now", MANIFEST["clock"], *files],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    got = {Path(f).name: r["status"] for f, r in json.loads(run.stdout).items()}
    assert got == {Path(e["file"]).name: e["expect"] for e in ENTRIES}


def test_command_line_gives_the_same_outcomes(tmp_path: Path) -> None:
    """`badgepress verify --site` with the routes laid out as a site folder."""
    site = lay_out_site(tmp_path / "site")
    files = [str(DATA / e["file"]) for e in ENTRIES]
    run = badgepress("verify", "--site", str(site), "--at", MANIFEST["clock"], *files)
    lines = {line.split()[1].rstrip(":"): line.split()[0] for line in run.stdout.splitlines()[:-1]}
    assert {Path(f).name: s.lower() for f, s in lines.items()} == {
        Path(e["file"]).name: outcome(e) for e in ENTRIES
    }, run.stdout


def test_baked_vc_jwt(tmp_path: Path) -> None:
    """A VC-JWT baked into a PNG and an SVG verifies like the JWT itself."""
    from badgepress.build.baking import bake_png, bake_svg
    from badgepress.verify.credential import load_credential_file

    entry = next(e for e in ENTRIES if e["file"].endswith("jwt-es256-did-web-vc2.jwt"))
    artwork = REPO / "achievements"
    png = next(artwork.glob("*.png"))
    baked = {
        "badge.png": bake_png(png.read_bytes(), load(entry)),
        "badge.svg": bake_svg('<svg xmlns="http://www.w3.org/2000/svg"/>', load(entry)),
    }
    for name, data in baked.items():
        (tmp_path / name).write_bytes(data)
        document = load_credential_file(tmp_path / name)
        assert verify_credential(document, fetch, CLOCK, check_status=True).status == "verified", name


def test_did_web_key_as_a_jwk() -> None:
    """An Ed25519 key published as publicKeyJwk serves as well as publicKeyMultibase."""
    from badgepress.sign.keys import decode_public_key

    did = "did:web:digitalcredentials.github.io:dcc-did-web-bad"
    multibase = "z6MknNQD1WHLGGraFi6zcbGevuAgkVfdyCdtZnQTGWVVvR5Q"
    x = base64.urlsafe_b64encode(decode_public_key(multibase)).decode().rstrip("=")
    document = {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/jwk/v1"],
        "id": did,
        "verificationMethod": [
            {
                "id": f"{did}#{multibase}",
                "type": "JsonWebKey",
                "controller": did,
                "publicKeyJwk": {"kty": "OKP", "crv": "Ed25519", "x": x},
            }
        ],
        "assertionMethod": [f"{did}#{multibase}"],
    }
    served = {"https://digitalcredentials.github.io/dcc-did-web-bad/did.json": document}
    entry = next(e for e in ENTRIES if e["file"].endswith("v2WithBadDidWeb.json"))
    result = verify_credential(load(entry), lambda url: served[url] if url in served else fetch(url), CLOCK)
    assert result.status == "verified", result.checks


def test_baked_open_badges_2_png(tmp_path: Path) -> None:
    """A 2.0 PNG baked with its hosted URL (an `openbadges` iTXt chunk) verifies through the chain."""
    import struct
    import zlib

    png = next((REPO / "achievements").glob("*.png")).read_bytes()
    url = b"https://example.org/beths-robotics-badge.json"
    data = b"openbadges\0\0\0\0\0" + url
    chunk = struct.pack(">I", len(data)) + b"iTXt" + data + struct.pack(">I", zlib.crc32(b"iTXt" + data))
    end = png.rindex(b"IEND") - 4
    (tmp_path / "ob2.png").write_bytes(png[:end] + chunk + png[end:])
    from badgepress.verify.credential import load_credential_file

    document = load_credential_file(tmp_path / "ob2.png")
    assert document == url.decode()
    assert verify_credential(document, fetch, CLOCK, check_status=True).status == "verified"


def _b64url(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


EDDSA = _b64url({"alg": "EdDSA"})
VC1_PAYLOAD = _b64url({"vc": {"@context": ["https://www.w3.org/2018/credentials/v1"]}})


@pytest.mark.parametrize(
    ("jwt", "reason"),
    [
        (f"{_b64url({'alg': 'none'})}.{VC1_PAYLOAD}.c2ln", "not an Open Badges 3.0 credential"),
        (f"{_b64url({'alg': 'EdDSA'})}.{_b64url({'nothing': 1})}.c2ln", "carries no credential"),
        (f"{EDDSA}.{_b64url({'iss': 'did:key:a', 'vc': {'issuer': 'did:key:b'}})}.c2ln", "iss is not"),
        (f"{_b64url({'alg': 'EdDSA'})}.bm90IGpzb24.c2ln", "payload is not a base64url JSON object"),
    ],
)
def test_malformed_vc_jwt_is_invalid(jwt: str, reason: str) -> None:
    result = verify_credential(jwt, fetch, CLOCK)
    assert result.status == "invalid"
    assert reason in result.summary


@pytest.mark.parametrize(
    "svg",
    [
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">'
        '<openbadges:assertion verify="https://example.org/beths-robotics-badge.json"/></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">'
        "<openbadges:assertion><![CDATA[{ASSERTION}]]></openbadges:assertion></svg>",
    ],
    ids=["verify-url", "content"],
)
def test_baked_open_badges_2_svg(tmp_path: Path, svg: str) -> None:
    from badgepress.verify.credential import load_credential_file

    assertion = (DATA / "ob2/beths-robotics-badge.json").read_text("utf-8")
    (tmp_path / "ob2.svg").write_text(svg.replace("{ASSERTION}", assertion), encoding="utf-8")
    document = load_credential_file(tmp_path / "ob2.svg")
    assert verify_credential(document, fetch, CLOCK, check_status=True).status == "verified"


def test_baked_open_badges_2_svg_refuses_entities(tmp_path: Path) -> None:
    from badgepress.errors import BadgepressError
    from badgepress.verify.credential import load_credential_file

    svg = '<!DOCTYPE svg [<!ENTITY a "x">]><svg xmlns="http://www.w3.org/2000/svg"/>'
    (tmp_path / "bad.svg").write_text(svg, encoding="utf-8")
    with pytest.raises(BadgepressError, match="DOCTYPE"):
        load_credential_file(tmp_path / "bad.svg")
