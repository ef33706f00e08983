"""A checkbox that says on or off in words and draws its box empty when off (Settings, the unlock screen).

Light on purpose (Textual alone): the unlock screen paints before anything heavy is imported."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import Checkbox


class Toggle(Checkbox):
    """A checkbox that says its state in words and leaves its box empty when off: not colour alone."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("space", "toggle_button", "Toggle")]

    def __init__(
        self, label: str = "", value: bool = False, *, words: tuple[str, str] = ("off", "on"), id: str
    ) -> None:
        self.caption, self.words = label, words
        super().__init__(self.wording(value), value, id=id, compact=True)
        self.BUTTON_INNER = "X" if value else " "

    def wording(self, value: bool) -> str:
        word = self.words[value]
        return f"{self.caption}: {word}" if self.caption else word

    def watch_value(self) -> None:
        self.BUTTON_INNER = "X" if self.value else " "
        self.label = self.wording(self.value)
        super().watch_value()
