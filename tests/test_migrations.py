"""Numbered migrations: recorded, applied once, and upgrading a database made by the first schema."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from coach.errors import StoreError
from coach.store import Store
from coach.store.db import DB_NAME, Database, migrations


def test_migrations_are_numbered_without_gaps() -> None:
    versions = [m.version for m in migrations()]
    assert versions == list(range(1, len(versions) + 1)) and len(versions) >= 2


def test_a_new_database_is_at_the_latest_version(store: Store) -> None:
    latest = migrations()[-1].version
    assert store.db.version == latest
    rows = store.db.query("SELECT version, name FROM schema_migrations ORDER BY version")
    assert [r["version"] for r in rows] == list(range(1, latest + 1))
    assert store.db.migrate() == []


def test_upgrade_from_the_first_schema_keeps_data_and_feeds_it(home: Path) -> None:
    home.mkdir(mode=0o700)
    db = Database(home / DB_NAME)
    assert db.migrate(upto=1) == [1]
    with db.tx() as conn:
        conn.execute("INSERT INTO profiles VALUES (1, 'Ana', 'member', '2026-01-01T00:00:00+00:00')")
        conn.execute(
            "INSERT INTO sessions (id, profile_id, kind, started_at, tags) "
            "VALUES (1, 1, 'reflection', '2026-01-02T00:00:00+00:00', '[\"old\"]')"
        )
        conn.execute(
            "INSERT INTO turns VALUES "
            "(1, 1, 0, 'user', 'what', 'an old entry 👩‍👩‍👧', '[]', '2026-01-02T00:01:00+00:00')"
        )
    db.close()

    with Store.open(home) as store:
        assert store.db.version == migrations()[-1].version
        sess = store.sessions.get(1)
        assert sess.tags == ["old"] and sess.turns[0].text == "an old entry 👩‍👩‍👧"
        backfilled = store.feed.since(0)
        assert [(c.entity, c.entity_id) for c in backfilled] == [("session", 1)]


def test_a_database_from_a_newer_coach_is_refused(home: Path) -> None:
    with Store.open(home) as store:
        store.db.conn.execute("PRAGMA user_version = 99")
    with pytest.raises(StoreError, match="newer than this coach"):
        Store.open(home)


def test_renegotiation_rebuilds_commitments_from_a_0006_database_keeping_everything(home: Path) -> None:
    home.mkdir(mode=0o700)
    db = Database(home / DB_NAME)
    assert db.migrate(upto=6) == [1, 2, 3, 4, 5, 6]
    stamp = "2026-11-01T09:00:00+00:00"
    with db.tx() as conn:
        conn.execute(f"INSERT INTO profiles VALUES (1, 'Ana', 'member', '{stamp}')")
        conn.execute(
            "INSERT INTO goals (id, profile_id, title, status, created_at, updated_at) "
            f"VALUES (4, 1, 'Land 3 clients', 'active', '{stamp}', '{stamp}')"
        )
        conn.execute(
            "INSERT INTO sessions (id, profile_id, kind, started_at) "
            f"VALUES (2, 1, 'meeting-prep', '{stamp}')"
        )
        for cid, text, status, obstacle in (
            (7, "Send 10 [outreach] emails 👩‍👩‍👧", "missed", "flu [again]"),
            (8, "Call Priya", "open", None),
            (9, "Draft the deck", "done", None),
        ):
            conn.execute(
                "INSERT INTO commitments (id, profile_id, goal_id, text, due, status, made_in_session_id, "
                "reviewed_in_session_id, obstacle, created_at, updated_at) "
                "VALUES (?, 1, 4, ?, '2026-11-20', ?, 2, 2, ?, ?, ?)",
                (cid, text, status, obstacle, stamp, stamp),
            )
    before = [dict(r) for r in db.query("SELECT * FROM commitments ORDER BY id")]
    head = int(db.query("SELECT MAX(seq) FROM changes")[0][0])
    db.close()

    with Store.open(home) as store:
        assert store.db.version == migrations()[-1].version
        after = [dict(r) for r in store.db.query("SELECT * FROM commitments ORDER BY id")]
        assert [{k: r[k] for k in before[0]} for r in after] == before
        assert all(r["replaces_id"] is None and r["original_due"] is None for r in after)
        assert store.feed.since(head) == []  # nothing changed, so nothing is fed again
        names = {
            r["name"] for r in store.db.query("SELECT name FROM sqlite_master WHERE tbl_name = 'commitments'")
        }
        assert {
            "commitments_profile",
            "commitments_replaces",
            "commitments_insert",
            "commitments_update",
        } <= names
        assert store.db.query("PRAGMA foreign_key_check") == []

        small = store.commitments.shrink(7, "Send 3 emails", None)
        assert store.commitments.get(7).status == "dropped" and small.replaces_id == 7
        fed = {(c.entity, c.entity_id) for c in store.feed.since(head)}
        assert fed == {("commitment", 7), ("commitment", small.id)}  # the rebuilt table's triggers feed
        store.commitments.delete(small.id or 0)
        assert store.feed.since(head)[-1].op == "delete"
        with pytest.raises(sqlite3.IntegrityError):
            store.db.conn.execute("UPDATE commitments SET status = 'abandoned' WHERE id = 8")
