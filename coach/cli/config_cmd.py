"""coach config: show the effective settings and where each came from; set one."""

from __future__ import annotations

from typing import Annotated

import typer

from coach import config
from coach.cli.common import emit_json, say, table

app = typer.Typer(help="Settings: show them, or set one in config.toml.", no_args_is_help=True)


@app.command("show")
def show(json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Print every setting, its value, and where the value came from."""
    rows = config.describe()
    if json_out:
        emit_json(rows)
    else:
        table(
            ["setting", "value", "from", "meaning"],
            [[r["name"], r["value"], r["source"], r["doc"]] for r in rows],
        )


@app.command("set")
def set_(name: str, value: str) -> None:
    """Set NAME to VALUE in config.toml; an empty VALUE removes the setting."""
    config.set_value(name, value or None)
    say(f"{name} = {value!r} saved in {config.config_path()}")
