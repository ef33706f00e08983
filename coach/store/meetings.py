"""Meetings of a mastermind group, with the brief prepared for them."""

from __future__ import annotations

from typing import Any

from coach.models import Meeting
from coach.store.db import Database, now
from coach.store.rows import columns, from_row, insert, owned_row, update


class Meetings:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, meeting: Meeting) -> Meeting:
        with self.db.tx() as conn:
            mid = insert(conn, "meetings", {**columns(meeting, {"id", "created_at"}), "created_at": now()})
        return self.get(mid)

    def get(self, meeting_id: int, profile_id: int | None = None) -> Meeting:
        row = owned_row(self.db, "meetings", meeting_id, profile_id, "meeting")
        return from_row(Meeting, row)

    def list(self, profile_id: int) -> list[Meeting]:
        rows = self.db.query(
            "SELECT * FROM meetings WHERE profile_id = ? ORDER BY date DESC, id DESC", (profile_id,)
        )
        return [from_row(Meeting, r) for r in rows]

    def edit(self, meeting_id: int, profile_id: int | None = None, **changes: Any) -> Meeting:
        merged = Meeting.model_validate({**self.get(meeting_id, profile_id).model_dump(), **changes})
        with self.db.tx() as conn:
            update(conn, "meetings", meeting_id, columns(merged, {"id", "profile_id", "created_at"}))
        return self.get(meeting_id)
