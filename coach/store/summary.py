"""What the home screen shows, read straight from SQLite rows into small frozen dataclasses.

The repositories return validated pydantic records; this module reads the same tables without them, so
the app paints its home before pydantic (and the config built on it) has loaded. It only reads.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from coach.errors import InputError, NotFoundError
from coach.streaks import COUNTED_REFLECTIONS_SQL, streak_counts, utc

if TYPE_CHECKING:
    from coach.store.db import Database

MOOD_POINTS = 30
"""Moods on the home sparkline, the latest ones."""
OPEN_SHOWN = 15
"""Open commitments listed on the home screen, the soonest due first."""


@dataclass(frozen=True)
class GoalLine:
    id: int
    title: str
    status: str
    due: date | None
    done: int
    """Milestones done plus commitments done."""
    total: int
    """Milestones plus commitments of the goal, dropped ones left out (as follow-through leaves them out); a
    smaller version that replaced one counts in its own right."""


@dataclass(frozen=True)
class CommitmentLine:
    id: int
    text: str
    due: date | None
    partial: bool = False
    """Reviewed as partly done: still work in hand, so still listed."""


@dataclass(frozen=True)
class HomeSummary:
    profile_id: int
    name: str
    role: str
    streak_days: int
    next_meeting: tuple[str, date] | None
    """Group and date of the soonest meeting from today on."""
    moods: list[int]
    goals: list[GoalLine]
    """Active goals, then those at risk, each soonest due first."""
    open_commitments: list[CommitmentLine]
    """The soonest due first, those without a date last; at most OPEN_SHOWN."""
    open_count: int


def named_profile_row(db: Database, name: str) -> sqlite3.Row:
    row = db.one("SELECT * FROM profiles WHERE name = ?", (name,))
    if row is None:
        raise NotFoundError(f"no profile named '{name}' (see: coach profile list)")
    return row


def profile_row(db: Database, name: str | None) -> sqlite3.Row:
    """The named profile, else the only one; a clear error when there is none or the choice is open."""
    if name:
        return named_profile_row(db, name)
    rows = db.query("SELECT * FROM profiles ORDER BY id LIMIT 2")
    if len(rows) == 1:
        return rows[0]
    if not rows:
        raise NotFoundError("no profile yet: create one with 'coach profile add NAME'")
    raise InputError("there are several profiles: choose one with 'coach profile use NAME' or --profile")


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def home_summary(db: Database, profile_name: str | None, today: date) -> HomeSummary:
    """Everything the home screen shows for the active (or named) profile; raises as profile_row."""
    profile = profile_row(db, profile_name)
    pid = int(profile["id"])
    reflections = db.query(COUNTED_REFLECTIONS_SQL, (pid,))
    moody = db.query(
        "SELECT started_at, id, mood FROM sessions WHERE profile_id = ? AND mood IS NOT NULL", (pid,)
    )
    moody.sort(key=lambda r: (utc(datetime.fromisoformat(r["started_at"])), r["id"]))
    meeting = db.one(
        "SELECT group_name, date FROM meetings WHERE profile_id = ? AND date >= ? ORDER BY date, id LIMIT 1",
        (pid, today.isoformat()),
    )
    goals = db.query(
        "SELECT g.id, g.title, g.status, g.due,"
        " (SELECT COUNT(*) FROM milestones m WHERE m.goal_id = g.id) +"
        " (SELECT COUNT(*) FROM commitments c WHERE c.goal_id = g.id AND c.profile_id = g.profile_id"
        "  AND c.status != 'dropped') AS total,"
        " (SELECT COUNT(*) FROM milestones m WHERE m.goal_id = g.id AND m.done) +"
        " (SELECT COUNT(*) FROM commitments c WHERE c.goal_id = g.id AND c.profile_id = g.profile_id"
        "  AND c.status = 'done') AS done"
        " FROM goals g WHERE g.profile_id = ? AND g.status IN ('active', 'at-risk')"
        " ORDER BY g.status = 'at-risk', g.due IS NULL, g.due, g.id",
        (pid,),
    )
    open_rows = db.query(
        "SELECT id, text, due, status FROM commitments WHERE profile_id = ? AND status IN ('open', 'partial')"
        " ORDER BY due IS NULL, due, id",
        (pid,),
    )
    return HomeSummary(
        profile_id=pid,
        name=profile["name"],
        role=profile["role"],
        streak_days=streak_counts(
            (datetime.fromisoformat(r["started_at"]) for r in reflections), today
        ).current_days,
        next_meeting=(meeting["group_name"], date.fromisoformat(meeting["date"])) if meeting else None,
        moods=[int(r["mood"]) for r in moody][-MOOD_POINTS:],
        goals=[
            GoalLine(g["id"], g["title"], g["status"], _day(g["due"]), int(g["done"]), int(g["total"]))
            for g in goals
        ],
        open_commitments=[
            CommitmentLine(c["id"], c["text"], _day(c["due"]), c["status"] == "partial")
            for c in open_rows[:OPEN_SHOWN]
        ],
        open_count=len(open_rows),
    )
