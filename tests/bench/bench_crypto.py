"""Encryption benchmark: an encrypted home against a plain one, in the same run, as ratios.

- KDF. The scrypt cost `coach encrypt` calibrates here, and the median time of one derivation at it.
- First paint. Each app is started on an 80x24 pseudo-terminal through .venv/bin/coach, alternating
  plain and encrypted: the plain home's clock stops when Home shows the profile's name; the encrypted
  home's when the unlock screen shows its title (what the person sees first). Medians and their ratio.
- Passphrase to Home. At the unlock screen's paint the passphrase and Enter are typed; the clock runs
  from Enter until Home shows the profile's name (scrypt at the calibrated cost, SQLCipher opening the
  store, Home reading it).
- Indexing throughput and search p95. Two homes in this process, one plain and one encrypted, the same
  sessions stored in each, sharing one loaded embedding model: chunks per second of a full index rebuild,
  and the 95th percentile of fused search over the same queries, alternating which home goes first.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from tests.bench.bench_retrieval import Row, ms, offline, percentile, print_table, verdict
from tests.bench.bench_tui import COACH, MARKER, child_env, read_until, spawn, stop

TARGET = 1.2
PASSPHRASE = "a long benchmark passphrase"
UNLOCK_TITLE = b"This data home is encrypted"


def make_homes(work: Path, sessions: int, log_n: int) -> tuple[Path, Path]:
    from coach.crypto.actions import encrypt_new
    from coach.crypto.keys import forget_in_process
    from tests.bench.bench_tui import make_home

    plain = make_home(work, "plain", sessions)
    encrypted = make_home(work, "encrypted", sessions)
    os.environ["COACH_SCRYPT_LOG_N"] = str(log_n)
    encrypt_new(encrypted, PASSPHRASE)
    forget_in_process()
    return plain, encrypted


def kdf_rows() -> tuple[list[Row], int]:
    from coach.crypto import kdf

    os.environ.pop(kdf.N_ENV, None)
    log_n = kdf.calibrate()
    params = kdf.new_params(log_n)
    times = []
    for _ in range(3):
        start = time.perf_counter()
        kdf.derive(PASSPHRASE, params)
        times.append(time.perf_counter() - start)
    took = statistics.median(times)
    row = Row(
        f"scrypt N=2^{log_n} r=8 p=1, one derivation",
        ms(took),
        "",
        "",
        "~500 ms",
        verdict(0.25 <= took <= 1.0),
    )
    return [row], log_n


def paint(home: Path, encrypted: bool) -> tuple[float, float | None]:
    env = child_env(home)
    env["COACH_ENCRYPT_PROMPT"] = "0"
    started = time.perf_counter()
    proc, master = spawn([str(COACH)], env)
    try:
        marker = UNLOCK_TITLE if encrypted else MARKER.encode()
        if not read_until(master, marker, timeout=60):
            raise RuntimeError(f"{home.name}: never painted {marker!r}")
        took = time.perf_counter() - started
        if not encrypted:
            return took, None
        time.sleep(0.2)  # as a person would: the screen is up, then they type
        os.write(master, PASSPHRASE.encode() + b"\r")
        entered = time.perf_counter()
        if not read_until(master, MARKER.encode(), timeout=60):
            raise RuntimeError("the passphrase never reached Home")
        return took, time.perf_counter() - entered
    finally:
        stop(proc, master)


def paint_rows(plain: Path, encrypted: Path, runs: int) -> list[Row]:
    plain_t: list[float] = []
    enc_t: list[float] = []
    unlock_t: list[float] = []
    for i in range(runs):
        for which in ("plain", "encrypted") if i % 2 == 0 else ("encrypted", "plain"):
            if which == "plain":
                plain_t.append(paint(plain, False)[0])
            else:
                took, to_home = paint(encrypted, True)
                enc_t.append(took)
                unlock_t.append(to_home or 0.0)
        print(
            f"paint run {i + 1}/{runs}: plain {plain_t[-1]:.2f} s, unlock {enc_t[-1]:.2f} s", file=sys.stderr
        )
    ours, base = statistics.median(enc_t), statistics.median(plain_t)
    return [
        Row(
            f"first paint (unlock screen vs plain Home), median of {runs}",
            ms(ours),
            ms(base),
            f"{ours / base:.2f}",
            f"<= {TARGET}",
            verdict(ours / base <= TARGET),
        ),
        Row("passphrase + Enter to Home, median", ms(statistics.median(unlock_t)), "", "", "", ""),
    ]


def retrieval_rows(plain: Path, encrypted: Path, queries: int) -> list[Row]:
    from coach.config import Settings
    from coach.crypto.keys import open_with
    from coach.retrieval.embeddings import Embedder
    from coach.services import Coach
    from coach.store import Store
    from tests.bench.history_scenario import sample_queries

    open_with(encrypted, PASSPHRASE)
    embedder = Embedder()
    embedder.embed_documents(["warm up the model with a sentence or two"] * 8)
    coaches = {
        name: Coach(Store.open(home), Settings(chroma_url=None), embedder)
        for name, home in (("plain", plain), ("encrypted", encrypted))
    }
    rate: dict[str, float] = {}
    try:
        for name in ("plain", "encrypted", "encrypted", "plain", "plain", "encrypted"):  # the best of 3 each
            start = time.perf_counter()
            chunks = coaches[name].index.rebuild()
            took = time.perf_counter() - start
            rate[name] = max(rate.get(name, 0.0), chunks / took)
            print(f"rebuild {name}: {chunks} chunks in {took:.1f} s", file=sys.stderr)
        asked = sample_queries(queries)
        lat: dict[str, list[float]] = {"plain": [], "encrypted": []}
        for name in coaches:
            coaches[name].search("warm up", k=5)
        for i, query in enumerate(asked * 2):  # each query twice: a p95 from twice the samples
            for name in ("plain", "encrypted") if i % 2 == 0 else ("encrypted", "plain"):
                start = time.perf_counter()
                coaches[name].search(query, k=5)
                lat[name].append(time.perf_counter() - start)
    finally:
        for coach in coaches.values():
            coach.close()
    p95 = {n: percentile(v, 95) for n, v in lat.items()}
    p50 = {n: statistics.median(v) for n, v in lat.items()}
    slower = rate["plain"] / rate["encrypted"]
    return [
        Row(
            "indexing throughput (chunks/s; ratio = plain/encrypted time)",
            f"{rate['encrypted']:.0f}/s",
            f"{rate['plain']:.0f}/s",
            f"{slower:.2f}",
            f"<= {TARGET}",
            verdict(slower <= TARGET),
        ),
        Row(
            f"search p95 over {queries} queries, each twice (query embedding included)",
            ms(p95["encrypted"]),
            ms(p95["plain"]),
            f"{p95['encrypted'] / p95['plain']:.2f}",
            f"<= {TARGET}",
            verdict(p95["encrypted"] / p95["plain"] <= TARGET),
        ),
        Row(
            "  search median",
            ms(p50["encrypted"]),
            ms(p50["plain"]),
            f"{p50['encrypted'] / p50['plain']:.2f}",
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="first paints of each home")
    parser.add_argument("--sessions", type=int, default=60, help="sessions in each home")
    parser.add_argument("--queries", type=int, default=100)
    args = parser.parse_args(argv)
    offline()
    work = Path(tempfile.mkdtemp(prefix="coach-bench-crypto-"))
    try:
        rows, log_n = kdf_rows()
        plain, encrypted = make_homes(work, args.sessions, log_n)
        rows += paint_rows(plain, encrypted, args.runs)
        rows += retrieval_rows(plain, encrypted, args.queries)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("\nencrypted home against plain (same run)")
    print_table(rows, "encrypted", "plain")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
