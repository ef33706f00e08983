"""Tips and history recalls for the engine, from the retrieval layer, with citations."""

from __future__ import annotations

from coach.engine.results import Recall, Tip
from coach.retrieval.lexical import stems
from coach.retrieval.search import Searcher


class SearchRetriever:
    """A tip is the best note not yet shown; a recall is a past entry that shares words with the question."""

    def __init__(self, searcher: Searcher) -> None:
        self.searcher = searcher

    def tip(self, query: str, seen: set[str]) -> Tip | None:
        for hit in self.searcher.search(query, kind="knowledge", k=4):
            if hit.citation not in seen:
                return Tip(title=hit.title, text=hit.snippet, citation=hit.citation)
        return None

    def recall(self, query: str, profile_id: int, exclude_session: int | None) -> list[Recall]:
        wanted = stems(query)
        out = []
        for hit in self.searcher.search(query, profile_id=profile_id, kind="history", k=4):
            if hit.id == f"session:{exclude_session}" or not wanted & stems(hit.text):
                continue
            when = f"On {hit.date:%d %b}" if hit.date else "Before"
            out.append(
                Recall(text=f"{when} you wrote: “{hit.snippet}”", citation=hit.citation, source=hit.id)
            )
        return out
