"""The core is reachable without the TUI: importing coach (and its CLI) never loads Textual or tui."""

from __future__ import annotations

import json
import subprocess
import sys

HEADLESS = ["coach", "coach.cli", "coach.store", "coach.config", "coach.doctor", "coach.dates"]


def test_core_imports_no_ui_and_no_heavy_libraries() -> None:
    code = (
        "import importlib, json, sys\n"
        f"for m in {HEADLESS!r}: importlib.import_module(m)\n"
        "print(json.dumps(sorted(m for m in sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    loaded = set(json.loads(out))
    ui = {m for m in loaded if m.split(".")[0] in {"textual", "tui", "coach_tui"}}
    assert not ui, ui
    heavy = {
        m for m in loaded if m.split(".")[0] in {"torch", "sentence_transformers", "chromadb", "transformers"}
    }
    assert not heavy, heavy
