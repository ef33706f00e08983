"""The Textual app through Pilot: home, creating a profile, a whole reflection, plain text everywhere."""

from __future__ import annotations

import pytest
from rich.text import Text

from coach.models import Commitment, Goal
from coach.services import Coach
from coach.store import Store
from tui.app import CoachApp
from tui.conversation import ConversationScreen
from tui.home import HomeScreen
from tui.settings import SettingsScreen
from tui.widgets import Bubble, Composer


def plain(widget) -> str:  # type: ignore[no-untyped-def]
    rendered = widget.render()
    return rendered.plain if isinstance(rendered, Text) else str(rendered)


async def test_home_shows_goals_and_commitments_literally_and_quits(coach: Coach) -> None:
    prof = coach.store.profiles.add("Ana [bold]")
    coach.store.goals.add(Goal(profile_id=prof.id or 0, title="Run [red]5k[/]"))
    coach.store.commitments.add(Commitment(profile_id=prof.id or 0, text="Book a race 👟"))
    app = CoachApp(coach, warm=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert "Ana [bold]" in plain(home.query_one("#who"))
        assert "Book a race 👟" in plain(home.query_one("#commitments"))
        assert "Run [red]5k[/]" in plain(home.query_one("#goals"))
        await pilot.press("q")
    assert app.return_code == 0


async def test_a_new_user_creates_a_profile_on_the_home_screen(coach: Coach) -> None:
    app = CoachApp(coach, warm=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert plain(app.screen.query_one("#who")) == "Welcome to coach.\nType your name below to start."
        await pilot.press("escape", "s")  # Esc leaves the name field: the one-key actions answer again
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.click("#new-profile")
        await pilot.press(*"Zoë", "enter")
        await pilot.pause()
        assert [p.name for p in coach.store.profiles.list()] == ["Zoë"]
        assert "Zoë" in plain(app.screen.query_one("#who"))


async def test_a_flow_key_before_any_profile_says_what_to_do_first(coach: Coach) -> None:
    app = CoachApp(coach, warm=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for key in ("g", "p"):
            await pilot.press("escape", key)  # Esc leaves the name field, as a new user might
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen)
            assert app.screen.focused is app.screen.query_one("#new-profile")
        shown = [str(n.message) for n in app._notifications]
        assert shown.count("Type your name above and press Enter first.") == 2


async def test_launched_on_the_store_the_home_paints_then_the_services_load(store: Store) -> None:
    """As `coach` starts: the home from the store's rows, settings and services right after, in a thread."""
    pid = store.profiles.add("Ana").id or 0
    store.goals.add(Goal(profile_id=pid, title="Run [red]5k[/]"))
    app = CoachApp(store, warm=False)
    async with app.run_test(size=(80, 24)) as pilot:
        assert "Ana" in plain(app.screen.query_one("#who"))
        assert "Run [red]5k[/]" in plain(app.screen.query_one("#goals"))
        await pilot.press("w")  # waits for the services if they are still loading
        await pilot.pause()
        assert isinstance(app.screen, ConversationScreen)
        assert app.coach.store is store and app.coach.settings.profile is None
        await app.workers.wait_for_complete()


async def test_a_setting_pydantic_refuses_is_named_and_its_default_used(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.profiles.add("Ana")
    monkeypatch.setenv("COACH_LLM_TIMEOUT", "soon")
    app = CoachApp(store, warm=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.is_running and app.coach.settings.llm_timeout == 60.0
        shown = " ".join(str(n.message) for n in app._notifications)
        assert "llm_timeout" in shown


async def test_a_whole_reflection_in_the_app(coach: Coach) -> None:
    coach.store.profiles.add("Ana")
    app = CoachApp(coach, warm=True)
    async with app.run_test(size=(110, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("w")
        screen = app.screen
        assert isinstance(screen, ConversationScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()

        async def say(text: str) -> None:
            composer = screen.query_one(Composer)
            composer.text = text
            await pilot.press("enter")
            await app.workers.wait_for_complete()
            await pilot.pause()

        await say("Coaching call with Dana about my [promotion] case and the next steps")
        await say("It shows I undersell my work")
        await say("Write my wins list by Friday")
        await say("yes")
        await say("4")
        await say("")
        await say("")
        assert screen.prompt is not None and screen.prompt.done
        # finished: nothing more to type, and the footer offers only what applies
        assert not screen.query_one(Composer).display
        shown = {b.binding.action for b in app.active_bindings.values() if b.enabled}
        assert {"back", "skip", "leave"}.isdisjoint(shown) and {"home", "export", "copy"} <= shown
        said = [b.plain for b in screen.query(Bubble)]
        assert "Coaching call with Dana about my [promotion] case and the next steps" in said
        session = coach.store.sessions.list(1)[0]
        assert session.ended_at is not None and session.mood == 4
        assert coach.store.commitments.list(1)[0].text == "Write my wins list by Friday"
        assert "[note:" in plain(screen.query_one("#side-body"))


async def test_a_locked_data_home_gets_a_clear_screen() -> None:
    from tui.app import LockedApp

    app = LockedApp("another coach process (pid 42, 'coach') is using /tmp/x")
    async with app.run_test(size=(80, 24)) as pilot:
        assert "pid 42" in plain(app.query_one("#locked"))
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 2 and app.return_value == 2
