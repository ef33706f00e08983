"""Retrieval evaluation: recall@3/@5 per mode on the knowledge cases and a planted history, plus isolation."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from coach.retrieval.search import Mode, Scope

MODES: tuple[Mode, ...] = ("dense", "lexical", "fused")
SCOPES: tuple[Scope, ...] = ("history", "all")
KS = (3, 5)
LEAK_K = 10
REPO_ROOT = Path(__file__).resolve().parents[2]


class CasesError(Exception):
    """The cases file is missing or not in the expected format."""


@dataclass(frozen=True)
class KnowledgeCase:
    q: str
    any: tuple[str, ...]


def default_cases_path() -> Path:
    return REPO_ROOT.parent / "shared" / "eval" / "retrieval_public.yaml"


def load_cases(path: Path) -> list[KnowledgeCase]:
    """Cases as `cases: [{q: question, any: [phrases]}]`; a clear error when the file is missing or wrong."""
    if not path.is_file():
        raise CasesError(f"no retrieval cases at {path} (pass --cases PATH)")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise CasesError(f"{path} is not valid YAML: {exc}") from exc
    raw = data.get("cases") if isinstance(data, dict) else None
    if not isinstance(raw, list) or not raw:
        raise CasesError(f"{path}: expected a non-empty list under 'cases'")
    cases = []
    for i, item in enumerate(raw, start=1):
        q = item.get("q") if isinstance(item, dict) else None
        phrases = item.get("any") if isinstance(item, dict) else None
        if not isinstance(q, str) or not q.strip() or not isinstance(phrases, list) or not phrases:
            raise CasesError(f"{path}: case {i} needs a question 'q' and a non-empty list 'any'")
        cases.append(KnowledgeCase(q=q, any=tuple(str(p).lower() for p in phrases)))
    return cases


def offline() -> None:
    """Nothing is fetched from a model hub and nothing reports home."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ["ANONYMIZED_TELEMETRY"] = "False"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def _first_found(found: list[bool]) -> int | None:
    """The 1-based rank of the first hit that answers the case, if any."""
    return next((i for i, ok in enumerate(found, start=1) if ok), None)


def _score(ranks: list[tuple[str, int | None, list[str]]]) -> dict[str, Any]:
    n = len(ranks)
    out: dict[str, Any] = {}
    for k in KS:
        out[f"recall@{k}"] = sum(1 for _, rank, _ in ranks if rank is not None and rank <= k) / n
        out[f"missed@{k}"] = [
            {"q": q, "rank": rank, "top": top} for q, rank, top in ranks if rank is None or rank > k
        ]
    return out


def run_eval(
    cases_path: Path | str | None = None,
    *,
    embedder: Any = None,
    distractor_chunks: int = 2000,
    other_chunks: int = 500,
    seed: int = 1403,
) -> dict[str, Any]:
    """Index the notes and a planted two-profile history in a temporary home, then score every mode.

    Returns {"knowledge": {mode: {"recall@3", "recall@5", "missed@3", "missed@5"}}, "history": {...},
    "leaks": int, "leaks_in_index": int, "cases": {...}, "seconds": {...}}.
    """
    offline()
    cases = load_cases(Path(cases_path) if cases_path else default_cases_path())

    from coach.config import Settings
    from coach.retrieval.embeddings import Embedder
    from coach.retrieval.index import Index
    from coach.retrieval.search import Searcher
    from coach.store import Store
    from tests.bench.history_scenario import plant_scenario

    home = Path(tempfile.mkdtemp(prefix="coach-eval-"))
    previous_home = os.environ.get("COACH_HOME")
    os.environ["COACH_HOME"] = str(home)
    store = Store.open(home)
    seconds: dict[str, float] = {}
    try:
        started = time.perf_counter()
        scenario = plant_scenario(
            store, distractor_chunks=distractor_chunks, other_chunks=other_chunks, seed=seed
        )
        seconds["store"] = time.perf_counter() - started
        started = time.perf_counter()
        index = Index(store, Settings(chroma_url=None), embedder or Embedder())
        index.sync()
        seconds["index"] = time.perf_counter() - started
        searcher = Searcher(index)
        pid, other = scenario.profile_id, scenario.other_profile_id
        started = time.perf_counter()

        knowledge: dict[str, Any] = {}
        history: dict[str, Any] = {}
        for mode in MODES:
            kranks = []
            for case in cases:
                hits = searcher.search(case.q, kind="knowledge", k=max(KS), mode=mode, sync=False)
                found = [any(p in f"{h.title}\n{h.text}".lower() for p in case.any) for h in hits]
                kranks.append((case.q, _first_found(found), [h.title for h in hits[:3]]))
            knowledge[mode] = _score(kranks)
            hranks = []
            for hcase in scenario.cases:
                hits = searcher.search(
                    hcase.q, profile_id=pid, kind="history", k=max(KS), mode=mode, sync=False
                )
                found = [h.id in hcase.expect for h in hits]
                hranks.append((hcase.q, _first_found(found), [h.id for h in hits[:3]]))
            history[mode] = _score(hranks)

        # Isolation: neither profile ever sees the other's records, in any mode or scope.
        leaks = 0
        searches = 0
        questions = [c.q for c in scenario.cases]
        for me, theirs in ((pid, scenario.other_sources), (other, scenario.own_sources)):
            for q in questions:
                for mode in MODES:
                    for kind in SCOPES:
                        hits = searcher.search(q, profile_id=me, kind=kind, k=LEAK_K, mode=mode, sync=False)
                        leaks += sum(1 for h in hits if h.id in theirs)
                        searches += 1
        leaks_in_index = _leaks_in_index(index, pid, scenario.other_sources, questions)
        leaks_in_index += _leaks_in_index(index, other, scenario.own_sources, questions)
        seconds["search"] = time.perf_counter() - started
    finally:
        store.close()
        shutil.rmtree(home, ignore_errors=True)
        if previous_home is None:
            os.environ.pop("COACH_HOME", None)
        else:
            os.environ["COACH_HOME"] = previous_home
    return {
        "knowledge": knowledge,
        "history": history,
        "leaks": leaks,
        "leak_searches": searches,
        "leaks_in_index": leaks_in_index,
        "cases": {"knowledge": len(cases), "history": len(scenario.cases)},
        "distractor_chunks": distractor_chunks,
        "other_chunks": other_chunks,
        "seconds": seconds,
    }


def _leaks_in_index(index: Any, profile_id: int, foreign: set[str], questions: list[str]) -> int:
    """Foreign records below the search filters: in the profile's vector collection or its FTS results."""
    col = index.client.get_collection(index.collection_name("history", profile_id))
    found = len(col.get(where={"source": {"$in": sorted(foreign)}}, include=[])["ids"])
    for q in questions:
        ids = index.catalogue.search(q, "history", profile_id, 100)
        rows = index.catalogue.get(ids)
        found += sum(1 for row in rows.values() if row["source"] in foreign)
    return found


def _print_recall(title: str, results: dict[str, Any]) -> None:
    print(title)
    print(f"  {'mode':<8}  {'recall@3':>8}  {'recall@5':>8}")
    for mode in MODES:
        r = results[mode]
        print(f"  {mode:<8}  {r['recall@3']:>8.2f}  {r['recall@5']:>8.2f}")
    for mode in MODES:
        missed = results[mode]["missed@5"]
        late = [m for m in results[mode]["missed@3"] if m["rank"] is not None]
        if not missed and not late:
            continue
        print(f"  {mode}: missed at k=5: {len(missed)}; found only at rank 4-5: {len(late)}")
        for m in missed:
            print(f"    - {m['q']!r}  top: {'; '.join(m['top'])}")
        for m in late:
            print(f"    ~ {m['q']!r}  (rank {m['rank']})")
    print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.eval_retrieval", description=__doc__)
    parser.add_argument("--cases", type=Path, default=None, help=f"cases YAML ({default_cases_path()})")
    parser.add_argument("--chunks", type=int, default=2000, help="distractor history chunks (2000)")
    parser.add_argument("--seed", type=int, default=1403, help="seed of the planted history")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        result = run_eval(args.cases, distractor_chunks=args.chunks, seed=args.seed)
    except CasesError as exc:
        print(f"eval: {exc}", file=sys.stderr)
        return 2
    n = result["cases"]
    _print_recall(f"Knowledge notes: {n['knowledge']} cases, kind=knowledge", result["knowledge"])
    _print_recall(
        f"History: {n['history']} cases, planted among {result['distractor_chunks']} distractor chunks "
        f"(+{result['other_chunks']} in a second profile), kind=history",
        result["history"],
    )
    status = "PASS" if result["leaks"] == 0 and result["leaks_in_index"] == 0 else "FAIL"
    print(
        f"Isolation: {result['leaks']} leaks in {result['leak_searches']} searches (k={LEAK_K}, both "
        f"profiles, every mode, history and all); {result['leaks_in_index']} below the filters "
        f"(vector collection, FTS) — {status}"
    )
    fused = result["knowledge"]["fused"]["recall@5"], result["history"]["fused"]["recall@5"]
    print(f"Fused recall@5: knowledge {fused[0]:.2f}, history {fused[1]:.2f} (target >= 0.9)")
    secs = result["seconds"]
    print(
        f"\nstore {secs['store']:.1f} s, index {secs['index']:.1f} s, searches {secs['search']:.1f} s; "
        f"wall time {time.perf_counter() - started:.0f} s"
    )
    return 0 if status == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
