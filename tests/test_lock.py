"""One writing process per data home: a second one is told who holds it, at once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from coach.store import Store

HOLD = """
import sys, time
from coach.store import Store
s = Store.open()
print("ready", flush=True)
time.sleep(60)
"""


def _holder(home: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "COACH_HOME": str(home)}
    proc = subprocess.Popen([sys.executable, "-c", HOLD], env=env, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    return proc


def _coach(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COACH_HOME": str(home)}
    code = "import sys; from coach.cli import main; main(sys.argv[1:])"
    return subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, timeout=30
    )


def test_second_writer_gets_a_clear_message_quickly(home: Path) -> None:
    proc = _holder(home)
    try:
        started = time.monotonic()
        result = _coach(home, "profile", "add", "Ana")
        elapsed = time.monotonic() - started
        assert result.returncode == 2
        assert f"pid {proc.pid}" in result.stderr and "another coach process" in result.stderr
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        # the message is immediate: what time there is goes on starting Python, not on waiting
        assert elapsed < 10
        # reading still works while another process writes
        assert _coach(home, "profile", "list", "--json").returncode == 0
    finally:
        proc.kill()
        proc.wait()


def test_lock_is_freed_when_the_holder_is_killed(home: Path) -> None:
    proc = _holder(home)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with Store.open(home) as store:
        assert store.profiles.add("Ana").name == "Ana"


def test_lock_is_exclusive_within_a_process_too(home: Path) -> None:
    import pytest

    from coach.errors import LockedError

    first = Store.open(home)
    try:
        with pytest.raises(LockedError, match=f"pid {os.getpid()}"):
            Store.open(home)
    finally:
        first.close()
    Store.open(home).close()
