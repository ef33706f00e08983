"""coach calendar export: meetings, commitments and milestones as an iCalendar file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from coach.cli.common import active, emit_json, open_store, say
from coach.cli.state import profile_of
from coach.cli.today_cmd import as_of
from coach.errors import InputError
from coach.paths import writable_out, write_private

app = typer.Typer(help="Your meetings, commitments and milestones in your calendar.", no_args_is_help=True)


@app.command("export")
def export(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="The .ics file to write.", show_default=False)],
    tasks: Annotated[
        str,
        typer.Option(
            "--tasks",
            help="Commitments and milestones as 'todo' (VTODO) or all-day 'event' (calendars without tasks).",
        ),
    ] = "todo",
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="Only items dated from this day on (2026-11-01, 2 weeks ago...).",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace a file that is not a coach calendar.")
    ] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Write an .ics file; importing it again updates the same items instead of adding them twice."""
    from coach.calendar_ics import build_calendar, is_coach_calendar  # icalendar loads only for this

    if tasks not in ("todo", "event"):
        raise InputError(f"--tasks must be 'todo' or 'event', not '{tasks[:20]}'")
    start = as_of(since) if since else None
    target = writable_out(out, force=force or is_coach_calendar(out.expanduser()))
    with open_store(readonly=True) as store:
        prof = active(store, profile_of(ctx))
        result = build_calendar(
            store, prof.id or 0, tasks="todo" if tasks == "todo" else "event", since=start
        )
    write_private(target, result.ics.decode("utf-8"))
    if json_out:
        emit_json({"path": str(target), "events": result.events, "todos": result.todos, "uids": result.uids})
        return
    events = f"{result.events} event{'' if result.events == 1 else 's'}"
    todos = f"{result.todos} to-do{'' if result.todos == 1 else 's'}"
    say(f"Wrote {target}: {events}, {todos}. Import it again to update them.")
