"""Chunks: the unit of retrieval, made from knowledge notes and from a profile's records."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel

from coach.models import Commitment, Goal, Meeting, Session

Kind = Literal["knowledge", "history"]
TURN_CHUNK_CHARS = 1200
_KIND_LABEL = {
    "goal": "Goal session",
    "reflection": "Reflection",
    "meeting-prep": "Meeting prep",
    "mentor-feedback": "Feedback draft",
    "chat": "Conversation",
}


class Chunk(BaseModel):
    id: str
    kind: Kind
    profile_id: int | None
    source: str
    title: str
    date: date | None
    citation: str
    text: str

    @property
    def digest(self) -> str:
        body = f"{self.title}\x1f{self.citation}\x1f{self.date}\x1f{self.text}"
        return hashlib.sha256(body.encode("utf-8")).hexdigest()[:32]


def split_long(text: str, size: int = TURN_CHUNK_CHARS) -> list[str]:
    """Split long text at paragraph, sentence and word bounds (LangChain's recursive splitter)."""
    if len(text) <= size:
        return [text]
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=size, chunk_overlap=size // 8)
    return [piece for piece in splitter.split_text(text) if piece.strip()]


def session_chunks(session: Session) -> list[Chunk]:
    """One chunk per answer the user gave (long ones split), plus the summary.

    None for a session the safety gate stopped: it stays the person's, but is never recalled or searched."""
    if session.safety:
        return []
    day = session.started_at.date() if session.started_at else None
    label = _KIND_LABEL.get(session.kind, "Session")
    title = f"{label}, {day.day} {day:%b %Y}" if day else label
    cite = f"[session {day.isoformat()}]" if day else f"[session {session.id}]"
    source = f"session:{session.id}"
    base: dict[str, Any] = {
        "kind": "history",
        "profile_id": session.profile_id,
        "source": source,
        "title": title,
        "date": day,
        "citation": cite,
    }
    out: list[Chunk] = []
    if session.summary and session.summary.strip():
        for i, piece in enumerate(split_long(session.summary)):
            out.append(Chunk(id=f"{source}:summary:{i}", text=piece, **base))
    for turn in session.turns:
        if turn.role != "user" or not turn.text.strip():
            continue
        prefix = f"{turn.stage}: " if turn.stage else ""
        for i, piece in enumerate(split_long(turn.text)):
            out.append(Chunk(id=f"{source}:turn:{turn.position}:{i}", text=prefix + piece, **base))
    if session.tags and out:
        out[0] = out[0].model_copy(update={"text": out[0].text + "\nTags: " + ", ".join(session.tags)})
    return out


def goal_chunks(goal: Goal) -> list[Chunk]:
    parts = [f"Goal: {goal.title}"]
    for label, value in (
        ("Why", goal.why),
        ("Measure", goal.measure),
        ("Target", goal.target),
        ("Due", goal.due),
        ("Status", goal.status),
    ):
        if value:
            parts.append(f"{label}: {value}")
    day = goal.created_at.date() if goal.created_at else None
    return [
        Chunk(
            id=f"goal:{goal.id}",
            kind="history",
            profile_id=goal.profile_id,
            source=f"goal:{goal.id}",
            title=f"Goal: {goal.title}"[:120],
            date=day,
            citation=f"[goal: {goal.title[:60]}]",
            text="\n".join(parts),
        )
    ]


def commitment_chunks(item: Commitment) -> list[Chunk]:
    day = item.created_at.date() if item.created_at else None
    parts = [f"Commitment made {day}: {item.text}", f"Status: {item.status}"]
    if item.due:
        parts.append(f"Due: {item.due}")
    if item.obstacle:
        parts.append(f"What got in the way: {item.obstacle}")
    return [
        Chunk(
            id=f"commitment:{item.id}",
            kind="history",
            profile_id=item.profile_id,
            source=f"commitment:{item.id}",
            title=f"Commitment {day}",
            date=day,
            citation=f"[commitment {day}]",
            text="\n".join(parts),
        )
    ]


def meeting_chunks(meeting: Meeting) -> list[Chunk]:
    if not meeting.brief or not meeting.brief.strip():
        return []
    title = f"{meeting.group_name} meeting {meeting.date}"
    return [
        Chunk(
            id=f"meeting:{meeting.id}:{i}",
            kind="history",
            profile_id=meeting.profile_id,
            source=f"meeting:{meeting.id}",
            title=title,
            date=meeting.date,
            citation=f"[meeting {meeting.date}]",
            text=piece,
        )
        for i, piece in enumerate(split_long(meeting.brief))
    ]
