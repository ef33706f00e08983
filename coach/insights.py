"""Insights over one profile's history: follow-through, mood trend, streaks, goals at risk, themes."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from coach.data_files import read_data
from coach.engine.flows import Flow
from coach.errors import CoachError
from coach.models import Commitment, Goal, Session
from coach.paths import bundled_dir
from coach.patterns import EmbedderSource, Recurring, recurring_report
from coach.retrieval import privacy
from coach.store import Store
from coach.streaks import day_of, streak_counts, utc

Direction = Literal["up", "down", "steady"]
WINDOW = 7
STEADY = 0.3
TREND_DAYS = 3
"""Days with a mood needed for a trend..."""
TREND_SPAN = 7
"""...spread over at least this many calendar days (first to last, both counted)."""
MAX_SLOPE = 4.0
"""A week's change in mood is at most the whole scale (1 to 5)."""
RISK_DAYS = 14
TOP_THEMES = 10

_CLAUSE = re.compile(r"[.!?;:,()\[\]{}\"\n\r\t·•|/#*>–—]+")


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
    """One mood as logged: a session's."""

    date: dt.date
    mood: int
    session_id: int


class MoodDay(BaseModel):
    """One day's mood: the mean of the moods logged that (UTC) day."""

    date: dt.date
    mood: float
    moods: int
    """How many moods were logged that day."""


class MoodTrend(BaseModel):
    points: list[MoodPoint]
    """Every mood logged, oldest first (several on a day are several points)."""
    days: list[MoodDay]
    """One point a day with a mood, oldest first: what the averages and the trend are over."""
    recent_avg: float | None
    """The average of the last 7 days with a mood."""
    previous_avg: float | None
    """The average of the (up to) 7 days with a mood before those; None when there are none."""
    direction: Direction | None
    slope_per_week: float | None
    """Least-squares change of the day means per week over calendar days, within ±MAX_SLOPE; None when
    there are too few days for one (see `not_enough`)."""
    not_enough: str | None = None
    """Why there is no trend yet, in a sentence ("Not enough days yet for a trend: 2 days of moods")."""


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


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _days_text(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def mood_trend(sessions: list[Session]) -> MoodTrend:
    """The moods as logged, and by day: the averages and the trend count each day once, whatever the
    number of moods logged on it, and the trend runs over calendar days (a gap of a week is a week)."""
    moody = [(utc(s.started_at), s.mood, s.id or 0) for s in sessions if s.mood and s.started_at]
    moody.sort(key=lambda m: (m[0], m[2]))
    points = [MoodPoint(date=day_of(at), mood=mood, session_id=sid) for at, mood, sid in moody]
    by_day: dict[date, list[int]] = {}
    for p in points:
        by_day.setdefault(p.date, []).append(p.mood)
    days = [MoodDay(date=d, mood=round(sum(m) / len(m), 2), moods=len(m)) for d, m in by_day.items()]
    means = [d.mood for d in days]
    recent, previous = _mean(means[-WINDOW:]), _mean(means[-2 * WINDOW : -WINDOW])
    direction: Direction | None = None
    if recent is not None and previous is not None:
        diff = round(recent - previous, 9)
        direction = "up" if diff >= STEADY else "down" if diff <= -STEADY else "steady"
    slope, why = _slope(days)
    return MoodTrend(
        points=points,
        days=days,
        recent_avg=None if recent is None else round(recent, 3),
        previous_avg=None if previous is None else round(previous, 3),
        direction=direction,
        slope_per_week=slope,
        not_enough=why,
    )


def _slope(days: list[MoodDay]) -> tuple[float | None, str | None]:
    """(change per week, None), or (None, why not) with too few days or too short a span for a trend."""
    if not days:
        return None, None
    span = (days[-1].date - days[0].date).days + 1
    if len(days) < TREND_DAYS:
        return None, f"Not enough days yet for a trend: {_days_text(len(days))} of moods"
    if span < TREND_SPAN:
        return None, (
            f"Not enough days yet for a trend: {_days_text(len(days))} of moods within "
            f"{_days_text(span)}, and a trend needs a week"
        )
    xs = [(d.date - days[0].date).days for d in days]
    ys = [d.mood for d in days]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    var = sum((x - mx) ** 2 for x in xs)
    per_week = 7 * sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / var
    return round(max(-MAX_SLOPE, min(MAX_SLOPE, per_week)), 2), None


def trend_text(mood: MoodTrend) -> str | None:
    """The trend in words, as the CLI and the screen show it: "+0.4 a week", "level", or why there is none."""
    if mood.slope_per_week is None:
        return mood.not_enough
    shown = f"{mood.slope_per_week:+.1f}"
    return "level" if shown in ("+0.0", "-0.0") else f"{shown} a week"


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


class ThemesError(CoachError):
    """prompts/coaching/themes.yaml is malformed; the message names the file and every problem."""


class ThemesConfig(BaseModel):
    """prompts/coaching/themes.yaml: the words that are never themes (each list space-separated)."""

    model_config = ConfigDict(extra="forbid")
    min_chars: int = Field(ge=1, le=20)
    stop_words: str
    months: str
    weekdays: str
    time_words: str
    number_words: str
    keep: str
    """Words a flow's questions use that still count when the person writes them."""
    name_stages: list[str] = Field(default_factory=list)
    """Stage ids whose answer is a name (a mentee, a group), never counted."""

    @field_validator("stop_words", "months", "weekdays", "time_words", "number_words", "keep")
    @classmethod
    def _words(cls, v: str) -> str:
        odd = sorted({w for w in v.split() if not re.fullmatch(r"[a-z][a-z']*", w)})
        if odd:
            raise ValueError(f"lower-case words separated by spaces only, not {odd}")
        return v

    def never(self) -> frozenset[str]:
        """Words that are never a theme, nor half of one."""
        lists = (self.stop_words, self.months, self.weekdays, self.time_words, self.number_words)
        return frozenset(w for text in lists for w in text.split())


def themes_path() -> Path:
    return bundled_dir("prompts") / "coaching" / "themes.yaml"


def read_themes_config(path: Path) -> ThemesConfig:
    """Parse and validate a themes file; any problem becomes a ThemesError naming it."""
    return read_data(path, ThemesConfig, ThemesError)


@cache
def themes_config() -> ThemesConfig:
    return read_themes_config(themes_path())


_SLOT = re.compile(r"\{[^{}]*\}")
_WORDS = re.compile(r"\w+")
_template_cache: tuple[object, frozenset[str]] | None = None


def flow_words(flows: Iterable[Flow]) -> frozenset[str]:
    """The fixed words of the flows: summary and card headings, stage titles and labels, the questions,
    follow-ups, check labels and question banks; the {slots} are left out."""
    texts: list[str] = []
    for flow in flows:
        texts += [flow.summary, flow.card or ""]
        texts += [str(q.get("ask", "")) for q in flow.questions]
        for st in flow.stages:
            texts += [st.title, st.label, st.ask, *st.asks, *st.deepen, st.scaffold or ""]
            texts += [t for c in st.checks for t in (c.label, c.ask, c.listen or "")]
            if st.renegotiate is not None:
                texts += [st.renegotiate.ask, st.renegotiate.slipped]
    return frozenset(w for t in texts for w in _WORDS.findall(_SLOT.sub(" ", t).lower()))


def template_words() -> frozenset[str]:
    """The flow files' fixed words, found again whenever the flow files change (none if they do not load)."""
    global _template_cache
    flows = privacy.flows()
    if _template_cache is None or _template_cache[0] is not flows:
        _template_cache = (flows, flow_words((flows or {}).values()))
    return _template_cache[1]


def terms(text: str, template: frozenset[str] = frozenset()) -> set[str]:
    """The content words of a text and adjacent pairs of them within a clause.

    Never a stop word, a month or day name, a word of time or number, a figure ("3pm", "2026") or a word
    under min_chars, nor a pair with one. A `template` word (a flow's headings and questions) is not a
    theme alone but may be half of a pair ("family time"), unless it is one to keep."""
    cfg = themes_config()
    never, keep = cfg.never(), frozenset(cfg.keep.split())
    found: set[str] = set()
    for clause in _CLAUSE.split(text.lower().replace("\u2019", "'")):
        words = _WORDS.findall(clause)
        ok = [
            len(w) >= cfg.min_chars and w not in never and not any(c.isdigit() or c == "_" for c in w)
            for w in words
        ]
        own = [ok[i] and (w in keep or w not in template) for i, w in enumerate(words)]
        for i, w in enumerate(words):
            if own[i]:
                found.add(w)
            if i and ok[i] and ok[i - 1] and (own[i] or own[i - 1]):
                found.add(f"{words[i - 1]} {w}")
    return found


def _written(session: Session, answers: dict[str, str]) -> list[str]:
    """The answers the person wrote: not a mood, a date, tags, a link, a yes or no, a review of commitments
    (their text was written before), nor a name (see name_stages)."""
    flows = privacy.candidates(session.framework, session.kind)
    kinds: dict[str, set[str]] = {}
    for flow in flows or []:
        for st in flow.stages:
            kinds.setdefault(st.id, set()).add(st.type)
    names = set(themes_config().name_stages)
    return [
        text
        for stage, text in answers.items()
        if stage not in names and (stage not in kinds or kinds[stage] & _WRITTEN_KINDS)
    ]


_WRITTEN_KINDS = {"text", "commitments", "milestones"}


def themes(store: Store, sessions: list[Session]) -> list[Theme]:
    """What recurs across what the person wrote, counted per session.

    A flow session counts its final answers, so the summary's headings never do; one with none counts
    what the person typed, and an imported entry (no turns) its summary, with the flows' headings left
    out. A session the safety gate stopped never counts.
    """
    template = template_words()
    seen: dict[str, list[Session]] = {}
    for s in sorted(sessions, key=lambda s: (utc(s.started_at), s.id or 0)):
        if s.safety:  # what was written on a very hard day is never turned into a theme
            continue
        full = s if s.answers is not None else store.sessions.get(s.id or 0)
        texts = _written(s, full.final_answers())
        if not texts:
            texts = [t.text for t in full.turns if t.role == "user"] or [s.summary or ""]
        for term in terms("\n".join(texts), template):
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
