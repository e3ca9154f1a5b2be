"""Secret keys as the ecosystem writes them: the 32-byte seed, or seed + public key (64 bytes)."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from badgepress.errors import KeyConfigError
from badgepress.sign.keys import KeyPair, decode_multibase, encode_multibase

from .conftest import REPO, add_key, badgepress, copy_program, mkdocs_build

SEED = bytes(range(32))
PREFIX = b"\x80\x26"


def digital_bazaar_secret(key: KeyPair) -> str:
    """``key``'s secret as Digital Bazaar's ed25519-multikey exports it: seed, then public key."""
    raw = decode_multibase(key.secret_key_multibase())
    public = decode_multibase(key.public_key_multibase)[2:]
    return encode_multibase(raw + public)


def test_a_64_byte_secret_is_the_same_key_as_its_seed() -> None:
    key = KeyPair.from_seed(SEED)
    long_form = digital_bazaar_secret(key)
    assert len(decode_multibase(long_form)) == 2 + 64
    same = KeyPair.from_secret_multibase(long_form)
    assert same.public_key_multibase == key.public_key_multibase
    assert same.sign(b"message") == key.sign(b"message")


def test_a_64_byte_secret_whose_public_half_does_not_match_is_refused() -> None:
    key, other = KeyPair.from_seed(SEED), KeyPair.generate()
    mixed = encode_multibase(
        decode_multibase(key.secret_key_multibase()) + decode_multibase(other.public_key_multibase)[2:]
    )
    with pytest.raises(KeyConfigError, match="not the public key") as caught:
        KeyPair.from_secret_multibase(mixed)
    assert mixed not in str(caught.value)


@pytest.mark.parametrize("length", [0, 16, 31, 33, 48, 63, 65, 96])
def test_other_lengths_are_refused(length: int) -> None:
    text = encode_multibase(PREFIX + bytes(length))
    with pytest.raises(KeyConfigError, match="malformed") as caught:
        KeyPair.from_secret_multibase(text)
    assert text not in str(caught.value)


def test_keygen_writes_the_32_byte_form() -> None:
    run = badgepress("keygen", "--id", "key-x")
    assert run.returncode == 0, run.stderr
    line = next(x for x in run.stdout.splitlines() if x.startswith("BADGEPRESS_SIGNING_KEY="))
    secret = line.split("=", 1)[1]
    assert len(decode_multibase(secret)) == 2 + 32
    KeyPair.from_secret_multibase(secret)


def test_a_build_signed_with_a_digital_bazaar_key_verifies_independently(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    node = shutil.which("node")
    assert node, "Node.js is required (scripts/bootstrap installs it)"
    key = KeyPair.generate()
    root = copy_program(tmp_path_factory.mktemp("db-key"))
    add_key(root, key)
    build = mkdocs_build(root, root / "site", None, {"BADGEPRESS_SIGNING_KEY": digital_bazaar_secret(key)})
    assert build.returncode == 0, build.output
    files = sorted(str(p) for p in (build.site / "credentials").glob("*.json"))
    run = subprocess.run(
        [node, "js/tools/verify-site.mjs", str(build.site), "--now", "2026-11-29T00:00:00Z", *files],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    statuses = sorted(r["status"] for r in json.loads(run.stdout).values())
    assert statuses == ["revoked"] + ["verified"] * (len(files) - 1), statuses
