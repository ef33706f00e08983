"""coach weekly (the weekly review) and coach weeks (follow-through and mood by week)."""

from __future__ import annotations

from typing import Annotated

import typer

from coach.cli.common import active, emit_json, open_store, say, table
from coach.cli.flows_cmd import _command
from coach.cli.insights_cmd import bar, sparkline
from coach.cli.state import profile_of
from coach.cli.today_cmd import DateOpt, as_of
from coach.dates import show_date
from coach.insights_weekly import WEEKS, week_of_moods
from coach.insights_weekly import to_json as weeks_json
from coach.insights_weekly import weekly as by_week

weekly = _command(
    "reflection",
    "weekly",
    "The weekly review: the week's commitments, mood, wins, what got in the way, next week's focus.",
)


def weeks(
    ctx: typer.Context,
    count: Annotated[int, typer.Option("--weeks", min=1, max=104, help="How many weeks back.")] = WEEKS,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    on: DateOpt = None,
) -> None:
    """Follow-through and mood by week, this week last, and the last seven days' moods."""
    day = as_of(on)
    with open_store(readonly=True) as store:
        prof = active(store, profile_of(ctx))
        found = by_week(store, prof.id or 0, day, count)
        days = week_of_moods(store, prof.id or 0, day)
    if json_out:
        emit_json(weeks_json(found, days))
        return
    table(
        ["week of", "follow-through", "done", "partial", "missed", "dropped", "mood"],
        [
            [
                show_date(w.start, day),
                "-" if w.rate is None else f"{bar(w.rate, 10)} {w.rate:.0%}",
                w.done,
                w.partial,
                w.missed,
                w.dropped,
                "-" if w.mood is None else f"{w.mood:.1f}",
            ]
            for w in found
        ],
        title="Follow-through by week",
    )
    moods = [d.mood for d in days if d.mood is not None]
    if moods:
        say(f"Mood, last seven days: {sparkline(moods)} ({len(moods)} of 7 days with a mood)")
    else:
        say("Mood, last seven days: none logged.")
