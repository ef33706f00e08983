"""coach profile: add, list, use."""

from __future__ import annotations

from typing import Annotated

import typer

from coach import config
from coach.cli.common import emit_json, open_store, say, table
from coach.errors import InputError
from coach.models import ROLES

app = typer.Typer(help="Profiles: who is using the coach (a member or a mentor).", no_args_is_help=True)


@app.command("add")
def add(
    name: str,
    role: Annotated[str, typer.Option(help="member or mentor")] = "member",
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Create a profile."""
    if role not in ROLES:
        raise InputError(f"unknown role '{role}' (use member or mentor)")
    with open_store() as store:
        created = store.profiles.add(name, role)
    if json_out:
        emit_json(created)
    else:
        say(f"Created profile {created.name} ({created.role}).")


@app.command("list")
def list_(json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """List profiles; the active one is marked."""
    with open_store(readonly=True) as store:
        profiles = store.profiles.list()
        chosen = config.load_settings().profile
        active_name = chosen or (profiles[0].name if len(profiles) == 1 else None)
    if json_out:
        emit_json([{**p.model_dump(mode="json"), "active": p.name == active_name} for p in profiles])
        return
    if not profiles:
        say("No profiles yet. Create one with: coach profile add NAME")
        return
    table(
        ["", "id", "name", "role"],
        [["*" if p.name == active_name else "", p.id, p.name, p.role] for p in profiles],
    )


@app.command("use")
def use(name: str) -> None:
    """Make NAME the active profile (saved in config.toml)."""
    with open_store(readonly=True) as store:
        store.profiles.by_name(name)
    config.set_value("profile", name)
    say(f"Active profile: {name}")
