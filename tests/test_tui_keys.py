"""Keys from every screen, one actions table, the palette's words, search by exact words (issue 15)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.command import CommandList, CommandPalette
from textual.widgets import Input, OptionList

from coach.engine.flows import load_flows
from coach.models import Session, Turn
from coach.services import Coach
from tests.test_tui import plain
from tests.test_tui_screens import SIZE, seed, until
from tui.actions import APP_ACTIONS, all_actions, hint_line, read_keymap
from tui.app import CoachApp
from tui.browse import Document
from tui.commitments import CommitmentsScreen
from tui.goals import GoalsScreen
from tui.history import HistoryScreen, has_words
from tui.home import HomeScreen
from tui.insights_view import InsightsScreen
from tui.knowledge import KnowledgeScreen
from tui.settings import SettingsScreen


def test_one_table_names_each_key_once_and_every_flow_has_an_entry() -> None:
    actions = all_actions()
    ids = [a.id for a in actions]
    assert len(ids) == len(set(ids))
    home_keys = [a.key for a in actions if a.key]
    assert len(home_keys) == len(set(home_keys)), "two actions share a key"
    assert {f"flow.{flow_id}" for flow_id in load_flows()} <= set(ids), "a flow file without a launch block"
    # the hint line and the footer between them name every keyed action
    line = hint_line()
    footer = [a for a in actions if a.footer]
    for action in actions:
        if action.key and action not in footer and action.id != "coach.home":
            assert action.label.lower() in line


def test_keymap_problems_name_the_nearest_action() -> None:
    assert read_keymap({"coach.goals": "G"}) == ({"coach.goals": "G"}, [])
    (problem,) = read_keymap({"coach.goal": "G"})[1]
    assert "no action 'coach.goal'" in problem and "did you mean coach.goals?" in problem
    (problem,) = read_keymap({"coach.goals": ""})[1]
    assert "give a key" in problem


async def test_screen_keys_work_from_every_screen_but_text_fields(coach: Coach) -> None:
    seed(coach)
    app = CoachApp(coach, warm=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("1")
        await until(pilot, lambda: isinstance(app.screen, GoalsScreen))
        await pilot.press("2")  # from Goals straight to Commitments: home sits under it, not Goals
        await until(pilot, lambda: isinstance(app.screen, CommitmentsScreen))
        assert [type(s) for s in app.screen_stack[1:]] == [HomeScreen, CommitmentsScreen]
        await pilot.press("5")
        await until(pilot, lambda: isinstance(app.screen, InsightsScreen))
        await pilot.press("4")
        await until(pilot, lambda: isinstance(app.screen, KnowledgeScreen))
        await pilot.press("3")
        await until(pilot, lambda: isinstance(app.screen, HistoryScreen))
        await pilot.press("slash")  # History's own / goes to its search field …
        await pilot.pause()
        assert isinstance(app.screen.focused, Input)
        await pilot.press("1", "s")  # … where digits and letters are typed, not keys
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        assert app.screen.query_one("#history-search", Input).value == "1s"
        await pilot.press("escape")  # out of the field (clears nothing: no results yet), then keys again
        app.screen.set_focus(None)
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, SettingsScreen))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen))
        await pilot.press("3", "h")  # h: home from anywhere
        await until(pilot, lambda: isinstance(app.screen, HomeScreen))
        assert len(app.screen_stack) == 2


async def test_a_keymap_in_config_rebinds_an_action(coach: Coach, home: Path) -> None:
    seed(coach)
    (home / "config.toml").write_text(
        '[keymap]\n"coach.insights" = "i"\n"coach.nope" = "n"\n', encoding="utf-8"
    )
    app = CoachApp(coach, warm=False)
    notices: list[str] = []
    original = app.notify
    app.notify = lambda message, **kw: (notices.append(str(message)), original(message, **kw))[1]  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "5 insights" not in plain(app.screen.query_one("#keys"))
        assert "i insights" in plain(app.screen.query_one("#keys"))
        await pilot.press("i")
        await until(pilot, lambda: isinstance(app.screen, InsightsScreen))
        assert app.keymap == {"coach.insights": "i"}
        assert any("no action 'coach.nope'" in n for n in app._keymap_problems)


@pytest.mark.parametrize(
    ("typed", "first", "key"),
    [
        ("export", "Export my data", "s 3"),
        ("backup", "Back up the data home", "s 3"),
        ("restore", "Restore from a backup", "s 3"),
        ("import", "Import entries", "s 3"),
        ("profile", "Switch or add a profile", "s 1"),
        ("settings", "Settings", "s"),
        ("goal", "New goal (GROW)", "g"),
        ("mood", "Insights", "5"),
    ],
)
async def test_the_palette_finds_actions_by_the_words_people_type(
    coach: Coach, typed: str, first: str, key: str
) -> None:
    seed(coach)
    app = CoachApp(coach, warm=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*typed)
        options = app.screen.query_one(CommandList)
        await until(
            pilot, lambda: options.option_count > 0 and first in str(options.get_option_at_index(0).prompt)
        )
        shown = str(options.get_option_at_index(0).prompt)
        if key:
            assert shown.splitlines()[0].endswith(f"   {key}"), shown  # the key is named beside the action
        await pilot.press("enter")
        await pilot.pause()
        if typed in ("export", "backup", "restore", "import"):
            await until(pilot, lambda: isinstance(app.screen, SettingsScreen))
            field = {"export": "export-out", "backup": "backup-out", "restore": "restore-path"}
            assert app.screen.focused is not None
            assert app.screen.focused.id == field.get(typed, "import-path")


def test_every_everywhere_action_runs_on_home() -> None:
    for action in APP_ACTIONS:
        name = action.action.split("(")[0]
        assert name.startswith("app.") or hasattr(HomeScreen, f"action_{name}"), action.id


def zebra_history(coach: Coach) -> dict[str, int]:
    ids = seed(coach)
    pid = ids["pid"]
    for day, said in ((2, "A zebra crossing near the office made me late for the Heron workshop."),):
        when = datetime(2026, 11, 20 - day, 12, tzinfo=UTC)
        session = coach.store.sessions.start(
            Session(
                profile_id=pid,
                kind="reflection",
                framework="free",
                started_at=when,
                ended_at=when,
                summary=f"# Journal\n\n{said}\n",
                turns=[
                    Turn(role="coach", stage="entry", text="What's on your mind?"),
                    Turn(role="user", stage="entry", text=said),
                ],
                answers={"entry": said},
            )
        )
        ids["zebra"] = session.id or 0
    return ids


async def test_exact_words_finds_only_entries_holding_them_and_the_preview_follows(coach: Coach) -> None:
    ids = zebra_history(coach)
    coach.index.sync()
    app = CoachApp(coach, warm=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        await pilot.press(*"zebra", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        # by meaning and words: the entry with the word first, the others said to be related by meaning
        assert screen.hits[0].id == f"session:{ids['zebra']}"
        results = screen.query_one("#hits", OptionList)
        for i, hit in enumerate(screen.hits):
            prompt = plain_prompt(results, i)
            assert ("related by meaning" in prompt) == (not has_words(hit, "zebra"))
        await pilot.press("ctrl+t")  # exact words: only the entry that holds "zebra"
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [h.id for h in screen.hits] == [f"session:{ids['zebra']}"]
        assert "1 result for “zebra” holding every word" in plain(screen.query_one("#search-status"))
        assert "zebra crossing" in screen.query_one("#session-summary", Document).source

        await pilot.press("ctrl+t")
        screen.query_one("#history-search", Input).value = "Heron workshop"
        screen.query_one("#history-search", Input).focus()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(screen.hits) >= 2
        for step, hit in enumerate(screen.hits[:3]):  # moving the highlight moves the preview, no Enter
            if step:
                await pilot.press("down")
                await pilot.pause()
            kind, _, ident = hit.id.partition(":")
            if kind == "session":
                session = coach.store.sessions.get(int(ident), ids["pid"])
                assert screen.query_one("#session-summary", Document).source == (session.summary or "")
            else:  # a goal or commitment shows its own text
                assert hit.title in plain(screen.query_one("#session-head"))


def plain_prompt(results: OptionList, index: int) -> str:
    """The index-th result's text (rules between results are not options)."""
    options = [results.get_option_at_index(i) for i in range(results.option_count)]
    return str(options[index].prompt)


def bar_of(flow_id: str, current: int, width: int, skipped: tuple[int, ...] = ()) -> str:
    from coach.engine.results import StageInfo
    from tui.widgets import StageBar

    stages = load_flows()[flow_id].stages
    bar = StageBar()
    bar.stages = [
        StageInfo(
            id=s.id,
            title=s.title,
            label=s.label,
            state="skipped"
            if i in skipped
            else "done"
            if i < current
            else "current"
            if i == current
            else "todo",
        )
        for i, s in enumerate(stages)
    ]
    return bar._bar(width).plain


def test_the_stage_bar_reads_as_words_and_abbreviates_only_when_it_must() -> None:
    wide = bar_of("grow", 3, 200)
    assert "Why it matters" in wide and "If-then plan" in wide and "more" not in wide
    at_80 = bar_of("grow", 3, 80)
    # no initials at 80 columns: the stages around the current one by title, the rest counted
    assert " ".join(at_80.split()) == "✓ 3 done ─ Reality ─ Options ─ Obstacle ─ If-then plan ─ 2 more"
    assert len(at_80) <= 80
    assert bar_of("gibbs", 2, 80, skipped=(1,)).startswith(" 2 before ")  # a skipped stage is not "done"
    assert "–" in bar_of("what-so-what", 5, 80, skipped=(4,))  # skipped says so by a mark, not style alone
    narrow = bar_of("gibbs", 4, 20)  # too narrow for any window of titles: labels, the current by title
    assert "Conclusion" in narrow and "Description" not in narrow


async def test_home_lists_today_once_and_history_shows_on_this_day(
    coach: Coach, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.test_tui_screens import TODAY, at
    from tui.browse import BrowseScreen
    from tui.today import TodayPanel

    ids = seed(coach)
    said = "Walked the Heron route at dawn and planned the talk."
    coach.store.sessions.start(
        Session(
            profile_id=ids["pid"],
            kind="reflection",
            framework="free",
            started_at=at(7),
            ended_at=at(7),
            summary=f"# Journal\n\n{said}\n",
            turns=[Turn(role="user", stage="entry", text=said)],
            answers={"entry": said},
        )
    )
    monkeypatch.setattr(BrowseScreen, "today", lambda self: TODAY)
    original = TodayPanel.load
    monkeypatch.setattr(TodayPanel, "load", lambda self, on=None: original(self, TODAY))
    app = CoachApp(coach, warm=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        today = plain(app.screen.query_one("#today"))
        rest = plain(app.screen.query_one("#commitments"))
        assert "Overdue (1)" in today and "Book a race 👟" in today
        assert "Book a race" not in rest and rest.startswith("Also open") and "Tidy the garage" in rest
        assert "On this day, a week ago" in today and "Heron route at dawn" in today
        await pilot.press("3")
        await until(pilot, lambda: isinstance(app.screen, HistoryScreen))
        await app.workers.wait_for_complete()
        await pilot.pause()
        panel = app.screen.query_one("#on-this-day")
        assert panel.display and "Heron route at dawn" in plain(panel)


async def test_narrow_screens_give_the_conversation_the_side_panels_room(coach: Coach) -> None:
    from tui.conversation import ConversationScreen

    coach.store.profiles.add("Ana")
    app = CoachApp(coach, warm=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("w")
        await until(pilot, lambda: isinstance(app.screen, ConversationScreen))
        await app.workers.wait_for_complete()
        assert app.screen.query_one("#side").display
        await pilot.resize_terminal(60, 20)
        await pilot.pause()
        assert not app.screen.query_one("#side").display
        assert app.screen.query_one("#main").size.width == 60
