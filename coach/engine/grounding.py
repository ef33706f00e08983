"""Tips and history recalls for the engine, from the retrieval layer, with citations."""

from __future__ import annotations

from coach.engine.results import Recall, Tip
from coach.errors import NotFoundError
from coach.retrieval.lexical import stems
from coach.retrieval.privacy import may_see
from coach.retrieval.search import Searcher


class SearchRetriever:
    """A tip is the best note not yet shown; a recall is a past entry that shares words with the question.

    Private text (a private stage's answer, what got in the way) is recalled only in a conversation of the
    job it was written in: job, or unset the job of the session the recall is for (its kind)."""

    def __init__(self, searcher: Searcher, job: str | None = None) -> None:
        self.searcher = searcher
        self.job = job
        self._jobs: dict[int, str | None] = {}

    def tip(self, query: str, seen: set[str]) -> Tip | None:
        for hit in self.searcher.search(query, kind="knowledge", k=4):
            if hit.citation not in seen:
                return Tip(title=hit.title, text=hit.snippet, citation=hit.citation)
        return None

    def job_for(self, session_id: int | None) -> str | None:
        """The job whose private text a recall for this session may show (None: no private text)."""
        if self.job:
            return self.job
        if session_id is None:
            return None
        if session_id not in self._jobs:
            try:
                session = self.searcher.index.store.sessions.get(session_id, with_turns=False)
                self._jobs[session_id] = session.kind
            except NotFoundError:
                return None
        return self._jobs[session_id]

    def recall(self, query: str, profile_id: int, exclude_session: int | None) -> list[Recall]:
        wanted = stems(query)
        job = self.job_for(exclude_session)
        out = []
        hits = self.searcher.search(query, profile_id=profile_id, kind="history", k=4, private=job or False)
        for hit in hits:
            if hit.id == f"session:{exclude_session}" or not wanted & stems(hit.text):
                continue
            if not may_see(job or False, hit.private, hit.job):  # belt and braces
                continue
            when = f"On {hit.date:%d %b}" if hit.date else "Before"
            out.append(
                Recall(text=f"{when} you wrote: “{hit.snippet}”", citation=hit.citation, source=hit.id)
            )
        return out
