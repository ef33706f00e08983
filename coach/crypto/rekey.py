"""Changing the passphrase: a new store key (PRAGMA rekey) wrapped by the new passphrase and sealed to the
same recovery key. Crash-safe: the new key file waits beside the old one until the re-key has committed."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from coach.crypto import PENDING_NAME, CryptoError, header_path, sealed
from coach.crypto import header as hdr
from coach.crypto.convert import step
from coach.crypto.header import Header, Keys
from coach.crypto.keys import remember_in_process
from coach.paths import FILE_MODE

AAD = b"coach pending rekey"


def change(home: Path, conn: Any, keys: Keys, new_passphrase: str) -> Keys:
    """Re-key the open store `conn` (its home's lock held); returns the new keys, now the home's."""
    head = hdr.read(header_path(home))
    new = Keys(os.urandom(hdr.KEY_BYTES), keys.files)
    new_head = head.rewrap(new_passphrase, new)
    pending = {"header": new_head.dumps(), "db": sealed.seal(keys.files, new.db, AAD).hex()}
    _write(home / PENDING_NAME, json.dumps(pending))
    step("rekey-pending")
    conn.execute(f"PRAGMA rekey = {new.sqlcipher()}")
    step("rekeyed")
    _commit(home, new_head)
    remember_in_process(home, new)
    return new


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    hdr.sync_dir(path.parent)


def _commit(home: Path, new_head: Header) -> None:
    hdr.write(header_path(home), new_head)
    (home / PENDING_NAME).unlink(missing_ok=True)
    hdr.sync_dir(home)


def finish(home: Path, keys: Keys, opens: Any) -> Keys:
    """After an interrupted change: the keys that open the store now (`opens(keys)` says whether they
    do), with the key file made to match."""
    pending_path = home / PENDING_NAME
    if opens(keys):
        pending_path.unlink(missing_ok=True)  # the re-key never committed: the old passphrase stands
        return keys
    try:
        pending = json.loads(pending_path.read_text(encoding="utf-8"))
        new_db = sealed.unseal(keys.files, bytes.fromhex(pending["db"]), AAD)
        new_head = Header.loads(pending["header"], pending_path)
    except Exception as exc:
        raise CryptoError(
            f"the store does not open with this home's key, and {pending_path} cannot finish "
            f"the passphrase change it records ({type(exc).__name__}); nothing was changed"
        ) from None
    new = Keys(new_db, keys.files)
    if not opens(new):
        raise CryptoError("the store opens with neither the old nor the new key; nothing was changed")
    _commit(home, new_head)
    remember_in_process(home, new)
    return new
