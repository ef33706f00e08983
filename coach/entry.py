"""The `coach` command's entry point: the app starts without loading the CLI's command modules."""

from __future__ import annotations

import sys


def _tui_args(args: list[str]) -> tuple[bool, str | None]:
    """(True, profile) when the arguments only open the app: none, or --profile/-p NAME."""
    if not args:
        return True, None
    if len(args) == 2 and args[0] in ("--profile", "-p") and not args[1].startswith("-"):
        return True, args[1]
    if len(args) == 1 and args[0].startswith("--profile=") and len(args[0]) > len("--profile="):
        return True, args[0].split("=", 1)[1]
    return False, None


def main() -> None:
    tui, profile = _tui_args(sys.argv[1:])
    if tui:
        from coach.launch import launch_tui

        sys.exit(launch_tui(profile))
    from coach.cli import main as cli_main

    cli_main()
