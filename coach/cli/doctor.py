"""coach doctor: check the data home, permissions, schema and bundled models."""

from __future__ import annotations

from typing import Annotated

import typer

from coach.cli.common import emit_json, table
from coach.doctor import run_checks


def doctor(json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Check the installation and the data home; exits 1 when a check fails."""
    checks = run_checks()
    if json_out:
        emit_json([c.to_dict() for c in checks])
    else:
        table(["check", "", "detail"], [[c.name, c.level, c.detail] for c in checks])
    if any(c.level == "fail" for c in checks):
        raise typer.Exit(1)
