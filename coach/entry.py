"""The `coach` command's entry point: the app starts without loading the CLI's command modules."""

from __future__ import annotations

import sys


def undecodable(args: list[str]) -> str | None:
    """Why the arguments are refused, or None: one that was not valid UTF-8 names its place and byte.

    Python hands undecodable bytes over as lone surrogates (surrogateescape); they cannot be stored,
    searched or printed, and guessing at them would store text the person did not write.
    """
    for n, arg in enumerate(args, 1):
        for ch in arg:
            code = ord(ch)
            if 0xD800 <= code <= 0xDFFF:
                byte = f"byte 0x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"U+{code:04X}"
                return f"argument {n} is not valid UTF-8 ({byte}); nothing was stored"
    return None


def refuse_undecodable(args: list[str]) -> None:
    """Exit 2 with one line when an argument is not valid UTF-8 (before anything is opened)."""
    why = undecodable(args)
    if why:
        print(f"coach: {why}", file=sys.stderr)
        sys.exit(2)


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
    args = sys.argv[1:]
    refuse_undecodable(args)
    tui, profile = _tui_args(args)
    if tui:
        from coach.launch import launch_tui

        sys.exit(launch_tui(profile))
    from coach.cli import main as cli_main

    cli_main()
