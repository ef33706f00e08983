"""Sessions (a goal talk, a reflection, a meeting prep, a feedback draft, a chat) and their turns."""

from __future__ import annotations

import builtins
from typing import Any

from coach.models import Session, Turn
from coach.store.db import Database, now
from coach.store.rows import columns, from_row, insert, owned_row, update
from coach.streaks import COUNTED_REFLECTIONS_SQL


class Sessions:
    def __init__(self, db: Database) -> None:
        self.db = db

    def start(self, session: Session) -> Session:
        """Store a session with any turns it already has, in one transaction."""
        values = columns(session, {"id", "turns"})
        values["started_at"] = values["started_at"] or now()
        with self.db.tx() as conn:
            sid = insert(conn, "sessions", values)
            for turn in session.turns:
                self._insert_turn(conn, sid, turn)
        return self.get(sid)

    def add_turn(self, session_id: int, turn: Turn) -> Turn:
        """Append one turn; every answer is saved the moment it is given."""
        self.get(session_id, with_turns=False)
        with self.db.tx() as conn:
            tid = self._insert_turn(conn, session_id, turn)
        return from_row(Turn, self.db.query("SELECT * FROM turns WHERE id = ?", (tid,))[0])

    @staticmethod
    def _insert_turn(conn: Any, session_id: int, turn: Turn) -> int:
        pos = conn.execute(
            "SELECT COALESCE(MAX(position) + 1, 0) FROM turns WHERE session_id = ?", (session_id,)
        ).fetchone()[0]
        values = columns(turn, {"id", "session_id", "position", "created_at"})
        return insert(
            conn, "turns", {**values, "session_id": session_id, "position": pos, "created_at": now()}
        )

    def get(self, session_id: int, profile_id: int | None = None, *, with_turns: bool = True) -> Session:
        row = owned_row(self.db, "sessions", session_id, profile_id, "session")
        turns = self.turns(session_id) if with_turns else []
        return from_row(Session, row, turns=turns)

    def turns(self, session_id: int) -> list[Turn]:
        rows = self.db.query("SELECT * FROM turns WHERE session_id = ? ORDER BY position", (session_id,))
        return [from_row(Turn, r) for r in rows]

    def list(self, profile_id: int, kind: str | None = None, limit: int | None = None) -> list[Session]:
        params: builtins.list[object]
        sql, params = "SELECT * FROM sessions WHERE profile_id = ?", [profile_id]
        if kind:
            sql += " AND kind = ?"
            params.append(kind)
        sql += " ORDER BY started_at DESC, id DESC"
        if limit:
            sql += f" LIMIT {int(limit)}"
        return [from_row(Session, r, turns=[]) for r in self.db.query(sql, tuple(params))]

    def counted_reflections(self, profile_id: int) -> set[int]:
        """Ids of the profile's reflections that count (ended, or answered at least once)."""
        return {int(r["id"]) for r in self.db.query(COUNTED_REFLECTIONS_SQL, (profile_id,))}

    def edit(self, session_id: int, profile_id: int | None = None, **changes: Any) -> Session:
        current = self.get(session_id, profile_id, with_turns=False)
        merged = Session.model_validate({**current.model_dump(exclude={"turns"}), **changes})
        with self.db.tx() as conn:
            update(conn, "sessions", session_id, columns(merged, {"id", "profile_id", "turns"}))
        return self.get(session_id)

    def end(self, session_id: int, **changes: Any) -> Session:
        return self.edit(session_id, ended_at=changes.pop("ended_at", None) or now(), **changes)

    def delete(self, session_id: int, profile_id: int | None = None) -> None:
        self.get(session_id, profile_id, with_turns=False)
        with self.db.tx() as conn:
            conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
