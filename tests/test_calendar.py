"""coach calendar export: the file parses back with icalendar, UIDs are stable, private text never in it."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from icalendar import Calendar

from coach.calendar_ics import PRIVATE_TITLE, build_calendar
from coach.cli import main
from coach.models import Commitment, Goal, Meeting, Milestone
from coach.store import Store

NOW = datetime(2026, 12, 2, 9, 30, tzinfo=UTC)


def _seed(store: Store, pid: int) -> dict[str, int]:
    goal = store.goals.add(
        Goal(profile_id=pid, title="Launch the studio"),
        [Milestone(goal_id=0, title="Pick a name", due=date(2026, 12, 6))],
    )
    c1 = store.commitments.add(
        Commitment(profile_id=pid, text="Send the [draft]; call Priya, then rest", due=date(2026, 12, 4))
    )
    c2 = store.commitments.add(
        Commitment(profile_id=pid, text="Book the room", due=date(2026, 11, 28), goal_id=goal.id)
    )
    store.commitments.set_status(c2.id or 0, "missed", obstacle="SECRET-OBSTACLE the kids were ill")
    store.commitments.add(Commitment(profile_id=pid, text="No date at all"))
    store.meetings.add(
        Meeting(
            profile_id=pid,
            group_name="Thursday circle",
            date=date(2026, 12, 3),
            brief="# Hot-seat brief\n## Private note\nSECRET-BRIEF",
        )
    )
    return {"c1": c1.id or 0, "c2": c2.id or 0}


def _parse(ics: bytes) -> Calendar:
    return Calendar.from_ical(ics)


def test_meetings_are_events_and_commitments_todos(store: Store, profile_id: int) -> None:
    ids = _seed(store, profile_id)
    result = build_calendar(store, profile_id, now=NOW)
    cal = _parse(result.ics)
    events, todos = list(cal.events), list(cal.todos)
    assert (result.events, result.todos) == (1, 3)
    assert [(str(e.summary), e.start) for e in events] == [("Mastermind: Thursday circle", date(2026, 12, 3))]
    by_summary = {str(t.summary): t for t in todos}
    first = by_summary["Send the [draft]; call Priya, then rest"]
    assert first.end == date(2026, 12, 4) and str(first.status) == "NEEDS-ACTION"
    assert str(by_summary["Book the room"].status) == "CANCELLED"
    assert str(by_summary["Book the room"].description) == "Goal: Launch the studio"
    assert "Milestone: Pick a name" in by_summary
    assert f"commitment-{ids['c1']}-" in str(first.uid)
    text = result.ics.decode()
    assert "SECRET" not in text and "No date at all" not in text


def test_exporting_again_keeps_every_uid(store: Store, profile_id: int) -> None:
    _seed(store, profile_id)
    first = build_calendar(store, profile_id, now=NOW)
    store.commitments.add(Commitment(profile_id=profile_id, text="A new one", due=date(2026, 12, 9)))
    second = build_calendar(store, profile_id, now=datetime(2026, 12, 5, tzinfo=UTC))
    assert set(first.uids) < set(second.uids) and len(second.uids) == len(first.uids) + 1
    assert len(set(second.uids)) == len(second.uids)


def test_tasks_as_all_day_events_and_since(store: Store, profile_id: int) -> None:
    _seed(store, profile_id)
    result = build_calendar(store, profile_id, now=NOW, tasks="event", since=date(2026, 12, 1))
    cal = _parse(result.ics)
    assert result.todos == 0 and not list(cal.todos)
    summaries = sorted(str(e.summary) for e in cal.events)
    assert summaries == sorted(
        ["Mastermind: Thursday circle", "Send the [draft]; call Priya, then rest", "Milestone: Pick a name"]
    )
    for e in cal.events:
        assert (e.end - e.start).days == 1


def test_a_commitment_from_a_flow_that_cannot_be_read_is_private(store: Store, profile_id: int) -> None:
    from coach.models import Session

    session = store.sessions.start(Session(profile_id=profile_id, kind="reflection", framework="gone"))
    store.commitments.add(
        Commitment(
            profile_id=profile_id, text="SECRET plan", due=date(2026, 12, 8), made_in_session_id=session.id
        )
    )
    ics = build_calendar(store, profile_id, now=NOW).ics.decode()
    assert "SECRET" not in ics and PRIVATE_TITLE in ics


def test_cli_export_writes_and_replaces_its_own_file(
    store: Store, profile_id: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed(store, profile_id)
    store.close()
    out = tmp_path / "coach.ics"
    capsys.readouterr()
    for _ in range(2):  # the second export replaces the first without --force: it is a coach calendar
        with pytest.raises(SystemExit) as exc:
            main(["calendar", "export", "--out", str(out), "--json"])
        assert exc.value.code == 0, capsys.readouterr().err
        data = json.loads(capsys.readouterr().out)
        assert data["events"] == 1 and data["todos"] == 3
    assert out.stat().st_mode & 0o777 == 0o600
    assert len(list(_parse(out.read_bytes()).todos)) == 3
    other = tmp_path / "mine.ics"
    other.write_text("something else", encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        main(["calendar", "export", "--out", str(other)])
    assert exc.value.code == 2 and "--force" in capsys.readouterr().err
