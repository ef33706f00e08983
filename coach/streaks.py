"""Days and streaks of reflection, in plain Python: the home screen counts them before pydantic loads."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta


def utc(moment: datetime | None) -> datetime:
    """A timestamp in UTC (a naive one is taken as UTC; a missing one sorts first)."""
    moment = moment or datetime.min
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def day_of(moment: datetime | None) -> date:
    return utc(moment).date()


def runs(keys: list[date], step: int) -> list[int]:
    """Lengths of the runs of consecutive keys (sorted, distinct, `step` days apart), in order."""
    found: list[int] = []
    for i, key in enumerate(keys):
        if i and (key - keys[i - 1]).days == step:
            found[-1] += 1
        else:
            found.append(1)
    return found


def current_run(keys: list[date], anchor: date, step: int) -> int:
    """The run ending at `anchor` or one step before it, else 0; keys after the anchor do not count."""
    upto = [k for k in keys if k <= anchor]
    if not upto or (anchor - upto[-1]).days > step:
        return 0
    return runs(upto, step)[-1]


COUNTED_REFLECTIONS_SQL = (
    "SELECT s.id, s.started_at FROM sessions s WHERE s.profile_id = ? AND s.kind = 'reflection'"
    " AND (s.ended_at IS NOT NULL"
    " OR EXISTS (SELECT 1 FROM turns t WHERE t.session_id = s.id AND t.role = 'user'))"
)
"""The reflections that count toward streaks: ended, or with at least one user answer. A flow killed
before the first answer leaves an empty, unended session behind; it is not a reflection."""


@dataclass(frozen=True)
class StreakCounts:
    current_days: int
    longest_days: int
    current_weeks: int
    longest_weeks: int
    last_reflection: date | None


def streak_counts(moments: Iterable[datetime | None], today: date) -> StreakCounts:
    """Streaks of the days (and Monday-based weeks) on which the given reflections started."""
    days = sorted({day_of(m) for m in moments if m is not None})
    weeks = sorted({d - timedelta(days=d.weekday()) for d in days})
    this_week = today - timedelta(days=today.weekday())
    return StreakCounts(
        current_days=current_run(days, today, 1),
        longest_days=max(runs(days, 1), default=0),
        current_weeks=current_run(weeks, this_week, 7),
        longest_weeks=max(runs(weeks, 7), default=0),
        last_reflection=days[-1] if days else None,
    )
