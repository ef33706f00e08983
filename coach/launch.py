"""Opening the Textual app: from a source checkout its own tui/, from a wheel the bundled coach_tui."""

from __future__ import annotations

import importlib
from pathlib import Path


def launch_tui(profile_name: str | None) -> int:
    """Import the TUI only now: the core and the other commands never load Textual."""
    import coach

    source = (Path(coach.__file__).resolve().parent.parent / "tui" / "app.py").is_file()
    tui = importlib.import_module("tui.app" if source else "coach_tui.app")
    return int(tui.run(profile_name) or 0)
