"""Copying a database between keys with sqlcipher_export: plain to encrypted, encrypted to plain, or to a
backup; and what a copy must match to be trusted."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import sqlcipher3

from coach.crypto import CryptoError
from coach.crypto.header import Keys
from coach.paths import FILE_MODE


def _key_sql(keys: Keys | None) -> str:
    return keys.sqlcipher() if keys is not None else "''"


def open_db(path: Path, keys: Keys | None, *, readonly: bool = True) -> Any:
    conn: Any = sqlcipher3.connect(
        f"file:{path}?mode={'ro' if readonly else 'rwc'}", uri=True, isolation_level=None
    )
    conn.execute("PRAGMA cipher_log_level = NONE")
    if keys is not None:
        from coach.crypto.memory import wipe_freed_memory

        wipe_freed_memory()  # as coach.store.db.connect does, before the first page is decrypted
        conn.execute(f"PRAGMA key = {keys.sqlcipher()}")
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("PRAGMA busy_timeout = 5000")
    return conn


def copy(source: Path, source_keys: Keys | None, dest: Path, dest_keys: Keys | None) -> None:
    """Write `dest` (which must not exist) as a copy of `source` under `dest_keys` (None: plain)."""
    os.close(os.open(dest, os.O_CREAT | os.O_WRONLY | os.O_EXCL, FILE_MODE))
    conn = open_db(source, source_keys)
    try:
        conn.execute(f"ATTACH DATABASE ? AS target KEY {_key_sql(dest_keys)}", (str(dest),))
        conn.execute("BEGIN")  # one read snapshot, however busy a writer is
        version = int(conn.execute("PRAGMA main.user_version").fetchone()[0])
        conn.execute("SELECT sqlcipher_export('target')")
        conn.execute(f"PRAGMA target.user_version = {version}")
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE target")
    except sqlcipher3.Error as exc:
        raise CryptoError(f"cannot copy {source}: {exc}") from exc
    finally:
        conn.close()
    fd = os.open(dest, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def counts(path: Path, keys: Keys | None) -> dict[str, int]:
    """Rows in every table, and the integrity check's verdict under the key '(integrity)'."""
    conn = open_db(path, keys)
    try:
        names = [
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            if not str(r[0]).startswith("sqlite_")
        ]
        found = {n: int(conn.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0]) for n in names}
        found["(user_version)"] = int(conn.execute("PRAGMA user_version").fetchone()[0])
        found["(integrity)"] = int(conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok")
    except sqlcipher3.Error as exc:
        raise CryptoError(f"the copy {path} cannot be read back: {exc}") from exc
    finally:
        conn.close()
    return found


def verify(source: Path, source_keys: Keys | None, dest: Path, dest_keys: Keys | None) -> None:
    """The copy opens with its key, passes the integrity check and has as many rows in every table."""
    before, after = counts(source, source_keys), counts(dest, dest_keys)
    if after.get("(integrity)") != 1 or before != after:
        differ = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
        raise CryptoError(
            f"the converted copy does not match the original ({', '.join(differ)}); nothing changed"
        )
