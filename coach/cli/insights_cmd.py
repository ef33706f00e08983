"""coach insights: follow-through, mood, streaks, goals at risk and recurring themes."""

from __future__ import annotations

import typer

from coach.cli.common import active, emit_json, open_store, say, table
from coach.cli.state import profile_of
from coach.insights import Insights, MoodTrend
from coach.insights import insights as build

BLOCKS = "▁▂▃▄▅▆▇█"
BAR_WIDTH = 20
SPARK_POINTS = 30


def sparkline(moods: list[int]) -> str:
    """One block per mood (1 to 5), lowest to highest."""
    return "".join(BLOCKS[round((min(max(m, 1), 5) - 1) * (len(BLOCKS) - 1) / 4)] for m in moods)


def bar(rate: float, width: int = BAR_WIDTH) -> str:
    filled = round(max(0.0, min(rate, 1.0)) * width)
    return "█" * filled + "░" * (width - filled)


def _pct(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:.0%}"


def _mood_line(mood: MoodTrend) -> str:
    recent = [p.mood for p in mood.points[-SPARK_POINTS:]]
    line = f"Mood  {sparkline(recent)}  last {min(len(mood.points), 7)}: {mood.recent_avg:.1f}"
    if mood.previous_avg is not None:
        line += f" (before: {mood.previous_avg:.1f}, {mood.direction})"
    if mood.slope_per_week is not None:
        line += f"; trend {mood.slope_per_week:+.2f} a week"
    return line


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
    if result.mood.points:
        say(_mood_line(result.mood))
    else:
        say("Mood: no moods recorded yet")
    st = result.streaks
    say(
        f"Reflection streak: {st.current_days} day(s) now, longest {st.longest_days}; "
        f"{st.current_weeks} week(s) now, longest {st.longest_weeks}"
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
            [[t.text, t.count, ", ".join(str(s.date) for s in t.sessions)] for t in result.themes],
            title=f"Recurring themes (last {result.last_n} sessions)",
        )
    else:
        say(f"No recurring themes in the last {result.last_n} sessions yet.")


def insights(
    ctx: typer.Context,
    last: int = typer.Option(10, "--last", min=1, help="How many recent sessions to look for themes in."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Follow-through, mood trend, reflection streaks, goals at risk and recurring themes."""
    with open_store(readonly=True) as store:
        prof = active(store, profile_of(ctx))
        result = build(store, prof.id or 0, last_n=last)
    if json_out:
        emit_json(result.model_dump(mode="json"))
    else:
        show(result)
