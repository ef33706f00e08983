"""coach today on a fixed clock: what is due, milestones this week, the next meeting, and on this day."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from coach.cli import main
from coach.models import Commitment, Goal, Meeting, Milestone, Session
from coach.store import Store
from coach.today import build_today, months_back, on_this_day, on_this_day_dates

TODAY = date(2026, 12, 2)  # a Wednesday


def _at(day: date, hour: int = 18) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _entry(store: Store, pid: int, day: date, **fields: object) -> int:
    session = store.sessions.start(Session(profile_id=pid, started_at=_at(day), **fields))  # type: ignore[arg-type]
    return store.sessions.end(session.id or 0, ended_at=_at(day, 19)).id or 0


def _seed(store: Store, pid: int) -> None:
    add = store.commitments.add
    add(Commitment(profile_id=pid, text="Send the [draft] proposal", due=date(2026, 11, 30)))
    add(Commitment(profile_id=pid, text="Call the venue", due=TODAY))
    add(Commitment(profile_id=pid, text="Book the room", due=date(2026, 12, 4)))
    add(Commitment(profile_id=pid, text="Far away", due=date(2026, 12, 20)))
    add(Commitment(profile_id=pid, text="Already done", due=date(2026, 11, 29), status="done"))
    goal = store.goals.add(
        Goal(profile_id=pid, title="Launch the studio"),
        [
            Milestone(goal_id=0, title="Pick a name", due=date(2026, 12, 6)),
            Milestone(goal_id=0, title="Next week's one", due=date(2026, 12, 8)),
        ],
    )
    assert goal.id
    store.meetings.add(Meeting(profile_id=pid, group_name="Thursday circle", date=date(2026, 12, 3)))


def test_due_milestones_and_meeting_on_a_fixed_clock(store: Store, profile_id: int) -> None:
    _seed(store, profile_id)
    t = build_today(store, profile_id, TODAY, ahead=2)
    assert [i.text for i in t.overdue] == ["Send the [draft] proposal"] and t.overdue[0].days == -2
    assert [i.text for i in t.due_today] == ["Call the venue"]
    assert [i.text for i in t.coming] == ["Book the room"]
    assert [m.title for m in t.milestones] == ["Pick a name"]
    meeting = t.next_meeting
    assert meeting is not None and meeting.group == "Thursday circle" and meeting.days == 1
    assert not meeting.prepared
    assert [i.text for i in meeting.to_review] == ["Send the [draft] proposal", "Call the venue"]
    assert build_today(store, profile_id, TODAY, ahead=0).coming == []


def test_on_this_day_looks_back_a_year_then_a_month_then_a_week() -> None:
    assert on_this_day_dates(TODAY) == [
        ("a year ago", date(2025, 12, 2)),
        ("a month ago", date(2026, 11, 2)),
        ("a week ago", date(2026, 11, 25)),
    ]
    assert months_back(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_back(date(2024, 2, 29), 12) == date(2023, 2, 28)


def test_on_this_day_shows_what_was_written_never_private_or_marked(store: Store, profile_id: int) -> None:
    week_ago = date(2026, 11, 25)
    _entry(
        store,
        profile_id,
        date(2025, 12, 2),
        kind="reflection",
        framework="gibbs",
        safety="suicide",
        answers={"description": "A very hard day I wrote about"},
    )
    _entry(
        store,
        profile_id,
        week_ago,
        kind="meeting-prep",
        framework="mastermind",
        answers={"private_note": "secret thing", "review": "x: missed", "wins": "Closed the first client."},
        summary="# brief",
    )
    found = on_this_day(store, profile_id, TODAY)
    assert found is not None and found.ago == "a week ago" and found.date == week_ago
    assert "secret" not in found.excerpt and "hard day" not in found.excerpt
    assert found.title == "Mastermind meeting prep"
    assert found.excerpt == "Closed the first client."


def test_a_year_ago_wins_and_a_private_only_entry_is_never_shown(store: Store, profile_id: int) -> None:
    _entry(
        store,
        profile_id,
        date(2026, 11, 2),
        kind="meeting-prep",
        framework="mastermind",
        answers={"private_note": "only a secret", "review": "a: missed, because of a private reason"},
    )
    assert on_this_day(store, profile_id, TODAY) is None
    _entry(
        store,
        profile_id,
        date(2025, 12, 2),
        kind="reflection",
        framework="what-so-what",
        answers={"what": "The first workshop ran long, and the room was far too warm for everyone."},
        mood=4,
    )
    found = on_this_day(store, profile_id, TODAY)
    assert found is not None and found.ago == "a year ago" and found.mood == 4
    assert found.excerpt.startswith("The first workshop ran long")


def test_an_unknown_flow_is_never_shown(store: Store, profile_id: int) -> None:
    _entry(store, profile_id, date(2026, 11, 25), kind="reflection", framework="gone", answers={"x": "words"})
    assert on_this_day(store, profile_id, TODAY) is None


def test_weekly_review_is_offered_on_the_review_day_until_done(store: Store, profile_id: int) -> None:
    assert build_today(store, profile_id, TODAY, review_day="wednesday").weekly_review_due
    assert not build_today(store, profile_id, TODAY, review_day="sunday").weekly_review_due
    _entry(store, profile_id, TODAY, kind="reflection", framework="weekly", answers={"wins": "a"})
    assert not build_today(store, profile_id, TODAY, review_day="wednesday").weekly_review_due


def test_coach_today_json_and_text(store: Store, profile_id: int, capsys: pytest.CaptureFixture[str]) -> None:
    _seed(store, profile_id)
    store.close()
    capsys.readouterr()
    with pytest.raises(SystemExit) as exc:
        main(["today", "--json", "--date", "2026-12-02"])
    assert exc.value.code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["today"] == "2026-12-02"
    assert [i["text"] for i in data["overdue"]] == ["Send the [draft] proposal"]
    assert data["next_meeting"]["group"] == "Thursday circle"
    assert data["ahead"] == 2
    with pytest.raises(SystemExit):
        main(["today", "--date", "2026-12-02"])
    out = capsys.readouterr().out
    assert "Overdue (1):" in out and "[draft]" in out and "Next meeting: Thursday circle" in out
    assert "Prepare for it: coach prep" in out


def test_the_panel_text_keeps_brackets_literal(store: Store, profile_id: int) -> None:
    from tui.today import on_this_day_text, today_text

    _seed(store, profile_id)
    store.commitments.add(Commitment(profile_id=profile_id, text="Fix [red]the[/] [bold]bug", due=TODAY))
    text = today_text(build_today(store, profile_id, TODAY, ahead=2, review_day="wednesday")).plain
    assert "Fix [red]the[/] [bold]bug" in text and "Send the [draft] proposal" in text
    assert "Overdue (1)" in text and "Due today (2)" in text and "Milestones this week" in text
    assert "Next meeting: Thursday circle" in text and "review day" in text
    assert "Nothing from this day" in on_this_day_text(None, TODAY).plain


async def test_the_panel_paints_a_today(store: Store, profile_id: int) -> None:
    from textual.app import App, ComposeResult

    from tui.today import TodayPanel

    _seed(store, profile_id)
    found = build_today(store, profile_id, TODAY)

    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield TodayPanel()

    app = One()
    async with app.run_test(size=(80, 30)) as pilot:
        panel = app.query_one(TodayPanel)
        panel.show(found)
        await pilot.pause()
        assert panel.today is found
        assert "Call the venue" in str(panel.render())


async def test_on_this_day_panel_in_the_app(store: Store, profile_id: int) -> None:
    from coach.config import load_settings
    from coach.services import Coach
    from tui.app import CoachApp
    from tui.today import OnThisDayPanel, TodayPanel

    week_ago = date.today() - timedelta(days=7)
    _entry(
        store,
        profile_id,
        week_ago,
        kind="reflection",
        framework="what-so-what",
        answers={"what": "The [red]workshop[/] ran long and the room was far too warm."},
    )
    app = CoachApp(Coach(store, load_settings()), warm=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        home = app.screen
        otd, today = OnThisDayPanel(), TodayPanel()
        await home.mount(otd)
        await home.mount(today)
        otd.load()
        today.load()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "a week ago" in str(otd.render()) and "[red]workshop[/]" in str(otd.render())
        assert today.today is not None and today.today.on_this_day is not None
