"""Settings, tab 4, between sessions: the daily reminder, the calendar file, and how far ahead Today looks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from coach import config
from coach.errors import CoachError
from tui.settings import SettingsPane, problem
from tui.toggle import Toggle

FIELDS = {
    "remind_ahead_days": "Days ahead",
    "quiet_hours": "Quiet hours",
    "review_day": "Review day",
}
CALENDAR_DEFAULT = "~/coach.ics"


class BetweenPane(SettingsPane):
    """The daily reminder installed or removed, the calendar exported, and the reminder settings saved."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="section", id="remind-section"):
            yield Static(Text("Daily reminder"), classes="heading")
            yield Static(
                Text(
                    "Once a day, what is due: a desktop notification with counts only (never a commitment's "
                    "words), through a systemd user timer or a crontab line. Nothing leaves this machine.",
                    style="dim",
                )
            )
            with Horizontal(classes="field"):
                yield Label("Every day at", classes="field-label")
                yield Input("09:00", id="remind-at", compact=True)
                yield Button("Install", id="remind-install", variant="primary", compact=True)
                yield Button("Remove", id="remind-remove", compact=True)
            yield Static(id="remind-report", classes="report")
        with Vertical(classes="section", id="calendar-section"):
            yield Static(Text("Calendar"), classes="heading")
            yield Static(
                Text(
                    "Meetings as events; commitments and milestones as to-dos. Titles and dates only; "
                    "importing the file again updates the same items.",
                    style="dim",
                )
            )
            with Horizontal(classes="field"):
                yield Label("Tasks as", classes="field-label")
                yield Toggle(words=("to-dos", "all-day events"), id="calendar-events")
            with Horizontal(classes="field"):
                yield Label("Export to", classes="field-label")
                yield Input(CALENDAR_DEFAULT, id="calendar-out", compact=True)
                yield Button("Export", id="calendar-run", variant="primary", compact=True)
            yield Static(id="calendar-report", classes="report")
        with Vertical(classes="section", id="ahead-section"):
            yield Static(Text("Today and the reminders"), classes="heading")
            for name, label in FIELDS.items():
                with Horizontal(classes="field"):
                    yield Label(label, classes="field-label")
                    yield Input(id=name, compact=True)
            yield Static(Text("Enter saves a field.", style="dim"))

    def on_mount(self) -> None:
        for report in self.query(".report"):
            report.display = False
        settings = self.coach_app.coach.settings
        for name in FIELDS:
            self.query_one(f"#{name}", Input).value = str(getattr(settings, name))

    # --- reminder ---------------------------------------------------------------------------------------
    @on(Button.Pressed, "#remind-install")
    @on(Input.Submitted, "#remind-at")
    def install_reminder(self, event: Any) -> None:
        event.stop()
        self.busy("remind-install", True)
        self.run_install(self.query_one("#remind-at", Input).value.strip(), False, "remind-install")

    @on(Button.Pressed, "#remind-remove")
    def remove_reminder(self) -> None:
        self.busy("remind-remove", True)
        self.run_install("09:00", True, "remind-remove")

    @work(thread=True, exclusive=True, group="remind", exit_on_error=False)
    def run_install(self, at: str, uninstall: bool, button: str) -> None:
        from coach import remind

        try:
            done = remind.install_daily("auto", remind.parse_at(at), self.coach_app.profile_name, uninstall)
        except Exception as exc:
            text, failed = Text(problem(exc), style="red"), True
        else:
            text, failed = Text(remind_said(done)), False
        self.app.call_from_thread(self.done, "remind-report", button, text, failed)

    # --- calendar ---------------------------------------------------------------------------------------
    @on(Button.Pressed, "#calendar-run")
    @on(Input.Submitted, "#calendar-out")
    def export_calendar(self, event: Any) -> None:
        event.stop()
        raw = self.query_one("#calendar-out", Input).value.strip()
        if not raw:
            self.done("calendar-report", "", Text("Type where to write the calendar file.", style="red"))
            return
        self.busy("calendar-run", True)
        self.run_export(Path(raw).expanduser(), self.query_one("#calendar-events", Toggle).value)

    @work(thread=True, exclusive=True, group="calendar", exit_on_error=False)
    def run_export(self, out: Path, as_events: bool) -> None:
        from coach.calendar_ics import build_calendar, is_coach_calendar
        from coach.paths import writable_out, write_private

        coach = self.coach_app.coach
        try:
            target = writable_out(out, force=is_coach_calendar(out))
            profile = coach.profile(self.coach_app.profile_name)
            result = build_calendar(coach.store, profile.id or 0, tasks="event" if as_events else "todo")
            write_private(target, result.ics.decode("utf-8"))
        except Exception as exc:  # a refused path, a file that is not a coach calendar: said, the path kept
            self.app.call_from_thread(
                self.done, "calendar-report", "calendar-run", Text(problem(exc), style="red"), True
            )
            return
        events = f"{result.events} event{'' if result.events == 1 else 's'}"
        todos = f"{result.todos} to-do{'' if result.todos == 1 else 's'}"
        text = Text(f"Wrote {target}: {events}, {todos}. Import it again to update them.")
        self.app.call_from_thread(self.done, "calendar-report", "calendar-run", text)

    # --- settings ---------------------------------------------------------------------------------------
    @on(Input.Submitted, "#remind_ahead_days, #quiet_hours, #review_day")
    def save_setting(self, event: Input.Submitted) -> None:
        event.stop()
        name = event.input.id or ""
        try:
            config.set_value(name, event.value.strip())
            self.coach_app.reload_settings()
        except CoachError as exc:
            self.status(problem(exc))  # the typed value stays in the field
            return
        self.status(f"Saved {name}.", "green")
        self.coach_app.refresh_home()


def remind_said(done: dict[str, Any]) -> str:
    """What install_daily did, in a sentence."""
    if done["action"] == "uninstall":
        if not done["removed"]:
            return "No daily reminder was set."
        return f"Removed the daily reminder ({', '.join(done['removed'])})."
    where = "a systemd user timer" if done["method"] == "systemd" else "a crontab line"
    said = f"Every day at {done['at']}, through {where}"
    said += "." if done["changed"] else " (it was already set)."
    if done["in_quiet_hours"]:
        said += " That time is inside your quiet hours, so no notification will show."
    return said
