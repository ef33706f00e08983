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

    def show(self, stages: list[StageInfo]) -> None:
        text = Text()
        for i, stage in enumerate(stages):
            if i:
                text.append(" ─ ", style="dim")
            style = {"current": "bold reverse", "done": "green", "skipped": "dim strike", "todo": "dim"}[
                stage.state
            ]
            mark = "✓ " if stage.state == "done" else ""
            text.append(f" {mark}{stage.label} ", style=style)
        self.update(text)


class Bubble(Static):
    """One message of the conversation, rendered as plain text (brackets stay brackets)."""

    def __init__(self, who: str, text: str, *, note: str = "") -> None:
        body = Text()
        body.append(
            "Coach" if who == "coach" else "You", style="bold cyan" if who == "coach" else "bold green"
        )
        if note:
            body.append(f"  {note}", style="italic yellow")
        body.append("\n")
        body.append(text)
        super().__init__(body, classes=f"bubble {who}")
        self.plain = text
