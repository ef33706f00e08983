"""The base of the app's screens: typed access to the app and its services."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen

if TYPE_CHECKING:
    from tui.app import CoachApp


class CoachScreen(Screen[None]):
    @property
    def coach_app(self) -> CoachApp:
        from tui.app import CoachApp

        assert isinstance(self.app, CoachApp)
        return self.app
