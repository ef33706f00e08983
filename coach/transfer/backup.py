"""Consistent copies of the store of record (SQLite's backup API), and restoring one into an empty home."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from coach.crypto import is_encrypted
from coach.errors import CoachError, InputError, StoreError
from coach.paths import DIR_MODE, FILE_MODE
from coach.store import Store
from coach.store.db import DB_NAME, DatabaseError, migrations

if TYPE_CHECKING:
    from coach.crypto.header import Keys

BACKUPS = "backups"
SQLITE_MAGIC = b"SQLite format 3\x00"
KEYS_SUFFIX = ".keys"
RECORD_TABLES = ("profiles", "goals", "commitments", "sessions", "meetings")


@dataclass
class BackupResult:
    path: Path
    size: int
    schema_version: int


def default_path(home: Path) -> Path:
    folder = home / BACKUPS
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = folder / f"coach-{stamp}.db"
    n = 1
    while path.exists():
        path, n = folder / f"coach-{stamp}-{n}.db", n + 1
    return path


def _open_ro(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
    conn.execute("PRAGMA busy_timeout = 5000")
    return conn


def integrity(conn: sqlite3.Connection) -> str | None:
    """None when PRAGMA integrity_check says ok, else its first complaint, on one line."""
    rows = conn.execute("PRAGMA integrity_check").fetchall()
    if rows and rows[0][0] == "ok":
        return None
    # SQLite may put every complaint in one row, a line each, under a "*** in database main ***" header
    lines = [ln.strip() for r in rows for ln in str(r[0]).splitlines() if ln.strip()]
    problems = [ln for ln in lines if not ln.startswith("***")] or lines or ["no answer"]
    others = len(problems) - 1  # integrity_check stops at 100 complaints
    more = "" if not others else f"; {others} more" if others < 99 else "; 99 or more others"
    return f"{problems[0]}{more}"


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def backup(home: Path, dest: Path | None = None) -> BackupResult:
    """Copy coach.db in one read transaction, without the data home's lock, so the app may keep writing.

    An encrypted home's backup is encrypted with the store's key, and the key file is copied beside it
    (<backup>.keys), so the passphrase of the day or the recovery key opens it later."""
    source = home / DB_NAME
    if not source.is_file():
        raise InputError(f"there is nothing to back up: no database at {source}")
    if dest is None:
        dest = default_path(home)
        dest.parent.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    elif dest.is_dir():
        raise InputError(f"{dest} is a folder; give the path of the backup file to write")
    elif dest.exists():
        raise InputError(f"{dest} already exists; choose another path or remove it first")
    elif not dest.parent.is_dir():
        raise InputError(f"the folder {dest.parent} does not exist")
    if is_encrypted(home):
        return _encrypted_backup(home, dest)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    try:
        os.close(os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, FILE_MODE))
        src = _open_ro(source)
        out = sqlite3.connect(tmp, isolation_level=None)
        try:
            src.backup(out)  # pages=-1: every page in one step, one snapshot however busy the writer is
            out.execute("PRAGMA journal_mode = DELETE")  # a single self-contained file
            problem = integrity(out)
            version = int(out.execute("PRAGMA user_version").fetchone()[0])
        finally:
            out.close()
            src.close()
        if problem:
            raise StoreError(f"the copy failed its integrity check ({problem}); nothing was written")
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, dest)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot back up {source}: {exc}") from exc
    finally:
        if tmp.exists():
            tmp.unlink()
    return BackupResult(path=dest, size=dest.stat().st_size, schema_version=version)


def _encrypted_backup(home: Path, dest: Path) -> BackupResult:
    from coach.crypto import export, header_path
    from coach.crypto import header as hdr
    from coach.crypto.keys import key_for

    keys = key_for(home)
    head = hdr.read(header_path(home))
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    try:
        export.copy(home / DB_NAME, keys, tmp, keys)
        counts = export.counts(tmp, keys)
        if counts.get("(integrity)") != 1:
            raise StoreError("the copy failed its integrity check; nothing was written")
        hdr.write(dest.with_name(dest.name + KEYS_SUFFIX), head)
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return BackupResult(path=dest, size=dest.stat().st_size, schema_version=counts["(user_version)"])


def record_counts(conn: sqlite3.Connection) -> dict[str, int]:
    return {t: int(conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]) for t in RECORD_TABLES}


def sidecar(path: Path) -> Path:
    return path.with_name(path.name + KEYS_SUFFIX)


def backup_keys(path: Path, home: Path | None) -> Keys | None:
    """The keys of an encrypted backup: the home's own when they open it, else its key file's, opened by
    the passphrase of the day it was written (COACH_PASSPHRASE_FILE or a prompt) or the recovery key."""
    from coach.crypto import header as hdr
    from coach.crypto.keys import passphrase_from_file, prompt, unlocked, wrong_pause

    if not sidecar(path).is_file():
        return None
    candidates = [unlocked(home)] if home is not None else []
    for keys in candidates:
        if keys is not None and _opens(path, keys):
            return keys
    head = hdr.read(sidecar(path))
    given = passphrase_from_file()
    try:
        keys = head.open(given if given is not None else prompt(f"Passphrase of the backup {path.name}: "))
    except CoachError:
        wrong_pause()
        raise
    if not _opens(path, keys):
        raise InputError(f"{path} does not open with the keys of {sidecar(path)}")
    return keys


def _opens(path: Path, keys: Keys) -> bool:
    from coach.crypto import export

    try:
        export.counts(path, keys)
    except CoachError:
        return False
    return True


def _check_encrypted(path: Path, home: Path | None) -> int:
    """Without a home: only that the key file beside it reads. With one: the whole check, keys opened."""
    from coach.crypto import export
    from coach.crypto import header as hdr

    hdr.read(sidecar(path))
    if home is None:
        return migrations()[-1].version
    keys = backup_keys(path, home)
    counts = export.counts(path, keys)
    if not set(RECORD_TABLES) <= counts.keys():
        raise InputError(f"{path} is an encrypted database but not a coach backup (no coach tables)")
    if counts.get("(integrity)") != 1:
        raise InputError(f"{path} is not a usable backup: it failed its integrity check")
    version = counts["(user_version)"]
    if version > migrations()[-1].version:
        raise InputError(f"{path} is from a newer coach (schema {version})")
    return version


def check_backup(path: Path, home: Path | None = None) -> int:
    """Refuse anything but a sound coach database this version can read; returns its schema version."""
    if not path.is_file():
        raise InputError(f"no such file: {path}")
    with path.open("rb") as fh:
        if fh.read(16) != SQLITE_MAGIC:
            if sidecar(path).is_file():
                return _check_encrypted(path, home)
            raise InputError(f"{path} is not a coach backup (not an SQLite database)")
    try:
        conn = _open_ro(path)
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not set(RECORD_TABLES) <= tables:
                raise InputError(f"{path} is an SQLite database but not a coach backup (no coach tables)")
            problem = integrity(conn)
            if problem:
                raise InputError(
                    f"{path} is not a usable backup: database disk image is malformed ({problem})"
                )
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise InputError(f"{path} is not a usable backup: {_one_line(exc)}") from None
    latest = migrations()[-1].version
    if version > latest:
        raise InputError(f"{path} is from a newer coach (schema {version}; this one knows {latest})")
    return version


def _restore_keyed(store: Store, path: Path) -> None:
    """Through a copy under the store's own key (in the home, never the temp folder): SQLite's backup
    copies pages, so source and target must share a key."""
    from coach.crypto import export
    from coach.crypto.keys import unlocked

    keys = unlocked(store.home) if store.encrypted else None
    tmp = store.home / f".restore-{os.getpid()}.db"
    tmp.unlink(missing_ok=True)
    try:
        export.copy(path, backup_keys(path, store.home), tmp, keys)
        src = export.open_db(tmp, keys) if keys is not None else _open_ro(tmp)
        try:
            with store.db._mutex:
                src.backup(store.db.conn)
        finally:
            src.close()
    except DatabaseError as exc:
        raise StoreError(f"cannot restore {path}: {exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)


def ensure_empty(store: Store) -> None:
    counts = record_counts(store.db.conn)
    if any(counts.values()):
        held = ", ".join(f"{n} {t}" for t, n in counts.items() if n)
        raise InputError(
            f"the data home {store.home} is not empty ({held}); restore only into an empty data home: "
            "set COACH_HOME to a new folder and run the restore again"
        )


def restore(store: Store, path: Path) -> dict[str, int]:
    """Copy a checked backup over the (empty) store, migrate it, verify it; the index is rebuilt after."""
    check_backup(path, store.home)
    ensure_empty(store)
    if store.encrypted or sidecar(path).is_file():
        _restore_keyed(store, path)
    else:
        src = _open_ro(path)
        try:
            with store.db._mutex:
                src.backup(store.db.conn)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot restore {path}: {exc}") from exc
        finally:
            src.close()
    store.db.migrate()
    problem = integrity(store.db.conn)
    if problem:
        raise StoreError(f"the restored database failed its integrity check ({problem})")
    with store.db.tx() as conn:
        # a restored home is a new home: its own id (names its collections on a Chroma server)
        conn.execute("UPDATE store_meta SET value = lower(hex(randomblob(8))) WHERE key = 'home_id'")
        conn.execute("DELETE FROM feed_cursors")
    return record_counts(store.db.conn)
