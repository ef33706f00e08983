"""An iCalendar file of meetings (events), commitments and milestones (to-dos or all-day events)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from icalendar import Calendar, Event, Todo
from icalendar.enums import STATUS

if TYPE_CHECKING:
    from coach.models import Commitment
    from coach.store import Store

PRODID = "-//coach//coach calendar//EN"
DOMAIN = "coach.local"
TaskStyle = Literal["todo", "event"]
PRIVATE_TITLE = "A commitment (private)"

_TODO_STATUS = {
    "open": STATUS.NEEDS_ACTION,
    "partial": STATUS.IN_PROCESS,
    "done": STATUS.COMPLETED,
    "missed": STATUS.CANCELLED,
    "dropped": STATUS.CANCELLED,
}
_EVENT_MARK = {
    "open": "",
    "partial": "(partly done) ",
    "done": "✓ ",
    "missed": "(missed) ",
    "dropped": "(dropped) ",
}


@dataclass
class Exported:
    ics: bytes
    events: int = 0
    todos: int = 0
    uids: list[str] = field(default_factory=list)


def profile_key(store: Store, profile_id: int) -> str:
    """A short key of the profile, stable for as long as the profile exists, that names no one."""
    row = store.db.one("SELECT id, created_at FROM profiles WHERE id = ?", (profile_id,))
    seed = f"{profile_id}:{row['created_at'] if row else ''}"
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()[:12]


def uid(kind: str, item_id: int, key: str) -> str:
    return f"{kind}-{item_id}-{key}@{DOMAIN}"


def is_coach_calendar(path: Path) -> bool:
    """A file this module wrote (so exporting again may replace it without --force)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(512)
    except OSError:
        return False
    return head.startswith(b"BEGIN:VCALENDAR") and PRODID.encode() in head


def _private_commitments(store: Store, commitments: list[Commitment]) -> set[int]:
    """Commitments made at a private stage (none of the bundled flows has one, but a flow file may)."""
    from coach.retrieval import privacy

    hidden: set[int] = set()
    sessions: dict[int, list[str] | None] = {}
    for c in commitments:
        sid = c.made_in_session_id
        if sid is None:
            continue
        if sid not in sessions:
            row = store.db.one("SELECT kind, framework FROM sessions WHERE id = ?", (sid,))
            flows = privacy.candidates(row["framework"], row["kind"]) if row else []
            sessions[sid] = (
                None
                if flows is None
                else [s.type for f in flows for s in f.stages if s.private and s.type == "commitments"]
            )
        found = sessions[sid]
        if found is None or found:
            hidden.add(c.id or 0)
    return hidden


def build_calendar(
    store: Store,
    profile_id: int,
    *,
    now: datetime | None = None,
    tasks: TaskStyle = "todo",
    since: date | None = None,
) -> Exported:
    """The profile's meetings, commitments with a due date and milestones with one, from `since` on.

    Each item's UID is built from its id and a key of its profile, so importing the file again updates the
    items instead of adding them twice. Only titles and dates go in: never a brief, what got in the way, a
    reason for dropping, or a commitment's text when it was made at a private stage."""
    stamp = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    key = profile_key(store, profile_id)
    cal = Calendar.new(prodid=PRODID, name="coach", uid=f"calendar-{key}@{DOMAIN}")
    out = Exported(ics=b"")

    def keep(day: date | None) -> bool:
        return day is not None and (since is None or day >= since)

    for m in store.meetings.list(profile_id):
        if not keep(m.date):
            continue
        item_uid = uid("meeting", m.id or 0, key)
        cal.add_component(
            Event.new(
                summary=f"Mastermind: {m.group_name}",
                start=m.date,
                end=m.date + timedelta(days=1),
                uid=item_uid,
                stamp=stamp,
                status=STATUS.CONFIRMED,
                description="Prepare with: coach prep" if not (m.brief or "").strip() else None,
            )
        )
        out.events += 1
        out.uids.append(item_uid)
    goals = {g.id: g.title for g in store.goals.list(profile_id)}
    commitments = [c for c in store.commitments.list(profile_id) if keep(c.due)]
    hidden = _private_commitments(store, commitments)
    for c in commitments:
        assert c.due is not None
        title = PRIVATE_TITLE if (c.id or 0) in hidden else c.text
        note = f"Goal: {goals[c.goal_id]}" if c.goal_id in goals else None
        item_uid = uid("commitment", c.id or 0, key)
        _task(cal, out, tasks, title, c.due, c.status, item_uid, stamp, note, c.updated_at)
    for goal in store.goals.list(profile_id):
        for ms in store.goals.milestones(goal.id or 0):
            if not keep(ms.due):
                continue
            assert ms.due is not None
            item_uid = uid("milestone", ms.id or 0, key)
            status = "done" if ms.done else "dropped" if goal.status == "dropped" else "open"
            _task(
                cal,
                out,
                tasks,
                f"Milestone: {ms.title}",
                ms.due,
                status,
                item_uid,
                stamp,
                f"Goal: {goal.title}",
            )
    out.ics = cal.to_ical()
    return out


def _task(
    cal: Calendar,
    out: Exported,
    style: TaskStyle,
    title: str,
    due: date,
    status: str,
    item_uid: str,
    stamp: datetime,
    note: str | None,
    modified: datetime | None = None,
) -> None:
    modified = modified.astimezone(UTC).replace(microsecond=0) if modified else None
    if style == "todo":
        cal.add_component(
            Todo.new(
                summary=title,
                end=due,
                uid=item_uid,
                stamp=stamp,
                status=_TODO_STATUS.get(status, STATUS.NEEDS_ACTION),
                description=note,
                last_modified=modified,
            )
        )
        out.todos += 1
    else:
        cal.add_component(
            Event.new(
                summary=f"{_EVENT_MARK.get(status, '')}{title}",
                start=due,
                end=due + timedelta(days=1),
                uid=item_uid,
                stamp=stamp,
                status=STATUS.CANCELLED if status == "dropped" else STATUS.CONFIRMED,
                description=note,
                last_modified=modified,
            )
        )
        out.events += 1
    out.uids.append(item_uid)
