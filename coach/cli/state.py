"""What the root command passes down to subcommands."""

from dataclasses import dataclass

import typer


@dataclass
class CliState:
    profile: str | None = None


def profile_of(ctx: typer.Context) -> str | None:
    state = ctx.find_root().obj
    return state.profile if isinstance(state, CliState) else None
