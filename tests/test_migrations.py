"""Numbered migrations: recorded, applied once, and upgrading a database made by the first schema."""

from __future__ import annotations

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
