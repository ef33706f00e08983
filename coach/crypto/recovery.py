"""The recovery key: 160 random bits shown once as grouped base32, and sealing to its public half.

The key file seals the data keys to the recovery key's X25519 public key, so a passphrase change can
seal new keys to it without anyone typing the recovery key.
"""

from __future__ import annotations

import base64
import os

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

RAW_BYTES = 20
GROUP = 4
INFO = b"coach recovery v1"


def new_recovery_key() -> str:
    """32 base32 letters and digits in groups of four: easy to write down, no 0/1/8/9 to confuse."""
    text = base64.b32encode(os.urandom(RAW_BYTES)).decode("ascii")
    return "-".join(text[i : i + GROUP] for i in range(0, len(text), GROUP))


def parse(text: str) -> bytes:
    """The recovery key's bytes from what was typed (case, spaces and dashes do not matter)."""
    clean = "".join(ch for ch in text.upper() if ch.isalnum())
    clean = clean.replace("0", "O").replace("1", "I").replace("8", "B")
    try:
        raw = base64.b32decode(clean)
    except ValueError:
        raw = b""
    if len(raw) != RAW_BYTES:
        raise ValueError("a recovery key is 32 letters and digits (groups of four, as it was shown)")
    return raw


def _hkdf(material: bytes, info: bytes, salt: bytes | None = None) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(material)


def private_key(raw: bytes) -> X25519PrivateKey:
    return X25519PrivateKey.from_private_bytes(_hkdf(raw, INFO))


def public_bytes(raw: bytes) -> bytes:
    return (
        private_key(raw).public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )


def seal(public: bytes, secret: bytes, aad: bytes) -> dict[str, str]:
    """Encrypt `secret` so only the recovery key opens it (ephemeral X25519, HKDF, AES-GCM)."""
    eph = X25519PrivateKey.generate()
    eph_pub = eph.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    shared = eph.exchange(X25519PublicKey.from_public_bytes(public))
    key = _hkdf(shared, INFO, salt=eph_pub + public)
    nonce = os.urandom(12)
    return {
        "ephemeral": eph_pub.hex(),
        "nonce": nonce.hex(),
        "ct": AESGCM(key).encrypt(nonce, secret, aad).hex(),
    }


def unseal(raw: bytes, sealed: dict[str, str], aad: bytes) -> bytes:
    """The sealed secret; cryptography's InvalidTag when this is not the recovery key."""
    priv = private_key(raw)
    public = priv.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    eph_pub = bytes.fromhex(sealed["ephemeral"])
    shared = priv.exchange(X25519PublicKey.from_public_bytes(eph_pub))
    key = _hkdf(shared, INFO, salt=eph_pub + public)
    return AESGCM(key).decrypt(bytes.fromhex(sealed["nonce"]), bytes.fromhex(sealed["ct"]), aad)
