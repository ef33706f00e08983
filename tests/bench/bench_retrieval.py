"""Retrieval benchmark: index throughput, search latency and memory, each against the raw libraries."""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

INDEX_TARGET = 0.8  # ours / raw chunks per second, at least
SEARCH_TARGET = 1.3  # ours / raw latency, at most


def offline() -> None:
    """Nothing is fetched from a model hub and nothing reports home."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ["ANONYMIZED_TELEMETRY"] = "False"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@dataclass
class Row:
    metric: str
    ours: str
    raw: str = ""
    ratio: str = ""
    target: str = ""
    status: str = ""


def print_wall(started: float, load: float) -> None:
    """The run's wall time and the machine's load, since other work skews every timing."""
    print(
        f"\nwall time {time.perf_counter() - started:.0f} s; load average {load:.2f} at start, "
        f"{os.getloadavg()[0]:.2f} at end ({os.cpu_count()} CPUs): other work on the machine skews timings"
    )


def timed(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def percentile(values: list[float], pct: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def print_table(rows: list[Row], ours: str = "ours", raw: str = "raw") -> None:
    """The rows under their heads; ours and raw name the two sides compared (coach and minimal, ...)."""
    heads = Row("metric", ours, raw, f"{ours}/{raw}", "target", "")
    cols = ("metric", "ours", "raw", "ratio", "target", "status")
    widths = {c: max(len(getattr(r, c)) for r in [heads, *rows]) for c in cols}
    line = "  ".join("-" * widths[c] for c in cols)
    for i, row in enumerate([heads, *rows]):
        print("  ".join(getattr(row, c).ljust(widths[c]) for c in cols).rstrip())
        if i == 0:
            print(line)


def store_sessions(store: Any, sessions: list[Any]) -> list[int]:
    """Store each session with its turns, one transaction each, as the app does."""
    return [store.sessions.start(s).id or 0 for s in sessions]


def run(chunks: int, queries: int, seed: int, k: int, rounds: int, setup: list[str]) -> list[Row]:
    """Measure everything in a temporary data home; setup receives a line describing the run."""
    from coach.config import Settings
    from coach.retrieval.embeddings import Embedder
    from coach.retrieval.index import Index
    from coach.retrieval.search import Searcher
    from coach.store import Store
    from tests.bench.history_scenario import history_sessions, sample_queries

    home = Path(tempfile.mkdtemp(prefix="coach-bench-"))
    os.environ["COACH_HOME"] = str(home)
    store = Store.open(home)
    rows: list[Row] = []
    try:
        embedder = Embedder()
        load_s, _ = timed(lambda: embedder.model)
        st = embedder.model._client
        batch = embedder.batch_size
        st.encode(["warm up the model with a sentence or two"] * batch, batch_size=batch)
        embedder.embed_query("warm up")

        pid = store.profiles.add("Bench").id or 0
        index = Index(store, Settings(chroma_url=None), embedder)
        notes_s, notes = timed(index.sync)
        print(f"{notes} knowledge chunks indexed in {notes_s:.1f} s", file=sys.stderr)

        # The history is stored and indexed in rounds, each timed against raw encode of the same texts
        # (alternating which goes first), so background load on the machine falls on both alike. The
        # first round follows the rebuild path (cursor 0), the later ones the change feed.
        sessions = history_sessions(pid, chunks, seed)
        per_round = -(-len(sessions) // rounds)
        ours_s = raw_s = insert_s = 0.0
        rewritten = 0
        ours_r = raw_r = 0.0
        for r in range(rounds):
            part = sessions[r * per_round : (r + 1) * per_round]
            if not part:
                break
            took, ids = timed(store_sessions, store, part)
            insert_s += took
            texts = [c.text for sid in ids for c in index.chunks_for(f"session:{sid}")]
            first, second = ("raw", "ours") if r % 2 == 0 else ("ours", "raw")
            for which in (first, second):
                if which == "raw":
                    raw_r = timed(st.encode, texts, batch_size=batch, normalize_embeddings=True)[0]
                else:
                    ours_r, written = timed(index.sync)
                    assert written >= len(texts), (written, len(texts))
                    rewritten += written - len(texts)
            ours_s += ours_r
            raw_s += raw_r
            print(
                f"round {r + 1}/{rounds}: {len(texts)} chunks, ours {ours_r:.1f} s, raw {raw_r:.1f} s",
                file=sys.stderr,
            )
        assert index.catalogue.count() == notes + chunks
        ours_rate, raw_rate = chunks / ours_s, chunks / raw_s
        rows.append(
            Row(
                f"index {chunks} history chunks (chunks/s)",
                f"{ours_rate:.0f}",
                f"{raw_rate:.0f}",
                f"{ours_rate / raw_rate:.2f}",
                f">= {INDEX_TARGET}",
                verdict(ours_rate / raw_rate >= INDEX_TARGET),
            )
        )
        rows.append(Row(f"  time to index, {rounds} rounds", f"{ours_s:.1f} s", f"{raw_s:.1f} s"))
        rows.append(Row(f"  store {len(sessions)} sessions (not timed above)", f"{insert_s:.1f} s"))
        # A session whose feed entries straddle two 2,000-change batches is embedded once per batch.
        rows.append(Row("  chunks embedded twice by sync()", str(rewritten)))

        searcher = Searcher(index)
        kcol = index.client.get_collection(index.collection_name("knowledge"))
        hcol = index.client.get_collection(index.collection_name("history", pid))

        def ours(query: str, mode: Any = "fused", sync: bool = False) -> Any:
            return searcher.search(query, profile_id=pid, kind="all", k=k, mode=mode, sync=sync)

        def raw(query: str) -> Any:
            vector = st.encode(query, normalize_embeddings=True)
            return [c.query(query_embeddings=[vector], n_results=k) for c in (kcol, hcol)]

        qs = sample_queries(queries, seed)
        ours("warm-up query about giving feedback")
        raw("warm-up query about giving feedback")
        ours_t: list[float] = []
        raw_t: list[float] = []
        for i, q in enumerate(qs):  # interleaved, alternating order, so background load hits both alike
            pair = [(ours_t, ours), (raw_t, raw)]
            for bucket, fn in pair if i % 2 == 0 else reversed(pair):
                bucket.append(timed(fn, q)[0])
        dense_t = [timed(ours, q, "dense")[0] for q in qs]
        lexical_t = [timed(ours, q, "lexical")[0] for q in qs]
        synced_t = [timed(ours, q, "fused", True)[0] for q in qs]
        sync_t = [timed(index.sync)[0] for _ in range(5)]
        for pct in (50, 95):
            ours_p, raw_p = percentile(ours_t, pct), percentile(raw_t, pct)
            rows.append(
                Row(
                    f"search p{pct}, notes + {chunks} chunks, k={k}",
                    ms(ours_p),
                    ms(raw_p),
                    f"{ours_p / raw_p:.2f}",
                    f"<= {SEARCH_TARGET}",
                    verdict(ours_p / raw_p <= SEARCH_TARGET),
                )
            )
        rows.append(Row("  search p50, dense only", ms(percentile(dense_t, 50))))
        rows.append(Row("  search p50, lexical only", ms(percentile(lexical_t, 50))))
        rows.append(Row("  search p50, fused with sync=True (the default)", ms(percentile(synced_t, 50))))
        rows.append(Row("  index.sync() with nothing new (median)", ms(statistics.median(sync_t))))
        rows.append(Row("model load time (incl. imports)", f"{load_s:.1f} s"))
        rows.append(Row("peak memory (maxrss)", f"{peak_mb():.0f} MB"))
        setup.append(
            f"{len(sessions)} sessions, {chunks} history chunks + {notes} note chunks; {len(qs)} queries "
            f"(+1 warm-up), kind=all, k={k}; batch size {batch}; torch threads {_torch_threads()}"
        )
    finally:
        store.close()
        shutil.rmtree(home, ignore_errors=True)
    return rows


def _torch_threads() -> int:
    import torch

    return int(torch.get_num_threads())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.bench_retrieval", description=__doc__)
    parser.add_argument("--chunks", type=int, default=10_000, help="history chunks to index (10000)")
    parser.add_argument("--queries", type=int, default=60, help="timed search queries (60)")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the generated history")
    parser.add_argument("-k", type=int, default=5, help="hits per search (5)")
    parser.add_argument("--rounds", type=int, default=5, help="indexing rounds, interleaved with raw (5)")
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's choice)")
    args = parser.parse_args(argv)
    if args.chunks < 1 or args.queries < 2 or args.rounds < 1:
        parser.error("--chunks and --rounds must be at least 1, --queries at least 2")
    offline()
    started = time.perf_counter()
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    load = os.getloadavg()[0]
    setup: list[str] = []
    rows = run(args.chunks, args.queries, args.seed, args.k, args.rounds, setup)
    print()
    print(*setup, sep="\n")
    print_table(rows)
    print_wall(started, load)
    return 0


if __name__ == "__main__":
    sys.exit(main())
