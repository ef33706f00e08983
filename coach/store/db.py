"""The SQLite connection: pragmas, one transaction per write, numbered migrations."""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlcipher3

from coach.errors import StoreError
from coach.paths import private_file

if TYPE_CHECKING:
    from coach.crypto.header import Keys

DB_NAME = "coach.db"
DatabaseError: tuple[type[Exception], ...] = (sqlite3.DatabaseError, sqlcipher3.DatabaseError)
"""What a failing statement raises: sqlite3's in a plain home, SQLCipher's in an encrypted one."""
CipherError: type[Exception] = sqlcipher3.Error
IntegrityError: tuple[type[Exception], ...] = (sqlite3.IntegrityError, sqlcipher3.IntegrityError)


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def migrations() -> list[Migration]:
    """The bundled migrations, numbered from 1 without gaps."""
    found = []
    for entry in resources.files("coach.migrations").iterdir():
        if m := re.fullmatch(r"(\d{4})_(\w+)\.sql", entry.name):
            found.append(Migration(int(m[1]), m[2], entry.read_text(encoding="utf-8")))
    found.sort(key=lambda mig: mig.version)
    if [mig.version for mig in found] != list(range(1, len(found) + 1)):
        raise StoreError("the bundled migrations are not numbered 1..N without gaps")
    return found


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def connect(path: Path | str, *, readonly: bool = False, keys: Keys | None = None) -> sqlite3.Connection:
    """A connection with rows by name: sqlite3's, or SQLCipher's keyed with the raw data key (so its own
    key derivation does not run) with temporary tables and indices kept in memory, never in a temp file."""
    uri = f"file:{path}?mode={'ro' if readonly else 'rwc'}"
    if keys is None:
        plain = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        plain.row_factory = sqlite3.Row
        return plain
    from coach.crypto.memory import wipe_freed_memory

    wipe_freed_memory()  # before any page is decrypted: nothing freed from now on keeps plaintext
    cipher: Any = sqlcipher3
    raw: Any = cipher.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    raw.row_factory = cipher.Row
    raw.execute("PRAGMA cipher_log_level = NONE")  # a wrong key is our message, not a log on stderr
    raw.execute(f"PRAGMA key = {keys.sqlcipher()}")
    raw.execute("PRAGMA temp_store = MEMORY")
    try:
        raw.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except cipher.DatabaseError:
        raw.close()
        raise StoreError(
            f"the database {path} does not open with this home's key (it is not this home's database, "
            "or it is damaged)"
        ) from None
    conn: sqlite3.Connection = raw
    return conn


class Database:
    """One connection shared by the process, serialised by a lock so worker threads can use it."""

    def __init__(self, path: Path, *, readonly: bool = False, keys: Keys | None = None) -> None:
        self.path = path
        self.readonly = readonly
        self.encrypted = keys is not None
        if not readonly:
            private_file(path)
        elif not path.exists():
            raise StoreError(f"no database at {path}")
        try:
            self.conn = connect(path, readonly=readonly, keys=keys)
            self.conn.execute("PRAGMA busy_timeout = 3000")
            if not readonly:
                self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA foreign_keys = ON")
            self.conn.execute("PRAGMA synchronous = NORMAL")
        except DatabaseError as exc:
            raise StoreError(f"cannot open the database {path}: {exc}") from exc
        self._mutex = threading.RLock()
        self._depth = 0

    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: all of it is stored, or none of it. Nested calls join the outer one."""
        with self._mutex:
            if self._depth:
                self._depth += 1
                try:
                    yield self.conn
                finally:
                    self._depth -= 1
                return
            self.conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            else:
                self.conn.execute("COMMIT")
            finally:
                self._depth = 0

    def query(self, sql: str, params: tuple | dict = ()) -> list[sqlite3.Row]:
        with self._mutex:
            return self.conn.execute(sql, params).fetchall()

    def one(self, sql: str, params: tuple | dict = ()) -> sqlite3.Row | None:
        rows = self.query(sql, params)
        return rows[0] if rows else None

    @property
    def version(self) -> int:
        return int(self.query("PRAGMA user_version")[0][0])

    def migrate(self, upto: int | None = None) -> list[int]:
        """Apply the pending migrations, each in its own transaction; returns the versions applied."""
        known = migrations()
        latest = known[-1].version
        current = self.version
        if current > latest:
            raise StoreError(
                f"{self.path} has schema version {current}, newer than this coach knows ({latest}); "
                "upgrade coach to open it"
            )
        pending = [m for m in known if current < m.version <= (upto or latest)]
        if pending and self.readonly:
            raise StoreError(f"{self.path} needs an upgrade; run a coach command that writes first")
        applied = []
        with self._mutex:
            self.conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations "
                "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            for mig in pending:
                script = (
                    f"BEGIN IMMEDIATE;\n{mig.sql}\n"
                    f"INSERT INTO schema_migrations VALUES ({mig.version}, '{mig.name}', '{now()}');\n"
                    f"PRAGMA user_version = {mig.version};\nCOMMIT;"
                )
                try:
                    self.conn.executescript(script)
                except (sqlite3.Error, sqlcipher3.Error) as exc:
                    if self.conn.in_transaction:
                        self.conn.execute("ROLLBACK")
                    raise StoreError(f"migration {mig.version} ({mig.name}) failed: {exc}") from exc
                applied.append(mig.version)
        return applied

    def close(self) -> None:
        with self._mutex:
            self.conn.close()
