"""Insights over a seeded history: exact follow-through, mood, streaks, goals at risk, themes; and the CLI."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from coach.cli import insights_cmd
from coach.engine.flows import Flow
from coach.insights import (
    ThemesError,
    flow_words,
    insights,
    read_themes_config,
    terms,
    themes_path,
    trend_text,
)
from coach.models import Commitment, Goal, Session, Turn
from coach.store import Store

TODAY = date(2026, 3, 18)  # a Wednesday, ISO week 12


def at(days_ago: int, hour: int = 9, today: date = TODAY) -> datetime:
    return datetime.combine(today - timedelta(days=days_ago), time(hour), tzinfo=UTC)


def session(
    store: Store,
    pid: int,
    days_ago: int,
    kind: str = "reflection",
    mood: int | None = None,
    user: tuple[str, ...] = (),
    coach_says: tuple[str, ...] = (),
    summary: str | None = None,
    hour: int = 9,
) -> int:
    turns = [Turn(role="coach", text=t) for t in coach_says] + [Turn(role="user", text=t) for t in user]
    s = Session(
        profile_id=pid,
        kind=kind,  # type: ignore[arg-type]
        started_at=at(days_ago, hour),
        ended_at=at(days_ago, hour),  # a finished session (an unended, unanswered one is no reflection)
        mood=mood,
        summary=summary,
        turns=turns,
    )
    return store.sessions.start(s).id or 0


def backdate(store: Store, table: str, row_id: int, days_ago: int) -> None:
    with store.db.tx() as conn:
        conn.execute(f"UPDATE {table} SET updated_at = ? WHERE id = ?", (at(days_ago).isoformat(), row_id))


def goal(store: Store, pid: int, title: str, due_in: int | None, status: str = "active") -> int:
    due = TODAY + timedelta(days=due_in) if due_in is not None else None
    gid = store.goals.add(Goal(profile_id=pid, title=title, due=due, status=status)).id or 0  # type: ignore[arg-type]
    backdate(store, "goals", gid, 60)
    return gid


def commit(
    store: Store,
    pid: int,
    status: str,
    goal_id: int | None = None,
    due_in: int | None = None,
    updated_days_ago: int = 30,
) -> int:
    due = TODAY + timedelta(days=due_in) if due_in is not None else None
    cid = store.commitments.add(Commitment(profile_id=pid, text=f"do {status}", goal_id=goal_id, due=due)).id
    assert cid
    if status != "open":
        store.commitments.set_status(cid, status)
    backdate(store, "commitments", cid, updated_days_ago)
    return cid


def seed_follow_through(store: Store, pid: int) -> tuple[int, int]:
    clients = goal(store, pid, "Land 3 clients", 60)
    book = goal(store, pid, "Write [draft] book", 90)
    for status in ("done", "done", "partial", "missed"):
        commit(store, pid, status, clients)
    commit(store, pid, "open", clients, due_in=-2)
    commit(store, pid, "open", clients, due_in=3)
    commit(store, pid, "missed", book)
    commit(store, pid, "missed", book)
    commit(store, pid, "open", book)
    commit(store, pid, "done")
    commit(store, pid, "partial")
    return clients, book


def test_follow_through_overall_and_per_goal(store: Store, profile_id: int) -> None:
    clients, book = seed_follow_through(store, profile_id)
    ft = insights(store, profile_id, today=TODAY).follow_through
    o = ft.overall
    assert (o.done, o.partial, o.missed, o.reviewed, o.open, o.overdue) == (3, 2, 3, 8, 3, 1)
    assert o.rate == 0.5
    rows = [(g.goal_id, g.title, g.rate, g.reviewed, g.open, g.overdue) for g in ft.by_goal]
    assert rows == [
        (clients, "Land 3 clients", 0.625, 4, 2, 1),
        (book, "Write [draft] book", 0.0, 2, 1, 0),
        (None, "no goal", 0.75, 2, 0, 0),
    ]


def test_only_open_commitments_give_no_rate(store: Store, profile_id: int) -> None:
    commit(store, profile_id, "open", due_in=-1)
    o = insights(store, profile_id, today=TODAY).follow_through.overall
    assert (o.rate, o.reviewed, o.open, o.overdue) == (None, 0, 1, 1)


def test_mood_trend_up_with_averages(store: Store, profile_id: int) -> None:
    moods = [2, 2, 3, 2, 3, 2, 2, 3, 4, 3, 4, 4, 3, 4]
    for i, m in reversed(list(enumerate(moods))):  # stored newest first: the order must come from the dates
        session(store, profile_id, 30 - 2 * i, kind="chat", mood=m)
    session(store, profile_id, 1, kind="chat")  # no mood: not a point
    mood = insights(store, profile_id, today=TODAY).mood
    assert [p.mood for p in mood.points] == moods
    assert mood.points[0].date == TODAY - timedelta(days=30)
    assert (mood.previous_avg, mood.recent_avg, mood.direction) == (2.286, 3.571, "up")
    assert mood.slope_per_week is not None and mood.slope_per_week > 0


@pytest.mark.parametrize(
    ("moods", "direction", "recent", "previous"),
    [
        ([4, 3, 3, 3, 3, 3, 3, 3], "down", 3.0, 4.0),
        ([3, 3, 3, 3, 3, 3, 3, 4], "steady", 3.143, 3.0),
        ([1, 5, 5, 5, 5, 5, 5, 5], "up", 5.0, 1.0),
        ([2, 4, 4], None, 3.333, None),
        ([5], None, 5.0, None),
    ],
)
def test_mood_direction(
    store: Store,
    profile_id: int,
    moods: list[int],
    direction: str | None,
    recent: float,
    previous: float | None,
) -> None:
    for i, m in enumerate(moods):
        session(store, profile_id, 20 - i, kind="goal", mood=m)
    mood = insights(store, profile_id, today=TODAY).mood
    assert (mood.direction, mood.recent_avg, mood.previous_avg) == (direction, recent, previous)


def test_mood_slope_per_week(store: Store, profile_id: int) -> None:
    session(store, profile_id, 14, mood=1)
    assert insights(store, profile_id, today=TODAY).mood.slope_per_week is None
    session(store, profile_id, 7, mood=2)
    session(store, profile_id, 0, mood=3)
    assert insights(store, profile_id, today=TODAY).mood.slope_per_week == 1.0


def test_naive_and_aware_times_mix(store: Store, profile_id: int) -> None:
    naive = datetime.combine(TODAY - timedelta(days=1), time(23))
    store.sessions.start(
        Session(profile_id=profile_id, kind="reflection", started_at=naive, ended_at=naive, mood=4)
    )
    session(store, profile_id, 1, mood=2, hour=8)
    session(store, profile_id, 2, mood=3)
    got = insights(store, profile_id, today=TODAY)
    assert [p.mood for p in got.mood.points] == [3, 2, 4]
    assert (got.streaks.current_days, got.streaks.longest_days) == (2, 2)


def test_reflection_streaks_daily_and_weekly(store: Store, profile_id: int) -> None:
    for days_ago in (1, 2, 3, 5, 6, 7, 8, 9, 23, 30, 37, 44):
        session(store, profile_id, days_ago)
    session(store, profile_id, 2, hour=20)  # twice on one day counts once
    session(store, profile_id, 0, kind="goal")  # not a reflection
    st = insights(store, profile_id, today=TODAY).streaks
    # Days 1-3 end yesterday; 5-9 is the longest run. Weeks 11-12 now; weeks 6-9 the longest.
    assert (st.current_days, st.longest_days, st.last_reflection) == (3, 5, TODAY - timedelta(days=1))
    assert (st.current_weeks, st.longest_weeks) == (2, 4)

    later = insights(store, profile_id, today=TODAY + timedelta(days=2)).streaks
    assert (later.current_days, later.current_weeks) == (0, 2)  # broken daily run, same week
    assert insights(store, profile_id, today=TODAY + timedelta(days=7)).streaks.current_weeks == 2
    assert insights(store, profile_id, today=TODAY + timedelta(days=14)).streaks.current_weeks == 0
    past = insights(store, profile_id, today=TODAY - timedelta(days=5)).streaks
    assert (past.current_days, past.current_weeks) == (5, 1)  # later sessions do not count

    session(store, profile_id, 0)
    st = insights(store, profile_id, today=TODAY).streaks
    assert (st.current_days, st.longest_days) == (4, 5)


def test_goals_at_risk_with_reasons(store: Store, profile_id: int) -> None:
    pid = profile_id
    overdue = goal(store, pid, "Overdue", -3)
    overdue_one = goal(store, pid, "Slipping", -1, status="at-risk")
    stalled = goal(store, pid, "Stalled", 5)
    commit(store, pid, "done", goal(store, pid, "Recent commitment", 5), updated_days_ago=3)
    commit(store, pid, "partial", goal(store, pid, "Recent partial", 5), updated_days_ago=1)
    old_done = goal(store, pid, "Old commitment", 5)
    commit(store, pid, "done", old_done, updated_days_ago=20)
    missed = goal(store, pid, "Only missed", 10)
    commit(store, pid, "missed", missed, updated_days_ago=1)
    milestone_done = goal(store, pid, "Milestone done", 5)
    ms = store.goals.add_milestone(milestone_done, "First step")
    store.goals.set_milestone_done(ms.id or 0)
    backdate(store, "goals", milestone_done, 2)
    old_milestone = goal(store, pid, "Old milestone", 5)
    ms = store.goals.add_milestone(old_milestone, "First step")
    store.goals.set_milestone_done(ms.id or 0)
    backdate(store, "goals", old_milestone, 20)
    edited = goal(store, pid, "Edited only", 14)
    store.goals.add_milestone(edited, "Not done yet")
    backdate(store, "goals", edited, 1)
    due_today = goal(store, pid, "Due today", 0)
    goal(store, pid, "Far away", 30)
    goal(store, pid, "Finished", -10, status="done")
    goal(store, pid, "Dropped", 2, status="dropped")
    goal(store, pid, "Someday", None)

    risky = insights(store, pid, today=TODAY).goals_at_risk
    got = [(g.goal_id, g.days_left, g.reason) for g in risky]
    assert got == [
        (overdue, -3, "overdue by 3 days"),
        (overdue_one, -1, "overdue by 1 day"),
        (due_today, 0, "due today, no progress in 14 days"),
        (stalled, 5, "due in 5 days, no progress in 14 days"),
        (old_done, 5, "due in 5 days, no progress in 14 days"),
        (old_milestone, 5, "due in 5 days, no progress in 14 days"),
        (missed, 10, "due in 10 days, no progress in 14 days"),
        (edited, 14, "due in 14 days, no progress in 14 days"),
    ]
    assert risky[1].status == "at-risk" and risky[0].title == "Overdue"


def seed_themes(store: Store, pid: int) -> list[int]:
    session(store, pid, 40, user=("Gardening calms me down.",))
    session(store, pid, 39, user=("More gardening this weekend.",))
    return [
        session(
            store, pid, 5, user=("I keep avoiding the sales calls.",), coach_says=("What about gardening?",)
        ),
        session(store, pid, 4, user=("Sales calls again felt heavy.",), coach_says=("Gardening helps?",)),
        session(store, pid, 3, kind="goal", summary="Talked about sales calls and family time."),
        session(store, pid, 2, user=("Family time on Sunday was lovely. No calls today.",)),
        session(store, pid, 1, user=("Energy was low.",), summary="Low energy; the energy dipped."),
    ]


def test_themes_count_sessions_and_prefer_phrases(store: Store, profile_id: int) -> None:
    s1, s2, s3, s4, _ = seed_themes(store, profile_id)
    themes = insights(store, profile_id, today=TODAY, last_n=5).themes
    assert [(t.text, t.count) for t in themes] == [("calls", 4), ("sales calls", 3), ("family time", 2)]
    sales = themes[1]
    assert [s.session_id for s in sales.sessions] == [s1, s2, s3]
    assert [s.date for s in sales.sessions] == [TODAY - timedelta(days=d) for d in (5, 4, 3)]
    assert [s.session_id for s in themes[2].sessions] == [s3, s4]
    # "gardening" is only in the user's older sessions (and in coach turns, which do not count).
    wider = insights(store, profile_id, today=TODAY, last_n=10).themes
    assert ("gardening", 2) in [(t.text, t.count) for t in wider]


def test_themes_keep_top_ten(store: Store, profile_id: int) -> None:
    words = " ".join(f"topic{chr(97 + i)}" for i in range(12))
    for d in range(3):
        session(store, profile_id, d, user=(words.replace(" ", ". "),))
    themes = insights(store, profile_id, today=TODAY).themes
    assert len(themes) == 10 and all(t.count == 3 for t in themes)


def seed_everything(store: Store, pid: int) -> None:
    seed_follow_through(store, pid)
    seed_themes(store, pid)
    goal(store, pid, "Overdue", -3)
    for i, m in enumerate([2, 3, 4, 5, 4, 3, 2, 1, 2]):
        session(store, pid, 12 - i, mood=m)


def test_another_profile_changes_nothing(store: Store, profile_id: int) -> None:
    seed_everything(store, profile_id)
    before = insights(store, profile_id, today=TODAY, last_n=5)
    other = store.profiles.add("Mo").id or 0
    seed_everything(store, other)
    for d in range(4):
        session(store, other, d, mood=5, user=("Sales calls and family time.",))
    after = insights(store, profile_id, today=TODAY, last_n=5)
    assert after == before
    assert before.follow_through.overall.reviewed == 8 and len(before.mood.points) == 9
    assert insights(store, other, today=TODAY, last_n=5).mood.points[-1].mood == 5


def test_empty_history(store: Store, profile_id: int) -> None:
    got = insights(store, profile_id, today=TODAY)
    assert got.follow_through.overall.rate is None and got.follow_through.by_goal == []
    assert (got.mood.points, got.mood.recent_avg, got.mood.direction, got.mood.slope_per_week) == (
        [],
        None,
        None,
        None,
    )
    st = got.streaks
    assert (st.current_days, st.longest_days, st.current_weeks, st.longest_weeks) == (0, 0, 0, 0)
    assert st.last_reflection is None and got.goals_at_risk == [] and got.themes == []


def test_sparkline_and_bar() -> None:
    assert insights_cmd.sparkline([1, 2, 3, 4, 5]) == "▁▃▅▆█"
    assert insights_cmd.bar(0.625, 8) == "█████░░░"
    assert insights_cmd.bar(0.0, 4) == "░░░░"


def cli() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def root() -> None:
        """A stand-in for the coach root command."""

    app.command("insights")(insights_cmd.insights)
    return app


def test_cli_json_and_table(store: Store, profile_id: int) -> None:
    today = datetime.now(UTC).date()
    gid = store.goals.add(
        Goal(profile_id=profile_id, title="[bold]Ship[/bold] v2", due=today - timedelta(days=3))
    ).id
    for status in ("done", "partial", "missed", "done"):
        cid = store.commitments.add(Commitment(profile_id=profile_id, text="x", goal_id=gid)).id or 0
        store.commitments.set_status(cid, status)
    for d, m in enumerate([2, 3, 4]):
        store.sessions.start(
            Session(
                profile_id=profile_id,
                kind="reflection",
                started_at=at(2 - d, today=today),
                mood=m,
                turns=[Turn(role="user", text="[red]deep work[/red] matters")],
            )
        )
    runner = CliRunner()
    res = runner.invoke(cli(), ["insights", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["follow_through"]["overall"]["rate"] == 0.625
    assert [p["mood"] for p in data["mood"]["points"]] == [2, 3, 4]
    assert data["streaks"]["current_days"] == 3
    assert data["goals_at_risk"][0]["reason"] == "overdue by 3 days"
    assert data["themes"][0]["text"] == "deep work" and data["themes"][0]["count"] == 3

    res = runner.invoke(cli(), ["insights", "--last", "2"])
    assert res.exit_code == 0, res.output
    assert res.stdout.count("[bold]Ship[/bold] v2") == 2  # follow-through and goals at risk, literally
    assert "62%" in res.stdout and "▃▅▆" in res.stdout
    assert "deep work" in res.stdout and "last 2 sessions" in res.stdout


def test_cli_empty_and_bad_last(store: Store, profile_id: int) -> None:
    runner = CliRunner()
    res = runner.invoke(cli(), ["insights"])
    assert res.exit_code == 0, res.output
    assert "nothing reviewed yet" in res.stdout and "no moods recorded yet" in res.stdout
    assert runner.invoke(cli(), ["insights", "--last", "0"]).exit_code == 2


def test_a_flows_template_headings_are_not_themes(store: Store, profile_id: int) -> None:
    from coach.engine.engine import Engine
    from coach.engine.flows import get_flow

    for what in ["Client call went long and the budget talk stalled again", "Budget talk with the board"]:
        engine, prompt = Engine.start(store, get_flow("what-so-what"), profile_id, today=TODAY)
        for text in [what + " at the office today.", "It matters.", "", "", "3", "", ""]:
            prompt = engine.answer(text)
        assert prompt.done
    found = {t.text for t in insights(store, profile_id, today=TODAY).themes}
    assert "budget talk" in found
    assert not found & {"happened", "now what", "so what", "mood", "reflection", "tags", "linked", "march"}


# --- mood by day ----------------------------------------------------------------------------------------


def test_three_moods_on_one_day_are_one_point_and_no_trend(store: Store, profile_id: int) -> None:
    for hour, m in ((8, 3), (12, 4), (20, 5)):
        session(store, profile_id, 0, mood=m, hour=hour)
    mood = insights(store, profile_id, today=TODAY).mood
    assert [p.mood for p in mood.points] == [3, 4, 5]  # every mood as logged
    assert [(d.date, d.mood, d.moods) for d in mood.days] == [(TODAY, 4.0, 3)]
    assert (mood.recent_avg, mood.slope_per_week) == (4.0, None)
    assert mood.not_enough == "Not enough days yet for a trend: 1 day of moods"
    assert trend_text(mood) == mood.not_enough

    session(store, profile_id, 1, mood=2)
    mood = insights(store, profile_id, today=TODAY).mood
    assert [d.mood for d in mood.days] == [2.0, 4.0] and mood.recent_avg == 3.0  # days, not entries
    assert mood.not_enough == "Not enough days yet for a trend: 2 days of moods"


def test_three_days_within_a_week_are_not_a_trend(store: Store, profile_id: int) -> None:
    for days_ago, m in ((4, 1), (2, 3), (0, 5)):
        session(store, profile_id, days_ago, mood=m)
    mood = insights(store, profile_id, today=TODAY).mood
    assert mood.slope_per_week is None
    assert mood.not_enough == (
        "Not enough days yet for a trend: 3 days of moods within 5 days, and a trend needs a week"
    )


def test_moods_over_three_weeks_give_a_slope_over_days(store: Store, profile_id: int) -> None:
    # Day means 2, 2.5, 3, 3.5 a week apart: +0.5 a week. Counted per entry, the two moods on the busy
    # days would pull the line about.
    for days_ago, moods in ((21, [2]), (14, [2, 3]), (7, [3]), (0, [3, 4])):
        for hour, m in enumerate(moods, start=9):
            session(store, profile_id, days_ago, mood=m, hour=hour)
    mood = insights(store, profile_id, today=TODAY).mood
    assert [d.mood for d in mood.days] == [2.0, 2.5, 3.0, 3.5]
    assert (mood.slope_per_week, mood.not_enough) == (0.5, None)
    assert trend_text(mood) == "+0.5 a week"


def test_a_steep_week_is_capped_and_a_flat_one_is_level(store: Store, profile_id: int) -> None:
    for days_ago, m in ((6, 1), (3, 3), (0, 5)):  # 4.67 a week, fitted: more than the scale allows
        session(store, profile_id, days_ago, mood=m)
    assert insights(store, profile_id, today=TODAY).mood.slope_per_week == 4.0
    other = store.profiles.add("Flat").id or 0
    for days_ago, m in ((20, 3), (10, 4), (9, 2), (0, 3)):
        session(store, other, days_ago, mood=m)
    mood = insights(store, other, today=TODAY).mood
    assert mood.slope_per_week is not None and abs(mood.slope_per_week) < 0.05
    assert trend_text(mood) == "level"


def test_cli_says_plainly_there_is_no_trend_yet(store: Store, profile_id: int) -> None:
    today = datetime.now(UTC).date()
    for hour, m in ((8, 3), (12, 4), (20, 5)):
        store.sessions.start(
            Session(
                profile_id=profile_id,
                kind="reflection",
                started_at=datetime.combine(today, time(hour), tzinfo=UTC),
                mood=m,
            )
        )
    res = CliRunner().invoke(cli(), ["insights"])
    assert res.exit_code == 0, res.output
    said = " ".join(res.stdout.split())
    assert "▆ 3 moods on 1 day; recent average 4.0 Not enough days yet for a trend: 1 day of moods." in said
    assert "a week" not in said
    data = json.loads(CliRunner().invoke(cli(), ["insights", "--json"]).stdout)
    assert data["mood"]["days"] == [{"date": str(today), "mood": 4.0, "moods": 3}]


# --- themes from what the person wrote -------------------------------------------------------------------


def imported(store: Store, pid: int, days_ago: int, what: str, so_what: str) -> int:
    """An entry with a summary only (imported): the what-so-what headings, dates and time words in it."""
    day = TODAY - timedelta(days=days_ago)
    summary = (
        f"# Reflection: {day:%a %d %b %Y}\n\n**What:** {what}\n\n**So what:** {so_what}\n\n**Now what:**\n"
        f"_(skipped)_\n\nMood: 4/5 · Tags: _(skipped)_ · Linked to: _(skipped)_"
    )
    return session(store, pid, days_ago, summary=summary)


def test_headings_dates_and_time_words_are_not_themes(store: Store, profile_id: int) -> None:
    imported(store, profile_id, 30, "Long day at the allotment on 2 Dec, 3 hours.", "Gardening calms me.")
    imported(store, profile_id, 23, "Rained all Monday 1st Dec, and next week too.", "I missed the quiet.")
    imported(store, profile_id, 16, "Planted garlic on Sunday.", "Gardening again, a good week. Next week?")
    imported(store, profile_id, 9, "Meeting ran over in December.", "Felt rushed for days and days.")
    found = [(t.text, t.count) for t in insights(store, profile_id, today=TODAY).themes]
    assert found == [("gardening", 2)]
    imported(store, profile_id, 2, "Gardening with Sam in the morning.", "It grounds me.")
    themes = insights(store, profile_id, today=TODAY).themes
    assert [(t.text, t.count) for t in themes] == [("gardening", 3)]
    assert [s.date for s in themes[0].sessions] == [TODAY - timedelta(days=d) for d in (30, 16, 2)]


def answered(store: Store, pid: int, days_ago: int, answers: dict[str, str], **extra: Any) -> int:
    s = Session(
        profile_id=pid,
        kind="reflection",
        framework="gibbs",
        started_at=at(days_ago),
        ended_at=at(days_ago),
        answers=answers,
        # what the summary repeats under its headings; the answers are counted instead
        summary="# Reflection\n\n## What happened\n## Feelings\n## Action plan\nMood · Tags · Linked to",
        **extra,
    )
    return store.sessions.start(s).id or 0


def test_themes_count_written_answers_only(store: Store, profile_id: int) -> None:
    rest = {"mood": "4", "tags": "family", "link": "Goal: Run [red]5k[/]", "action": "Book physio by Friday"}
    answered(store, profile_id, 12, {"description": "Knee hurt on the long run.", **rest})
    answered(store, profile_id, 8, {"description": "Skipped the run.", "feelings": "Worried about my knee."})
    answered(store, profile_id, 4, {"description": "Easy jog, the knee held.", **rest})
    answered(store, profile_id, 3, {"description": "Knee, knee, knee."}, safety="self-harm")  # never
    themes = insights(store, profile_id, today=TODAY).themes
    assert [(t.text, t.count) for t in themes] == [("knee", 3), ("book physio", 2), ("run", 2)]
    found = {t.text for t in themes}
    assert not found & {"family", "goal", "red", "friday", "happened", "feelings", "plan", "mood"}


def test_a_new_flows_headings_and_questions_are_left_out() -> None:
    flow = Flow.model_validate(
        {
            "id": "gratitude",
            "title": "Gratitude",
            "job": "reflection",
            "description": "Three good things.",
            "recall": "good things",
            "stages": [{"id": "things", "title": "Good things", "ask": "Which blessings did you count?"}],
            "summary": "# Gratitude list: {date}\n\n## Blessings\n{things}\n",
        }
    )
    words = flow_words([flow])
    assert {"gratitude", "list", "blessings", "count", "good", "things"} <= words
    assert "date" not in words  # a {slot}, not a word of the template
    found = terms("Gratitude list: counted blessings, the garden and family dinners", words)
    assert "gratitude" not in found and "blessings" not in found
    assert {"garden", "family", "family dinners", "counted blessings"} <= found


def test_themes_file_errors_list_every_problem(tmp_path: Path) -> None:
    good = read_themes_config(themes_path())
    assert {"dec", "friday", "week", "next", "the", "third"} <= good.never()
    bad = tmp_path / "themes.yaml"
    bad.write_text(
        "min_chars: 0\nstop_words: the And\nmonths: jan\nweekdays: mon\ntime_words: week\n"
        "number_words: one\nkeep: work\nname_stage: [group]\n",
        encoding="utf-8",
    )
    with pytest.raises(ThemesError) as err:
        read_themes_config(bad)
    msg = str(err.value)
    assert msg.startswith("themes.yaml: ")
    assert "min_chars" in msg and "['And']" in msg
    assert "name_stage: unknown setting (did you mean 'name_stages'?)" in msg


def test_the_mood_chart_has_a_column_a_day_and_the_cli_each_day_once() -> None:
    from coach.insights import MoodDay, SessionRef, Theme
    from tui.insights_view import mood_chart

    days = [
        MoodDay(date=TODAY - timedelta(days=1), mood=2.0, moods=1),
        MoodDay(date=TODAY, mood=3.5, moods=2),
    ]
    rows = mood_chart(days, TODAY).plain.splitlines()
    assert rows[:5] == ["5 │    ", "4 │  ▄ ", "3 │  █ ", "2 │█ █ ", "1 │█ █ "]
    theme = Theme(
        text="budget",
        count=3,
        sessions=[
            SessionRef(session_id=i, date=TODAY - timedelta(days=d)) for i, d in ((1, 7), (2, 0), (3, 0))
        ],
    )
    assert insights_cmd.theme_days(theme, TODAY) == "11 Mar, 18 Mar ×2"
