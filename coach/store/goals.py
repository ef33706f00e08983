"""Goals and their milestones."""

from __future__ import annotations

import builtins
from typing import Any

from coach.errors import InputError, NotFoundError
from coach.models import GOAL_STATUSES, Goal, Milestone
from coach.store.db import Database, now
from coach.store.rows import columns, from_row, insert, owned_row, update


class Goals:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, goal: Goal, milestones: list[Milestone] | None = None) -> Goal:
        stamp = now()
        with self.db.tx() as conn:
            values = columns(goal, {"id", "created_at", "updated_at"})
            gid = insert(conn, "goals", {**values, "created_at": stamp, "updated_at": stamp})
            for pos, ms in enumerate(milestones or []):
                insert(
                    conn,
                    "milestones",
                    {**columns(ms, {"id", "goal_id", "position"}), "goal_id": gid, "position": pos},
                )
        return self.get(gid)

    def get(self, goal_id: int, profile_id: int | None = None) -> Goal:
        row = owned_row(self.db, "goals", goal_id, profile_id, "goal")
        return from_row(Goal, row)

    def list(self, profile_id: int, status: str | None = None) -> list[Goal]:
        params: builtins.list[object]
        sql, params = "SELECT * FROM goals WHERE profile_id = ?", [profile_id]
        if status:
            sql += " AND status = ?"
            params.append(status)
        rows = self.db.query(sql + " ORDER BY due IS NULL, due, id", tuple(params))
        return [from_row(Goal, r) for r in rows]

    def edit(self, goal_id: int, profile_id: int | None = None, **changes: Any) -> Goal:
        goal = self.get(goal_id, profile_id)
        merged = Goal.model_validate({**goal.model_dump(), **changes})
        values = columns(merged, {"id", "profile_id", "created_at", "updated_at"})
        with self.db.tx() as conn:
            update(conn, "goals", goal_id, {**values, "updated_at": now()})
        return self.get(goal_id)

    def set_status(self, goal_id: int, status: str, profile_id: int | None = None) -> Goal:
        if status not in GOAL_STATUSES:
            raise InputError(f"unknown goal status '{status}' (use one of: {', '.join(GOAL_STATUSES)})")
        return self.edit(goal_id, profile_id, status=status)

    def delete(self, goal_id: int, profile_id: int | None = None) -> None:
        self.get(goal_id, profile_id)
        with self.db.tx() as conn:
            conn.execute("DELETE FROM goals WHERE id = ?", (goal_id,))

    def milestones(self, goal_id: int) -> builtins.list[Milestone]:
        rows = self.db.query("SELECT * FROM milestones WHERE goal_id = ? ORDER BY position, id", (goal_id,))
        return [from_row(Milestone, r) for r in rows]

    def add_milestone(self, goal_id: int, title: str, due: Any = None) -> Milestone:
        self.get(goal_id)
        ms = Milestone.model_validate({"goal_id": goal_id, "title": title, "due": due})
        with self.db.tx() as conn:
            pos = conn.execute(
                "SELECT COALESCE(MAX(position) + 1, 0) FROM milestones WHERE goal_id = ?", (goal_id,)
            ).fetchone()[0]
            mid = insert(conn, "milestones", {**columns(ms, {"id", "position"}), "position": pos})
            conn.execute("UPDATE goals SET updated_at = ? WHERE id = ?", (now(), goal_id))
        return from_row(Milestone, self.db.query("SELECT * FROM milestones WHERE id = ?", (mid,))[0])

    def set_milestone_done(self, milestone_id: int, done: bool = True) -> Milestone:
        row = self.db.one("SELECT * FROM milestones WHERE id = ?", (milestone_id,))
        if row is None:
            raise NotFoundError(f"no milestone with id {milestone_id}")
        with self.db.tx() as conn:
            conn.execute("UPDATE milestones SET done = ? WHERE id = ?", (int(done), milestone_id))
            conn.execute("UPDATE goals SET updated_at = ? WHERE id = ?", (now(), row["goal_id"]))
        return from_row(Milestone, self.db.query("SELECT * FROM milestones WHERE id = ?", (milestone_id,))[0])
