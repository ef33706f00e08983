"""The command palette: every action of the app, from one list, and opening the browse screens."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher

from coach.errors import CoachError
from tui.actions import Action, all_actions, key_shown

if TYPE_CHECKING:
    from tui.app import CoachApp

# which screens need a profile before they mean anything
NEEDS_PROFILE = {"goals", "commitments", "history", "insights"}


def open_screen(app: CoachApp, name: str, *, search: bool = False) -> None:
    """Push one of the browse screens; those about your own records wait until a profile exists."""
    from tui.commitments import CommitmentsScreen
    from tui.goals import GoalsScreen
    from tui.history import HistoryScreen
    from tui.insights_view import InsightsScreen
    from tui.knowledge import KnowledgeScreen

    if name in NEEDS_PROFILE:
        try:
            app.coach.profile(app.profile_name)
        except CoachError as exc:
            app.notify(str(exc).splitlines()[0], title="No profile yet", severity="warning", markup=False)
            return
    screens = {
        "goals": GoalsScreen,
        "commitments": CommitmentsScreen,
        "knowledge": KnowledgeScreen,
        "insights": InsightsScreen,
    }
    app.push_screen(HistoryScreen(search=search) if name == "history" else screens[name]())


class CoachCommands(Provider):
    """Every action of the table in tui/actions.py, its key shown; found by its name or the words people use.

    Choosing one goes back to home first, so screens never stack up.
    """

    async def run(self, action: str) -> None:
        from tui.app import CoachApp

        if isinstance(self.app, CoachApp):
            await self.app.action_go(action)

    def _display(self, action: Action, name: Content) -> Content:
        """The action's name, then its key (as the keymap sets it), so the palette teaches the keys."""
        from tui.app import CoachApp

        keymap = self.app.keymap if isinstance(self.app, CoachApp) else {}
        key = key_shown(action, keymap)
        return name.append_text(f"   {key}", "bold") if key else name

    @staticmethod
    def _word(matcher: Matcher, query: str, word: str) -> float:
        """A word people use for an action: typed in full it ranks first, a part of it below the names."""
        score = matcher.match(word)
        return score if word.casefold() == query.strip().casefold() else score * 0.8

    async def discover(self) -> Hits:
        for action in all_actions():
            yield DiscoveryHit(
                self._display(action, Content(action.name)),
                partial(self.run, action.action),
                text=action.name,
                help=action.help,
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for action in all_actions():
            score = max([matcher.match(action.name), *(self._word(matcher, query, w) for w in action.words)])
            if score > 0:
                yield Hit(
                    score,
                    self._display(action, matcher.highlight(action.name)),
                    partial(self.run, action.action),
                    text=action.name,
                    help=action.help,
                )
