"""coach goal: add, list, show, set-status, milestone."""

from __future__ import annotations

from typing import Annotated

import typer

from coach.cli.common import Id, active, due, emit_json, open_store, say, table
from coach.cli.state import profile_of
from coach.models import GOAL_STATUSES, Goal

app = typer.Typer(help="Goals: add, list, show, set status, add milestones.", no_args_is_help=True)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


@app.command("add")
def add(
    ctx: typer.Context,
    title: str,
    why: Annotated[str | None, typer.Option(help="Why this goal matters.")] = None,
    measure: Annotated[str | None, typer.Option(help="How progress is measured.")] = None,
    target: Annotated[str | None, typer.Option(help="The target value, e.g. '10 clients'.")] = None,
    due_raw: Annotated[
        str | None, typer.Option("--due", help="Due date: 2026-12-03, 3 Dec, Friday...")
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Add a goal to the active profile."""
    with open_store() as store:
        prof = active(store, profile_of(ctx))
        goal = Goal(
            profile_id=prof.id or 0, title=title, why=why, measure=measure, target=target, due=due(due_raw)
        )
        saved = store.goals.add(goal)
    if json_out:
        emit_json(saved)
    else:
        say(f"Added goal {saved.id}: {saved.title}" + (f" (due {saved.due})" if saved.due else ""))


@app.command("list")
def list_(
    ctx: typer.Context,
    status: Annotated[str | None, typer.Option(help=f"One of {', '.join(GOAL_STATUSES)}.")] = None,
    json_out: JsonOpt = False,
) -> None:
    """List goals, soonest due first."""
    with open_store(readonly=True) as store:
        prof = active(store, profile_of(ctx))
        goals = store.goals.list(prof.id or 0, status)
    if json_out:
        emit_json(goals)
    elif not goals:
        say("No goals yet. Add one with: coach goal add TITLE")
    else:
        table(
            ["id", "title", "status", "due", "measure"],
            [[g.id, g.title, g.status, g.due, g.measure] for g in goals],
        )


@app.command("show")
def show(ctx: typer.Context, goal_id: Id, json_out: JsonOpt = False) -> None:
    """Show one goal with its milestones and commitments."""
    with open_store(readonly=True) as store:
        prof = active(store, profile_of(ctx))
        goal = store.goals.get(goal_id, prof.id)
        milestones = store.goals.milestones(goal_id)
        commitments = store.commitments.list(prof.id or 0, goal_id=goal_id)
    if json_out:
        emit_json(
            {
                **goal.model_dump(mode="json"),
                "milestones": [m.model_dump(mode="json") for m in milestones],
                "commitments": [c.model_dump(mode="json") for c in commitments],
            }
        )
        return
    fields = [
        ("title", goal.title),
        ("status", goal.status),
        ("why", goal.why),
        ("measure", goal.measure),
        ("target", goal.target),
        ("due", goal.due),
        ("framework", goal.framework),
    ]
    table(["field", "value"], [[k, v] for k, v in fields if v is not None], title=f"Goal {goal.id}")
    if milestones:
        table(
            ["id", "milestone", "due", "done"],
            [[m.id, m.title, m.due, "yes" if m.done else ""] for m in milestones],
        )
    if commitments:
        table(["id", "commitment", "due", "status"], [[c.id, c.text, c.due, c.status] for c in commitments])


@app.command("set-status")
def set_status(ctx: typer.Context, goal_id: Id, status: str) -> None:
    """Set a goal's status: active, at-risk, done or dropped."""
    with open_store() as store:
        prof = active(store, profile_of(ctx))
        goal = store.goals.set_status(goal_id, status, prof.id)
    say(f"Goal {goal.id} is now {goal.status}.")


@app.command("milestone")
def milestone(
    ctx: typer.Context,
    goal_id: Id,
    title: str,
    due_raw: Annotated[str | None, typer.Option("--due", help="Due date.")] = None,
) -> None:
    """Add a milestone to a goal."""
    with open_store() as store:
        prof = active(store, profile_of(ctx))
        store.goals.get(goal_id, prof.id)
        ms = store.goals.add_milestone(goal_id, title, due(due_raw))
    say(f"Added milestone {ms.id} to goal {goal_id}: {ms.title}")
