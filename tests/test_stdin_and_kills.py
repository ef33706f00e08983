"""Typed lines that are not UTF-8 are asked for again; commands killed mid-write leave a whole store."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

CLI = [sys.executable, "-m", "coach"]


def test_a_typed_line_that_is_not_utf8_is_asked_for_again(home: Path) -> None:
    env = {**os.environ, "COACH_HOME": str(home), "PYTHONIOENCODING": "utf-8"}
    subprocess.run([*CLI, "profile", "add", "Ana"], env=env, check=True, capture_output=True)
    typed = b"caf\xe9 \xff broken\nThe retro ran long and two people left early.\n"
    proc = subprocess.run(
        [*CLI, "reflect", "--flow", "what-so-what", "--new"],
        env=env,
        input=typed,
        capture_output=True,
        timeout=180,
    )
    out = proc.stdout.decode("utf-8", "replace")
    err = proc.stderr.decode("utf-8", "replace")
    assert "That line is not valid UTF-8 text; please type it again." in out and "Traceback" not in err
    with sqlite3.connect(home / "coach.db") as db:
        said = [r[0] for r in db.execute("SELECT text FROM turns WHERE role = 'user'")]
    assert said == ["The retro ran long and two people left early."]


def test_commands_killed_while_writing_leave_the_store_whole_and_unlocked(home: Path) -> None:
    env = {**os.environ, "COACH_HOME": str(home)}
    subprocess.run([*CLI, "profile", "add", "Ana"], env=env, check=True, capture_output=True)
    rng = random.Random(7)
    acknowledged = []
    for i in range(8):  # small enough for CI; each start costs about a second
        proc = subprocess.Popen(
            [*CLI, "commitment", "add", f"Kill test {i}", "--due", "friday"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        time.sleep(rng.uniform(0.2, 1.5))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.communicate()
        if proc.returncode == 0:
            acknowledged.append(f"Kill test {i}")
    with sqlite3.connect(home / "coach.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {r[0] for r in db.execute("SELECT text FROM commitments")}
    assert set(acknowledged) <= stored  # nothing that was reported saved is lost
    after = subprocess.run(
        [*CLI, "commitment", "add", "After the kills", "--due", "friday"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert after.returncode == 0, after.stderr  # no stuck lock
