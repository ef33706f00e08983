"""The app starts, shows the store's data as plain text, and quits cleanly."""

from __future__ import annotations

from coach.models import Commitment, Goal
from coach.store import Store
from tui.app import CoachApp


async def test_home_shows_goals_literally_and_quits(store: Store) -> None:
    prof = store.profiles.add("Ana [bold]")
    store.goals.add(Goal(profile_id=prof.id or 0, title="Run [red]5k[/]"))
    store.commitments.add(Commitment(profile_id=prof.id or 0, text="Book a race 👟"))
    app = CoachApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        text = str(app.query_one("#summary").render())
        assert "Ana [bold]" in text and "Run [red]5k[/]" in text and "Book a race 👟" in text
        await pilot.press("q")
    assert app.return_code == 0


async def test_without_a_profile_it_says_what_to_do(store: Store) -> None:
    app = CoachApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        assert "coach profile add" in str(app.query_one("#summary").render())
        await pilot.press("q")
