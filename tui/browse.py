"""What the browse screens share: Esc back to home, the profile, today's date, a small modal form."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import ClassVar

from pydantic import ValidationError
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Markdown, Static

from coach.errors import CoachError
from tui.base import CoachScreen

# the errors a form's save can raise for bad input; anything else is a bug and should surface
INPUT_ERRORS = (CoachError, ValidationError, ValueError)
# how a commitment's status shows in a list
MARK = {"open": "○", "done": "✓", "partial": "◐", "missed": "✗", "dropped": "–"}


def problem(exc: Exception) -> str:
    """One line for the user: pydantic's first message without its prefix, else the first line."""
    if isinstance(exc, ValidationError) and exc.errors():
        return str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def clip(text: str, width: int) -> str:
    """One line of at most `width` characters, with an ellipsis when cut."""
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1] + "…"


class Document(Markdown):
    """Markdown that can be replaced quickly: Markdown.update picks the blocks to remove when called, so two
    updates in flight leave both documents on screen. Here one update runs at a time, and only the newest
    text waiting is shown next."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.wanted: str | None = None
        self.busy = False

    def show(self, markdown: str) -> None:
        self.wanted = markdown
        if not self.busy:
            self.busy = True
            self.run_worker(self._catch_up(), group="document")

    async def _catch_up(self) -> None:
        try:
            while self.wanted is not None:
                text, self.wanted = self.wanted, None
                await self.update(text)
        finally:
            self.busy = False


class BrowseScreen(CoachScreen):
    """A screen opened from home: Esc goes back, and home is refreshed when something was changed here."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", "Back")]

    def __init__(self) -> None:
        super().__init__()
        self.changed = False

    def today(self) -> date:
        # one place to pin the date, so snapshots and due-date tests do not depend on the calendar
        return date.today()

    @property
    def profile_id(self) -> int:
        return self.coach_app.coach.profile(self.coach_app.profile_name).id or 0

    def action_back(self) -> None:
        changed = self.changed
        self.app.pop_screen()
        if changed:
            self.coach_app.refresh_home()


class Form(ModalScreen[bool]):
    """Labelled inputs; Enter hands the values to `save`, which returns an error to show (the form stays,
    with what was typed) or None (the form closes with True)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        title: str,
        fields: list[tuple[str, str, str]],
        save: Callable[[dict[str, str]], str | None],
        hint: str = "Enter saves · Tab next field · Esc cancels",
    ) -> None:
        super().__init__()
        self.heading = title
        self.fields = fields
        self.save = save
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(id="form"):
            yield Static(Text(self.heading, style="bold"), classes="form-title")
            for key, label, value in self.fields:
                yield Label(Text(label), classes="form-label")
                yield Input(value=value, id=f"field-{key}")
            yield Static(Text(self.hint, style="dim"), classes="form-hint")

    def values(self) -> dict[str, str]:
        return {key: self.query_one(f"#field-{key}", Input).value for key, _, _ in self.fields}

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            error = self.save(self.values())
        except INPUT_ERRORS as exc:
            error = problem(exc)
        if error:
            self.notify(error, title="Not saved", severity="error", markup=False)
            return
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
