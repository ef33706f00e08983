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


STAGE_STYLE = {"current": "bold reverse", "done": "green", "skipped": "dim strike", "todo": "dim"}


class StageBar(Static):
    """The flow's stages, the current one highlighted and finished ones ticked, in words where they fit."""

    stages: list[StageInfo] = []  # noqa: RUF012 - replaced, never mutated
    step = ""

    def show(self, stages: list[StageInfo], step: str = "") -> None:
        self.stages, self.step = stages, step
        self.update(self._bar(self._room()))

    def _room(self) -> int:
        """The columns the bar may take: the screen's (the widget itself is only as wide as its text)."""
        width = (self.screen.size.width if self.is_attached else 0) or 80
        return width - self.styles.padding.left - self.styles.padding.right

    def on_resize(self) -> None:
        if self.stages:
            self.update(self._bar(self._room()))

    def _bar(self, width: int) -> Text:
        """Every stage by its title when they fit; else the titles around the current stage, with how many
        are done before them and to come after ("✓ 3 ─ Analysis ─ Conclusion ─ 2 more"); else by label."""
        whole = self._line(0, len(self.stages))
        if whole.cell_len <= width:
            return whole
        now = next((i for i, s in enumerate(self.stages) if s.state == "current"), len(self.stages) - 1)
        start, end = now, now + 1
        best = self._line(start, end)
        grown = True
        while grown:
            grown = False
            for a, b in ((start, end + 1), (start - 1, end)):  # the next stage first, then the one before
                if a >= 0 and b <= len(self.stages) and (a, b) != (start, end):
                    line = self._line(a, b)
                    if line.cell_len <= width:
                        start, end, best, grown = a, b, line, True
                        break
        if best.cell_len <= width:
            return best
        return self._labels()

    def _stage(self, text: Text, stage: StageInfo, name: str) -> None:
        style = STAGE_STYLE[stage.state]
        mark = {"done": "✓ ", "skipped": "– "}.get(stage.state, "")  # not by style alone
        text.append(f" {mark}{name} ", style=style)
        if stage.state == "current" and self.step:  # the move within the stage: a pattern...
            text.append(f" · {self.step} ", style="italic")

    def _line(self, start: int, end: int) -> Text:
        """The stages start..end by title, the ones before counted as done, the ones after as to come."""
        text = Text()
        if start:
            done = all(s.state == "done" for s in self.stages[:start])
            before = f" ✓ {start} done " if done else f" {start} before "
            text.append(before, style="green" if done else "dim")
        for i, stage in enumerate(self.stages[start:end]):
            if i or start:
                text.append(" ─ ", style="dim")
            self._stage(text, stage, stage.title)
        if end < len(self.stages):
            text.append(f" ─  {len(self.stages) - end} more", style="dim")
        return text

    def _labels(self) -> Text:
        """The narrowest bar: each stage by its label, the current one still by title."""
        text = Text()
        for i, stage in enumerate(self.stages):
            if i:
                text.append("─", style="dim")
            self._stage(text, stage, stage.title if stage.state == "current" else stage.label)
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
