"""Home: goals with progress, open commitments, next meeting, streak, mood, and one-key actions."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Header, Input, Label, ProgressBar, Sparkline, Static

from coach.errors import CoachError
from coach.insights import insights
from tui.base import CoachScreen


class HomeScreen(CoachScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("g", "flow('grow')", "New goal"),
        Binding("r", "flow('gibbs')", "Reflect"),
        Binding("w", "flow('what-so-what')", "Quick reflection"),
        Binding("j", "flow('free')", "Journal"),
        Binding("p", "flow('mastermind')", "Meeting prep"),
        Binding("f", "flow('sbi')", "Mentor feedback"),
        Binding("1", "open('goals')", "Goals"),
        Binding("2", "open('commitments')", "Commitments"),
        Binding("3", "open('history')", "History"),
        Binding("4", "open('knowledge')", "Knowledge"),
        Binding("5", "open('insights')", "Insights"),
        Binding("slash", "search", "Search"),
        Binding("a", "ask", "Ask my history"),
        Binding("s", "settings", "Settings"),
        Binding("q", "app.quit", "Quit"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="home"):
            yield Static(id="who")
            yield Input(placeholder="Your name, then Enter", id="new-profile", classes="hidden")
            with Horizontal(id="mood-row"):
                yield Label("Mood ", id="mood-label")
                yield Sparkline([], id="mood")
            yield Static(Text("Goals", style="bold"), classes="heading")
            yield Vertical(id="goals")
            yield Static(Text("Open commitments", style="bold"), classes="heading")
            yield Static(id="commitments")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.refresh_data()

    def refresh_data(self) -> None:
        coach = self.coach_app.coach
        try:
            profile = coach.profile(self.coach_app.profile_name)
        except CoachError as exc:
            self.query_one("#who", Static).update(
                Text(f"Welcome to coach. {exc}.\nType your name below to start.")
            )
            field = self.query_one("#new-profile", Input)
            field.remove_class("hidden")
            field.focus()
            return
        self.query_one("#new-profile", Input).add_class("hidden")  # one may come from settings or a restore
        pid = profile.id or 0
        today = date.today()
        stats = insights(coach.store, pid, today=today)
        meetings = [m for m in coach.store.meetings.list(pid) if m.date >= today]
        who = Text()
        who.append(profile.name, style="bold")
        who.append(f" ({profile.role})   ")
        who.append(f"reflection streak: {stats.streaks.current_days} day(s)   ")
        if meetings:
            nxt = meetings[-1]
            who.append(f"next meeting: {nxt.group_name}, {nxt.date:%a %d %b}")
        self.query_one("#who", Static).update(who)
        moods = [p.mood for p in stats.mood.points][-30:]
        sparkline = self.query_one("#mood", Sparkline)
        sparkline.data = moods
        sparkline.display = bool(moods)
        label = f"Mood (last {len(moods)}) " if moods else "Mood: none logged yet"
        self.query_one("#mood-label", Label).update(label)
        self._goals(pid)
        self._commitments(pid, today)

    def _goals(self, pid: int) -> None:
        box = self.query_one("#goals", Vertical)
        box.remove_children()
        store = self.coach_app.coach.store
        goals = store.goals.list(pid, "active") + store.goals.list(pid, "at-risk")
        if not goals:
            box.mount(Static(Text("No goals yet: press g to set one.", style="dim")))
        for goal in goals:
            milestones = store.goals.milestones(goal.id or 0)
            items = store.commitments.list(pid, goal_id=goal.id)
            total = len(milestones) + len(items)
            done = sum(m.done for m in milestones) + sum(c.status == "done" for c in items)
            label = Text(goal.title)
            label.append(f"  {goal.status}" + (f", due {goal.due:%d %b}" if goal.due else ""), style="dim")
            bar = ProgressBar(total=total or 1, show_eta=False)
            bar.advance(done)
            box.mount(Horizontal(Static(label, classes="goal-title"), bar, classes="goal"))

    def _commitments(self, pid: int, today: date) -> None:
        items = self.coach_app.coach.store.commitments.list(pid, "open")
        items.sort(key=lambda c: (c.due is None, c.due or today))
        text = Text()
        for c in items[:15]:
            overdue = c.due is not None and c.due < today
            text.append("● " if overdue else "○ ", style="red" if overdue else "")
            text.append(c.text)
            if c.due:
                text.append(
                    f"  {'overdue, ' if overdue else ''}due {c.due:%a %d %b}",
                    style="red" if overdue else "dim",
                )
            text.append("\n")
        self.query_one("#commitments", Static).update(text if items else Text("Nothing open.", style="dim"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        name = event.value
        try:
            self.coach_app.coach.store.profiles.add(name)
        except (CoachError, ValueError) as exc:
            self.notify(str(exc).splitlines()[0], severity="error", markup=False)
            return
        event.input.add_class("hidden")
        self.refresh_data()

    def action_flow(self, flow_id: str) -> None:
        from tui.conversation import ConversationScreen

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

    def action_settings(self) -> None:
        from tui.settings import SettingsScreen

        self.app.push_screen(SettingsScreen())
