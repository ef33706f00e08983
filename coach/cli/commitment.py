"""coach commitment: add, list, set-status."""

from __future__ import annotations

from typing import Annotated

import typer

from coach.cli.common import Id, active, due, emit_json, id_number, open_store, say, table
from coach.cli.state import profile_of
from coach.models import COMMITMENT_STATUSES, Commitment

app = typer.Typer(help="Commitments: what you said you would do, and how it went.", no_args_is_help=True)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


@app.command("add")
def add(
    ctx: typer.Context,
    text: str,
    due_raw: Annotated[
        str | None, typer.Option("--due", help="Due date: 2026-12-03, Friday, next week...")
    ] = None,
    goal_id: Annotated[
        int | None, typer.Option("--goal", parser=id_number, help="The goal this serves.")
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Add a commitment."""
    with open_store() as store:
        prof = active(store, profile_of(ctx))
        if goal_id is not None:
            store.goals.get(goal_id, prof.id)
        saved = store.commitments.add(
            Commitment(profile_id=prof.id or 0, text=text, due=due(due_raw), goal_id=goal_id)
        )
    if json_out:
        emit_json(saved)
    else:
        say(f"Added commitment {saved.id}: {saved.text}" + (f" (due {saved.due})" if saved.due else ""))


@app.command("list")
def list_(
    ctx: typer.Context,
    status: Annotated[str | None, typer.Option(help=f"One of {', '.join(COMMITMENT_STATUSES)}.")] = None,
    json_out: JsonOpt = False,
) -> None:
    """List commitments, soonest due first."""
    with open_store(readonly=True) as store:
        prof = active(store, profile_of(ctx))
        items = store.commitments.list(prof.id or 0, status)
    if json_out:
        emit_json(items)
    elif not items:
        say("No commitments yet.")
    else:
        table(
            ["id", "commitment", "due", "status", "what got in the way"],
            [[c.id, c.text, c.due, c.status, c.obstacle] for c in items],
        )


@app.command("set-status")
def set_status(
    ctx: typer.Context,
    commitment_id: Id,
    status: str,
    note: Annotated[str | None, typer.Option("--note", help="What got in the way.")] = None,
) -> None:
    """Set a commitment's status: open, done, partial or missed."""
    with open_store() as store:
        prof = active(store, profile_of(ctx))
        item = store.commitments.set_status(commitment_id, status, obstacle=note, profile_id=prof.id)
    say(f"Commitment {item.id} is now {item.status}.")
