"""The Today panel for Home, the weekly review's mood chart, and "on this day" for History."""

# Each is rich Text: what the person wrote is appended as plain text, never read as markup.

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import work
from textual.message import Message
from textual.widgets import Static

from coach.dates import show_date
from coach.today import DueItem, OnThisDay, Today, days_text
from tui.charts import week_mood

if TYPE_CHECKING:
    from coach.store import Store
    from tui.app import CoachApp

SHOWN = 5
"""Items listed per group before "… and N more"."""


def _items(text: Text, items: list[DueItem], today: date, style: str) -> None:
    for item in items[:SHOWN]:
        text.append("\n● " if item.days < 0 else "\n○ ", style=style)
        text.append(item.text)
        if item.partial:
            text.append("  partly done", style="yellow")
        label = f"was due {show_date(item.due, today)}" if item.days < 0 else f"due {days_text(item.days)}"
        text.append(f"  {label}", style=style or "dim")
    if len(items) > SHOWN:
        text.append(f"\n  … and {len(items) - SHOWN} more", style="dim")


def on_this_day_text(found: OnThisDay | None, today: date) -> Text:
    """One entry from a year, a month or a week ago; for History as well as Home."""
    if found is None:
        return Text("Nothing from this day a week, a month or a year ago.", style="dim")
    text = Text(f"On this day, {found.ago} ", style="bold")
    text.append(f"({show_date(found.date, today, weekday=True)}, {found.title})", style="dim")
    text.append("\n")
    text.append(found.excerpt, style="italic")
    return text


def today_text(t: Today) -> Text:
    """What is due, what is coming, milestones this week, the next meeting, the review day, on this day."""
    text = Text("Today", style="bold")
    if t.overdue:
        text.append(f"\nOverdue ({len(t.overdue)})", style="red")
        _items(text, t.overdue, t.today, "red")
    if t.due_today:
        text.append(f"\nDue today ({len(t.due_today)})", style="yellow")
        _items(text, t.due_today, t.today, "yellow")
    if t.coming:
        text.append(f"\nComing up in {t.ahead} days", style="bold")
        _items(text, t.coming, t.today, "")
    if t.milestones:
        text.append("\nMilestones this week", style="bold")
        for ms in t.milestones[:SHOWN]:
            text.append("\n◆ ", style="red" if ms.days < 0 else "cyan")
            text.append(ms.title)
            text.append(f"  {ms.goal}, due {days_text(ms.days)}", style="dim")
    if t.next_meeting is not None:
        m = t.next_meeting
        text.append("\nNext meeting: ", style="bold")
        text.append(m.group)
        text.append(f", {show_date(m.date, t.today, weekday=True)} ({days_text(m.days)})", style="dim")
        if m.to_review:
            text.append(f"\n  {len(m.to_review)} to review there", style="dim")
        text.append(
            "\n  Brief prepared." if m.prepared else "\n  Prepare for it (meeting prep).", style="dim"
        )
    if t.empty:
        text.append("\nNothing due. A clear day.", style="dim")
    if t.weekly_review_due:
        text.append("\nIt is your review day: the weekly review is waiting (press v).", style="green")
    if t.on_this_day is not None:
        text.append("\n\n")
        text.append_text(on_this_day_text(t.on_this_day, t.today))
    return text


class TodayPanel(Static):
    """Home's Today panel. Mount it, then call `load()`: a worker reads the store (on this day needs the
    flow files, so it stays off the first paint) and shows the result; `show(today)` paints a given one."""

    DEFAULT_CSS = "TodayPanel { height: auto; }"

    def __init__(self, *, id: str = "today") -> None:
        super().__init__(Text("Today", style="bold"), id=id)
        self.today: Today | None = None

    class Shown(Message):
        """Today's panel has painted: the home leaves out of its list the commitments listed here."""

        def __init__(self, today: Today) -> None:
            super().__init__()
            self.today = today

    def show(self, today: Today) -> None:
        self.today = today
        self.update(today_text(today))
        self.post_message(self.Shown(today))

    @work(thread=True, exclusive=True, group="today-panel", exit_on_error=False)
    def load(self, on: date | None = None) -> None:
        from coach.errors import CoachError
        from coach.today import build_today

        app = cast("CoachApp", self.app)
        try:
            store = app.store
            profile = store.active_profile(app.active_profile_name())
            settings = app.coach.settings
            found = build_today(
                store,
                profile.id or 0,
                on or date.today(),
                ahead=settings.remind_ahead_days,
                review_day=settings.review_day,
            )
        except CoachError as exc:
            app.call_from_thread(self.update, Text(f"Today: {str(exc).splitlines()[0]}", style="dim"))
            return
        app.call_from_thread(self.show, found)


class WeekMood(Static):
    """The last seven days' moods as a chart, for the weekly review's conversation: `load(store, pid)`."""

    DEFAULT_CSS = "WeekMood { height: auto; }"

    def load(self, store: Store, profile_id: int, on: date | None = None) -> None:
        from coach.insights_weekly import week_of_moods

        days = week_of_moods(store, profile_id, on or date.today())
        text = Text("The week's mood\n", style="bold")
        text.append_text(week_mood(days))
        self.update(text)


class OnThisDayPanel(Static):
    """History's "on this day": mount it, then call `load()` (a worker reads the store and the flows)."""

    DEFAULT_CSS = "OnThisDayPanel { height: auto; }"

    @work(thread=True, exclusive=True, group="on-this-day", exit_on_error=False)
    def load(self, on: date | None = None) -> None:
        from coach.errors import CoachError
        from coach.today import on_this_day

        app = cast("CoachApp", self.app)
        day = on or date.today()
        try:
            store = app.store
            profile = store.active_profile(app.active_profile_name())
            found = on_this_day(store, profile.id or 0, day)
        except CoachError:
            found = None
        app.call_from_thread(self.show, found, day)

    def show(self, found: OnThisDay | None, day: date) -> None:
        """The entry; with none, the panel gives its line back to the list."""
        self.display = found is not None
        self.update(on_this_day_text(found, day))
