"""The records of the store, as pydantic models. Text fields are validated, never rewritten."""

from __future__ import annotations

import datetime as dt
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from coach import validate

Role = Literal["member", "mentor"]
GoalStatus = Literal["active", "at-risk", "done", "dropped"]
CommitmentStatus = Literal["open", "done", "partial", "missed", "dropped"]
SessionKind = Literal["goal", "reflection", "meeting-prep", "mentor-feedback", "chat"]
TurnRole = Literal["coach", "user", "system"]

ROLES: tuple[str, ...] = ("member", "mentor")
GOAL_STATUSES: tuple[str, ...] = ("active", "at-risk", "done", "dropped")
COMMITMENT_STATUSES: tuple[str, ...] = ("open", "done", "partial", "missed", "dropped")
SESSION_KINDS: tuple[str, ...] = ("goal", "reflection", "meeting-prep", "mentor-feedback", "chat")


class Record(BaseModel):
    model_config = ConfigDict(validate_assignment=True, extra="forbid")


class Profile(Record):
    id: int | None = None
    name: str
    role: Role = "member"
    created_at: datetime | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        return validate.title(v, "profile name")


class Goal(Record):
    id: int | None = None
    profile_id: int
    title: str
    why: str | None = None
    measure: str | None = None
    target: str | None = None
    due: date | None = None
    status: GoalStatus = "active"
    framework: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @field_validator("title")
    @classmethod
    def _title(cls, v: str) -> str:
        return validate.title(v, "goal title")

    @field_validator("why", "measure", "target", "framework")
    @classmethod
    def _short(cls, v: str | None, info: object) -> str | None:
        return validate.optional(v, getattr(info, "field_name", "text"))


class Milestone(Record):
    id: int | None = None
    goal_id: int
    title: str
    due: date | None = None
    done: bool = False
    position: int = 0

    @field_validator("title")
    @classmethod
    def _title(cls, v: str) -> str:
        return validate.title(v, "milestone title")


class Commitment(Record):
    id: int | None = None
    profile_id: int
    text: str
    due: date | None = None
    status: CommitmentStatus = "open"
    goal_id: int | None = None
    made_in_session_id: int | None = None
    reviewed_in_session_id: int | None = None
    obstacle: str | None = None
    """What got in the way, noted when the commitment is reviewed."""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    replaces_id: int | None = None
    """A smaller version of commitment N (made by shrinking it; N is then dropped)."""
    original_due: date | None = None
    """The due date first agreed, kept when the commitment is kept with a new date; None if never moved."""
    drop_reason: str | None = None
    """Why it was dropped, when the person said."""

    @field_validator("text")
    @classmethod
    def _text(cls, v: str) -> str:
        return validate.text(v, "commitment", max_chars=validate.SHORT_MAX)

    @field_validator("obstacle")
    @classmethod
    def _obstacle(cls, v: str | None) -> str | None:
        return validate.optional(v, "what got in the way")

    @field_validator("drop_reason")
    @classmethod
    def _reason(cls, v: str | None) -> str | None:
        return validate.optional(v, "the reason")


class Turn(Record):
    id: int | None = None
    session_id: int | None = None
    position: int = 0
    role: TurnRole
    stage: str | None = None
    text: str
    citations: list[str] = Field(default_factory=list)
    created_at: datetime | None = None

    @field_validator("text")
    @classmethod
    def _text(cls, v: str) -> str:
        return validate.text(v, "turn text", max_chars=validate.LONG_MAX, required=False)


class Session(Record):
    id: int | None = None
    profile_id: int
    kind: SessionKind
    framework: str | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    mood: int | None = Field(default=None, ge=1, le=5)
    tags: list[str] = Field(default_factory=list)
    summary: str | None = None
    goal_id: int | None = None
    meeting_id: int | None = None
    safety: str | None = None
    """Set when the safety gate stopped the flow: the category it saw. Such a session is never indexed,
    recalled, counted as a theme or sent to a model."""
    answers: dict[str, str] | None = None
    """The final, accepted answer of each stage ({stage id: text}), set when the session ends."""
    turns: list[Turn] = Field(default_factory=list)

    @field_validator("summary")
    @classmethod
    def _summary(cls, v: str | None) -> str | None:
        return validate.optional(v, "summary", max_chars=validate.LONG_MAX)

    def final_answers(self) -> dict[str, str]:
        """Each stage's final, accepted answer. Sessions ended before answers were kept fall back to the
        last thing typed at each stage (load with turns); an unfinished session has none."""
        if self.answers is not None:
            return dict(self.answers)
        if self.ended_at is None:
            return {}
        out: dict[str, str] = {}
        loose = []  # an imported entry: its text, under no stage
        for turn in self.turns:
            if turn.role == "user" and turn.text.strip():
                if turn.stage:
                    out[turn.stage] = turn.text
                else:
                    loose.append(turn.text)
        if loose:
            out.setdefault("entry", "\n\n".join(loose))
        return out

    @field_validator("tags")
    @classmethod
    def _tags(cls, v: list[str]) -> list[str]:
        return [validate.title(t, "tag") for t in v]


class Meeting(Record):
    id: int | None = None
    profile_id: int
    group_name: str
    date: dt.date
    brief: str | None = None
    created_at: datetime | None = None

    @field_validator("group_name")
    @classmethod
    def _group(cls, v: str) -> str:
        return validate.title(v, "group name")

    @field_validator("brief")
    @classmethod
    def _brief(cls, v: str | None) -> str | None:
        return validate.optional(v, "brief", max_chars=validate.LONG_MAX)


class Change(Record):
    """One entry of the change feed that the retrieval index follows."""

    seq: int
    entity: str
    entity_id: int
    profile_id: int | None
    op: Literal["upsert", "delete"]
    at: datetime
