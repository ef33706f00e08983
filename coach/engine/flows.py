"""Flow files (prompts/flows/*.yaml): stages, questions, checks, follow-ups, retrieval, summary template."""

from __future__ import annotations

import string
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from coach.engine import listening
from coach.engine.kinds import KINDS, kind_of
from coach.errors import FlowError
from coach.paths import bundled_dir
from coach.safe_load import LoadError, load_yaml

Job = Literal["goal", "reflection", "meeting-prep", "mentor-feedback"]

# Fields every template may use, computed from the conversation rather than typed by the person.
GLOBAL_FIELDS = {"title", "date", "checks", "question_bank", "spoken", "follow_through", "threads"}
# Computed fields that may quote private text (a pattern cites earlier obstacles, some from private stages):
# never on the card, and private to the job in the index.
PRIVATE_FIELDS = {"threads"}
SKIPPED = "_(skipped)_"
"""What a template field shows when its stage was skipped (left out again when the artefact is read)."""
# Fields a stage of some types fills instead of its own id (the commitments confirmed, with dates).
TYPE_FIELDS: dict[str, tuple[str, ...]] = {name: kind.fields for name, kind in KINDS.items() if kind.fields}
# Derived from a private stage but safe to share: the statuses alone, never what got in the way.
SHARE_SAFE = {name for kind in KINDS.values() for name in kind.shareable}


def placeholders(template: str) -> set[str]:
    """The {names} a template uses."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


class Check(BaseModel):
    model_config = ConfigDict(extra="forbid")
    check: str
    """Name of a check in coach.engine.checks (e.g. no_number, judgement, vague_time)."""
    label: str
    """What the check stands for, shown with its result ("SMART: measurable")."""
    ask: str
    """The follow-up question asked, once, when the check fails."""
    min_words: int = 0
    mode: Literal["append", "replace"] = "append"
    """Whether the follow-up's answer adds to the first answer or rewrites it."""
    into: str | None = None
    """A field of its own that the follow-up's answer fills (a goal's measure), leaving the answer as it is.
    The check is then judged on the answer and that field together."""
    listen: str | None = None
    """The follow-up with the person's words in it ("If {obstacle:if}, then I will ...?"); asked instead of
    `ask` when its slots can be filled."""


class Renegotiate(BaseModel):
    """What a review stage asks after a missed or partial commitment, and says when several slipped."""

    model_config = ConfigDict(extra="forbid")
    ask: str
    """Keep it (a new date), shrink it (a smaller version) or drop it?"""
    slipped: str = ""
    """Said after the review when two or more slipped: {slipped} and {reviewed} are counts in words."""
    all_slipped: str = ""
    """Said instead when every one reviewed slipped ({reviewed}: the count in words); unset: `slipped`."""


class Stage(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    title: str
    label: str = ""
    """Short label for the stage bar (e.g. G, R, O, W)."""
    type: str = "text"
    """The stage's kind (coach.engine.kinds): text, mood, date, tags, commitments, review, milestones..."""
    ask: str
    asks: list[str] = Field(default_factory=list)
    """Other wordings of the question. Those with slots ({stage_id}, {feeling}, {goal}) carry back the
    person's words and are preferred when they can be filled; the coach rotates among the wordings so that
    someone who comes every week is not asked the identical question each time."""
    deepen: list[str] = Field(default_factory=list)
    """A bank of deeper questions: one, rotated, is asked after the answer stands; its answer adds to it."""
    intent: str = ""
    """What the stage is for, in a sentence, for the generative voice (unset: the flow's description)."""
    retrieve: str | None = None
    """Query for a best-practice tip at this stage (the answer so far is added to it)."""
    checks: list[Check] = Field(default_factory=list)
    optional: bool = False
    private: bool = False
    """Left out of anything meant to be shared (the progress card)."""
    listed: bool = False
    """One item per line (the questions for the group): shown as a bulleted list in the artefact."""
    past: bool = False
    """A date stage whose date may have gone already (a meeting that happened): "yesterday" is fine."""
    scaffold: str | None = None
    """The smaller question asked after "I don't know" (unset: the one for the stage's type)."""
    patterns: bool = False
    """The answer names an obstacle or a cause: it is compared by meaning with the profile's earlier ones."""
    renegotiate: Renegotiate | None = None
    """A review stage: offer keep, shrink or drop for each commitment that slipped."""
    none_due: str = "Nothing has come due yet, so there is nothing to review."
    """A review stage with open commitments, none of them due yet: said, and the stage passes."""
    none_open: str = "There are no open commitments to review."
    """A review stage with no open commitment at all."""

    @field_validator("type")
    @classmethod
    def _known_kind(cls, v: str) -> str:
        kind_of(v)
        return v


class Launch(BaseModel):
    """How the app offers a flow: its key on the home screen, its palette entry and the words that find it."""

    model_config = ConfigDict(extra="forbid")
    key: str | None = Field(default=None, pattern=r"^[a-z0-9]$")
    label: str = Field(min_length=1, max_length=30)
    name: str | None = None
    help: str = ""
    words: list[str] = Field(default_factory=list)
    order: int = 99
    footer: bool = False


class Flow(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    title: str
    job: Job
    description: str
    recall: str
    """Query for history recalls at the start of the conversation."""
    stages: list[Stage]
    summary: str
    """Markdown template of the artefact; {stage_id} is replaced by that stage's answer."""
    card: str | None = None
    """Markdown template of the share-safe card (meeting prep)."""
    questions: list[dict[str, str | list[str]]] = Field(default_factory=list)
    """Question bank (mentor feedback): each {ask, tags}; chosen by the situation's words."""
    launch: Launch | None = None
    """Its key, palette entry and search words in the app (tui/actions.py reads it before pydantic loads)."""

    @model_validator(mode="after")
    def _unique_stages(self) -> Flow:
        ids = [s.id for s in self.stages]
        if len(ids) != len(set(ids)):
            raise ValueError("stage ids must be unique")
        if not ids:
            raise ValueError("a flow needs at least one stage")
        return self

    def answer_field(self, stage: Stage) -> str:
        """The template field that shows this stage's answer."""
        return TYPE_FIELDS.get(stage.type, (stage.id,))[0]

    @model_validator(mode="after")
    def _templates_declare_their_fields(self) -> Flow:
        """Every answer has a place in the summary, no computed field hides one, the card stays shareable."""
        provided = {name for s in self.stages for name in TYPE_FIELDS.get(s.type, ())}
        provided |= {c.into for s in self.stages for c in s.checks if c.into}
        clash = sorted(
            s.id
            for s in self.stages
            if s.id in GLOBAL_FIELDS or (s.id in provided and s.type not in TYPE_FIELDS)
        )
        if clash:
            raise ValueError(f"stage id(s) {clash} clash with computed fields; rename the stage")
        known = {s.id for s in self.stages} | GLOBAL_FIELDS | provided
        for name, template in (("summary", self.summary), ("card", self.card or "")):
            unknown = sorted(placeholders(template) - known)
            if unknown:
                raise ValueError(f"{name} uses unknown field(s) {unknown}; known: {sorted(known)}")
        filled = [self.answer_field(s) for s in self.stages] + [
            c.into for s in self.stages for c in s.checks if c.into
        ]
        missing = sorted(set(filled) - placeholders(self.summary))
        if missing:
            raise ValueError(f"summary leaves out the answer field(s) {missing}")
        private = {name for s in self.stages if s.private for name in (s.id, *TYPE_FIELDS.get(s.type, ()))}
        private |= PRIVATE_FIELDS
        if any(s.patterns for s in self.stages) and "threads" not in placeholders(self.summary):
            raise ValueError("a flow that names patterns shows them: put {threads} in the summary")
        leaked = sorted(placeholders(self.card or "") & (private - SHARE_SAFE))
        if leaked:
            raise ValueError(f"card shows private field(s) {leaked}")
        return self

    @model_validator(mode="after")
    def _slots_are_known(self) -> Flow:
        """A question may carry back only the answers given before it, a feeling, or the goal in focus."""
        for n, stage in enumerate(self.stages):
            earlier = {s.id for s in self.stages[:n]} | {
                c.into for s in self.stages[:n] for c in s.checks if c.into
            }
            before = earlier | listening.SPECIAL_SLOTS
            after = before | {stage.id}  # a deeper question or a follow-up may quote this stage's answer
            texts = [(t, before) for t in [stage.ask, *stage.asks]]
            texts += [(t, after) for t in [*stage.deepen, *(c.listen for c in stage.checks if c.listen)]]
            for text, known in texts:
                for name, spec in listening.slots(text):
                    if name not in known:
                        raise ValueError(f"stage {stage.id}: slot {{{name}}} is not an earlier answer")
                    if spec not in listening.SPECS:
                        raise ValueError(f"stage {stage.id}: slot {{{name}:{spec}}} has an unknown form")
        return self

    def stage(self, stage_id: str) -> Stage:
        for s in self.stages:
            if s.id == stage_id:
                return s
        raise FlowError(f"flow {self.id} has no stage '{stage_id}'")


def load_flow_file(path: Path) -> Flow:
    """Parse and validate one flow file; any problem becomes a FlowError naming the file."""
    from coach.engine.checks import CHECKS

    try:
        data = load_yaml(path.read_text(encoding="utf-8"), source=path.name)
    except (OSError, UnicodeDecodeError) as exc:
        raise FlowError(f"{path.name}: cannot read it ({exc})") from exc
    except LoadError as exc:
        raise FlowError(str(exc)) from exc
    if not isinstance(data, dict):
        raise FlowError(f"{path.name}: expected a mapping with id, title, job, stages, summary")
    try:
        flow = Flow.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise FlowError(f"{path.name}: {where}: {err['msg']}") from exc
    for stage in flow.stages:
        for check in stage.checks:
            if check.check not in CHECKS:
                raise FlowError(f"{path.name}: stage {stage.id}: unknown check '{check.check}'")
    if flow.id != path.stem:
        raise FlowError(f"{path.name}: id '{flow.id}' must match the file name")
    return flow


def flows_dir() -> Path:
    return bundled_dir("prompts") / "flows"


def load_flows(folder: Path | None = None) -> dict[str, Flow]:
    folder = folder or flows_dir()
    return {f.id: f for f in (load_flow_file(p) for p in sorted(folder.glob("*.yaml")))}


def get_flow(name: str, folder: Path | None = None) -> Flow:
    flows = load_flows(folder)
    if name not in flows:
        raise FlowError(f"no flow named '{name}' (available: {', '.join(sorted(flows))})")
    return flows[name]
