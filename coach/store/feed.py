"""The change feed: an ordered log of writes that a follower (the retrieval index) reads from a cursor."""

from __future__ import annotations

from coach.models import Change
from coach.store.db import Database
from coach.store.rows import from_row


class Feed:
    def __init__(self, db: Database) -> None:
        self.db = db

    def since(self, seq: int, limit: int = 1000) -> list[Change]:
        rows = self.db.query("SELECT * FROM changes WHERE seq > ? ORDER BY seq LIMIT ?", (seq, limit))
        return [from_row(Change, r) for r in rows]

    def sources_since(self, seq: int, upto: int) -> list[tuple[str, int | None, int]]:
        """Each record changed in (seq, upto] once: (entity:id, profile id, last change), oldest first."""
        rows = self.db.query(
            "SELECT entity || ':' || entity_id, profile_id, MAX(seq) AS last FROM changes "
            "WHERE seq > ? AND seq <= ? GROUP BY entity, entity_id ORDER BY last",
            (seq, upto),
        )
        return [(r[0], r[1], int(r[2])) for r in rows]

    def head(self) -> int:
        row = self.db.one("SELECT COALESCE(MAX(seq), 0) FROM changes")
        return int(row[0]) if row else 0

    def cursor(self, name: str) -> int:
        row = self.db.one("SELECT seq FROM feed_cursors WHERE name = ?", (name,))
        return int(row["seq"]) if row else 0

    def advance(self, name: str, seq: int) -> None:
        with self.db.tx() as conn:
            conn.execute(
                "INSERT INTO feed_cursors (name, seq) VALUES (?, ?) "
                "ON CONFLICT(name) DO UPDATE SET seq = excluded.seq",
                (name, seq),
            )
