"""Ed25519 keys and their multibase encodings (W3C Multikey).

``publicKeyMultibase`` is ``z`` + base58btc(0xed 0x01 + 32-byte key) and
``secretKeyMultibase`` is ``z`` + base58btc(0x80 0x26 + 32-byte seed), as in
the Controlled Identifiers and vc-di-eddsa specifications. A secret of 64
bytes (the seed, then the public key: what Digital Bazaar's
``ed25519-multikey`` writes) is read too, once its public half is checked. Key objects never
put secret bytes in their ``repr`` and error messages never quote a key.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import base58
from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from badgepress.errors import KeyConfigError

ENV_VAR = "BADGEPRESS_SIGNING_KEY"
# The key id of preview builds' throwaway key; verifiers mark what it signs as not real.
PREVIEW_KEY_ID = "preview-key-not-for-real-credentials"
_PUBLIC_PREFIX = b"\xed\x01"
_SECRET_PREFIX = b"\x80\x26"


def encode_multibase(data: bytes) -> str:
    return "z" + base58.b58encode(data).decode("ascii")


def decode_multibase(text: str) -> bytes:
    if not isinstance(text, str) or not text.startswith("z"):
        raise ValueError("not a base58btc multibase value (it must start with 'z')")
    try:
        return base58.b58decode(text[1:])
    except ValueError:
        raise ValueError("not valid base58btc") from None


def encode_public_key(raw: bytes) -> str:
    return encode_multibase(_PUBLIC_PREFIX + raw)


def decode_public_key(multibase: str) -> bytes:
    """The 32 key bytes of an Ed25519 ``publicKeyMultibase``; ValueError if it is not one."""
    raw = decode_multibase(multibase)
    if len(raw) != 34 or raw[:2] != _PUBLIC_PREFIX:
        raise ValueError("not an Ed25519 Multikey (expected 'z6Mk…', 0xed01 + 32 bytes)")
    return raw[2:]


@dataclass(frozen=True)
class KeyPair:
    """A signing key. ``repr`` shows only the public half."""

    _signing_key: SigningKey = field(repr=False)

    @property
    def public_key_multibase(self) -> str:
        return encode_public_key(bytes(self._signing_key.verify_key))

    def sign(self, message: bytes) -> bytes:
        return self._signing_key.sign(message).signature

    def secret_key_multibase(self) -> str:
        """The secret as text, for ``badgepress keygen`` to show once. Never log it."""
        return encode_multibase(_SECRET_PREFIX + bytes(self._signing_key))

    @classmethod
    def generate(cls) -> KeyPair:
        return cls(SigningKey.generate())

    @classmethod
    def from_seed(cls, seed: bytes) -> KeyPair:
        return cls(SigningKey(seed))

    @classmethod
    def from_secret_multibase(cls, text: str) -> KeyPair:
        """Parse a ``secretKeyMultibase``; the error never repeats the input."""
        try:
            raw = decode_multibase(text.strip())
        except ValueError as err:
            raise KeyConfigError(f"the signing key is malformed: {err}") from None
        if len(raw) not in (34, 66) or raw[:2] != _SECRET_PREFIX:
            raise KeyConfigError(
                "the signing key is malformed: expected an Ed25519 secretKeyMultibase "
                "('z' + base58btc(0x8026 + 32-byte seed, optionally followed by the 32-byte "
                "public key)); make one with `badgepress keygen`"
            )
        signing_key = SigningKey(raw[2:34])
        if len(raw) == 66 and raw[34:] != bytes(signing_key.verify_key):
            raise KeyConfigError(
                "the signing key is malformed: its last 32 bytes are not the public key of its "
                "first 32 (the seed); export the key again"
            )
        return cls(signing_key)

    def __repr__(self) -> str:
        return f"KeyPair(public={self.public_key_multibase})"


def key_from_environment(environ: os._Environ[str] | dict[str, str] | None = None) -> KeyPair | None:
    """The signing key from ``BADGEPRESS_SIGNING_KEY``, or None when it is unset or empty."""
    env = os.environ if environ is None else environ
    value = env.get(ENV_VAR, "").strip()
    return KeyPair.from_secret_multibase(value) if value else None


def verify_signature(public_key: bytes, message: bytes, signature: bytes) -> bool:
    try:
        VerifyKey(public_key).verify(message, signature)
    except (BadSignatureError, ValueError):
        return False
    return True


def did_key(public_key_multibase: str) -> str:
    return f"did:key:{public_key_multibase}"


def resolve_did_key(did_url: str) -> dict:
    """The DID document of a ``did:key`` (Ed25519 only), computed locally."""
    did = did_url.split("#", 1)[0]
    multibase = did.removeprefix("did:key:")
    decode_public_key(multibase)
    vm_id = f"{did}#{multibase}"
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [
            {"id": vm_id, "type": "Multikey", "controller": did, "publicKeyMultibase": multibase}
        ],
        "assertionMethod": [vm_id],
        "authentication": [vm_id],
    }
