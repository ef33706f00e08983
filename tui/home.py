"""Home: goals with progress, open commitments, next meeting, streak, mood, and one-key actions."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Input, Static

from coach.dates import show_date
from coach.errors import CoachError
from coach.store.summary import HomeSummary, home_summary
from tui.actions import hint_line, home_bindings
from tui.base import CoachScreen
from tui.charts import MOOD_STYLE, meter
from tui.today import TodayPanel

MOOD_BLOCKS = "▁▂▃▄▅▆▇█"
TITLE_CELLS = 40
BAR_CELLS = 16


def mood_line(moods: list[int]) -> Text:
    """The moods (1-5, as the database holds them) as a one-line chart, one block a session."""
    if not moods:
        return Text("Mood: none logged yet", style="dim")
    line = Text(f"Mood, last {len(moods)}: ")
    for mood in moods:
        line.append(MOOD_BLOCKS[round((mood - 1) * 7 / 4)], style=MOOD_STYLE[mood])
    return line


class HomeScreen(CoachScreen):
    """A few Statics of Text (no widget per goal or per key): the home paints within a frame of Textual's."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *home_bindings(),
        Binding("escape", "leave_field", "Leave the name field", show=False),
    ]

    def compose(self) -> ComposeResult:
        """The home with its data: read from the store's rows, so it paints before the services load."""
        summary, problem = self._summary()
        yield Header()
        with VerticalScroll(id="home"):
            yield Static(self._who(summary, problem), id="who")
            if summary is None:
                yield self._name_field()
            yield TodayPanel()
            yield Static(self._goals(summary, self.title_cells()), id="goals")
            yield Static(self._commitments(summary), id="commitments")
            yield Static(Text(hint_line(self.coach_app.keymap), style="dim"), id="keys")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        for field in self.query("#new-profile").results(Input):
            field.focus()
        self._load_today(not self.query("#new-profile"))

    def _load_today(self, profile: bool) -> None:
        """Today's panel reads in a worker once the services have loaded (the app refreshes the home then):
        reading it alongside them would hold the event loop up. With no profile yet it stays away."""
        panel = self.query_one(TodayPanel)
        panel.display = profile
        if profile and self.coach_app.services_loaded():
            panel.load()

    @staticmethod
    def _name_field() -> Input:
        """Only for a new user: with no profile yet, the home asks for a name."""
        return Input(
            placeholder="Your name, then Enter (Esc leaves it: the keys below work then)", id="new-profile"
        )

    def action_leave_field(self) -> None:
        """Esc in the name field: the one-key actions (settings, a restore) answer again."""
        self.set_focus(None)

    summary: HomeSummary | None = None
    """What the home last read from the store: a resize or Today's panel repaints from it, not the store."""

    def _summary(self) -> tuple[HomeSummary | None, str]:
        app = self.coach_app
        try:
            self.summary = home_summary(app.store.db, app.active_profile_name(), date.today())
            return self.summary, ""
        except CoachError as exc:
            self.summary = None
            return None, str(exc)

    def refresh_data(self) -> None:
        summary, problem = self._summary()
        self.query_one("#who", Static).update(self._who(summary, problem))
        fields = self.query("#new-profile")
        if summary is not None:
            fields.remove()  # a profile may come from settings or a restore
        elif not fields:
            field = self._name_field()
            self.query_one("#home").mount(field, after="#who")
            field.focus()
        self.query_one("#goals", Static).update(self._goals(summary, self.title_cells()))
        self.query_one("#commitments", Static).update(self._commitments(summary))
        self._load_today(summary is not None)

    @staticmethod
    def _who(summary: HomeSummary | None, problem: str) -> Text:
        if summary is None:
            if problem.startswith("no profile yet"):  # the usual first run: no command-line advice here
                return Text("Welcome to coach.\nType your name below to start.")
            return Text(f"Welcome to coach. {problem}.\nType your name below to start.")
        who = Text()
        who.append(summary.name, style="bold")
        who.append(f" ({summary.role})   ")
        days = summary.streak_days
        who.append(f"reflection streak: {days} {'day' if days == 1 else 'days'}   ")
        if summary.next_meeting:
            group, day = summary.next_meeting
            who.append(f"next meeting: {group}, {show_date(day, weekday=True)}")
        who.append("\n")
        who.append_text(mood_line(summary.moods))
        return who

    def title_cells(self) -> int:
        """Room for a goal's title beside its bar: TITLE_CELLS, less on a narrow screen."""
        width = self.size.width or self.app.size.width
        return max(12, min(TITLE_CELLS, width - 6 - 2 - BAR_CELLS - 6))

    def on_resize(self) -> None:
        self.query_one("#goals", Static).update(self._goals(self.summary, self.title_cells()))

    @staticmethod
    def _goals(summary: HomeSummary | None, cells: int = TITLE_CELLS) -> Text:
        text = Text("Goals", style="bold")
        if summary is None:
            return text
        if not summary.goals:
            text.append("\nNo goals yet: press g to set one.", style="dim")
        for goal in summary.goals:
            title = Text(goal.title)
            due = f", due {show_date(goal.due)}" if goal.due else ""
            title.append(f"  {goal.status}{due}", style="dim")
            title.truncate(cells, overflow="ellipsis", pad=True)  # by cells: emoji and CJK too
            text.append("\n")
            text.append_text(title)
            text.append("  ")
            text.append_text(meter(goal.done, goal.total, BAR_CELLS))
        return text

    def on_today_panel_shown(self, event: TodayPanel.Shown) -> None:
        """What Today lists (overdue, due today, coming) is not listed twice: the rest stay below."""
        shown = {item.id for item in (*event.today.overdue, *event.today.due_today, *event.today.coming)}
        self.query_one("#commitments", Static).update(self._commitments(self.summary, shown))

    @staticmethod
    def _commitments(summary: HomeSummary | None, listed: set[int] | None = None) -> Text:
        """Open commitments; those Today already lists (`listed`) are left out, under "Also open"."""
        listed = listed or set()
        text = Text("Also open" if listed else "Open commitments", style="bold")
        rest = [c for c in summary.open_commitments if c.id not in listed] if summary else []
        if summary is None or not rest:
            text.append("\nNothing else open." if listed else "\nNothing open.", style="dim")
            return text
        today = date.today()
        for c in rest:
            overdue = c.due is not None and c.due < today
            text.append("\n● " if overdue else "\n○ ", style="red" if overdue else "")
            text.append(c.text)
            if c.partial:
                text.append("  partly done", style="yellow")
            if c.due:
                text.append(
                    f"  {'overdue, ' if overdue else ''}due {show_date(c.due, today, weekday=True)}",
                    style="red" if overdue else "dim",
                )
        hidden = summary.open_count - len(summary.open_commitments)
        if hidden:
            text.append(f"\n… and {hidden} more (press 2)", style="dim")
        return text

    def on_input_submitted(self, event: Input.Submitted) -> None:
        name = event.value
        try:
            self.coach_app.store.profiles.add(name)
        except (CoachError, ValueError) as exc:
            self.notify(str(exc).splitlines()[0], severity="error", markup=False)
            return
        self.refresh_data()

    def action_flow(self, flow_id: str) -> None:
        """A conversation belongs to a profile: with none yet, say what to do first and go to the name."""
        from tui.conversation import ConversationScreen

        try:
            self.coach_app.store.active_profile(self.coach_app.active_profile_name())
        except CoachError as exc:
            fields = self.query("#new-profile").results(Input)
            first = "Type your name above and press Enter first." if fields else str(exc).splitlines()[0]
            self.notify(first, title="No profile yet", severity="warning", markup=False)
            for field in fields:
                field.focus()
            return
        self.app.push_screen(ConversationScreen(flow_id))

    def action_open(self, name: str) -> None:
        from tui.commands import open_screen

        open_screen(self.coach_app, name)

    def action_search(self) -> None:
        from tui.commands import open_screen

        open_screen(self.coach_app, "history", search=True)

    def action_ask(self) -> None:
        from tui.ask import AskScreen

        try:
            self.coach_app.coach.profile(self.coach_app.profile_name)
        except CoachError as exc:
            self.notify(str(exc).splitlines()[0], title="No profile yet", severity="warning", markup=False)
            return
        self.app.push_screen(AskScreen())

    def action_settings(self, pane: str = "", field: str = "") -> None:
        """Settings, on one tab and at one field when the palette asked for it (export, backup, …)."""
        from tui.settings import SettingsScreen

        self.app.push_screen(SettingsScreen(pane, field))

    def action_home(self) -> None:
        """Home is here already."""
