"""Commitments: what someone said they would do, by when, and how it went."""

from __future__ import annotations

import builtins
from typing import Any

from coach.errors import InputError
from coach.models import COMMITMENT_STATUSES, Commitment
from coach.store.db import Database, now
from coach.store.rows import columns, from_row, insert, owned_row, update


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
        current = self.get(commitment_id, profile_id)
        merged = Commitment.model_validate({**current.model_dump(), **changes})
        values = columns(merged, {"id", "profile_id", "created_at", "updated_at"})
        with self.db.tx() as conn:
            update(conn, "commitments", commitment_id, {**values, "updated_at": now()})
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
