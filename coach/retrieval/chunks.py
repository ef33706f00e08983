"""Chunks: the unit of retrieval, made from knowledge notes and from a profile's records."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel

from coach.models import Commitment, Goal, Meeting, Session
from coach.retrieval import privacy
from coach.retrieval.tuning import tuning

if TYPE_CHECKING:
    from coach.engine.flows import Flow, Stage

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
    job: str | None = None
    """The job it was written in (goal, reflection, meeting-prep, mentor-feedback); none for notes."""
    private: bool = False
    """Private to its job: recalled only in a conversation of the same job, never in another's."""

    @property
    def digest(self) -> str:
        body = (
            f"{self.title}\x1f{self.citation}\x1f{self.date}\x1f{self.job}\x1f{self.private}\x1f{self.text}"
        )
        return hashlib.sha256(body.encode("utf-8")).hexdigest()[:32]


def split_long(text: str, size: int = TURN_CHUNK_CHARS) -> list[str]:
    """Split long text at paragraph, sentence and word bounds (LangChain's recursive splitter)."""
    if len(text) <= size:
        return [text]
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=size, chunk_overlap=size // 8)
    return [piece for piece in splitter.split_text(text) if piece.strip()]


def _pieces(chunk_id: str, text: str, base: dict[str, Any], private: bool) -> list[Chunk]:
    return [
        Chunk(id=f"{chunk_id}:{i}", text=piece, private=private, **base)
        for i, piece in enumerate(split_long(text))
    ]


def _artefact_chunks(
    text: str, flows: list[Flow] | None, shared_id: str, base: dict[str, Any]
) -> list[Chunk]:
    """An artefact as shareable chunks, and chunks of its private fields (ids "<source>:private:<n>")."""
    if not text.strip():
        return []
    parts = privacy.split_artefact(text, flows)
    shared, private = parts if parts is not None else ("", text)
    out = _pieces(shared_id, shared, base, False) if shared.strip() else []
    if private.strip():
        out += _pieces(f"{base['source']}:private", private, base, True)
    return out


def session_stages(session: Session) -> tuple[dict[str, Stage], set[str] | None]:
    """The stages a session's answers were given under, by id (from its flow, or every flow of its job),
    and which of them are private (None: its flow is unknown, so all are)."""
    flows = privacy.candidates(session.framework, session.kind)
    stages: dict[str, Stage] = {}
    for flow in flows or []:
        for stage in flow.stages:
            stages.setdefault(stage.id, stage)
    hidden = {s for f in flows for s in privacy.private_stages(f)} if flows is not None else None
    return stages, hidden


def stage_title(stage_id: str, stages: dict[str, Stage]) -> str:
    """The stage's title in its flow ("Action plan"), else its id made readable."""
    stage = stages.get(stage_id)
    return stage.title if stage else stage_id.replace("_", " ").replace("-", " ").strip().capitalize()


def answer_stage(chunk_id: str, source: str) -> str | None:
    """The stage whose answer a chunk holds ("<source>:answer:<stage>:<n>"); None for a summary chunk."""
    head = f"{source}:answer:"
    if not chunk_id.startswith(head):
        return None
    stage, _, _ = chunk_id[len(head) :].rpartition(":")
    return stage or None


def session_chunks(session: Session) -> list[Chunk]:
    """The final, accepted answer of each stage (long ones split), under the stage's title, plus the summary.

    Nothing from a session that has not ended (its answers are not final yet) or that the safety gate
    stopped (it stays the person's, but is never recalled or searched). A private stage's answer, and the
    private fields of the summary, are chunks of their own marked private; a session whose flow is unknown
    is private as a whole. Answers of stages that only set a mood, tags, a link or a date are left to the
    summary."""
    if session.safety or session.ended_at is None:
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
        "job": session.kind,
    }
    flows = privacy.candidates(session.framework, session.kind)
    stages, hidden = session_stages(session)
    skip = tuning().history.unindexed_types
    out = _artefact_chunks(session.summary or "", flows, f"{source}:summary", base)
    for stage_id, answer in session.final_answers().items():
        stage = stages.get(stage_id)
        if not answer.strip() or (stage is not None and stage.type in skip):
            continue
        private = hidden is None or stage_id in hidden
        heading = stage_title(stage_id, stages)
        for i, piece in enumerate(split_long(answer.strip())):
            out.append(
                Chunk(
                    id=f"{source}:answer:{stage_id}:{i}", text=f"{heading}\n{piece}", private=private, **base
                )
            )
    if session.tags and out:
        at = next((i for i, c in enumerate(out) if not c.private), 0)
        out[at] = out[at].model_copy(update={"text": out[at].text + "\nTags: " + ", ".join(session.tags)})
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
            job="goal",
        )
    ]


def commitment_chunks(
    item: Commitment,
    job: str | None = None,
    obstacle_job: str | None = None,
    *,
    replaces: str | None = None,
    replaced_by: str | None = None,
) -> list[Chunk]:
    """The commitment, and what got in the way (and why it was dropped) in a chunk of its own, private to
    the job it was noted in.

    job: the job of the session it was made in; obstacle_job: of the one it was reviewed in (unknown, the
    obstacle is recalled in no conversation, only found by the person's own search). replaces: the text of
    the commitment this one is a smaller version of; replaced_by: the smaller version that took its place."""
    day = item.created_at.date() if item.created_at else None
    made = f"Commitment made {day}: {item.text}"
    parts = [made, f"Status: {item.status}"]
    if item.due:
        parts.append(f"Due: {item.due}")
    if replaces:
        parts.append(f"A smaller version of: {replaces}")
    if item.status == "dropped":
        parts.append(
            f"Dropped for a smaller version: {replaced_by}"
            if replaced_by
            else "Dropped: let go on purpose, not counted as missed"
        )
    base: dict[str, Any] = {
        "kind": "history",
        "profile_id": item.profile_id,
        "source": f"commitment:{item.id}",
        "title": f"Commitment {day}",
        "date": day,
        "citation": f"[commitment {day}]",
    }
    out = [Chunk(id=f"commitment:{item.id}", text="\n".join(parts), job=job, **base)]
    private = [f"What got in the way: {item.obstacle}"] if item.obstacle else []
    if item.drop_reason:
        private.append(f"Why it was dropped: {item.drop_reason}")
    if private:
        out.append(
            Chunk(
                id=f"commitment:{item.id}:obstacle",
                text="\n".join([made, *private]),
                job=obstacle_job,
                private=True,
                **base,
            )
        )
    return out


def meeting_chunks(meeting: Meeting, session: Session | None = None) -> list[Chunk]:
    """The brief, shareable parts and private ones apart; session: the meeting prep that wrote it.

    None when that session was stopped by the safety gate: the words under it are in the brief too."""
    if not meeting.brief or not meeting.brief.strip() or (session is not None and session.safety):
        return []
    base: dict[str, Any] = {
        "kind": "history",
        "profile_id": meeting.profile_id,
        "source": f"meeting:{meeting.id}",
        "title": f"{meeting.group_name} meeting {meeting.date}",
        "date": meeting.date,
        "citation": f"[meeting {meeting.date}]",
        "job": "meeting-prep",
    }
    flows = privacy.candidates(session.framework if session else None, "meeting-prep")
    return _artefact_chunks(meeting.brief, flows, f"meeting:{meeting.id}", base)
