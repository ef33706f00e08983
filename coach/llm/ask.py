"""Ask your history: answers drawn only from the user's own entries and the notes, with citations."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from coach.dates import find_dates
from coach.llm.context import Packed, Source, fill, pack, render_sources, template
from coach.retrieval.lexical import stems

if TYPE_CHECKING:
    from langchain_core.messages import BaseMessage

    from coach.llm.voice import OnToken, Voice
    from coach.retrieval.search import Hit
    from coach.services import Coach

MIN_SIMILARITY = 0.3
"""Cosine similarity (MiniLM, normalised) under which a history passage is taken as unrelated."""
NOTHING = "I found nothing about that in your history, so I won't guess. Try other words, or a date."


class Answer(BaseModel):
    question: str
    text: str
    found: bool
    sources: list[Source] = Field(default_factory=list)
    cited: list[Source] = Field(default_factory=list)
    unknown_citations: list[int] = Field(default_factory=list)
    fallback: bool = False
    notice: str = ""


def _source(hit: Hit) -> Source:
    when = f"{hit.date:%d %b %Y}: " if hit.date else ""
    return Source(
        kind="knowledge" if hit.kind == "knowledge" else "history",
        id=hit.id,
        citation=hit.citation,
        title=hit.title,
        text=f"{when}{hit.text}",
    )


def relevant_history(coach: Coach, question: str, profile_id: int, k: int = 6) -> list[Hit]:
    """History hits that really bear on the question: close in meaning, sharing words, or on its date."""
    hits = coach.searcher.search(question, profile_id=profile_id, kind="history", k=k)
    if not hits:
        return []
    embedder = coach.index.embedder
    query = embedder.embed_query(question)
    vectors = embedder.embed_documents([h.text for h in hits])
    words, days = stems(question), set(find_dates(question))
    keep = []
    for hit, vector in zip(hits, vectors, strict=True):
        similarity = sum(a * b for a, b in zip(query, vector, strict=True))
        if similarity >= MIN_SIMILARITY or words & stems(hit.text) or (hit.date in days):
            keep.append(hit)
    return keep


def gather(coach: Coach, question: str, profile_id: int, k: int = 6) -> list[Source]:
    """The user's relevant entries first, then two notes on good practice; no history, no notes."""
    history = relevant_history(coach, question, profile_id, k)
    if not history:
        return []
    notes = coach.searcher.search(question, profile_id=profile_id, kind="knowledge", k=2, sync=False)
    return [_source(h) for h in history] + [_source(h) for h in notes]


def extractive(sources: list[Source]) -> str:
    """The guided answer: the passages themselves, each with its citation."""
    lines = ["Here is what your history holds on that:"]
    for s in sources:
        if s.kind != "knowledge":
            text = re.sub(r"\s+", " ", s.text)
            lines.append(f"- {text[:240]}{'…' if len(text) > 240 else ''} {s.citation}")
    return "\n".join(lines)


def messages_for(
    voice: Voice, question: str, sources: list[Source], today: date
) -> tuple[list[BaseMessage], Packed]:
    from langchain_core.messages import HumanMessage, SystemMessage

    system = template("ask")
    fixed = system + fill("ask_question", today=f"{today:%d %B %Y}", question=question, sources="")
    packed = pack(voice.context - voice.max_tokens, voice.count, fixed, [], sources)
    human = fill(
        "ask_question", today=f"{today:%d %B %Y}", question=question, sources=render_sources(packed.sources)
    )
    return [SystemMessage(system), HumanMessage(human)], packed


def ask(
    coach: Coach,
    question: str,
    profile_id: int,
    voice: Voice | None = None,
    on_token: OnToken | None = None,
    today: date | None = None,
) -> Answer:
    """Answer from history; with no relevant entry, say so without calling any model."""
    from coach.retrieval.search import clean_query

    question = clean_query(question)
    sources = gather(coach, question, profile_id)
    if not sources:
        return Answer(question=question, text=NOTHING, found=False)
    if voice is None:
        return Answer(question=question, text=extractive(sources), found=True, sources=sources)
    messages, packed = messages_for(voice, question, sources, today or date.today())
    reply = voice.run(messages, packed, extractive(sources), on_token)
    return Answer(
        question=question,
        text=reply.text,
        found=True,
        sources=reply.sources or packed.sources,
        cited=reply.cited,
        unknown_citations=reply.unknown_citations,
        fallback=reply.fallback,
        notice=reply.notice,
    )
