"""The weekly review on a fixed clock: commitments reviewed with keep, shrink or drop, the week's mood, the
next week's first steps, a weekly entry; and follow-through and mood by week."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from coach.cli import main
from coach.engine.engine import Engine
from coach.engine.flows import get_flow
from coach.engine.results import Prompt
from coach.insights_weekly import week_of_moods, week_start, weekly
from coach.models import Commitment, Session
from coach.store import Store

TODAY = date(2026, 12, 6)  # a Sunday


def _seed(store: Store, pid: int) -> list[int]:
    return [
        store.commitments.add(Commitment(profile_id=pid, text=text, due=due)).id or 0
        for text, due in (
            ("Send 10 outreach emails", date(2026, 12, 2)),
            ("Write the case study", date(2026, 12, 4)),
            ("Call Priya", date(2026, 12, 5)),
            ("Next month's one", date(2027, 1, 10)),
        )
    ]


ANSWERS = {
    "wins": "Closed the Kestrel pilot and ran twice.",
    "got_in_way": "The offsite ate two days and I said yes to everything.",
    "focus": "Finish the case study draft for the website",
    "first_steps": "Outline the case study by Tuesday\nSend the draft to Priya by Thursday",
}


def _run(store: Store, pid: int, review: list[str]) -> tuple[Engine, Prompt]:
    engine, prompt = Engine.start(store, get_flow("weekly"), pid, today=TODAY)
    said = iter(review)
    for _ in range(40):
        if prompt.done:
            return engine, prompt
        stage = engine.stage
        assert stage is not None
        if engine.awaiting == "confirm":
            prompt = engine.answer("yes")
        elif engine.awaiting in ("deepen", "thread"):
            prompt = engine.decline()
        elif stage.id == "review":
            prompt = engine.answer(next(said))
        elif stage.id == "mood":
            prompt = engine.answer("3")
        else:
            prompt = engine.answer(ANSWERS[stage.id])
    raise AssertionError(f"stuck at {prompt.stage}: {prompt.text}")


def test_the_weekly_review_reviews_the_week_and_ends_in_an_entry(store: Store, profile_id: int) -> None:
    ids = _seed(store, profile_id)
    engine, prompt = _run(
        store,
        profile_id,
        [
            "done",
            "missed, the offsite",
            "shrink: an outline of the case study by Wednesday",
            "partial",
            "keep it, next Friday",
        ],
    )
    art = prompt.artefact
    assert art is not None and art.flow == "weekly" and art.job == "reflection"
    assert len(engine.review) == 3  # next month's one is not due yet
    assert art.stored["reviewed"] == ids[:3]
    assert [store.commitments.get(i).status for i in ids] == ["done", "dropped", "open", "open"]
    assert store.commitments.get(ids[2]).original_due == date(2026, 12, 5)  # kept, with a new date
    assert len(art.stored["shrunk"]) == 1 and len(art.stored["commitments"]) == 2
    md = art.markdown
    assert md.startswith("# Weekly review") and "## The week's mood\n3/5" in md
    assert "Closed the Kestrel pilot" in md and "## Focus for next week" in md
    session = store.sessions.get(art.session_id)
    assert session.kind == "reflection" and session.framework == "weekly" and session.mood == 3


def test_coach_weekly_from_an_answers_file(
    store: Store, profile_id: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store.commitments.add(Commitment(profile_id=profile_id, text="Call Priya", due=date(2026, 11, 30)))
    store.close()
    path = tmp_path / "weekly.yaml"
    path.write_text(
        'review: ["done"]\nmood: 4\nwins: Ran three times.\n'
        "got_in_way: Late nights before the launch.\nfocus: Sleep before eleven on weekdays\n"
        "first_steps: Phone out of the bedroom by Monday\n",
        encoding="utf-8",
    )
    capsys.readouterr()
    with pytest.raises(SystemExit) as exc:
        main(["weekly", "--answers", str(path), "--json"])
    assert exc.value.code == 0, capsys.readouterr().err
    art = json.loads(capsys.readouterr().out)
    assert art["flow"] == "weekly" and len(art["stored"]["reviewed"]) == 1
    assert len(art["stored"]["commitments"]) == 1


def _mood(store: Store, pid: int, day: date, mood: int, hour: int = 9) -> None:
    at = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
    store.sessions.start(Session(profile_id=pid, kind="reflection", started_at=at, mood=mood))


def test_follow_through_and_mood_by_week(store: Store, profile_id: int) -> None:
    add = store.commitments.add
    a = add(Commitment(profile_id=profile_id, text="a", due=date(2026, 11, 25))).id or 0
    b = add(Commitment(profile_id=profile_id, text="b", due=date(2026, 11, 26))).id or 0
    c = add(Commitment(profile_id=profile_id, text="c", due=date(2026, 12, 3))).id or 0
    d = add(Commitment(profile_id=profile_id, text="d", due=date(2026, 12, 4))).id or 0
    for cid, status in ((a, "done"), (b, "missed"), (c, "partial"), (d, "dropped")):
        store.commitments.set_status(cid, status)
    _mood(store, profile_id, date(2026, 12, 1), 2)
    _mood(store, profile_id, date(2026, 12, 1), 4, hour=20)
    _mood(store, profile_id, date(2026, 12, 5), 5)
    weeks = weekly(store, profile_id, TODAY, 3)
    assert [w.start for w in weeks] == [date(2026, 11, 16), date(2026, 11, 23), date(2026, 11, 30)]
    assert weeks[0].rate is None and weeks[0].mood is None
    assert (weeks[1].done, weeks[1].missed, weeks[1].rate) == (1, 1, 0.5)
    assert (weeks[2].partial, weeks[2].dropped, weeks[2].rate) == (1, 1, 0.5)
    assert weeks[2].mood == 4.0 and weeks[2].mood_days == 2  # the day of 2 and 4 counts once, as 3
    days = week_of_moods(store, profile_id, TODAY)
    assert days[0].day == date(2026, 11, 30) and days[-1].day == TODAY
    assert [d.mood for d in days] == [None, 3.0, None, None, None, 5.0, None]
    assert week_start(TODAY) == date(2026, 11, 30)


def test_coach_weeks_json(store: Store, profile_id: int, capsys: pytest.CaptureFixture[str]) -> None:
    _mood(store, profile_id, date(2026, 12, 5), 5)
    store.close()
    capsys.readouterr()
    with pytest.raises(SystemExit):
        main(["weeks", "--weeks", "2", "--date", "2026-12-06", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert [w["start"] for w in data["weeks"]] == ["2026-11-23", "2026-11-30"]
    assert data["weeks"][1]["mood"] == 5.0 and len(data["last_seven_days"]) == 7
    with pytest.raises(SystemExit):
        main(["weeks", "--weeks", "2", "--date", "2026-12-06"])
    assert "Follow-through by week" in capsys.readouterr().out


def test_the_week_charts(store: Store, profile_id: int) -> None:
    from tui.charts import week_bars, week_mood

    assert "Nothing reviewed" in week_bars(weekly(store, profile_id, TODAY, 4), TODAY).plain
    assert "No mood" in week_mood(week_of_moods(store, profile_id, TODAY)).plain
    c = store.commitments.add(Commitment(profile_id=profile_id, text="a", due=date(2026, 12, 1))).id or 0
    store.commitments.set_status(c, "done")
    _mood(store, profile_id, date(2026, 12, 5), 5)
    bars = week_bars(weekly(store, profile_id, TODAY, 4), TODAY).plain.splitlines()
    assert len(bars) == 1 and bars[0].startswith("30 Nov") and "100%" in bars[0] and "mood" in bars[0]
    chart = week_mood(week_of_moods(store, profile_id, TODAY)).plain.splitlines()
    assert (
        chart[0].startswith("5 │")
        and "█" in chart[0]
        and chart[-1].split() == ["M·", "T·", "W·", "T·", "F·", "S", "S·"]
    )


def test_coach_insights_json_has_follow_through_by_week(
    store: Store, profile_id: int, capsys: pytest.CaptureFixture[str]
) -> None:
    store.close()
    capsys.readouterr()
    with pytest.raises(SystemExit):
        main(["insights", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert len(data["follow_through_by_week"]) == 8
    assert {"start", "done", "partial", "missed", "dropped", "rate", "mood", "reviewed"} <= set(
        data["follow_through_by_week"][0]
    )


async def test_the_weekly_review_in_the_app(store: Store, profile_id: int) -> None:
    from coach.config import load_settings
    from coach.services import Coach
    from tui.app import CoachApp
    from tui.conversation import ConversationScreen
    from tui.widgets import Composer

    # the app runs on the real clock: the commitment came due yesterday, whatever day that is
    yesterday = date.today() - timedelta(days=1)
    store.commitments.add(Commitment(profile_id=profile_id, text="Call [Priya]", due=yesterday))
    app = CoachApp(Coach(store, load_settings()), warm=False)
    async with app.run_test(size=(110, 36)) as pilot:
        await pilot.pause()
        await pilot.press("v")
        screen = app.screen
        assert isinstance(screen, ConversationScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        for text in [
            "done",
            "4",
            "Ran three times.",
            "Late nights before the launch.",
            "Sleep before eleven on weekdays",
            "Phone out of the bedroom by Monday",
            "yes",
        ]:
            if screen.prompt is not None and screen.prompt.done:
                break
            screen.query_one(Composer).text = text
            await pilot.press("enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
        assert screen.prompt is not None and screen.prompt.done
    session = store.sessions.list(profile_id)[0]
    assert session.framework == "weekly" and session.ended_at is not None and session.mood == 4
    assert [c.status for c in store.commitments.list(profile_id) if c.text == "Call [Priya]"] == ["done"]


def test_an_empty_review_speaks_of_the_week_not_a_meeting() -> None:
    from coach.engine.flows import get_flow

    weekly, prep = get_flow("weekly").stage("review"), get_flow("mastermind").stage("review")
    assert "this week" in weekly.none_due and "meeting" not in weekly.none_due
    assert prep.none_due == "Nothing was due by the meeting, so there is nothing to review."
    assert weekly.none_open == prep.none_open == "There are no open commitments to review."
