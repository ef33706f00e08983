"""The coach's Textual app: for now a home screen with the profile, its goals and open commitments."""

from __future__ import annotations

import sys
from typing import ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static

from coach.config import load_settings
from coach.errors import CoachError
from coach.store import Store


class CoachApp(App[int]):
    """The app owns one open Store (and so the data home's lock) for its whole run."""

    TITLE = "coach"
    BINDINGS: ClassVar[list[Binding]] = [Binding("q", "quit", "Quit")]

    def __init__(self, store: Store, profile_name: str | None = None) -> None:
        super().__init__()
        self.store = store
        self.profile_name = profile_name

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Static(self._summary(), id="summary")
        yield Footer()

    def _summary(self) -> Text:
        try:
            profile = self.store.active_profile(self.profile_name or load_settings().profile)
        except CoachError as exc:
            return Text(f"Welcome to coach.\n\n{exc}\n\nPress q to quit.")
        pid = profile.id or 0
        goals = self.store.goals.list(pid, "active")
        open_items = self.store.commitments.list(pid, "open")
        text = Text()
        text.append(f"{profile.name}", style="bold")
        text.append(f" ({profile.role})\n\n")
        text.append(f"Active goals: {len(goals)}\n", style="bold")
        for goal in goals[:10]:
            text.append(f"  • {goal.title}" + (f"  (due {goal.due})" if goal.due else "") + "\n")
        text.append(f"\nOpen commitments: {len(open_items)}\n", style="bold")
        for item in open_items[:10]:
            text.append(f"  • {item.text}" + (f"  (due {item.due})" if item.due else "") + "\n")
        return text


def run(profile_name: str | None = None) -> int:
    """Open the store (taking the lock), run the app, and always release the lock."""
    try:
        store = Store.open()
    except CoachError as exc:
        print(f"coach: {exc}", file=sys.stderr)
        return 2
    try:
        return CoachApp(store, profile_name).run() or 0
    finally:
        store.close()
