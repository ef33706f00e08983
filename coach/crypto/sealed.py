"""Small files sealed with the home's file key (AES-256-GCM, a random nonce), written atomically."""

from __future__ import annotations

import os
from pathlib import Path

from coach.paths import FILE_MODE

MAGIC = b"COACHSEAL1\n"
"""Sealed files start with this, so a reader tells them from a plain file written before encryption."""


def seal(key: bytes, data: bytes, aad: bytes = b"") -> bytes:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(12)
    return MAGIC + nonce + AESGCM(key).encrypt(nonce, data, aad)


def is_sealed(blob: bytes) -> bool:
    return blob.startswith(MAGIC)


def unseal(key: bytes, blob: bytes, aad: bytes = b"") -> bytes:
    """The plaintext; cryptography's InvalidTag when the key is wrong or the file was changed."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    body = blob[len(MAGIC) :]
    return AESGCM(key).decrypt(body[:12], body[12:], aad)


def write_bytes(path: Path, blob: bytes) -> None:
    """Temp file beside the target (never in the temp folder), fsync, rename: a kill leaves the old file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _home_of(path: Path) -> Path | None:
    for parent in path.parents:
        if (parent / "coach.keys").is_file():
            return parent
    return None


def read_text(path: Path) -> str:
    """A file of the home as text: sealed ones opened with their home's file key (UnicodeDecodeError,
    as for any unreadable text, when the key does not open it)."""
    blob = path.read_bytes()
    if not is_sealed(blob):
        return blob.decode("utf-8")
    home = _home_of(path)
    if home is None:
        raise UnicodeDecodeError("utf-8", blob[:1], 0, 1, "sealed, and no encrypted home around it")
    from cryptography.exceptions import InvalidTag

    from coach.crypto.keys import key_for

    try:
        return unseal(key_for(home).files, blob).decode("utf-8")
    except InvalidTag:
        raise UnicodeDecodeError("utf-8", blob[:1], 0, 1, "sealed with another key") from None


def write_text(home: Path, path: Path, text: str) -> None:
    """Write a file of the home: sealed in an encrypted home, else plain (0600), atomically either way."""
    if not (home / "coach.keys").is_file():
        from coach.paths import write_private

        write_private(path, text)
        return
    from coach.crypto.keys import key_for

    write_bytes(path, seal(key_for(home).files, text.encode("utf-8")))


def seal_plain_notes(home: Path, key: bytes) -> list[Path]:
    """Seal every note left in clear under <home>/knowledge (one the person dropped in); returns them."""
    sealed_now = []
    folder = home / "knowledge"
    if not folder.is_dir():
        return []
    for path in sorted(folder.rglob("*.md")):
        blob = path.read_bytes()
        if not is_sealed(blob):
            write_bytes(path, seal(key, blob))
            sealed_now.append(path)
    for tmp in folder.rglob(".*.tmp"):  # a killed write's leftover may hold text in clear
        tmp.unlink(missing_ok=True)
    return sealed_now
