"""Tips and history recalls for the engine, from the retrieval layer, with citations."""

from __future__ import annotations

from datetime import date

from coach.engine.results import Recall, Tip
from coach.errors import NotFoundError
from coach.retrieval.privacy import may_see
from coach.retrieval.recalls import Phrasing
from coach.retrieval.search import Searcher
from coach.retrieval.tips import pick_tip
from coach.retrieval.tuning import tuning


class SearchRetriever:
    """A tip is a note that fits the stage's purpose, not shown yet; a recall is a past entry that shares
    words with the question, said as a sentence built from its record.

    Private text (a private stage's answer, what got in the way) is recalled only in a conversation of the
    job it was written in: job, or unset the job of the session the recall is for (its kind)."""

    def __init__(self, searcher: Searcher, job: str | None = None, today: date | None = None) -> None:
        self.searcher = searcher
        self.job = job
        self.phrasing = Phrasing(searcher.index.store, today)
        self._jobs: dict[int, str | None] = {}

    def tip(self, purpose: str, seen: set[str], answer: str = "") -> Tip | None:
        """purpose: the stage's own query (its `retrieve` line), which alone decides the candidates; answer:
        what the person just said, which only re-orders them."""
        hit = pick_tip(self.searcher, purpose, seen, answer)
        return Tip(title=hit.title, text=hit.snippet, citation=hit.citation) if hit else None

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
        private = self.job_for(exclude_session) or False
        hits = self.searcher.search(
            query, profile_id=profile_id, kind="history", k=tuning().recalls.candidates, private=private
        )
        used = {f"session:{exclude_session}"}
        out = []
        for hit in hits:
            if hit.id in used or not may_see(private, hit.private, hit.job):  # belt and braces
                continue
            said = self.phrasing.say(hit, query, private)
            if said is None or said.source in used:
                continue
            used |= {hit.id, said.source}
            out.append(Recall(text=said.text, citation=said.citation, source=said.source))
        return out
