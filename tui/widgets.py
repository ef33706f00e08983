"""Small widgets: the composer (Enter sends), the stage bar, and a chat message that never reads markup."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.message import Message
from textual.widgets import Static, TextArea

from coach.engine.results import StageInfo


class Composer(TextArea):
    """A multi-line input: Enter sends, Ctrl+J (or Shift+Enter where the terminal reports it) adds a line."""

    class Submitted(Message):
        def __init__(self, composer: Composer, text: str) -> None:
            super().__init__()
            self.composer = composer
            self.text = text

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self.post_message(self.Submitted(self, self.text))
            return
        if event.key in ("ctrl+j", "shift+enter"):
            event.stop()
            event.prevent_default()
            self.insert("\n")
            return
        await super()._on_key(event)


class StageBar(Static):
    """G ─ R ─ O ─ W with the current stage highlighted and finished ones ticked."""

    stages: list[StageInfo] = []  # noqa: RUF012 - replaced, never mutated
    step = ""

    def show(self, stages: list[StageInfo], step: str = "") -> None:
        self.stages, self.step = stages, step
        self.update(self._bar(self._room()))

    def _room(self) -> int:
        """The columns the bar may take: the screen's (the widget itself is only as wide as its text)."""
        return (self.screen.size.width if self.is_attached else 0) or 80

    def on_resize(self) -> None:
        if self.stages:
            self.update(self._bar(self._room()))

    def _bar(self, width: int) -> Text:
        """The stages by title when they fit the width; else by label, the current one still by title."""
        for words in ("all", "current", "none"):
            text = self._line(words)
            if text.cell_len <= width or words == "none":
                return text
        return text  # pragma: no cover - the loop always returns

    def _line(self, words: str) -> Text:
        text = Text()
        for i, stage in enumerate(self.stages):
            if i:
                text.append(" ─ ", style="dim")
            style = {"current": "bold reverse", "done": "green", "skipped": "dim strike", "todo": "dim"}[
                stage.state
            ]
            mark = {"done": "✓ ", "skipped": "– "}.get(stage.state, "")  # not by style alone
            titled = words == "all" or (words == "current" and stage.state == "current")
            text.append(f" {mark}{stage.title if titled else stage.label} ", style=style)
            if stage.state == "current" and self.step:  # the move within the stage: a pattern...
                text.append(f" · {self.step}", style="italic")
        return text


class Bubble(Static):
    """One message of the conversation, rendered as plain text (brackets stay brackets)."""

    def __init__(self, who: str, text: str, *, note: str = "") -> None:
        self.who, self.note, self.plain = who, note, text
        super().__init__(self._body(), classes=f"bubble {who}")

    def _body(self) -> Text:
        body = Text()
        coach = self.who == "coach"
        body.append("Coach" if coach else "You", style="bold cyan" if coach else "bold green")
        if self.note:
            body.append(f"  {self.note}", style="italic yellow")
        body.append("\n")
        body.append(self.plain)
        return body

    def set_text(self, text: str, note: str | None = None) -> None:
        """Replace the message (a streamed reply growing, or the guided question standing in)."""
        self.plain = text
        if note is not None:
            self.note = note
        self.update(self._body())
