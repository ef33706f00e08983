"""coach commitment: add, list, set-status, and keep, shrink or drop one that slipped."""

from __future__ import annotations

from typing import Annotated

import typer

from coach.cli.common import Id, active, due, emit_json, id_number, open_store, say, table
from coach.cli.state import profile_of
from coach.dates import parse_date, read_due
from coach.errors import InputError
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
    everything: Annotated[bool, typer.Option("--all", help="Include dropped ones.")] = False,
    json_out: JsonOpt = False,
) -> None:
    """List commitments, soonest due first; dropped ones only with --all or --status dropped."""
    with open_store(readonly=True) as store:
        prof = active(store, profile_of(ctx))
        every = store.commitments.list(prof.id or 0)
        items = store.commitments.list(prof.id or 0, status) if status else every
    hidden = 0
    if not status and not everything:
        hidden = sum(c.status == "dropped" for c in items)
        items = [c for c in items if c.status != "dropped"]
    texts = {c.id: c.text for c in every}
    smaller = {c.replaces_id: c.id for c in every if c.replaces_id}
    if json_out:
        emit_json(items)
        return
    if items:
        table(
            ["id", "commitment", "due", "status", "what got in the way"],
            [[c.id, _what(c, texts), _due(c), _status(c, smaller), c.obstacle] for c in items],
        )
    elif not hidden:
        say(f"No {status} commitments." if status else "No commitments yet.")
    if hidden:
        say(f"{hidden} dropped not shown (--all lists them).")


def _what(c: Commitment, texts: dict[int | None, str]) -> str:
    if c.replaces_id is None:
        return c.text
    before = " ".join(texts.get(c.replaces_id, "").split())
    before = before if len(before) <= 40 else before[:39] + "…"
    return f"{c.text}\n(smaller version of {c.replaces_id}: {before})"


def _due(c: Commitment) -> str:
    shown = str(c.due) if c.due else ""
    return f"{shown}\n(first due {c.original_due})" if c.original_due else shown


def _status(c: Commitment, smaller: dict[int, int | None]) -> str:
    if c.status != "dropped":
        return c.status
    if c.id in smaller:
        return f"dropped (shrunk to {smaller[c.id]})"
    return f"dropped ({c.drop_reason})" if c.drop_reason else "dropped"


@app.command("set-status")
def set_status(
    ctx: typer.Context,
    commitment_id: Id,
    status: str,
    note: Annotated[str | None, typer.Option("--note", help="What got in the way.")] = None,
) -> None:
    """Set a commitment's status: open, done, partial or missed; dropped is 'coach commitment drop'
    (the note is the reason)."""
    with open_store() as store:
        prof = active(store, profile_of(ctx))
        if status == "dropped":  # with drop's checks: not a done one, not one already dropped or replaced
            item = store.commitments.drop(commitment_id, note, profile_id=prof.id)
        else:
            item = store.commitments.set_status(commitment_id, status, obstacle=note, profile_id=prof.id)
    say(f"Commitment {item.id} is now {item.status}.")


@app.command("keep")
def keep(
    ctx: typer.Context,
    commitment_id: Id,
    date_raw: Annotated[
        str, typer.Argument(metavar="DATE", help="The new due date: Friday, 3 Dec, next week...")
    ],
    json_out: JsonOpt = False,
) -> None:
    """Keep a commitment with a new date: it is open again, and its first date is remembered."""
    new_due = parse_date(date_raw)
    with open_store() as store:
        prof = active(store, profile_of(ctx))
        item = store.commitments.keep(commitment_id, new_due, profile_id=prof.id)
    if json_out:
        emit_json(item)
    else:
        first = f" (first due {item.original_due})" if item.original_due else ""
        say(f"Kept commitment {item.id}: now due {item.due}{first}.")


@app.command("shrink")
def shrink(
    ctx: typer.Context,
    commitment_id: Id,
    text: Annotated[str, typer.Argument(metavar="TEXT", help="The smaller version.")],
    due_raw: Annotated[
        str | None, typer.Option("--due", help="When the smaller version is due (else a date in TEXT).")
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Swap a commitment for a smaller version: the original is dropped, the new one says it replaced it."""
    when = due(due_raw) if due_raw is not None else read_due(text)
    if when is None:
        raise InputError("by when? give the smaller version a date with --due (Friday, 3 Dec, in 5 days)")
    with open_store() as store:
        prof = active(store, profile_of(ctx))
        item = store.commitments.shrink(commitment_id, text, when, profile_id=prof.id)
    if json_out:
        emit_json(item)
    else:
        say(
            f"Commitment {commitment_id} is dropped for a smaller one, {item.id}: "
            f"{item.text} (due {item.due})"
        )


@app.command("drop")
def drop(
    ctx: typer.Context,
    commitment_id: Id,
    reason: Annotated[str | None, typer.Option("--reason", help="Why it is let go (optional).")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Drop a commitment on purpose: it no longer counts for or against your follow-through."""
    with open_store() as store:
        prof = active(store, profile_of(ctx))
        item = store.commitments.drop(commitment_id, reason, profile_id=prof.id)
    if json_out:
        emit_json(item)
    else:
        say(f"Dropped commitment {item.id}: {item.text}")
