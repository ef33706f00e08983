"""What the CLI and the app both do to an encrypted home: create one, set a new passphrase, remember it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from coach.crypto import header_path

if TYPE_CHECKING:
    from coach.crypto.header import Header

MIN_LENGTH = 8
RECOVERY_NOTE = (
    "Write this recovery key down and keep it somewhere apart from this computer. It is shown only now.\n"
    "With it you can open this data home and set a new passphrase if you forget yours "
    "(coach unlock --recovery, or ctrl+r on the app's unlock screen).\nIf both the passphrase and the "
    "recovery key are lost, nobody can read this data home again: not you, not us."
)


def encrypt_new(home: Path, passphrase: str) -> str:
    """Encrypt the home (new or plain) under its lock and open it once; returns the recovery key."""
    from coach.crypto.convert import encrypt_home
    from coach.crypto.keys import open_with
    from coach.lock import HomeLock
    from coach.paths import ensure_home
    from coach.store import Store

    ensure_home(home)
    lock = HomeLock(home)
    lock.acquire()
    try:
        recovery_key = encrypt_home(home, passphrase)
    finally:
        lock.release()
    open_with(home, passphrase)
    Store.open(home).close()  # creates or opens the encrypted store: the key is proven now
    return recovery_key


def set_passphrase(home: Path, new: str) -> None:
    """Re-key the store under a new passphrase (the keys unlocked in this process already)."""
    from coach.crypto import keyring_store, rekey
    from coach.crypto.keys import unlocked
    from coach.store import Store

    with Store.open(home) as store:
        keys = unlocked(home)
        assert keys is not None
        rekey.change(home, store.db.conn, keys, new)
    if _head(home).remembered:
        keyring_store.delete(home)
        set_remembered(home, False)


def remember(home: Path, passphrase: str) -> None:
    """Keep the passphrase in the system keyring (CryptoError saying why when there is none)."""
    from coach.crypto import keyring_store

    keyring_store.set(home, passphrase)
    set_remembered(home, True)


def set_remembered(home: Path, on: bool) -> None:
    from coach.crypto import header as hdr

    hdr.write(header_path(home), replace(_head(home), remembered=on))


def _head(home: Path) -> Header:
    from coach.crypto import header as hdr

    return hdr.read(header_path(home))
