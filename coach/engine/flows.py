"""Flow files (prompts/flows/*.yaml): stages, questions, checks, follow-ups, retrieval, summary template."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from coach.errors import CoachError
from coach.paths import bundled_dir

Job = Literal["goal", "reflection", "meeting-prep", "mentor-feedback"]
StageType = Literal["text", "mood", "date", "tags", "commitments", "review", "milestones", "confirm", "link"]


class FlowError(CoachError):
    """A flow file is malformed; the message names the file and the problem."""


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


class Stage(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    title: str
    label: str = ""
    """Short label for the stage bar (e.g. G, R, O, W)."""
    type: StageType = "text"
    ask: str
    intent: str = ""
    """What the stage is for, in a sentence, for the generative voice (unset: the flow's description)."""
    retrieve: str | None = None
    """Query for a best-practice tip at this stage (the answer so far is added to it)."""
    checks: list[Check] = Field(default_factory=list)
    optional: bool = False
    private: bool = False
    """Left out of anything meant to be shared (the progress card)."""


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

    @model_validator(mode="after")
    def _unique_stages(self) -> Flow:
        ids = [s.id for s in self.stages]
        if len(ids) != len(set(ids)):
            raise ValueError("stage ids must be unique")
        if not ids:
            raise ValueError("a flow needs at least one stage")
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
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise FlowError(f"{path.name}: cannot read it ({exc})") from exc
    except yaml.YAMLError as exc:
        raise FlowError(f"{path.name}: not valid YAML ({str(exc).splitlines()[0]})") from exc
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
