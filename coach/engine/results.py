"""What the engine hands back: prompts with stage, tip and recalls, and the finished artefact."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Literal, Protocol

from pydantic import BaseModel, Field

from coach.engine.checks import CheckResult

PromptKind = Literal["question", "followup", "retry", "confirm", "done", "safety", "paused"]


class Tip(BaseModel):
    title: str
    text: str
    citation: str


class Recall(BaseModel):
    text: str
    citation: str
    source: str


class StageInfo(BaseModel):
    id: str
    title: str
    label: str
    state: Literal["done", "current", "todo", "skipped"]


class Artefact(BaseModel):
    flow: str
    job: str
    title: str
    markdown: str
    card: str | None = None
    session_id: int
    stored: dict[str, list[int]] = Field(default_factory=dict)
    answers: dict[str, str] = Field(default_factory=dict)
    followups: list[str] = Field(default_factory=list)
    """Follow-up questions asked (and answered)."""
    unanswered: list[str] = Field(default_factory=list)
    """Follow-up questions that got no answer."""
    tips: list[Tip] = Field(default_factory=list)
    recalls: list[Recall] = Field(default_factory=list)
    checks: list[CheckResult] = Field(default_factory=list)
    threads: list[Thread] = Field(default_factory=list)
    """Patterns the coach named, with the person's answer to each."""


class Prompt(BaseModel):
    session_id: int
    flow: str
    kind: PromptKind
    text: str
    stage: str | None
    stage_title: str
    stage_index: int
    stages: list[StageInfo]
    notice: str = ""
    tip: Tip | None = None
    recalls: list[Recall] = Field(default_factory=list)
    checks: list[CheckResult] = Field(default_factory=list)
    artefact: Artefact | None = None
    step: str = ""
    """The move within the stage when it is not the main question: "a follow-up", "a deeper question",
    "a pattern", "keep, shrink or drop"."""

    @property
    def done(self) -> bool:
        return self.kind == "done"


class Retriever(Protocol):
    def tip(self, purpose: str, seen: set[str], answer: str = "") -> Tip | None:
        """A note that fits the stage's purpose (its `retrieve` query, which alone picks the candidates) and
        is not in seen; the person's last answer may only re-order those candidates."""
        ...

    def recall(self, query: str, profile_id: int, exclude_session: int | None) -> list[Recall]: ...


class Echo(Protocol):
    """An earlier obstacle or cause the person named: a short quote of it, when, and where from."""

    @property
    def text(self) -> str: ...
    @property
    def date(self) -> date | None: ...
    @property
    def citation(self) -> str: ...
    @property
    def source(self) -> str: ...


class Pattern(Protocol):
    @property
    def items(self) -> Sequence[Echo]: ...
    @property
    def question(self) -> str: ...


class Echoes(Protocol):
    """Finds earlier obstacles and causes like this one, by meaning (coach.patterns.PatternFinder)."""

    def find(
        self, profile_id: int, text: str, *, job: str, exclude_session: int | None, today: date
    ) -> Pattern | None: ...


class Thread(BaseModel):
    """A pattern the coach named at a stage, what it cited, and the person's answer to its question."""

    stage: str
    title: str
    question: str
    items: list[Recall] = Field(default_factory=list)
    quotes: list[str] = Field(default_factory=list)
    """The earlier words each item quotes, in the same order."""
    answer: str = ""


Artefact.model_rebuild()
