"""The command palette: every action of the app, from one list, and opening the browse screens."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from coach.errors import CoachError

if TYPE_CHECKING:
    from tui.app import CoachApp

# (name, help, action run on the home screen). Adding a command is one line here, plus its action on home.
COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("New goal (GROW)", "Set a goal with SMART and WOOP checks", "flow('grow')"),
    ("Reflect (Gibbs)", "Reflect on an experience with Gibbs' cycle", "flow('gibbs')"),
    (
        "Quick reflection (What / So what / Now what)",
        "A short reflection in three steps",
        "flow('what-so-what')",
    ),
    ("Journal (free)", "Write freely, then tag it and log your mood", "flow('free')"),
    ("Meeting prep (mastermind)", "Review commitments and prepare a hot-seat ask", "flow('mastermind')"),
    ("Mentor feedback (SBI)", "Draft feedback: situation, behaviour, impact", "flow('sbi')"),
    ("Goals", "Your goals, their progress and milestones", "open('goals')"),
    ("Commitments", "Review what you said you would do", "open('commitments')"),
    ("History", "Your past sessions, in full", "open('history')"),
    ("Search history", "Search everything you have written", "search"),
    ("Ask my history", "A question answered from your own entries, with sources", "ask"),
    ("Knowledge", "The best-practice notes and your own", "open('knowledge')"),
    ("Insights", "Follow-through, mood, streaks and themes", "open('insights')"),
    ("Settings", "Profile, language model, local-only, import, export and backup", "settings"),
    ("Quit", "Leave coach", "app.quit"),
)

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
    """Lists COMMANDS; choosing one goes back to home first, so screens never stack up."""

    async def run(self, action: str) -> None:
        from tui.app import CoachApp
        from tui.home import HomeScreen

        app = self.app
        homes = [s for s in app.screen_stack if isinstance(s, HomeScreen)]
        if not homes:
            return
        while app.screen is not homes[0]:
            await app.pop_screen()
        if isinstance(app, CoachApp):
            app.refresh_home()  # a screen left this way may have changed something
        await app.run_action(action, homes[0])

    async def discover(self) -> Hits:
        for name, help_text, action in COMMANDS:
            yield DiscoveryHit(name, partial(self.run, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, action in COMMANDS:
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(name), partial(self.run, action), text=name, help=help_text
                )
