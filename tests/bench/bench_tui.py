"""TUI benchmark: launch to first paint against a minimal Textual app, event-loop stalls in warm-up, memory.

How each figure is measured (all in one run, so the machine's load falls on both sides alike):

- First paint. Each app is started as a real process on a pseudo-terminal (80x24, like a user's terminal),
  the clock starting just before the process is spawned. It stops when the app's own text reaches the
  terminal: for coach, the active profile's name, which the home screen writes only after it has read the
  store (so this is the home screen with its data, not an empty frame); for the baseline, a minimal Textual
  app whose only widget is a Static with a marker word. Both therefore include Python start-up, imports,
  the first layout and the first write to the terminal. coach is launched through its real entry point
  (.venv/bin/coach, the CLI that opens the store and takes the lock); the baseline through the same
  interpreter. Runs alternate between the two; medians and their ratio are reported. The project's modules
  are byte-compiled first, as an installed app's are.
- Ready. At coach's first paint the benchmark types r, as an eager user would, and the clock stops when
  the reflection's first question shows: the home paints before the settings and services load, so this
  says how long a key waits for them.
- Stalls. coach is started on a pseudo-terminal over a data home holding N sessions and no index, so its
  start-up warm-up loads the embedding model and indexes every session in a thread worker. A 10 ms
  set_interval ticker on the app records the time between ticks until the warm-up ends; the longest gap is
  the longest the event loop could not answer a key press. The same ticker on the idle baseline app gives
  the timer's own jitter.
- Memory. Resident set size (VmRSS) of each app at first paint, and of coach once the warm-up has ended
  (the model loaded and the index written), read from /proc.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path
from typing import Any

from tests.bench.bench_retrieval import Row, ms, offline, print_table, print_wall, verdict

ROOT = Path(__file__).resolve().parents[2]
PYTHON = ROOT / ".venv" / "bin" / "python"
COACH = ROOT / ".venv" / "bin" / "coach"
MARKER = "Paintmark"
FIRST_QUESTION = b"What happened?"  # the first question of the reflection `r` opens (Gibbs)
PAINT_TARGET = 1.5  # coach / minimal app, time to first paint, at most
STALL_TARGET = 0.100  # longest gap between 10 ms ticks while warming up, seconds
TICK = 0.01

MINIMAL_APP = f"""
from textual.app import App
from textual.widgets import Static

class Minimal(App):
    def compose(self):
        yield Static({MARKER!r})

Minimal().run()
"""


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def child_env(home: Path) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES") and not k.startswith("COACH_")
    }
    env.update(COACH_HOME=str(home), TERM="xterm-256color", PYTHONDONTWRITEBYTECODE="1")
    return env


def spawn(argv: list[str], env: dict[str, str]) -> tuple[subprocess.Popen[bytes], int]:
    """Start argv on a new 80x24 pseudo-terminal; returns the process and the terminal's master end."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    proc = subprocess.Popen(
        argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT, start_new_session=True
    )
    os.close(slave)
    return proc, master


def read_until(master: int, marker: bytes, timeout: float) -> bool:
    """Drain the terminal until marker shows (the app must never block on a full pty buffer)."""
    seen = b""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        ready, _, _ = select.select([master], [], [], 0.05)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                return False
            seen = seen[-len(marker) :] + chunk
            if marker in seen:
                return True
    return False


def stop(proc: subprocess.Popen[bytes], master: int) -> None:
    """End a process this benchmark started (and its group): TERM, then KILL."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if proc.poll() is not None:
            break
        os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            continue
    os.close(master)


def first_paint(argv: list[str], home: Path, then: tuple[bytes, bytes] | None = None) -> tuple[float, ...]:
    """Seconds from spawn to the marker on the terminal, and the RSS (MB) at that moment.

    With `then` (keys, text): the keys are typed the moment the marker shows, and the seconds from spawn
    until the text answers them come third.
    """
    started = time.perf_counter()
    proc, master = spawn(argv, child_env(home))
    try:
        if not read_until(master, MARKER.encode(), timeout=60):
            raise RuntimeError(f"{argv[-1]} never painted {MARKER!r}")
        took = time.perf_counter() - started
        mb = rss_mb(proc.pid)
        if then is None:
            return took, mb
        os.write(master, then[0])
        if not read_until(master, then[1], timeout=60):
            raise RuntimeError(f"{argv[-1]} never answered {then[0]!r} with {then[1]!r}")
        return took, mb, time.perf_counter() - started
    finally:
        stop(proc, master)


def make_home(parent: Path, name: str, sessions: int = 0) -> Path:
    """A data home with one profile (named MARKER so its first paint is visible) and optional history."""
    from coach.store import Store
    from tests.bench.history_scenario import TURNS_PER_SESSION, history_sessions

    home = parent / name
    with Store.open(home) as store:
        pid = store.profiles.add(MARKER).id or 0
        for session in history_sessions(pid, sessions * TURNS_PER_SESSION) if sessions else []:
            store.sessions.start(session)
    return home


def bench_paint(work: Path, runs: int) -> list[Row]:
    template = make_home(work, "paint-template")
    coach_t: list[float] = []
    base_t: list[float] = []
    coach_mb: list[float] = []
    base_mb: list[float] = []
    answered: list[float] = []
    for i in range(runs):
        order = ["base", "coach"] if i % 2 == 0 else ["coach", "base"]
        for which in order:
            if which == "coach":
                home = work / f"paint-{i}"
                shutil.copytree(template, home)  # a fresh home each run: no index left by the previous one
                took, mb, reply = first_paint([str(COACH)], home, then=(b"r", FIRST_QUESTION))
                coach_t.append(took)
                coach_mb.append(mb)
                answered.append(reply)
                shutil.rmtree(home, ignore_errors=True)
            else:
                took, mb = first_paint([str(PYTHON), "-c", MINIMAL_APP], work)
                base_t.append(took)
                base_mb.append(mb)
        print(
            f"paint run {i + 1}/{runs}: coach {coach_t[-1]:.2f} s, minimal {base_t[-1]:.2f} s",
            file=sys.stderr,
        )
    ours, base = statistics.median(coach_t), statistics.median(base_t)
    return [
        Row(
            f"launch to first paint, median of {runs}",
            ms(ours),
            ms(base),
            f"{ours / base:.2f}",
            f"<= {PAINT_TARGET}",
            verdict(ours / base <= PAINT_TARGET),
        ),
        Row(
            "  fastest / slowest",
            f"{ms(min(coach_t))} / {ms(max(coach_t))}",
            f"{ms(min(base_t))} / {ms(max(base_t))}",
        ),
        Row(
            "  r typed at first paint: launch to the reflection's first question",
            ms(statistics.median(answered)),
        ),
        Row(
            "RSS at first paint (median)",
            f"{statistics.median(coach_mb):.0f} MB",
            f"{statistics.median(base_mb):.0f} MB",
            f"{statistics.median(coach_mb) / statistics.median(base_mb):.2f}",
        ),
    ]


def run_probe(argv: list[str], home: Path, out: Path, timeout: float) -> dict[str, Any]:
    proc, master = spawn(argv, child_env(home))
    try:
        deadline = time.perf_counter() + timeout
        while not out.exists():
            if proc.poll() is not None or time.perf_counter() > deadline:
                raise RuntimeError(f"the probe {argv[-3:]} ended or timed out without a result")
            read_until(master, b"\x00never\x00", timeout=0.2)  # keep draining the terminal
        result: dict[str, Any] = json.loads(out.read_text())
        return result
    finally:
        stop(proc, master)


def bench_stall(work: Path, sessions: int, idle_seconds: float) -> tuple[list[Row], list[str]]:
    """The stall rows, and the longest gaps with when they fell (seconds after mount) and during what."""
    home = make_home(work, "stall-home", sessions)
    probe = [str(PYTHON), "-m", "tests.bench.bench_tui"]
    base = run_probe(
        [*probe, "--probe-minimal", str(work / "idle.json"), str(idle_seconds)], work, work / "idle.json", 120
    )
    ours = run_probe([*probe, "--probe-coach", str(work / "stall.json")], home, work / "stall.json", 900)
    rows = [
        Row(
            f"longest gap, {TICK * 1000:.0f} ms ticker, model load + {sessions} sessions indexed",
            ms(ours["max_gap"]),
            ms(base["max_gap"]),
            "",
            f"< {ms(STALL_TARGET)}",
            verdict(ours["max_gap"] < STALL_TARGET),
        ),
        Row("  gap p99", ms(ours["p99"]), ms(base["p99"])),
        Row("  gaps over 50 ms", str(int(ours["over_50"])), str(int(base["over_50"]))),
        Row(
            "  warm-up time (model load + index)", f"{ours['seconds']:.1f} s", f"{base['seconds']:.1f} s idle"
        ),
        Row("  chunks indexed during the warm-up", str(int(ours["chunks"]))),
        Row(
            "RSS after warm-up (peak)",
            f"{ours['rss']:.0f} MB ({ours['hwm']:.0f} MB)",
            f"{base['rss']:.0f} MB",
        ),
    ]
    longest = sorted(ours["stalls"], key=lambda stall: -stall[1])[:5]
    return rows, [f"{gap * 1000:.0f} ms at {at:.1f} s, {phase}" for at, gap, phase in longest]


# --- the probes: run inside the app process, on the pseudo-terminal ---------------------------------------
def gap_stats(gaps: list[float]) -> dict[str, float]:
    return {
        "max_gap": max(gaps),
        "p99": statistics.quantiles(gaps, n=100, method="inclusive")[98],
        "over_50": float(sum(g > 0.05 for g in gaps)),
        "ticks": float(len(gaps)),
    }


def probe_minimal(out: Path, seconds: float) -> None:
    """The baseline ticker: a minimal app doing nothing for `seconds`."""
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class Idle(App[None]):
        def compose(self) -> ComposeResult:
            yield Static(MARKER)

        def on_mount(self) -> None:
            self.gaps: list[float] = []
            self.last = self.began = time.perf_counter()
            self.set_interval(TICK, self.tick)

        def tick(self) -> None:
            now = time.perf_counter()
            self.gaps.append(now - self.last)
            self.last = now
            if now - self.began >= seconds:
                result = gap_stats(self.gaps) | {"seconds": now - self.began, "rss": rss_mb(os.getpid())}
                out.write_text(json.dumps(result))
                self.exit()

    Idle().run()


def probe_coach(out: Path) -> None:
    """The real app launched as `coach` launches it (on the open store, its services loading in the
    start-up thread, then the model and the index); the ticker runs from mount until that work ends."""
    from coach.store import Store
    from tui.app import CoachApp

    store = Store.open()

    class Probe(CoachApp):
        def on_mount(self) -> None:
            super().on_mount()
            self.gaps: list[float] = []
            self.stalls: list[tuple[float, float, str]] = []
            self.last = self.began = time.perf_counter()
            self.set_interval(TICK, self.tick)

        def phase(self) -> str:
            if self._coach is None:
                return "loading the services"
            index = self._coach._index
            if index is None or not index.embedder.loaded.is_set():
                return "loading the model"
            return "indexing"

        def tick(self) -> None:
            now = time.perf_counter()
            self.gaps.append(now - self.last)
            if now - self.last > 0.05:  # where the long ones fall: while the model loads, or while indexing
                self.stalls.append((round(now - self.began, 2), round(now - self.last, 3), self.phase()))
            self.last = now
            if self.search_ready or (
                now - self.began > 2 and not any(w.group == "warm" for w in self.workers)
            ):
                result = gap_stats(self.gaps) | {
                    "seconds": now - self.began,
                    "chunks": float(self.coach.index.catalogue.count()),
                    "rss": rss_mb(os.getpid()),
                    "hwm": rss_mb(os.getpid(), "VmHWM"),
                    "stalls": self.stalls,
                }
                out.write_text(json.dumps(result))
                self.exit(0)

    try:
        Probe(store).run()
    finally:
        store.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.bench_tui", description=__doc__)
    parser.add_argument("--runs", type=int, default=7, help="first-paint launches of each app (7)")
    parser.add_argument("--sessions", type=int, default=500, help="sessions indexed during the warm-up (500)")
    parser.add_argument("--idle", type=float, default=10.0, help="seconds of the idle baseline ticker (10)")
    parser.add_argument("--probe-minimal", nargs=2, metavar=("OUT", "SECONDS"), help=argparse.SUPPRESS)
    parser.add_argument("--probe-coach", metavar="OUT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    offline()
    if args.probe_minimal:
        probe_minimal(Path(args.probe_minimal[0]), float(args.probe_minimal[1]))
        return 0
    if args.probe_coach:
        probe_coach(Path(args.probe_coach))
        return 0
    if args.runs < 1 or args.sessions < 1:
        parser.error("--runs and --sessions must be at least 1")
    if not COACH.exists():
        parser.error(f"{COACH} is missing: run make setup first")
    # Byte-compiled, as an installed app is: where PYTHONDONTWRITEBYTECODE is set (this machine sets it),
    # every launch would otherwise compile the project's modules afresh.
    subprocess.run([str(PYTHON), "-m", "compileall", "-q", "coach", "tui"], cwd=ROOT, check=True)
    started = time.perf_counter()
    load = os.getloadavg()[0]
    work = Path(tempfile.mkdtemp(prefix="coach-bench-tui-"))
    try:
        rows = bench_paint(work, args.runs)
        stall_rows, stalls = bench_stall(work, args.sessions, args.idle)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print()
    print(f"80x24 pseudo-terminal; {args.runs} launches of each app, alternating; {args.sessions} sessions")
    print_table(rows + stall_rows, "coach", "minimal")
    if stalls:
        print("\nlongest gaps during coach's warm-up (time after mount, what the worker was doing):")
        print(*(f"  {line}" for line in stalls), sep="\n")
    print_wall(started, load)
    return 0


if __name__ == "__main__":
    sys.exit(main())
