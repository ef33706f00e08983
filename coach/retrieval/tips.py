"""A stage's tip: one of the notes its purpose finds, re-ordered (never widened) by what was just said."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from coach.retrieval.tuning import TipTuning, tuning

if TYPE_CHECKING:
    from coach.retrieval.index import Index
    from coach.retrieval.search import Hit, Searcher


def pick_tip(
    searcher: Searcher, purpose: str, seen: set[str], answer: str = "", tune: TipTuning | None = None
) -> Hit | None:
    """The best note for the stage's purpose not shown yet (its citation not in seen), or None.

    Candidates are the notes the purpose alone finds; those much further from the purpose than the best
    one are dropped, so a used-up stage gets no tip rather than one off its subject. The answer moves a
    candidate up by a small weight on its closeness to the answer, and brings in nothing new."""
    tune = tune or tuning().tips
    hits = searcher.search(purpose, kind="knowledge", k=tune.candidates)
    if not hits:
        return None
    close = _closeness(searcher.index, [h.id for h in hits], purpose, answer)
    if close is None:  # searching by words only: the purpose's own order
        return next((h for h in hits if h.citation not in seen), None)
    best = max(close.get(h.id, (0.0, 0.0))[0] for h in hits)
    bar = tune.floor * best if best > 0 else best

    def score(hit: Hit) -> float:
        to_purpose, to_answer = close.get(hit.id, (0.0, 0.0))
        return to_purpose + tune.answer_weight * to_answer

    kept = [h for h in hits if close.get(h.id, (0.0, 0.0))[0] >= bar and h.citation not in seen]
    return max(kept, key=score, default=None)


def _closeness(
    index: Index, sources: list[str], purpose: str, answer: str
) -> dict[str, tuple[float, float]] | None:
    """Each note's cosine to the purpose and to the answer (its closest chunk); None without vectors."""
    if not index.vectors_ok:
        return None
    with contextlib.suppress(Exception):  # a damaged collection: the search already said so
        found = index.vectorstore("knowledge")._collection.get(
            where={"source": {"$in": sources}}, include=["embeddings", "metadatas"]
        )
        queries = [index.embedder.embed_query(purpose)]
        if answer.strip():
            queries.append(index.embedder.embed_query(answer))
        out: dict[str, tuple[float, float]] = {}
        for vector, meta in zip(found["embeddings"], found["metadatas"], strict=True):
            sims = [sum(a * b for a, b in zip(q, vector, strict=True)) for q in queries]
            to_purpose, to_answer = sims[0], sims[1] if len(sims) > 1 else 0.0
            have = out.get(meta["source"])
            out[meta["source"]] = (
                (max(have[0], to_purpose), max(have[1], to_answer)) if have else (to_purpose, to_answer)
            )
        return out
    return None
