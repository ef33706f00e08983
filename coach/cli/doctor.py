"""coach doctor: check the data home, permissions, schema and bundled models; --fix the permissions."""

from __future__ import annotations

from typing import Annotated

import typer

from coach.cli.common import emit_json, say, table
from coach.doctor import fix_permissions, run_checks


def doctor(
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    fix: Annotated[
        bool, typer.Option("--fix", help="Make every folder and file in the data home owner-only first.")
    ] = False,
) -> None:
    """Check the installation and the data home; exits 1 when a check fails."""
    if fix:
        fixed, failed = fix_permissions()
        if not json_out:
            say(f"Made {len(fixed)} paths owner-only." if fixed else "Nothing to fix.")
            for problem in failed:
                say(f"could not fix {problem}")
    checks = run_checks()
    if json_out:
        emit_json([c.to_dict() for c in checks])
    else:
        table(["check", "", "detail"], [[c.name, c.level, c.detail] for c in checks])
    if any(c.level == "fail" for c in checks):
        raise typer.Exit(1)
