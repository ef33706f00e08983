"""Today: overdue and due commitments, milestones this week, the next meeting, one entry from this day."""

from __future__ import annotations

import calendar
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from coach.dates import WEEKDAYS
from coach.insights_weekly import week_start
from coach.streaks import day_of

if TYPE_CHECKING:
    from coach.models import Session
    from coach.store import Store

WEEKLY_FLOW = "weekly"
EXCERPT_CHARS = 160
"""The longest "on this day" excerpt, cut at a word."""


@dataclass(frozen=True)
class DueItem:
    """A commitment, by its due date."""

    id: int
    text: str
    due: date
    days: int
    """Days from today: negative when overdue, 0 today."""
    partial: bool = False


def _due_item(row: Any, today: date) -> DueItem:
    """A commitment row (id, text, due, status) as a DueItem counted from today."""
    due = date.fromisoformat(row["due"])
    return DueItem(int(row["id"]), row["text"], due, (due - today).days, row["status"] == "partial")


def days_text(days: int) -> str:
    """A day counted from today, as said: today, tomorrow, yesterday, in 3 days, 3 days ago."""
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    return f"in {days} days" if days > 0 else f"{-days} days ago"


@dataclass(frozen=True)
class MilestoneItem:
    id: int
    goal_id: int
    goal: str
    title: str
    due: date
    days: int


@dataclass(frozen=True)
class NextMeeting:
    id: int
    group: str
    date: date
    days: int
    prepared: bool
    """A brief exists for it (coach prep ran)."""
    to_review: list[DueItem]
    """The open commitments due by the meeting: what its review will ask about."""


@dataclass(frozen=True)
class OnThisDay:
    session_id: int
    date: date
    ago: str
    """"a week ago", "a month ago" or "a year ago"."""
    title: str
    excerpt: str
    mood: int | None = None


@dataclass(frozen=True)
class Today:
    today: date
    overdue: list[DueItem]
    due_today: list[DueItem]
    coming: list[DueItem]
    """Due within the next `ahead` days, today left out."""
    ahead: int
    milestones: list[MilestoneItem]
    """Not done, due this week (Monday to Sunday) or overdue, of goals still active or at risk."""
    next_meeting: NextMeeting | None
    on_this_day: OnThisDay | None
    weekly_review_due: bool = False
    """Today is the review day and no weekly review was written in the last six days."""
    notes: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.overdue or self.due_today or self.coming or self.milestones or self.next_meeting)

    def to_json(self) -> dict[str, Any]:
        return _jsonable(asdict(self))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def months_back(day: date, months: int) -> date:
    """The same day `months` earlier, or that month's last day when it is shorter (31 Mar -> 28 Feb)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _week_bounds(today: date) -> tuple[date, date]:
    start = week_start(today)
    return start, start + timedelta(days=6)


def build_today(
    store: Store, profile_id: int, today: date, *, ahead: int = 2, review_day: str = "sunday"
) -> Today:
    """Everything the Today panel, `coach today` and `coach remind` show, as of `today`."""
    rows = store.db.query(
        "SELECT id, text, due, status FROM commitments WHERE profile_id = ? AND status IN ('open', 'partial')"
        " AND due IS NOT NULL AND due <= ? ORDER BY due, id",
        (profile_id, (today + timedelta(days=max(ahead, 0))).isoformat()),
    )
    items = [_due_item(r, today) for r in rows]
    return Today(
        today=today,
        overdue=[i for i in items if i.days < 0],
        due_today=[i for i in items if i.days == 0],
        coming=[i for i in items if i.days > 0],
        ahead=ahead,
        milestones=_milestones(store, profile_id, today),
        next_meeting=_next_meeting(store, profile_id, today),
        on_this_day=on_this_day(store, profile_id, today),
        weekly_review_due=weekly_review_due(store, profile_id, today, review_day),
    )


def _milestones(store: Store, profile_id: int, today: date) -> list[MilestoneItem]:
    _, end = _week_bounds(today)
    rows = store.db.query(
        "SELECT m.id, m.goal_id, g.title AS goal, m.title, m.due"
        " FROM milestones m JOIN goals g ON g.id = m.goal_id"
        " WHERE g.profile_id = ? AND g.status IN ('active', 'at-risk') AND NOT m.done AND m.due IS NOT NULL"
        " AND m.due <= ? ORDER BY m.due, m.position, m.id",
        (profile_id, end.isoformat()),
    )
    return [
        MilestoneItem(
            int(r["id"]),
            int(r["goal_id"]),
            r["goal"],
            r["title"],
            d := date.fromisoformat(r["due"]),
            (d - today).days,
        )
        for r in rows
    ]


def _next_meeting(store: Store, profile_id: int, today: date) -> NextMeeting | None:
    row = store.db.one(
        "SELECT id, group_name, date, brief FROM meetings WHERE profile_id = ? AND date >= ?"
        " ORDER BY date, id LIMIT 1",
        (profile_id, today.isoformat()),
    )
    if row is None:
        return None
    when = date.fromisoformat(row["date"])
    due = store.db.query(
        "SELECT id, text, due, status FROM commitments WHERE profile_id = ? AND status IN ('open', 'partial')"
        " AND due IS NOT NULL AND due <= ? ORDER BY due, id",
        (profile_id, when.isoformat()),
    )
    return NextMeeting(
        id=int(row["id"]),
        group=row["group_name"],
        date=when,
        days=(when - today).days,
        prepared=bool((row["brief"] or "").strip()),
        to_review=[_due_item(r, today) for r in due],
    )


def weekly_review_due(store: Store, profile_id: int, today: date, review_day: str) -> bool:
    if review_day not in WEEKDAYS or WEEKDAYS.index(review_day) != today.weekday():
        return False
    return last_weekly_review(store, profile_id, today) is None


def last_weekly_review(store: Store, profile_id: int, today: date, days: int = 6) -> date | None:
    """The day of the latest ended weekly review in the last `days` days or today; None when there is none."""
    rows = store.db.query(
        "SELECT started_at FROM sessions WHERE profile_id = ? AND framework = ? AND ended_at IS NOT NULL",
        (profile_id, WEEKLY_FLOW),
    )
    found = [day_of(datetime.fromisoformat(r["started_at"])) for r in rows]
    recent = [d for d in found if today - timedelta(days=days) <= d <= today]
    return max(recent) if recent else None


# ---- on this day ----


def on_this_day_dates(today: date) -> list[tuple[str, date]]:
    """The days looked back to, the longest ago first: a year ago is the rarest find."""
    return [
        ("a year ago", months_back(today, 12)),
        ("a month ago", months_back(today, 1)),
        ("a week ago", today - timedelta(days=7)),
    ]


def on_this_day(store: Store, profile_id: int, today: date) -> OnThisDay | None:
    """One ended entry from a year, a month or a week ago, with a line of what the person wrote.

    Never a session the safety gate stopped, never a private stage's answer or an artefact's private field,
    and nothing from a session whose flow can no longer be read (its privacy cannot be known)."""
    rows = store.db.query(
        "SELECT id, started_at FROM sessions WHERE profile_id = ? AND ended_at IS NOT NULL AND safety IS NULL"
        " AND kind != 'chat' ORDER BY started_at, id",
        (profile_id,),
    )
    by_day: dict[date, list[int]] = {}
    for r in rows:
        by_day.setdefault(day_of(datetime.fromisoformat(r["started_at"])), []).append(int(r["id"]))
    for ago, day in on_this_day_dates(today):
        for sid in by_day.get(day, []):
            session = store.sessions.get(sid)
            excerpt = public_excerpt(session)
            if excerpt:
                return OnThisDay(sid, day, ago, _title(session), excerpt, session.mood)
    return None


def _title(session: Session) -> str:
    from coach.retrieval import privacy

    flow = (privacy.flows() or {}).get(session.framework or "")
    if flow is not None:
        return flow.title
    return {"reflection": "Reflection", "goal": "Goal", "meeting-prep": "Meeting prep"}.get(
        session.kind, "Entry"
    )


def public_excerpt(session: Session, limit: int = EXCERPT_CHARS) -> str:
    """The first thing the person wrote that anyone may read, as one line; "" when there is none."""
    from coach.engine.flows import SKIPPED
    from coach.engine.nonanswers import is_non_answer
    from coach.retrieval import privacy
    from coach.retrieval.recalls import clean_lines

    if session.safety:
        return ""
    flows = privacy.candidates(session.framework, session.kind)
    if flows is None:
        return ""
    hidden = {s for f in flows for s in privacy.private_stages(f)}
    text_stages = [s.id for f in flows for s in f.stages if s.type == "text" and s.id not in hidden]
    answers = session.final_answers()
    if "entry" in answers and not hidden and "entry" not in text_stages:
        text_stages.append(
            "entry"
        )  # an imported entry: its text, under no stage, from a flow with no secrets
    for stage_id in dict.fromkeys(text_stages):
        said = answers.get(stage_id, "").strip()
        if said and SKIPPED not in said and not is_non_answer(said):
            return _cut(" ".join(clean_lines(said)) or said, limit)
    if not answers and session.summary:
        parts = privacy.split_artefact(session.summary, flows)
        if parts is not None:
            return _cut(" ".join(clean_lines(parts[0])), limit)
    return ""


def _cut(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"
