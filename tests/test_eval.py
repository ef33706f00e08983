"""Retrieval quality as a test: the public cases and a planted history, scored like `make eval` does."""

from __future__ import annotations

import pytest

from tests.bench.eval_retrieval import default_cases_path, run_eval


def test_fused_retrieval_meets_the_targets(embedder) -> None:  # type: ignore[no-untyped-def]
    if not default_cases_path().is_file():
        pytest.skip(f"no public cases at {default_cases_path()}")
    result = run_eval(embedder=embedder, distractor_chunks=400, other_chunks=100)
    knowledge, history = result["knowledge"], result["history"]
    assert knowledge["fused"]["recall@5"] >= 0.9, knowledge["fused"]["missed@5"]
    for k in ("recall@3", "recall@5"):
        assert knowledge["fused"][k] >= max(knowledge["dense"][k], knowledge["lexical"][k])
    assert history["fused"]["recall@5"] >= 0.8, history["fused"]["missed@5"]
    assert history["fused"]["recall@5"] >= max(history["dense"]["recall@5"], history["lexical"]["recall@5"])
    assert result["leaks"] == 0 and result["leaks_in_index"] == 0
