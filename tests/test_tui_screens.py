"""The browse screens through Pilot: open from home by key, show the records literally, edit them, go back."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from rich.text import Text
from textual.command import CommandList, CommandPalette
from textual.widgets import DataTable, Input, OptionList, Select

from coach.engine.flows import load_flows
from coach.models import Commitment, Goal, Milestone, Session, Turn
from coach.services import Coach
from tests.test_tui import plain
from tui.actions import all_actions
from tui.app import CoachApp
from tui.browse import BrowseScreen, Document, Form
from tui.commitments import CommitmentsScreen
from tui.conversation import ConversationScreen
from tui.goals import GoalsScreen
from tui.history import HIGHLIGHT, HistoryScreen
from tui.home import HomeScreen
from tui.insights_view import InsightsScreen
from tui.knowledge import KnowledgeScreen

TODAY = date(2026, 11, 20)
SIZE = (100, 30)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(BrowseScreen, "today", lambda self: TODAY)


def at(days_ago: int) -> datetime:
    day = TODAY - timedelta(days=days_ago)
    return datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC)


def seed(coach: Coach) -> dict[str, int]:
    """One profile with goals, milestones, commitments in every state and a few dated sessions."""
    store = coach.store
    pid = store.profiles.add("Ana").id or 0
    run = store.goals.add(
        Goal(
            profile_id=pid,
            title="Run [red]5k[/]",
            why="Feel strong [again]",
            measure="5 km under 30 minutes",
            due=TODAY + timedelta(days=40),
        ),
        [Milestone(goal_id=0, title="Run 2 km", done=True), Milestone(goal_id=0, title="Run 3 km [easy]")],
    )
    deck = store.goals.add(Goal(profile_id=pid, title="Ship the Heron deck", due=TODAY + timedelta(days=5)))
    store.goals.add(Goal(profile_id=pid, title="Learn to juggle", status="done"))
    ids = {"pid": pid, "run": run.id or 0, "deck": deck.id or 0}
    for key, item in (
        (
            "race",
            Commitment(profile_id=pid, text="Book a race 👟", goal_id=run.id, due=TODAY - timedelta(days=2)),
        ),
        (
            "emails",
            Commitment(profile_id=pid, text="Send 10 outreach [emails]", due=TODAY + timedelta(days=3)),
        ),
        ("someday", Commitment(profile_id=pid, text="Tidy the garage")),
        ("outline", Commitment(profile_id=pid, text="Draft the deck outline", status="done")),
        ("priya", Commitment(profile_id=pid, text="Call Priya", status="missed", obstacle="Travel [delays]")),
        ("twice", Commitment(profile_id=pid, text="Run twice this week", goal_id=run.id, status="partial")),
    ):
        ids[key] = store.commitments.add(item).id or 0
    entries = [
        (9, 3, "gibbs", "The Heron workshop overran; the deck was too long [again]."),
        (6, 4, "what-so-what", "Cut the deck for the Heron workshop to twelve slides."),
        (3, 2, "free", "Tired after travel; skipped the run and the deck review."),
        (1, 5, "gibbs", "Ran 3 km without stopping and felt great about the workshop."),
    ]
    for days_ago, mood, flow, said in entries:
        session = store.sessions.start(
            Session(
                profile_id=pid,
                kind="reflection",
                framework=flow,
                started_at=at(days_ago),
                ended_at=at(days_ago),
                mood=mood,
                tags=["running"] if "run" in said.lower() else ["work"],
                summary=f"# Reflection: {TODAY - timedelta(days=days_ago)}\n\n## What happened\n{said}\n",
                turns=[
                    Turn(role="coach", stage="what", text="What happened?"),
                    Turn(role="user", stage="what", text=said),
                ],
            )
        )
        ids[f"session-{days_ago}"] = session.id or 0
    ids["grow"] = (
        store.sessions.start(
            Session(
                profile_id=pid,
                kind="goal",
                framework="grow",
                started_at=at(12),
                summary="# Goal\n\nRun a 5k.",
            )
        ).id
        or 0
    )
    return ids


def rows(table: DataTable[Any]) -> list[list[str]]:
    return [
        [cell.plain if isinstance(cell, Text) else str(cell) for cell in table.get_row_at(i)]
        for i in range(table.row_count)
    ]


def keys(table: DataTable[Any]) -> list[str]:
    return [str(row.key.value) for row in table.ordered_rows]


async def settle(app: CoachApp, pilot: Any) -> None:
    """Let messages and workers (a Markdown document being replaced) finish."""
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def watch_notices(app: CoachApp, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    said: list[str] = []
    real = app.notify

    def notify(message: str, **kwargs: Any) -> None:
        said.append(message)
        real(message, **kwargs)

    monkeypatch.setattr(app, "notify", notify)
    return said


async def test_goals_list_detail_edit_status_and_milestones(
    coach: Coach, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = seed(coach)
    store = coach.store
    app = CoachApp(coach, warm=False)
    notices = watch_notices(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        screen = app.screen
        assert isinstance(screen, GoalsScreen)
        table = screen.query_one("#goal-table", DataTable)
        shown = rows(table)
        assert [r[0] for r in shown] == ["Ship the Heron deck", "Run [red]5k[/]", "Learn to juggle"]
        # one of two milestones; of two linked commitments one is open and one partial
        assert shown[1][1] == "active" and "1/4" in shown[1][2]
        table.move_cursor(row=keys(table).index(str(ids["run"])))
        await pilot.pause()
        detail = plain(screen.query_one("#goal-detail"))
        assert (
            "Feel strong [again]" in detail and "5 km under 30 minutes" in detail and "in 40 days" in detail
        )
        assert "Book a race 👟" in plain(screen.query_one("#goal-commitments"))
        assert [r[1] for r in rows(screen.query_one("#milestone-table", DataTable))] == [
            "Run 2 km",
            "Run 3 km [easy]",
        ]

        # a bad date is refused with a notice, and the form keeps what was typed
        await pilot.press("e")
        form = app.screen
        assert isinstance(form, Form)
        form.query_one("#field-title", Input).value = "Run [b]10k[/b]"
        form.query_one("#field-due", Input).value = "someday soon"
        form.query_one("#field-due", Input).focus()
        await pilot.press("enter")
        assert app.screen is form and form.query_one("#field-due", Input).value == "someday soon"
        assert any("cannot understand the date" in n for n in notices)
        assert store.goals.get(ids["run"]).title == "Run [red]5k[/]"
        form.query_one("#field-due", Input).value = "2026-12-24"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        goal = store.goals.get(ids["run"])
        assert (
            goal.title == "Run [b]10k[/b]"
            and goal.due == date(2026, 12, 24)
            and goal.why == "Feel strong [again]"
        )
        assert "Run [b]10k[/b]" in plain(screen.query_one("#goal-detail"))

        await pilot.press("r")
        assert store.goals.get(ids["run"]).status == "at-risk"
        await pilot.press("a")
        assert store.goals.get(ids["run"]).status == "active"

        await pilot.press("m")
        assert isinstance(app.screen, Form)
        await pilot.press(*"Run 5 km [race]", "tab", *"in 3 weeks", "enter")
        await pilot.pause()
        milestones = store.goals.milestones(ids["run"])
        assert [m.title for m in milestones][-1] == "Run 5 km [race]"
        assert milestones[-1].due == TODAY + timedelta(days=21)

        await pilot.press("t")  # from the goals list, t ticks the next milestone not done
        assert [m.done for m in store.goals.milestones(ids["run"])] == [True, True, False]
        await pilot.press("tab")  # in the milestones, t toggles the highlighted one
        ms_table = screen.query_one("#milestone-table", DataTable)
        assert ms_table.has_focus
        ms_table.move_cursor(row=1)
        await pilot.press("t")
        assert [m.done for m in store.goals.milestones(ids["run"])] == [True, False, False]
        assert ms_table.cursor_row == 1

        await pilot.press("d")
        assert store.goals.get(ids["run"]).status == "done"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        # home lists active and at-risk goals only: the finished one has left it
        assert "10k" not in plain(app.screen.query_one("#goals"))


async def test_commitments_order_review_and_filter(coach: Coach) -> None:
    ids = seed(coach)
    store = coach.store
    app = CoachApp(coach, warm=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        screen = app.screen
        assert isinstance(screen, CommitmentsScreen)
        table = screen.query_one("#commitment-table", DataTable)
        order = keys(table)
        assert order[:3] == [str(ids["race"]), str(ids["emails"]), str(ids["someday"])]
        assert set(order[3:]) == {str(ids["outline"]), str(ids["priya"]), str(ids["twice"])}
        first = rows(table)[0]
        assert first[1] == "Book a race 👟" and first[3] == "overdue" and first[2] == "Wed 18 Nov"
        assert "Send 10 outreach [emails]" in rows(table)[1][1]

        table.move_cursor(row=order.index(str(ids["priya"])))
        await pilot.pause()
        assert "Travel [delays]" in plain(screen.query_one("#commitment-detail"))

        table.move_cursor(row=0)
        await pilot.press("d")  # done asks nothing
        assert store.commitments.get(ids["race"]).status == "done"

        table.move_cursor(row=keys(table).index(str(ids["emails"])))
        await pilot.press("m")
        assert isinstance(app.screen, Form)
        await pilot.press(*"Flu [again]", "enter")
        await pilot.pause()
        emails = store.commitments.get(ids["emails"])
        assert emails.status == "missed" and emails.obstacle == "Flu [again]"

        table.move_cursor(row=keys(table).index(str(ids["emails"])))
        await pilot.press("o")
        emails = store.commitments.get(ids["emails"])
        assert emails.status == "open" and emails.obstacle is None

        await pilot.press("f")
        assert keys(table) == [str(ids["emails"]), str(ids["someday"])]
        assert screen.sub_title == "open only"
        await pilot.press("f")
        assert len(keys(table)) == 6

        await pilot.press("escape")
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert "Book a race" not in plain(home.query_one("#commitments"))


async def test_commitments_keep_shrink_and_drop(coach: Coach, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = seed(coach)
    store = coach.store
    app = CoachApp(coach, warm=False)
    said = watch_notices(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        screen = app.screen
        assert isinstance(screen, CommitmentsScreen)
        table = screen.query_one("#commitment-table", DataTable)

        # keep the missed call with a new date: a bad date keeps the form open and says why
        table.move_cursor(row=keys(table).index(str(ids["priya"])))
        await pilot.press("k")
        assert isinstance(app.screen, Form)
        await pilot.press(*"someday", "enter")
        await pilot.pause()
        assert isinstance(app.screen, Form) and "cannot understand the date" in said[-1]
        for _ in "someday":
            await pilot.press("backspace")
        await pilot.press(*"in 5 days", "enter")
        await pilot.pause()
        kept = store.commitments.get(ids["priya"])
        assert (kept.status, kept.due) == ("open", TODAY + timedelta(days=5))
        assert said[-1] == "Kept, now due Wed 25 Nov."
        assert keys(table)[table.cursor_row] == str(ids["priya"])

        # shrink the overdue race: the smaller one is shown literally and says what it replaced
        table.move_cursor(row=keys(table).index(str(ids["race"])))
        await pilot.press("s")
        await pilot.press(*"Look at [two] races", "tab", *"tomorrow", "enter")
        await pilot.pause()
        race = store.commitments.get(ids["race"])
        smaller = store.commitments.replacement(ids["race"])
        assert race.status == "dropped" and smaller is not None
        assert (smaller.text, smaller.due, smaller.goal_id) == (
            "Look at [two] races",
            TODAY + timedelta(1),
            ids["run"],
        )
        assert said[-1].startswith("Shrunk to a smaller version, due Sat 21 Nov")
        assert keys(table)[table.cursor_row] == str(smaller.id)
        detail = plain(screen.query_one("#commitment-detail"))
        assert "A smaller version of: Book a race 👟" in detail
        dropped_row = rows(table)[keys(table).index(str(ids["race"]))]
        assert dropped_row[3] == "dropped"

        # drop the partial run, with a reason; the form is the confirmation, and Esc leaves it as it was
        table.move_cursor(row=keys(table).index(str(ids["twice"])))
        await pilot.press("x", "escape")
        await pilot.pause()
        assert store.commitments.get(ids["twice"]).status == "partial"
        await pilot.press("x", *"knee [sore]", "enter")
        await pilot.pause()
        twice = store.commitments.get(ids["twice"])
        assert (twice.status, twice.drop_reason) == ("dropped", "knee [sore]")
        assert said[-1].startswith("Dropped.")
        assert "Dropped: knee [sore]" in plain(screen.query_one("#commitment-detail"))

        # a done one, or a dropped one again, is not renegotiated: a notice says why, and no form opens
        table.move_cursor(row=keys(table).index(str(ids["outline"])))
        await pilot.press("x")
        assert not isinstance(app.screen, Form) and said[-1] == "This one is done: there is nothing to drop"
        table.move_cursor(row=keys(table).index(str(ids["race"])))
        await pilot.press("k")
        assert not isinstance(app.screen, Form)
        assert said[-1] == "This one was replaced by a smaller one: keep that one instead"

        await pilot.press("escape")
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        await app.workers.wait_for_complete()  # Today's panel reads in a worker
        await pilot.pause()
        # the smaller version is open work: in Today when it is due soon, else under the open ones
        shown = plain(home.query_one("#today")) + plain(home.query_one("#commitments"))
        assert shown.count("Look at [two] races") == 1


async def test_history_lists_filters_and_shows_a_session_in_full(coach: Coach) -> None:
    ids = seed(coach)
    app = CoachApp(coach, warm=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        await pilot.pause()
        table = screen.query_one("#session-table", DataTable)
        assert keys(table)[0] == str(ids["session-1"]) and len(keys(table)) == 5
        first = rows(table)[0][0]
        assert first.startswith("Thu 19 Nov 2026  gibbs\n") and "Ran 3 km without stopping" in first

        table.move_cursor(row=keys(table).index(str(ids["session-9"])))
        await settle(app, pilot)
        summary = screen.query_one("#session-summary", Document)
        assert "the deck was too long [again]" in summary.source
        turns = plain(screen.query_one("#session-turns"))
        assert "What happened?" in turns and "the deck was too long [again]." in turns
        assert "mood 3/5" in plain(screen.query_one("#session-head"))

        screen.query_one("#kind-filter", Select).value = "goal"
        await pilot.pause()
        assert keys(table) == [str(ids["grow"])]
        screen.query_one("#kind-filter", Select).clear()
        screen.query_one("#framework-filter", Select).value = "gibbs"
        await pilot.pause()
        assert keys(table) == [str(ids["session-1"]), str(ids["session-9"])]

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_history_search_with_the_real_model_highlights_and_opens(coach: Coach) -> None:
    ids = seed(coach)
    app = CoachApp(coach, warm=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        await pilot.pause()
        assert screen.focused is screen.query_one("#history-search", Input)
        await pilot.press(*"tired after travel", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        results = screen.query_one("#hits", OptionList)
        assert results.display and results.option_count >= 1
        top = screen.hits[0]
        assert top.id == f"session:{ids['session-3']}"
        prompt = results.get_option_at_index(0).prompt
        assert isinstance(prompt, Text)
        marked = {prompt.plain[s.start : s.end].lower() for s in prompt.spans if s.style == HIGHLIGHT}
        assert {"tired", "travel"} <= marked
        assert "results for “tired after travel”" in plain(screen.query_one("#search-status"))

        await pilot.press("enter")
        await settle(app, pilot)
        assert "skipped the run" in screen.query_one("#session-summary", Document).source

        await pilot.press("escape")  # the first Esc clears the search, the second leaves
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen) and not results.display
        assert screen.query_one("#session-table", DataTable).display
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_history_search_while_warming_up_matches_words(
    coach: Coach, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = seed(coach)
    coach.index.sync()  # an earlier run left an index; this run's model is not loaded yet
    monkeypatch.setattr(coach.index.embedder, "loaded", threading.Event())
    monkeypatch.setattr(
        coach.index.embedder,
        "embed_query",
        lambda text: pytest.fail("the model was asked for while warming up"),
    )
    app = CoachApp(coach, warm=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        await pilot.press(*"Heron workshop", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "search is still warming up" in plain(screen.query_one("#search-status"))
        found = {h.id for h in screen.hits}
        assert {f"session:{ids['session-9']}", f"session:{ids['session-6']}"} <= found


async def test_a_failing_search_keeps_the_app_and_the_query(
    coach: Coach, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(coach)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("index [gone]")

    monkeypatch.setattr(coach, "search", broken)
    monkeypatch.setattr(coach.searcher, "search", broken)
    app = CoachApp(coach, warm=False)
    notices = watch_notices(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"deck", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HistoryScreen) and app.is_running
        assert screen.query_one("#history-search", Input).value == "deck"
        assert any("index [gone]" in n for n in notices)


async def test_knowledge_filters_notes_and_renders_markdown(coach: Coach) -> None:
    folder = coach.store.home / "knowledge" / "shared"  # every profile's notes, and there with none
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "race-notes.md").write_text(
        "# Race [red]day[/] notes\n\nPace the **first** km.\n", encoding="utf-8"
    )
    app = CoachApp(coach, warm=False)  # no profile: the notes are there all the same
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.set_focus(None)  # the name box has focus until a profile exists
        await pilot.press("4")
        screen = app.screen
        assert isinstance(screen, KnowledgeScreen)
        listing = screen.query_one("#note-list", OptionList)
        everything = listing.option_count
        assert everything > 20
        await pilot.press("slash", *"hot seat")
        await settle(app, pilot)
        assert 0 < listing.option_count < everything
        titles = [n.title.lower() for n in screen.shown]
        assert any("hot seat" in t or "hot-seat" in t for t in titles)
        body = screen.query_one("#note-body", Document)
        assert body.source == screen.shown[0].body
        # notes replaced faster than they render (typing a filter) must not pile up on screen
        body.show("# First\n\nOne.")
        body.show("# Second\n\nTwo.")
        body.show("# Third\n\nThree.")
        await settle(app, pilot)
        assert body.source == "# Third\n\nThree." and len(body.children) == 2

        screen.query_one("#note-filter", Input).value = "race day"
        await settle(app, pilot)
        assert [n.title for n in screen.shown] == ["Race [red]day[/] notes"]
        prompt = listing.get_option_at_index(0).prompt
        assert isinstance(prompt, Text) and prompt.plain.startswith("Race [red]day[/] notes")
        assert "Pace the **first** km." in screen.query_one("#note-body", Document).source

        screen.query_one("#note-filter", Input).value = "zzzqqq"
        await pilot.pause()
        assert listing.option_count == 0 and "No note matches" in plain(screen.query_one("#note-meta"))
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_insights_draw_charts(coach: Coach) -> None:
    seed(coach)
    app = CoachApp(coach, warm=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        screen = app.screen
        assert isinstance(screen, InsightsScreen)
        follow = plain(screen.query_one("#insight-follow"))
        assert "All commitments" in follow and "50%" in follow and "█" in follow
        assert "Run [red]5k[/]" in follow  # per goal, literally
        mood = plain(screen.query_one("#insight-mood")).splitlines()
        assert mood[0].startswith("5 │") and mood[4].startswith("1 │")
        assert "11 Nov" in mood[6] and "19 Nov" in mood[6]
        streaks = plain(screen.query_one("#insight-streaks"))
        assert "longest" in streaks and "■" in streaks and "Last reflection: Thu 19 Nov 2026" in streaks
        risk = plain(screen.query_one("#insight-risk"))
        assert "Ship the Heron deck" in risk and "due in 5 days" in risk
        themes = plain(screen.query_one("#insight-themes"))
        assert "1." in themes and "deck" in themes and "sessions" in themes
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_screens_about_your_records_wait_for_a_profile(
    coach: Coach, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = CoachApp(coach, warm=False)
    notices = watch_notices(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.set_focus(None)
        for key in ("1", "2", "3", "5"):
            await pilot.press(key)
            assert isinstance(app.screen, HomeScreen)
        assert len(notices) == 4 and "no profile yet" in notices[0]


def test_the_palette_offers_every_flow_and_screen() -> None:
    actions = {action.action for action in all_actions()}
    assert {f"flow('{flow_id}')" for flow_id in load_flows()} <= actions
    for name in ("goals", "commitments", "history", "knowledge", "insights"):
        assert f"open('{name}')" in actions
    assert {"search", "app.quit"} <= actions


async def until(pilot: Any, ready: Callable[[], bool], seconds: float = 10.0) -> None:
    """Pause until `ready()` holds: the palette searches its providers asynchronously."""
    for _ in range(int(seconds / 0.05)):
        if ready():
            return
        await pilot.pause(0.05)
    raise AssertionError("timed out")


async def palette(app: CoachApp, pilot: Any, query: str, name: str) -> None:
    """Open the palette, type, and choose once the first hit is the command wanted."""
    await pilot.press("ctrl+p")
    await until(pilot, lambda: isinstance(app.screen, CommandPalette))
    await pilot.press(*query)
    options = app.screen.query_one(CommandList)
    await until(
        pilot, lambda: options.option_count > 0 and name in str(options.get_option_at_index(0).prompt)
    )
    await pilot.press("enter")


async def test_the_palette_opens_screens_from_anywhere(coach: Coach, monkeypatch: pytest.MonkeyPatch) -> None:
    seed(coach)
    monkeypatch.setattr(ConversationScreen, "begin", lambda self: None)  # the flow itself is tested elsewhere
    app = CoachApp(coach, warm=False)
    async with app.run_test(size=SIZE) as pilot:
        await palette(app, pilot, "Commitm", "Commitments")
        await until(pilot, lambda: isinstance(app.screen, CommitmentsScreen))
        await palette(app, pilot, "insigh", "Insights")
        await until(pilot, lambda: isinstance(app.screen, InsightsScreen))
        # the commitments screen was left on the way: home sits right under insights
        assert isinstance(app.screen_stack[-2], HomeScreen)
        await palette(app, pilot, "journal", "Journal")
        await until(pilot, lambda: isinstance(app.screen, ConversationScreen))
        assert app.screen.flow.id == "free"  # type: ignore[attr-defined]


async def test_goal_progress_leaves_dropped_commitments_out(coach: Coach) -> None:
    from coach.models import COMMITMENT_STATUSES
    from tui.browse import MARK
    from tui.goals import progress

    assert set(MARK) == set(COMMITMENT_STATUSES) and len(set(MARK.values())) == len(MARK)
    ids = seed(coach)
    store = coach.store
    # of the run's two commitments, one is dropped and the other shrunk: the smaller one counts instead
    store.commitments.drop(ids["race"], "no race this month")
    smaller = store.commitments.shrink(ids["twice"], "Run once this week", TODAY + timedelta(days=4))
    linked = store.commitments.list(ids["pid"], goal_id=ids["run"])
    assert progress(store.goals.milestones(ids["run"]), linked) == (1, 3)
    app = CoachApp(coach, warm=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "1/3" in plain(app.screen.query_one("#goals"))  # home counts them the same way
        await pilot.press("1")
        screen = app.screen
        assert isinstance(screen, GoalsScreen)
        table = screen.query_one("#goal-table", DataTable)
        assert "1/3" in rows(table)[keys(table).index(str(ids["run"]))][2]
        table.move_cursor(row=keys(table).index(str(ids["run"])))
        await pilot.pause()
        listed = plain(screen.query_one("#goal-commitments"))
        assert "– Book a race 👟" in listed and "○ Run once this week" in listed
        store.commitments.set_status(smaller.id or 0, "done")
    linked = store.commitments.list(ids["pid"], goal_id=ids["run"])
    assert progress(store.goals.milestones(ids["run"]), linked) == (2, 3)
