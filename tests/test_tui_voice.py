"""The TUI with a chat model: streamed replies, the guided fallback, the context view, ask my history."""

from __future__ import annotations

from rich.text import Text

from coach.services import Coach
from tests.llm_fakes import scripted, voice
from tests.test_retrieval import reflect
from tui.app import CoachApp
from tui.ask import AskScreen
from tui.conversation import ConversationScreen
from tui.widgets import Bubble, Composer


def plain(widget) -> str:  # type: ignore[no-untyped-def]
    rendered = widget.render()
    return rendered.plain if isinstance(rendered, Text) else str(rendered)


def coach_bubbles(screen) -> list[str]:  # type: ignore[no-untyped-def]
    return [b.plain for b in screen.query(Bubble) if b.who == "coach"]


async def test_a_reflection_streams_the_models_words_and_shows_what_it_was_sent(coach: Coach) -> None:
    coach.store.profiles.add("Ana")
    model = scripted("You sound [bold]proud[/] of that. What happened next?")
    app = CoachApp(coach, warm=False)
    app._voice = voice(model)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("w")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ConversationScreen)
        assert coach_bubbles(screen)[-1] == "You sound [bold]proud[/] of that. What happened next?"
        screen.query_one(Composer).text = "We shipped the release [v2] on time after a hard week."
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(model.seen) == 2 and not screen.busy
        assert "[v2]" in model.seen[1][-1].text
        await pilot.press("f2")
        side = plain(screen.query_one("#side-body"))
        assert "── system ──" in side and "We shipped the release [v2]" in side
        await pilot.press("f2")
        assert "── system ──" not in plain(screen.query_one("#side-body"))


async def test_a_dead_model_shows_the_guided_question_and_keeps_going(coach: Coach) -> None:
    coach.store.profiles.add("Ana")
    app = CoachApp(coach, warm=False)
    app._voice = voice(scripted("never", fail=ConnectionError("refused")))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("w")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ConversationScreen) and screen.prompt is not None
        assert coach_bubbles(screen)[-1] == screen.prompt.text
        screen.query_one(Composer).text = "A long enough description of what happened at the retro."
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.prompt.stage == "so_what" and coach_bubbles(screen)[-1] == screen.prompt.text


async def test_ask_my_history_answers_with_sources(coach: Coach) -> None:
    pid = coach.store.profiles.add("Ana").id or 0
    reflect(coach.store, pid, "Stuck on pricing again: I froze when asked for a quote.", "2026-10-02")
    app = CoachApp(coach, warm=False)
    app._voice = voice(scripted("You got stuck on pricing [1]."))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AskScreen)
        await pilot.press(*"what was I stuck on?")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert coach_bubbles(app.screen)[-1] == "You got stuck on pricing [session 2026-10-02]."
        side = plain(app.screen.query_one("#side-body"))
        assert "[1] [session 2026-10-02]  cited" in side
        await pilot.press(*"scuba diving in Egypt?")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "found nothing about that" in coach_bubbles(app.screen)[-1]


async def test_resizing_while_a_reply_streams_loses_nothing(coach: Coach) -> None:
    coach.store.profiles.add("Ana")
    words = " ".join(f"word{i}" for i in range(40))
    app = CoachApp(coach, warm=False)
    app._voice = voice(scripted(f"{words}. What happened?", delay=0.02))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("w")
        for size in [(80, 24), (60, 20), (140, 45), (80, 24)]:
            await pilot.pause(0.15)
            await pilot.resize_terminal(*size)
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ConversationScreen) and not screen.busy
        assert coach_bubbles(screen)[-1] == f"{words}. What happened?"
        assert app.size == (80, 24)
