"""Encryption at rest: the key file, the passphrase and the recovery key, sealed files, converting a home.

Nothing here is imported on a plain home's start-up path but `is_encrypted` (a stat of one file).
"""

from __future__ import annotations

from pathlib import Path

from coach.errors import CoachError

STAGING = ".coach-convert"
"""Where `coach encrypt` and `coach decrypt` build the converted home before swapping it in."""
PENDING_NAME = "coach.keys.next"
"""A passphrase change in progress: the new key file, and the new store key sealed with the file key."""
HEADER_NAME = "coach.keys"
"""The key file in an encrypted home: the data keys wrapped by the passphrase and sealed to the recovery
key, and the KDF's salt and parameters. No secret is readable from it without one of the two."""


class CryptoError(CoachError):
    """Encryption could not be set up, opened or changed; nothing was overwritten."""


class WrongPassphrase(CryptoError):
    """The passphrase (or recovery key) does not open this home."""


class DamagedHeader(CryptoError):
    """The key file cannot be read: it is left as it is."""


class LockedHome(CryptoError):
    """The home is encrypted and no passphrase was given."""


def header_path(home: Path) -> Path:
    return home / HEADER_NAME


def is_encrypted(home: Path) -> bool:
    """True when the home has a key file (an encrypted home, or one being finished by a convert)."""
    return header_path(home).is_file()
