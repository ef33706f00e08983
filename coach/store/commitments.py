"""Commitments: what someone said they would do, by when, how it went, and how it was renegotiated."""

from __future__ import annotations

import builtins
import sqlite3
from datetime import date
from typing import Any

from coach.errors import InputError
from coach.models import COMMITMENT_STATUSES, Commitment
from coach.store.db import Database, now
from coach.store.rows import columns, from_row, insert, owned_row, update

RENEGOTIABLE = ("open", "partial", "missed")
"""What keep, shrink and drop apply to; keep also reopens a drop that no smaller version replaced."""


class Commitments:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, commitment: Commitment) -> Commitment:
        stamp = now()
        with self.db.tx() as conn:
            values = columns(commitment, {"id", "created_at", "updated_at"})
            cid = insert(conn, "commitments", {**values, "created_at": stamp, "updated_at": stamp})
        return self.get(cid)

    def get(self, commitment_id: int, profile_id: int | None = None) -> Commitment:
        row = owned_row(self.db, "commitments", commitment_id, profile_id, "commitment")
        return from_row(Commitment, row)

    def list(
        self, profile_id: int, status: str | None = None, goal_id: int | None = None
    ) -> list[Commitment]:
        params: builtins.list[object]
        sql, params = "SELECT * FROM commitments WHERE profile_id = ?", [profile_id]
        if status:
            sql += " AND status = ?"
            params.append(status)
        if goal_id is not None:
            sql += " AND goal_id = ?"
            params.append(goal_id)
        rows = self.db.query(sql + " ORDER BY due IS NULL, due, id", tuple(params))
        return [from_row(Commitment, r) for r in rows]

    def edit(self, commitment_id: int, profile_id: int | None = None, **changes: Any) -> Commitment:
        with self.db.tx() as conn:
            self._write(conn, self.get(commitment_id, profile_id), changes)
        return self.get(commitment_id)

    def set_status(
        self,
        commitment_id: int,
        status: str,
        *,
        obstacle: str | None = None,
        reviewed_in_session_id: int | None = None,
        profile_id: int | None = None,
    ) -> Commitment:
        if status not in COMMITMENT_STATUSES:
            raise InputError(
                f"unknown commitment status '{status}' (use one of: {', '.join(COMMITMENT_STATUSES)})"
            )
        if status != "dropped" and self.replacement(commitment_id) is not None:
            raise InputError(
                f"commitment {commitment_id} was made smaller: its smaller version carries on in its place"
            )
        changes: dict[str, Any] = {"status": status}
        if obstacle is not None:
            changes["obstacle"] = obstacle
        if reviewed_in_session_id is not None:
            changes["reviewed_in_session_id"] = reviewed_in_session_id
        return self.edit(commitment_id, profile_id, **changes)

    def delete(self, commitment_id: int, profile_id: int | None = None) -> None:
        self.get(commitment_id, profile_id)
        with self.db.tx() as conn:
            conn.execute("DELETE FROM commitments WHERE id = ?", (commitment_id,))

    def replacement(self, commitment_id: int) -> Commitment | None:
        """The smaller version made when this commitment was shrunk, if it was."""
        row = self.db.one(
            "SELECT * FROM commitments WHERE replaces_id = ? ORDER BY id DESC LIMIT 1", (commitment_id,)
        )
        return from_row(Commitment, row) if row else None

    def keep(
        self,
        commitment_id: int,
        new_due: date,
        *,
        session_id: int | None = None,
        profile_id: int | None = None,
    ) -> Commitment:
        """Keep it with a new date: it stays, or is again, open. The first date agreed stays in
        original_due (set on the first move only); what got in the way is kept, a drop's reason is not."""
        with self.db.tx() as conn:
            current = self.renegotiable(commitment_id, "keep", profile_id)
            changes: dict[str, Any] = {"status": "open", "due": new_due, "drop_reason": None}
            if current.original_due is None and current.due is not None and current.due != new_due:
                changes["original_due"] = current.due
            if session_id is not None:
                changes["reviewed_in_session_id"] = session_id
            self._write(conn, current, changes)
        return self.get(commitment_id)

    def shrink(
        self,
        commitment_id: int,
        text: str,
        due: date | None,
        session_id: int | None = None,
        *,
        profile_id: int | None = None,
    ) -> Commitment:
        """Swap it for a smaller version: the original becomes 'dropped' (not a failure: a smaller promise
        took its place), and the new, open commitment, for the same goal, names it in replaces_id.
        Returns the new one."""
        with self.db.tx() as conn:
            current = self.renegotiable(commitment_id, "shrink", profile_id)
            smaller = Commitment(
                profile_id=current.profile_id,
                text=text,
                due=due,
                goal_id=current.goal_id,
                made_in_session_id=session_id,
                replaces_id=commitment_id,
            )
            changes: dict[str, Any] = {"status": "dropped"}
            if session_id is not None:
                changes["reviewed_in_session_id"] = session_id
            self._write(conn, current, changes)
            stamp = now()
            values = columns(smaller, {"id", "created_at", "updated_at"})
            new_id = insert(conn, "commitments", {**values, "created_at": stamp, "updated_at": stamp})
        return self.get(new_id)

    def drop(
        self,
        commitment_id: int,
        reason: str | None = None,
        *,
        session_id: int | None = None,
        profile_id: int | None = None,
    ) -> Commitment:
        """Let it go on purpose: status 'dropped', with the reason when one is given."""
        with self.db.tx() as conn:
            current = self.renegotiable(commitment_id, "drop", profile_id)
            changes: dict[str, Any] = {"status": "dropped", "drop_reason": reason}
            if session_id is not None:
                changes["reviewed_in_session_id"] = session_id
            self._write(conn, current, changes)
        return self.get(commitment_id)

    def renegotiable(self, commitment_id: int, verb: str, profile_id: int | None = None) -> Commitment:
        """The commitment, or InputError saying why it cannot be kept, shrunk or dropped (`verb`): a done
        one never, a dropped one only kept (reopened), and only if no smaller one replaced it.
        keep, shrink and drop call it inside their write transaction, so nothing slips in between."""
        current = self.get(commitment_id, profile_id)
        if current.status in RENEGOTIABLE:
            return current
        if current.status == "done":
            raise InputError(f"commitment {commitment_id} is done: there is nothing to {verb}")
        smaller = self.replacement(commitment_id)
        if smaller is not None:
            raise InputError(
                f"commitment {commitment_id} was replaced by a smaller one ({smaller.id}): "
                f"{verb} that one instead"
            )
        if verb != "keep":
            raise InputError(f"commitment {commitment_id} is already dropped")
        return current

    def _write(self, conn: sqlite3.Connection, current: Commitment, changes: dict[str, Any]) -> None:
        merged = Commitment.model_validate({**current.model_dump(), **changes})
        values = columns(merged, {"id", "profile_id", "created_at", "updated_at"})
        update(conn, "commitments", current.id or 0, {**values, "updated_at": now()})
