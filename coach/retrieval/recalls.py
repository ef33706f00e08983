"""A recall as a sentence built from the record it cites: when, in what, under which stage, a clean quote."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from coach.dates import show_date
from coach.errors import NotFoundError
from coach.retrieval.chunks import answer_stage, session_stages, stage_title
from coach.retrieval.lexical import stems
from coach.retrieval.privacy import PRIVATE_MARK, SKIPPED, Visibility, flows, may_see
from coach.retrieval.records import prep_of
from coach.retrieval.tuning import tuning

if TYPE_CHECKING:
    from coach.models import Session
    from coach.retrieval.search import Hit
    from coach.store import Store

_MARKUP = re.compile(r"^\s*(?:#+\s+|[-*•]\s+|\d+[.)]\s+|>\s*)")
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")


@dataclass(frozen=True)
class Said:
    text: str
    citation: str
    source: str


def clean_lines(text: str) -> list[str]:
    """The lines of an answer or a brief without Markdown marks, headings, or private and skipped fields."""
    out = []
    for line in text.splitlines():
        if line.lstrip().startswith("#") or PRIVATE_MARK in line or SKIPPED in line:
            continue
        line = _EMPHASIS.sub(r"\2", _MARKUP.sub("", line)).strip()
        if line:
            out.append(line)
    return out


def quote(text: str, query: str, words: int) -> str:
    """The text as one line (a list reads "a; b"), cut to about `words` words from the sentence that shares
    most words with the query."""
    flat = ""
    for line in clean_lines(text):
        flat = f"{flat}{' ' if flat[-1:] in '.!?:;,' else '; '}{line}" if flat else line
    tokens = flat.split()
    if len(tokens) <= words:
        return flat
    wanted = stems(query)
    sentences = _SENTENCE_END.split(flat)
    shared = [len(stems(s) & wanted) for s in sentences]
    best = shared.index(max(shared)) if any(shared) else 0
    start = sum(len(s.split()) for s in sentences[:best])
    start = max(0, min(start, len(tokens) - words))
    cut = " ".join(tokens[start : start + words])
    return ("…" if start else "") + cut + ("…" if start + words < len(tokens) else "")


class Phrasing:
    """Turns a history hit into a sentence from its record, as of today (a year shows when not this one)."""

    def __init__(self, store: Store, today: date | None = None) -> None:
        self.store = store
        self.today = today

    def say(self, hit: Hit, query: str, private: Visibility) -> Said | None:
        """None when the record is gone, or nothing it says that may be shown shares a word with the query."""
        entity, _, raw = hit.id.partition(":")
        try:
            rid = int(raw)
            if entity == "session":
                session = self.store.sessions.get(rid)
                return self._session(session, hit.chunk_id, query, private, fallback=hit.text)
            if entity == "commitment":
                return self._commitment(rid, hit, query)
            if entity == "goal":
                return self._goal(rid, hit, query)
            if entity == "meeting":
                return self._meeting(rid, hit, query, private)
        except (NotFoundError, ValueError):
            return None
        return None

    def _when(self, day: date | None) -> str:
        return f"On {show_date(day, self.today or date.today())}" if day else "Earlier"

    def _session(
        self, session: Session, chunk_id: str, query: str, private: Visibility, fallback: str = ""
    ) -> Said | None:
        if session.safety or session.ended_at is None:
            return None
        stages, hidden = session_stages(session)
        skip = tuning().history.unindexed_types
        answers = {
            stage: text
            for stage, text in session.final_answers().items()
            if text.strip()
            and not (stage in stages and stages[stage].type in skip)
            and may_see(private, hidden is None or stage in hidden, session.kind)
        }
        wanted = stems(query)
        stage = answer_stage(chunk_id, f"session:{session.id}")
        if stage not in answers:  # the summary matched: quote the answer that shares most with the query
            overlap = {s: len(stems(t) & wanted) for s, t in answers.items()}
            stage = max(overlap, key=lambda s: overlap[s]) if overlap and max(overlap.values()) else None
        text = answers[stage] if stage else "\n".join(clean_lines(fallback))
        if not text or not wanted & stems(text):
            return None
        day = session.started_at.date() if session.started_at else None
        under = f" under {stage_title(stage, stages)}" if stage else ""
        words = tuning().recalls.quote_words
        return Said(
            text=f"{self._when(day)}, in {self._conversation(session)}, you wrote{under}: "
            f"“{quote(text, query, words)}”",
            citation=f"[session {day.isoformat()}]" if day else f"[session {session.id}]",
            source=f"session:{session.id}",
        )

    def _conversation(self, session: Session) -> str:
        names = tuning().recalls
        if session.framework and session.framework in names.flows:
            return names.flows[session.framework]
        flow = (flows() or {}).get(session.framework or "")
        if flow is not None:
            return f"{'an' if flow.title[:1].lower() in 'aeiou' else 'a'} {flow.title}"
        return names.jobs.get(session.kind, "a conversation")

    def _commitment(self, rid: int, hit: Hit, query: str) -> Said | None:
        item = self.store.commitments.get(rid)
        if not stems(query) & stems(hit.text):
            return None
        made = item.created_at.date() if item.created_at else None
        due = f" (due {show_date(item.due, self.today or date.today())})" if item.due else ""
        text = "; ".join(clean_lines(item.text)) or item.text.strip()
        said = f"{self._when(made)} you committed to: {text}{due}."
        if item.status != "open":
            said += f" You marked it {item.status}."
        if hit.chunk_id.endswith(":obstacle") and item.obstacle:  # the search let this job see it
            said += f" What got in the way: “{quote(item.obstacle, query, tuning().recalls.quote_words)}”"
        return Said(text=said, citation=hit.citation, source=hit.id)

    def _goal(self, rid: int, hit: Hit, query: str) -> Said | None:
        goal = self.store.goals.get(rid)
        if not stems(query) & stems(hit.text):
            return None
        made = goal.created_at.date() if goal.created_at else None
        due = f" (due {show_date(goal.due, self.today or date.today())})" if goal.due else ""
        said = f"{self._when(made)} you set the goal: {goal.title}{due}."
        return Said(text=said, citation=hit.citation, source=hit.id)

    def _meeting(self, rid: int, hit: Hit, query: str, private: Visibility) -> Said | None:
        """A brief is quoted from the prep that wrote it, dated when it was written, not the meeting's day."""
        meeting = self.store.meetings.get(rid)
        prep = prep_of(self.store, rid)
        if prep is not None:
            said = self._session(self.store.sessions.get(prep.id or 0), "", query, private)
            if said is not None:
                return said
        lines = clean_lines(hit.text)
        if not lines or not stems(query) & stems(" ".join(lines)):
            return None
        written = meeting.created_at.date() if meeting.created_at else None
        day = show_date(meeting.date, self.today or date.today())
        cited = quote("\n".join(lines), query, tuning().recalls.quote_words)
        return Said(
            text=f"{self._when(written)}, preparing for the {meeting.group_name} meeting of {day}, "
            f"you wrote: “{cited}”",
            citation=hit.citation,
            source=hit.id,
        )
