"""Snapshots of the browse screens at 100x30, with fixed records, a fixed date and no cursor blink."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from coach.config import load_settings
from coach.retrieval.notes import NoteSet, load_notes
from coach.services import Coach
from coach.store import Store
from tests.test_tui_screens import TODAY, seed
from tui.app import CoachApp
from tui.browse import BrowseScreen

SIZE = (100, 30)
Snap = Callable[..., bool]


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(BrowseScreen, "today", lambda self: TODAY)


@pytest.fixture
def app(store: Store) -> CoachApp:
    """The app over seeded records; the embedding model is never needed for these screens."""
    coach = Coach(store, load_settings())
    seed(coach)
    return CoachApp(coach, warm=False)


async def settle(pilot: Pilot[Any]) -> None:
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_goals_with_the_detail_of_a_goal(snap_compare: Snap, app: CoachApp) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.press("1", "down")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_commitments_overdue_first(snap_compare: Snap, app: CoachApp) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.press("2")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_history_shows_a_session_in_full(snap_compare: Snap, app: CoachApp) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.press("3")
        await settle(pilot)
        pilot.app.screen.query_one("#session-table", DataTable).move_cursor(row=3)
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_knowledge_filtered_to_a_note_of_your_own(
    snap_compare: Snap, app: CoachApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the user's notes alone, so a bundled note added later does not change the picture
    monkeypatch.setattr(
        "tui.knowledge.load_notes",
        lambda *args, **kwargs: NoteSet([n for n in load_notes(*args, **kwargs).notes if n.user]),
    )
    pid = app.coach.store.profiles.list()[0].id
    folder = Path(app.coach.store.home) / "knowledge" / f"profile-{pid}"  # the person's own notes
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "zephyr.md").write_text(
        "---\ntitle: Zephyr [club] race plan\ntags: [running, plans]\n---\n"
        "# Race plan\n\n- Start **slow**\n- Even pace [not heroics]\n\n> Finish strong.\n",
        encoding="utf-8",
    )

    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.press("4", "slash", *"zephyr")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_insights_as_charts(snap_compare: Snap, app: CoachApp) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.press("5")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_settings_data_tab_at_80x24_after_a_dry_run(
    snap_compare: Snap, app: CoachApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The focus bar on the import field, Dry run on in words, labelled path fields, the report in view."""
    monkeypatch.setattr("tui.data.export_default", lambda fmt: "~/coach-export-20250101-090000.json")
    monkeypatch.chdir(Path(__file__).parent / "fixtures")  # a relative path: the same picture on any machine

    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.press("s")
        await settle(pilot)
        pilot.app.screen.sub_title = "~/coach"  # the data home is a new folder per test
        await pilot.press("3", "tab", "space", "tab", *"transfer/jrnl.json", "enter")
        await settle(pilot)
        pilot.app.clear_notifications()  # the pop-up repeats the report's first line; the screen is the point
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_a_finished_reflection_at_80x24(
    snap_compare: Snap, app: CoachApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No composer once it is done, the artefact in view, and a footer of what applies: export, copy, home."""
    from datetime import date

    from tui.artefact import ArtefactView
    from tui.widgets import Composer

    class Fixed(date):
        @classmethod
        def today(cls) -> Fixed:
            return cls(TODAY.year, TODAY.month, TODAY.day)

    monkeypatch.setattr("coach.engine.engine.date", Fixed)
    monkeypatch.setattr(ArtefactView, "typing_pause", 0.0)

    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.press("w")
        await settle(pilot)
        for said in (
            "Coaching call with Dana about my promotion case",
            "It shows I undersell my work",
            "Write my wins list by Friday 27 November",
            "yes",
            "4",
            "",
            "",
        ):
            pilot.app.screen.query_one(Composer).text = said
            await pilot.press("enter")
            await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
