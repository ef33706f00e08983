"""Insights as charts: follow-through bars (by goal and by week), a mood chart by day with a dated axis,
streaks, goals at risk, themes, and the obstacles that keep coming back."""

from __future__ import annotations

from datetime import date, timedelta

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static

from coach.dates import show_date
from coach.insights import (
    FollowThrough,
    GoalAtRisk,
    Insights,
    MoodDay,
    Streaks,
    Theme,
    insights,
    trend_text,
)
from coach.insights_weekly import weekly
from coach.patterns import Recurring, earlier_obstacles, recurring_report
from coach.streaks import day_of
from tui.browse import BrowseScreen, clip, problem
from tui.charts import MOOD_STYLE, bar, week_bars

MOOD_COLUMNS = 30
STRIP_DAYS = 28
LABEL = 22


def follow_chart(rows: list[FollowThrough], overall: FollowThrough) -> Text:
    """One bar per goal (and one for everything): done counts whole, partial half, over what was reviewed."""
    text = Text()
    for i, ft in enumerate([overall, *rows]):
        if i == 1:
            text.append("\n")
        name = "All commitments" if i == 0 else ft.title
        text.append(clip(name, LABEL).ljust(LABEL) + " ", style="bold" if i == 0 else "")
        if ft.rate is None:
            text.append("░" * 20, style="dim")
            text.append("   —  ", style="dim")
        else:
            text.append_text(bar(ft.rate, 20))
            text.append(f" {ft.rate:4.0%} ")
        counts = f"{ft.done}✓ {ft.partial}◐ {ft.missed}✗ · {ft.open} open"
        text.append(counts + (f", {ft.overdue} overdue" if ft.overdue else "") + "\n", style="dim")
    text.rstrip()
    return text


def mood_chart(days: list[MoodDay], today: date | None = None) -> Text:
    """Mood 1–5 up the side, one column a day with a mood (its mean, to the half) along the bottom, the
    first and last dates under the axis."""
    if not days:
        return Text("No mood logged yet: the reflection flows ask for one at the end.", style="dim")
    shown = days[-MOOD_COLUMNS:]
    text = Text()
    for level in range(5, 0, -1):
        text.append(f"{level} │", style="dim")
        for d in shown:
            cell = "█ " if d.mood >= level - 0.25 else "▄ " if d.mood >= level - 0.75 else "  "
            text.append(cell, style=MOOD_STYLE[min(max(int(d.mood + 0.5), 1), 5)])
        text.append("\n")
    width = 2 * len(shown)
    text.append("  └" + "─" * width + "\n", style="dim")
    first, last = show_date(shown[0].date, today), show_date(shown[-1].date, today)
    # the dates may run past a short chart rather than be dropped
    axis = first if len(shown) == 1 else first.ljust(max(width - len(last), len(first) + 2)) + last
    text.append("   " + axis, style="dim")
    return text


def mood_summary(stats: Insights) -> Text:
    """The recent average over days, the direction, and the trend a week (or why there is none yet)."""
    mood = stats.mood
    text = Text()
    if mood.recent_avg is not None:
        text.append(f"Recent average {mood.recent_avg:.1f}")
    if mood.previous_avg is not None:
        text.append(f" (before: {mood.previous_avg:.1f})")
    arrow = {"up": ("↑ up", "green"), "down": ("↓ down", "red"), "steady": ("→ steady", "")}
    if mood.direction:
        label, style = arrow[mood.direction]
        text.append(f"  {label}", style=style)
    trend = trend_text(mood)
    if mood.slope_per_week is not None:
        text.append(f"  trend {trend}", style="dim")
    elif trend:
        text.append(f"\n{trend}.", style="dim")
    return text


def streak_chart(streaks: Streaks, days: set[date], today: date) -> Text:
    """The streak numbers, then the last four weeks as a strip: a block for each day with a reflection."""
    text = Text()
    text.append(f"{streaks.current_days}", style="bold")
    unit = "day" if streaks.current_days == 1 else "days"
    text.append(f" {unit} running (longest {streaks.longest_days}) · ")
    text.append(f"{streaks.current_weeks}", style="bold")
    weeks = "week" if streaks.current_weeks == 1 else "weeks"
    text.append(f" {weeks} running (longest {streaks.longest_weeks})\n")
    start = today - timedelta(days=STRIP_DAYS - 1)
    for n in range(STRIP_DAYS):
        day = start + timedelta(days=n)
        text.append("■" if day in days else "·", style="green" if day in days else "dim")
    # the end date flush under the last day, whatever the lengths (a start in last year has its year)
    first, last = show_date(start, today), show_date(today, today)
    text.append("\n" + first.ljust(STRIP_DAYS - len(last)) + last, style="dim")
    if streaks.last_reflection:
        text.append(f"\nLast reflection: {streaks.last_reflection:%a %d %b %Y}", style="dim")
    return text


def risk_list(goals: list[GoalAtRisk]) -> Text:
    if not goals:
        return Text("None: every goal with a date is moving or has time left.", style="dim")
    text = Text()
    for i, g in enumerate(goals):
        text.append("\n" if i else "")
        text.append("⚠ ", style="yellow")
        text.append(g.title, style="bold")
        text.append(f"  {g.reason} ({g.due:%a %d %b %Y})", style="red" if g.days_left < 0 else "yellow")
    return text


def theme_chart(themes: list[Theme]) -> Text:
    """The recurring themes ranked, each bar as long as its count relative to the first."""
    if not themes:
        return Text("No theme recurs yet: they show once two sessions share one.", style="dim")
    top = max(t.count for t in themes)
    text = Text()
    for i, t in enumerate(themes, start=1):
        text.append(f"{i:2}. ")
        text.append(clip(t.text, LABEL - 4).ljust(LABEL - 4) + " ")
        text.append("█" * max(1, round(16 * t.count / top)), style="magenta")
        text.append(f" {t.count} sessions\n", style="dim")
    text.rstrip()
    return text


def recurring_list(found: Recurring, today: date) -> Text:
    """One line per obstacle that keeps coming back: its quote, how often, and when."""
    if found.unavailable:
        return Text(f"Left out: {found.unavailable}.", style="dim")
    if not found.groups:
        return Text("Nothing yet: an obstacle shows here once it has come back.", style="dim")
    text = Text()
    for i, g in enumerate(found.groups):
        text.append("\n" if i else "")
        text.append(f"'{clip(g.label, 60)}'", style="bold")
        text.append(f" ×{g.count}", style="magenta")
        text.append(f" ({', '.join(show_date(d, today) for d in g.dates)})", style="dim")
    return text


class InsightsScreen(BrowseScreen):
    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="insights"):
            for key, heading in (
                ("follow", "Follow-through"),
                ("weeks", "Follow-through by week"),
                ("mood", "Mood over time"),
                ("streaks", "Reflection streaks"),
                ("risk", "Goals at risk"),
                ("themes", "Recurring themes"),
                ("recurring", "Keeps coming back"),
            ):
                yield Static(Text(heading, style="bold underline"), classes="heading")
                yield Static(id=f"insight-{key}", classes="insight")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.title = "Insights"
        self.load()

    def load(self) -> None:
        store = self.coach_app.coach.store
        today = self.today()
        stats = insights(store, self.profile_id, today=today)
        counted = store.sessions.counted_reflections(self.profile_id)
        reflected = {day_of(s.started_at) for s in store.sessions.list(self.profile_id) if s.id in counted}
        ft = stats.follow_through
        self.query_one("#insight-follow", Static).update(follow_chart(ft.by_goal, ft.overall))
        self.query_one("#insight-weeks", Static).update(
            week_bars(weekly(store, self.profile_id, today), today)
        )
        mood = mood_chart(stats.mood.days, today)
        if stats.mood.days:
            mood.append("\n").append_text(mood_summary(stats))
        self.query_one("#insight-mood", Static).update(mood)
        self.query_one("#insight-streaks", Static).update(streak_chart(stats.streaks, reflected, today))
        self.query_one("#insight-risk", Static).update(risk_list(stats.goals_at_risk))
        self.query_one("#insight-themes", Static).update(theme_chart(stats.themes))
        self.load_recurring(today)

    def load_recurring(self, today: date) -> None:
        """Under two obstacles there is nothing to compare; else a worker loads the model if need be."""
        named = [
            e
            for e in earlier_obstacles(self.coach_app.coach.store, self.profile_id, job=None)
            if e.date <= today
        ]
        if len(named) < 2:
            self.show_recurring(Recurring(compared=len(named)), today)
            return
        looking = Text("Looking for obstacles that keep coming back…", style="dim italic")
        self.query_one("#insight-recurring", Static).update(looking)
        self.find_recurring(self.profile_id, today)

    @work(thread=True, exclusive=True, group="insights-recurring", exit_on_error=False)
    def find_recurring(self, profile_id: int, today: date) -> None:
        coach = self.coach_app.coach
        try:
            found = recurring_report(
                coach.store, profile_id, embedder=lambda: coach.index.embedder, today=today
            )
        except Exception as exc:  # shown in its section; the rest of the screen stays
            found = Recurring(unavailable=problem(exc))
        self.app.call_from_thread(self.show_recurring, found, today)

    def show_recurring(self, found: Recurring, today: date) -> None:
        for box in self.query("#insight-recurring").results(Static):  # none once the screen has closed
            box.update(recurring_list(found, today))
