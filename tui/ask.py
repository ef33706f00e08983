"""Ask my history: a question, an answer drawn only from the user's own entries, and its sources."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Header, Input, Static

from coach.llm.ask import Answer, ask
from tui.base import CoachScreen
from tui.streaming import Streamer
from tui.widgets import Bubble


class AskScreen(CoachScreen):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "app.pop_screen", "Back")]

    def __init__(self) -> None:
        super().__init__()
        self.busy = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            with Vertical(id="main"):
                yield VerticalScroll(id="log")
                yield Input(placeholder="Ask about your own history, then Enter", id="question")
            yield VerticalScroll(Static(id="side-body"), id="side")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Ask my history"
        self.sub_title = "answers come only from your own entries"
        self.query_one("#log", VerticalScroll).mount(
            Static(
                Text(
                    "Ask things like “what did I keep getting stuck on this autumn?” or “what did I say on "
                    "14 Nov?”. When nothing in your history bears on it, you'll be told so.",
                    style="dim",
                )
            )
        )
        self.query_one("#question", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        question = event.value.strip()
        if self.busy or not question:
            return
        self.busy = True
        log = self.query_one("#log", VerticalScroll)
        log.mount(Bubble("you", question))
        bubble = Bubble("coach", "…")
        log.mount(bubble)
        log.scroll_end(animate=False)
        event.input.value = ""
        self.answer(question, bubble)

    @work(thread=True, exclusive=True, group="ask", exit_on_error=False)
    def answer(self, question: str, bubble: Bubble) -> None:
        app = self.coach_app
        try:
            embedder = app.coach.index.embedder
            if not embedder.loaded.is_set():
                waiting = "Search is warming up… your question will run in a moment."
                app.call_from_thread(bubble.set_text, waiting)
                embedder.embed_query("warm up")
            pid = app.coach.profile(app.profile_name).id or 0
            voice = app.voice()
            result = ask(app.coach, question, pid, voice, Streamer(app, bubble) if voice else None)
        except Exception as exc:  # the app stays, the question goes back in the box
            app.call_from_thread(self._failed, question, bubble, exc)
            return
        app.call_from_thread(self._answered, bubble, result)

    def _answered(self, bubble: Bubble, result: Answer) -> None:
        self.busy = False
        bubble.set_text(result.text)
        if result.notice:
            self.notify(result.notice, title="Guided answer", severity="warning", markup=False)
        text = Text()
        if result.sources:
            text.append("Sources\n", style="bold")
            for n, source in enumerate(result.sources, 1):
                used = source in result.cited
                text.append(f"[{n}] {source.citation}", style="bold" if used else "dim")
                text.append("  cited\n" if used else "\n", style="green")
        else:
            text.append("Nothing in your history matched.", style="dim")
        self.query_one("#side-body", Static).update(text)

    def _failed(self, question: str, bubble: Bubble, exc: Exception) -> None:
        self.busy = False
        bubble.remove()
        self.query_one("#question", Input).value = question
        self.notify(str(exc).splitlines()[0] or type(exc).__name__, severity="error", markup=False)
