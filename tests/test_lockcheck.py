"""The lock check: the committed lock satisfies pyproject.toml, and a stale lock is caught."""

from __future__ import annotations

import subprocess
import sys

from tests.lockcheck import ROOT, pins, problems

PYPROJECT = (ROOT / "pyproject.toml").read_text("utf-8")
LOCK = (ROOT / "requirements.lock").read_text("utf-8")


def test_the_committed_lock_satisfies_pyproject() -> None:
    assert problems(PYPROJECT, LOCK) == []
    out = subprocess.run([sys.executable, "tests/lockcheck.py"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout


def test_the_lock_pins_the_known_good_native_builds() -> None:
    locked = pins(LOCK)
    assert locked["llama-cpp-python"] == "0.3.16"
    assert locked["torch"] == "2.13.0+cpu"  # the CPU build: no CUDA wheels
    assert not [name for name in locked if name.startswith("nvidia-")]


def test_a_new_dependency_missing_from_the_lock_is_stale() -> None:
    changed = PYPROJECT.replace('"rich>=13",', '"rich>=13",\n    "left-pad-nowhere>=1",')
    assert problems(changed, LOCK) == ["left-pad-nowhere is required but not in the lock"]


def test_a_floor_raised_past_the_pin_is_stale() -> None:
    changed = PYPROJECT.replace('"textual>=1.0"', '"textual>=99"')
    assert problems(changed, LOCK) == [
        f"textual=={pins(LOCK)['textual']} in the lock does not satisfy 'textual>=99'"
    ]


def test_a_pin_without_a_hash_is_stale() -> None:
    name_line = next(line for line in LOCK.splitlines() if line.startswith("textual=="))
    version = name_line.split("==")[1].split()[0]
    start = LOCK.index(name_line)
    end = LOCK.index("\n    # via", start)
    unhashed = LOCK[:start] + f"textual=={version}" + LOCK[end:]
    assert problems(PYPROJECT, unhashed) == ["textual has no hash in the lock"]


def test_make_setup_runs_the_check_before_installing() -> None:
    makefile = (ROOT / "Makefile").read_text("utf-8")
    recipe = makefile[makefile.index("$(STAMP): pyproject.toml $(LOCK)") :]
    assert recipe.index("lockcheck.py") < recipe.index("pip sync")
    assert "--require-hashes" in recipe
