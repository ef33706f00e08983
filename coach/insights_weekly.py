"""Follow-through and mood by week (Monday to Sunday), and the last seven days of moods for the review."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from coach.streaks import day_of, utc

if TYPE_CHECKING:
    from coach.models import Commitment
    from coach.store import Store

WEEKS = 8
SETTLED = ("done", "partial", "missed", "dropped")


@dataclass(frozen=True)
class Week:
    start: date
    """The Monday the week starts on."""
    done: int = 0
    partial: int = 0
    missed: int = 0
    dropped: int = 0
    """Let go on purpose (shrunk ones too): counted apart, never against the rate."""
    rate: float | None = None
    """(done + 0.5 × partial) / (done + partial + missed); None when none of those fell in the week."""
    mood: float | None = None
    """The mean of the week's day means (a day with three moods counts once); None with no mood."""
    mood_days: int = 0

    @property
    def reviewed(self) -> int:
        return self.done + self.partial + self.missed


@dataclass(frozen=True)
class DayMood:
    day: date
    mood: float | None
    """The day's mean mood; None on a day with none."""


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def settled_day(c: Commitment) -> date | None:
    """The day a settled commitment belongs to: the day it was due, or the day it was settled if that came
    first (done early); as coach.insights.follow_through_rate counts it. None while it is open."""
    if c.status not in SETTLED:
        return None
    days = [d for d in (c.due, day_of(c.updated_at) if c.updated_at else None) if d is not None]
    return min(days) if days else None


def day_moods(store: Store, profile_id: int) -> dict[date, float]:
    """Each day's mean mood (UTC days, as the insights count them)."""
    by_day: dict[date, list[int]] = {}
    for s in store.sessions.list(profile_id):
        if s.mood and s.started_at:
            by_day.setdefault(day_of(utc(s.started_at)), []).append(s.mood)
    return {d: sum(m) / len(m) for d, m in by_day.items()}


def weekly(store: Store, profile_id: int, today: date, weeks: int = WEEKS) -> list[Week]:
    """The last `weeks` weeks, this one last, each with its follow-through and mood; empty weeks included so
    a chart shows the gaps. Only days up to today count."""
    first = week_start(today) - timedelta(weeks=max(weeks, 1) - 1)
    tallies: dict[date, dict[str, int]] = {
        first + timedelta(weeks=i): {k: 0 for k in SETTLED} for i in range(max(weeks, 1))
    }
    for c in store.commitments.list(profile_id):
        day = settled_day(c)
        if day is None or day > today or day < first:
            continue
        tallies[week_start(day)][c.status] += 1
    moods = day_moods(store, profile_id)
    out = []
    for start, t in tallies.items():
        reviewed = t["done"] + t["partial"] + t["missed"]
        rate = round((t["done"] + 0.5 * t["partial"]) / reviewed, 3) if reviewed else None
        days = [m for d, m in moods.items() if start <= d <= min(start + timedelta(days=6), today)]
        out.append(
            Week(
                start=start,
                done=t["done"],
                partial=t["partial"],
                missed=t["missed"],
                dropped=t["dropped"],
                rate=rate,
                mood=round(sum(days) / len(days), 2) if days else None,
                mood_days=len(days),
            )
        )
    return out


def week_of_moods(store: Store, profile_id: int, today: date) -> list[DayMood]:
    """The seven days up to today, oldest first, with each day's mean mood: the weekly review's chart."""
    moods = day_moods(store, profile_id)
    days = [today - timedelta(days=n) for n in range(6, -1, -1)]
    return [DayMood(d, round(moods[d], 2) if d in moods else None) for d in days]


def to_json(weeks: list[Week], days: list[DayMood] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "weeks": [{**_iso(asdict(w)), "reviewed": w.reviewed} for w in weeks],
    }
    if days is not None:
        data["last_seven_days"] = [_iso(asdict(d)) for d in days]
    return data


def _iso(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in row.items()}
