"""coach insights: follow-through, mood, streaks, goals at risk, recurring themes and obstacles."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import TYPE_CHECKING

import typer

from coach.cli.common import active, emit_json, open_store, say, table
from coach.cli.state import profile_of
from coach.dates import show_date
from coach.insights import Insights, MoodTrend, Theme, trend_text
from coach.insights import insights as build
from coach.insights_weekly import to_json as weeks_json
from coach.insights_weekly import weekly
from coach.patterns import Recurring

if TYPE_CHECKING:
    from coach.pattern_match import Embeds


BLOCKS = "▁▂▃▄▅▆▇█"
BAR_WIDTH = 20
SPARK_POINTS = 30


def sparkline(moods: list[float]) -> str:
    """One block per mood (1 to 5, a day's mean between), lowest to highest."""
    return "".join(BLOCKS[round((min(max(m, 1), 5) - 1) * (len(BLOCKS) - 1) / 4)] for m in moods)


def bar(rate: float, width: int = BAR_WIDTH) -> str:
    filled = round(max(0.0, min(rate, 1.0)) * width)
    return "█" * filled + "░" * (width - filled)


def _pct(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:.0%}"


def _mood_line(mood: MoodTrend) -> str:
    """One block a day (the day's mean), the recent average, and the trend or why there is none yet."""
    shown = mood.days[-SPARK_POINTS:]
    logged = len(mood.points)
    line = f"Mood  {sparkline([d.mood for d in shown])}  "
    line += f"{logged} mood{'s' if logged != 1 else ''} on {_days(len(mood.days))}; "
    line += f"recent average {mood.recent_avg:.1f}"
    if mood.previous_avg is not None:
        line += f" (before: {mood.previous_avg:.1f}, {mood.direction})"
    trend = trend_text(mood)
    if mood.slope_per_week is not None:
        line += f"; trend {trend}"
    elif trend:
        line += f"\n      {trend}."
    return line


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def show(result: Insights) -> None:
    ft = result.follow_through.overall
    if ft.rate is None:
        say(f"Follow-through: nothing reviewed yet ({ft.open} open, {ft.overdue} overdue)")
    else:
        say(
            f"Follow-through  {bar(ft.rate)} {_pct(ft.rate)}  ({ft.done} done, {ft.partial} partial, "
            f"{ft.missed} missed of {ft.reviewed} reviewed; {ft.open} open, {ft.overdue} overdue)"
        )
    if result.follow_through.by_goal:
        table(
            ["goal", "rate", "done", "partial", "missed", "open", "overdue"],
            [
                [g.title, _pct(g.rate), g.done, g.partial, g.missed, g.open, g.overdue]
                for g in result.follow_through.by_goal
            ],
            title="Follow-through by goal",
        )
    if result.mood.days:
        say(_mood_line(result.mood))
    else:
        say("Mood: no moods recorded yet")
    st = result.streaks
    say(
        f"Reflection streak: {_days(st.current_days)} now, longest {st.longest_days}; "
        f"{st.current_weeks} {'week' if st.current_weeks == 1 else 'weeks'} now, longest {st.longest_weeks}"
    )
    if result.goals_at_risk:
        table(
            ["id", "goal", "due", "why"],
            [[g.goal_id, g.title, g.due, g.reason] for g in result.goals_at_risk],
            title="Goals at risk",
        )
    else:
        say("No goals at risk.")
    if result.themes:
        table(
            ["theme", "sessions", "dates"],
            [[t.text, t.count, theme_days(t, result.today)] for t in result.themes],
            title=f"Recurring themes (last {result.last_n} sessions)",
        )
    else:
        say(f"No recurring themes in the last {result.last_n} sessions yet.")
    if result.recurring is not None:
        show_recurring(result.recurring, result.today)


def theme_days(theme: Theme, today: date) -> str:
    """The days a theme came up, each once: "11 Nov, 2 Dec ×3" (three sessions on 2 Dec)."""
    per_day = Counter(s.date for s in theme.sessions)
    return ", ".join(show_date(d, today) + (f" ×{n}" if n > 1 else "") for d, n in per_day.items())


def show_recurring(found: Recurring, today: date) -> None:
    if found.unavailable:
        say(f"Obstacles that keep coming back: left out ({found.unavailable}).")
    elif found.groups:
        table(
            ["keeps coming back", "times", "dates"],
            [
                [f"'{g.label}'", g.count, ", ".join(show_date(d, today) for d in g.dates)]
                for g in found.groups
            ],
            title="Obstacles that keep coming back",
        )
    else:
        say("No obstacle has come back yet.")


def load_embedder() -> Embeds:
    """The bundled model; called only when there are obstacles to compare (loading takes seconds)."""
    from coach.config import load_settings
    from coach.retrieval.embeddings import Embedder

    return Embedder(load_settings().embedding_model)


def insights(
    ctx: typer.Context,
    last: int = typer.Option(10, "--last", min=1, help="How many recent sessions to look for themes in."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Follow-through, mood trend, reflection streaks, goals at risk, recurring themes and obstacles."""
    with open_store(readonly=True) as store:
        prof = active(store, profile_of(ctx))
        result = build(store, prof.id or 0, last_n=last, embedder=load_embedder)
        weeks = weeks_json(weekly(store, prof.id or 0, result.today))["weeks"]
    if json_out:
        emit_json({**result.model_dump(mode="json"), "follow_through_by_week": weeks})
    else:
        show(result)
        say("Follow-through by week: coach weeks")
