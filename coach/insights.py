"""Insights over one profile's history: follow-through, mood trend, streaks, goals at risk, themes."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from pydantic import BaseModel

from coach.models import Commitment, Goal, Session
from coach.patterns import EmbedderSource, Recurring, recurring_report
from coach.store import Store
from coach.streaks import day_of, streak_counts, utc

Direction = Literal["up", "down", "steady"]
WINDOW = 7
STEADY = 0.3
RISK_DAYS = 14
TOP_THEMES = 10

_STOP_WORDS = """
    about above after again against all also am an and any are aren as at be because been before being
    below between both but by can cannot could couldn did didn do does doesn doing don down during each
    even ever every few for from further get gets getting got had hadn has hasn have haven having he her
    here hers herself him himself his how i if in into is isn it its itself just let like lot lots made
    make makes many may me might more most much must my myself need no nor not now of off often on once
    one only or other our ours ourselves out over own quite rather really same say said she should
    shouldn since so some still such than that the their theirs them themselves then there these they
    thing things think this those though through to too under until up upon us very was wasn way we
    well were weren what when where which while who whom why will with won would wouldn yes yet you
    your yours yourself yourselves today yesterday tomorrow bit kind sort going gonna
"""
_STOP = frozenset(_STOP_WORDS.split())
_CLAUSE = re.compile(r"[.!?;:,()\[\]{}\"\n\r\t]+")


class FollowThrough(BaseModel):
    goal_id: int | None = None
    title: str
    done: int = 0
    partial: int = 0
    missed: int = 0
    reviewed: int = 0
    """done + partial + missed: the commitments the rate counts."""
    open: int = 0
    overdue: int = 0
    dropped: int = 0
    """Let go on purpose, shrunk ones included: not a failure, so left out of reviewed and the rate."""
    shrunk: int = 0
    """Of the dropped, those replaced by a smaller version (which counts in its own right)."""
    rate: float | None = None
    """(done + 0.5 × partial) / reviewed; None when nothing was reviewed."""


class FollowThroughReport(BaseModel):
    overall: FollowThrough
    by_goal: list[FollowThrough]


class MoodPoint(BaseModel):
    date: dt.date
    mood: int
    session_id: int


class MoodTrend(BaseModel):
    points: list[MoodPoint]
    recent_avg: float | None
    """The average of the last 7 points."""
    previous_avg: float | None
    """The average of the (up to) 7 points before those; None when there are none."""
    direction: Direction | None
    slope_per_week: float | None
    """Least-squares change in mood per week, with 3 points or more."""


class Streaks(BaseModel):
    current_days: int
    longest_days: int
    current_weeks: int
    longest_weeks: int
    last_reflection: dt.date | None


class GoalAtRisk(BaseModel):
    goal_id: int
    title: str
    status: str
    due: dt.date
    days_left: int
    """Negative when overdue."""
    reason: str


class SessionRef(BaseModel):
    session_id: int
    date: dt.date


class Theme(BaseModel):
    text: str
    count: int
    """How many sessions mention it."""
    sessions: list[SessionRef]


class Insights(BaseModel):
    profile_id: int
    today: dt.date
    last_n: int
    follow_through: FollowThroughReport
    mood: MoodTrend
    streaks: Streaks
    goals_at_risk: list[GoalAtRisk]
    themes: list[Theme]
    recurring: Recurring | None = None
    """Obstacles that keep coming back, grouped by meaning; None when not asked for (no embedder given)."""


def insights(
    store: Store,
    profile_id: int,
    *,
    today: date | None = None,
    last_n: int = 10,
    embedder: EmbedderSource | None = None,
) -> Insights:
    today = today or datetime.now(UTC).date()
    goals = store.goals.list(profile_id)
    commitments = store.commitments.list(profile_id)
    sessions = store.sessions.list(profile_id)
    return Insights(
        profile_id=profile_id,
        today=today,
        last_n=last_n,
        follow_through=follow_through(commitments, goals, today),
        mood=mood_trend(sessions),
        streaks=streaks(counted_reflections(store, sessions), today),
        goals_at_risk=goals_at_risk(store, goals, commitments, today),
        themes=themes(store, sessions[: max(last_n, 0)]),
        recurring=(
            None if embedder is None else recurring_report(store, profile_id, embedder=embedder, today=today)
        ),
    )


def _tally(
    goal_id: int | None, title: str, items: list[Commitment], today: date, shrunk: set[int]
) -> FollowThrough:
    counts = Counter(c.status for c in items if c.status != "open")
    opened = [c for c in items if c.status == "open"]
    reviewed = counts["done"] + counts["partial"] + counts["missed"]
    rate = (counts["done"] + 0.5 * counts["partial"]) / reviewed if reviewed else None
    return FollowThrough(
        goal_id=goal_id,
        title=title,
        done=counts["done"],
        partial=counts["partial"],
        missed=counts["missed"],
        reviewed=reviewed,
        open=len(opened),
        overdue=sum(1 for c in opened if c.due is not None and c.due < today),
        dropped=counts["dropped"],
        shrunk=sum(1 for c in items if c.status == "dropped" and c.id in shrunk),
        rate=None if rate is None else round(rate, 3),
    )


def follow_through(commitments: list[Commitment], goals: list[Goal], today: date) -> FollowThroughReport:
    """Follow-through overall and per goal. A dropped commitment (one let go on purpose, or replaced by a
    smaller version) is not a failure: it is counted apart and left out of the rate, while a missed one
    counts against it; a smaller version counts in its own right, and one kept with a new date is open
    again until it is reviewed."""
    shrunk = {c.replaces_id for c in commitments if c.replaces_id is not None}
    titles = {g.id: g.title for g in goals}
    groups: dict[int | None, list[Commitment]] = {}
    for c in commitments:
        groups.setdefault(c.goal_id, []).append(c)
    order = sorted(groups, key=lambda gid: (gid is None, gid or 0))
    by_goal = [
        _tally(gid, "no goal" if gid is None else titles.get(gid, f"goal {gid}"), groups[gid], today, shrunk)
        for gid in order
    ]
    return FollowThroughReport(overall=_tally(None, "all", commitments, today, shrunk), by_goal=by_goal)


def follow_through_rate(
    store: Store, profile_id: int, today: date, *, since: date | None = None
) -> tuple[int, int] | None:
    """(done, counted) for a meeting brief ("you kept 3 of 4"): counted is done + partial + missed, so a
    partial one is in the total but not done, and a dropped one (shrunk ones too) is in neither. Each
    commitment belongs to the day it was due, or the day it was settled if that came first (done early);
    only days up to today, and from `since` on when given, count. None when nothing counts."""
    done = counted = 0
    for c in store.commitments.list(profile_id):
        if c.status not in ("done", "partial", "missed"):
            continue
        days = [d for d in (c.due, day_of(c.updated_at) if c.updated_at else None) if d is not None]
        day = min(days) if days else None
        if day is None or day > today or (since is not None and day < since):
            continue
        counted += 1
        done += c.status == "done"
    return (done, counted) if counted else None


def _mean(values: list[int]) -> float | None:
    return sum(values) / len(values) if values else None


def mood_trend(sessions: list[Session]) -> MoodTrend:
    moody = [(utc(s.started_at), s.mood, s.id or 0) for s in sessions if s.mood and s.started_at]
    moody.sort(key=lambda m: (m[0], m[2]))
    points = [MoodPoint(date=day_of(at), mood=mood, session_id=sid) for at, mood, sid in moody]
    moods = [p.mood for p in points]
    recent, previous = _mean(moods[-WINDOW:]), _mean(moods[-2 * WINDOW : -WINDOW])
    direction: Direction | None = None
    if recent is not None and previous is not None:
        diff = round(recent - previous, 9)
        direction = "up" if diff >= STEADY else "down" if diff <= -STEADY else "steady"
    slope = None
    if len(moody) >= 3:
        xs = [(at - moody[0][0]).total_seconds() / 86400 for at, _, _ in moody]
        mx, my = sum(xs) / len(xs), sum(moods) / len(moods)
        var = sum((x - mx) ** 2 for x in xs)
        if var > 0:
            slope = round(7 * sum((x - mx) * (y - my) for x, y in zip(xs, moods, strict=True)) / var, 3)
    return MoodTrend(
        points=points,
        recent_avg=None if recent is None else round(recent, 3),
        previous_avg=None if previous is None else round(previous, 3),
        direction=direction,
        slope_per_week=slope,
    )


def counted_reflections(store: Store, sessions: list[Session]) -> list[Session]:
    """The reflections among `sessions` that count: ended, or with a user answer (not a killed flow)."""
    counted = store.sessions.counted_reflections(sessions[0].profile_id) if sessions else set()
    return [s for s in sessions if s.kind == "reflection" and s.id in counted]


def streaks(reflections: list[Session], today: date) -> Streaks:
    counts = streak_counts((s.started_at for s in reflections), today)
    return Streaks(**asdict(counts))


def _plural(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _progressed(store: Store, goal: Goal, commitments: list[Commitment], since: date) -> bool:
    """Progress after `since`: a done or partial commitment of this goal, or a done milestone."""
    for c in commitments:
        if (
            c.goal_id == goal.id
            and c.status in ("done", "partial")
            and c.updated_at
            and day_of(c.updated_at) > since
        ):
            return True
    if goal.updated_at is None or day_of(goal.updated_at) <= since:
        return False
    return any(m.done for m in store.goals.milestones(goal.id or 0))


def goals_at_risk(
    store: Store, goals: list[Goal], commitments: list[Commitment], today: date
) -> list[GoalAtRisk]:
    since = today - timedelta(days=RISK_DAYS)
    found = []
    for goal in goals:
        if goal.status not in ("active", "at-risk") or goal.due is None:
            continue
        left = (goal.due - today).days
        if left < 0:
            reason = f"overdue by {_plural(-left)}"
        elif left <= RISK_DAYS and not _progressed(store, goal, commitments, since):
            when = "due today" if left == 0 else f"due in {_plural(left)}"
            reason = f"{when}, no progress in {RISK_DAYS} days"
        else:
            continue
        found.append(
            GoalAtRisk(
                goal_id=goal.id or 0,
                title=goal.title,
                status=goal.status,
                due=goal.due,
                days_left=left,
                reason=reason,
            )
        )
    return sorted(found, key=lambda g: (g.due, g.goal_id))


def terms(text: str) -> set[str]:
    """The content words (3+ letters, not stop words) and adjacent pairs of them within a clause."""
    found: set[str] = set()
    for clause in _CLAUSE.split(text.lower()):
        words = re.findall(r"\w+", clause)
        keep = [len(w) >= 3 and w not in _STOP and not w.isdigit() for w in words]
        for i, w in enumerate(words):
            if keep[i]:
                found.add(w)
                if i and keep[i - 1]:
                    found.add(f"{words[i - 1]} {w}")
    return found


def themes(store: Store, sessions: list[Session]) -> list[Theme]:
    """What recurs across the user's answers, counted per session.

    A session's summary counts only when it has no answers (an imported entry): a flow's summary repeats
    the answers under the template's headings, which would rank the headings as themes.
    """
    seen: dict[str, list[Session]] = {}
    for s in sorted(sessions, key=lambda s: (utc(s.started_at), s.id or 0)):
        if s.safety:  # what was written on a very hard day is never turned into a theme
            continue
        texts = [t.text for t in store.sessions.turns(s.id or 0) if t.role == "user"] or [s.summary or ""]
        for term in terms("\n".join(texts)):
            seen.setdefault(term, []).append(s)
    counts = {term: len(found) for term, found in seen.items() if len(found) >= 2}
    covered = {w for term, n in counts.items() if " " in term for w in term.split() if counts.get(w) == n}
    ranked = sorted((t for t in counts if t not in covered), key=lambda t: (-counts[t], -t.count(" "), t))
    return [
        Theme(
            text=term,
            count=counts[term],
            sessions=[SessionRef(session_id=s.id or 0, date=day_of(s.started_at)) for s in seen[term]],
        )
        for term in ranked[:TOP_THEMES]
    ]
