"""Encrypting and decrypting a home in place, safely: build the converted copy beside it, verify it, then
swap with renames. The commit is one rename of the key file; an interrupt before it leaves the old home as
it was, and the next coach that opens the home undoes the copy; after it, that coach finishes the swap.
"""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

from coach.crypto import STAGING, CryptoError, header_path, is_encrypted, sealed
from coach.crypto import export as db_copy
from coach.crypto import header as hdr
from coach.crypto import recovery as rec
from coach.crypto.header import Header, Keys
from coach.drafts import DRAFTS
from coach.paths import DIR_MODE
from coach.store.db import DB_NAME

BACKUPS = "backups"
INDEX = "index"
KNOWLEDGE = "knowledge"
MODE_FILE = "mode"
STOP_ENV = "COACH_TEST_KILL_AT"
"""Tests name a step here and the process kills itself (SIGKILL) on reaching it."""


def step(name: str) -> None:
    if os.environ.get(STOP_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def _staging(home: Path, mode: str) -> Path:
    stage = home / STAGING
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir(mode=DIR_MODE)
    (stage / MODE_FILE).write_text(mode, encoding="utf-8")
    hdr.sync_dir(home)
    return stage


def encrypt_home(home: Path, passphrase: str, *, log_n: int | None = None) -> str:
    """Encrypt a plain home (with its lock held); returns the recovery key, to be shown once."""
    finish_interrupted(home)
    if is_encrypted(home):
        raise CryptoError(f"{home} is already encrypted")
    keys = Keys.new()
    recovery_key = rec.new_recovery_key()
    header = Header.create(passphrase, keys, rec.public_bytes(rec.parse(recovery_key)), log_n)
    stage = _staging(home, "encrypt")
    step("staging")
    db = home / DB_NAME
    if db.exists():
        db_copy.copy(db, None, stage / DB_NAME, keys)
        step("copied")
        db_copy.verify(db, None, stage / DB_NAME, keys)
    _convert_files(
        home,
        stage,
        lambda blob, name: sealed.seal(keys.files, blob, name),
        lambda p: _encrypt_backup(p, keys, header),
    )
    hdr.write(stage / hdr_name(), header)
    step("staged")
    os.replace(stage / hdr_name(), header_path(home))  # the commit
    hdr.sync_dir(home)
    step("committed")
    _roll_forward(home, stage)
    return recovery_key


def decrypt_home(home: Path, keys: Keys) -> None:
    """Decrypt an encrypted home (with its lock held and its keys unlocked)."""
    finish_interrupted(home)
    if not is_encrypted(home):
        raise CryptoError(f"{home} is not encrypted")
    stage = _staging(home, "decrypt")
    step("staging")
    db = home / DB_NAME
    if db.exists():
        db_copy.copy(db, keys, stage / DB_NAME, None)
        step("copied")
        db_copy.verify(db, keys, stage / DB_NAME, None)

    def plain(blob: bytes, name: bytes) -> bytes:
        return sealed.unseal(keys.files, blob, name) if sealed.is_sealed(blob) else blob

    _convert_files(home, stage, plain, lambda p: _decrypt_backup(p, keys))
    step("staged")
    os.replace(header_path(home), stage / hdr_name())  # the commit
    hdr.sync_dir(home)
    step("committed")
    _roll_forward(home, stage)


def hdr_name() -> str:
    return header_path(Path()).name


def _convert_files(home: Path, stage: Path, draft, backup) -> None:
    drafts = home / DRAFTS
    if drafts.is_dir():
        (stage / DRAFTS).mkdir(mode=DIR_MODE)
        for path in sorted(drafts.glob("*.txt")):
            sealed.write_bytes(stage / DRAFTS / path.name, draft(path.read_bytes(), path.name.encode()))
    notes = home / KNOWLEDGE
    for path in sorted(notes.rglob("*.md")) if notes.is_dir() else []:
        target = stage / path.relative_to(home)
        target.parent.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        sealed.write_bytes(target, draft(path.read_bytes(), b""))
    backups = home / BACKUPS
    if backups.is_dir():
        (stage / BACKUPS).mkdir(mode=DIR_MODE)
        for path in sorted(backups.glob("*.db")):
            backup(path)(stage / BACKUPS / path.name)


def _encrypt_backup(path: Path, keys: Keys, header: Header):
    def write(dest: Path) -> None:
        if path.read_bytes()[:16] != b"SQLite format 3\x00":
            shutil.copy2(path, dest)  # already encrypted, or not a database: left as it is
            return
        db_copy.copy(path, None, dest, keys)
        hdr.write(dest.with_name(dest.name + ".keys"), header)

    return write


def _decrypt_backup(path: Path, keys: Keys):
    def write(dest: Path) -> None:
        try:
            db_copy.copy(path, keys, dest, None)
        except CryptoError:  # under an older key (before a passphrase change): left as it is
            dest.unlink(missing_ok=True)
            shutil.copy2(path, dest)
            side = path.with_name(path.name + ".keys")
            if side.exists():
                shutil.copy2(side, dest.with_name(dest.name + ".keys"))

    return write


def _roll_forward(home: Path, stage: Path) -> None:
    """Move the converted files in (each a rename, so doing it again after an interrupt is harmless)."""
    staged_db = stage / DB_NAME
    if staged_db.exists():
        for suffix in ("-wal", "-shm", "-journal"):
            (home / f"{DB_NAME}{suffix}").unlink(missing_ok=True)
        os.replace(staged_db, home / DB_NAME)
        step("swapped")
    for folder in (DRAFTS, BACKUPS):
        staged = stage / folder
        if not staged.is_dir():
            continue
        target = home / folder
        target.mkdir(mode=DIR_MODE, exist_ok=True)
        for old in [*target.glob("*.keys"), *target.glob(".*.tmp")]:  # sidecars come staged; a killed
            old.unlink()  # save's temp file may hold text in clear
        for path in sorted(staged.iterdir()):
            os.replace(path, target / path.name)
    staged_notes = stage / KNOWLEDGE
    for path in sorted(staged_notes.rglob("*.md")) if staged_notes.is_dir() else []:
        target = home / path.relative_to(stage)
        target.parent.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        os.replace(path, target)
    # the index is derived: the old one held text in clear (or lacks it); it is rebuilt from the store
    if (home / INDEX).exists():
        shutil.rmtree(home / INDEX)
    shutil.rmtree(stage)
    hdr.sync_dir(home)


def finish_interrupted(home: Path) -> None:
    """Undo a conversion that had not committed, or finish one that had."""
    stage = home / STAGING
    if not stage.is_dir():
        return
    try:
        mode = (stage / MODE_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        mode = ""
    committed = (mode == "encrypt" and is_encrypted(home)) or (mode == "decrypt" and not is_encrypted(home))
    if committed:
        _roll_forward(home, stage)
    else:
        shutil.rmtree(stage)
        hdr.sync_dir(home)
