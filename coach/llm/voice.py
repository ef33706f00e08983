"""The generative voice of a flow: the engine decides the step, the model words it; any failure falls back."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import BaseModel, Field

from coach.config import Settings
from coach.engine.kinds import KINDS
from coach.errors import LLMError
from coach.llm.context import (
    Packed,
    Source,
    cited,
    clean,
    counter_for,
    fill,
    pack,
    render_answers,
    render_sources,
    template,
    with_citations,
)
from coach.llm.providers import context_window, describe_failure, is_remote, make_chat_model
from coach.models import Turn
from coach.paths import bundled_dir

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import BaseMessage

    from coach.engine.engine import Engine
    from coach.engine.results import Artefact, Prompt

OnToken = Callable[[str], None]
BeforeSend = Callable[[list["BaseMessage"]], bool]
"""Shown the exact messages before a call; returning False keeps them on this machine."""
FREE_STAGES = {name for name, kind in KINDS.items() if kind.free}
"""Stage types whose question the model may word itself; the others keep the engine's exact question."""


class Reply(BaseModel):
    """What the model said (citations resolved), what it was given, and whether the engine stood in."""

    text: str
    raw: str = ""
    sources: list[Source] = Field(default_factory=list)
    cited: list[Source] = Field(default_factory=list)
    unknown_citations: list[int] = Field(default_factory=list)
    fallback: bool = False
    notice: str = ""
    first_token_s: float | None = None
    seconds: float = 0.0
    dropped_sources: int = 0


@cache
def narrate_tasks() -> dict[str, str]:
    path = bundled_dir("prompts") / "llm" / "narrate.yaml"
    return {str(k): str(v).strip() for k, v in yaml.safe_load(path.read_text(encoding="utf-8")).items()}


def _title(engine: Engine, field: str) -> str:
    """A stage's title, or a field's name for one that a follow-up filled (the goal's measure)."""
    ids = {s.id: s.title for s in engine.flow.stages}
    return ids.get(field) or field.replace("_", " ").capitalize()


def prompt_sources(prompt: Prompt) -> list[Source]:
    """The tip and recalls the engine retrieved for this step, most specific first."""
    sources = [
        Source(
            kind="commitment" if r.source.startswith("commitment:") else "history",
            id=r.source,
            citation=r.citation,
            text=r.text,
        )
        for r in prompt.recalls
    ]
    if prompt.tip:
        sources.append(
            Source(
                kind="knowledge",
                id=prompt.tip.citation,
                citation=prompt.tip.citation,
                title=prompt.tip.title,
                text=f"{prompt.tip.title}: {prompt.tip.text}",
            )
        )
    return sources


class Voice:
    """One chat model, used by the CLI and the TUI the same way. Never raises on a model failure."""

    def __init__(
        self, model: BaseChatModel, settings: Settings, *, max_tokens: int = 200, context: int | None = None
    ) -> None:
        self.model = model
        self.settings = settings
        self.max_tokens = max_tokens
        self.context = context or context_window(settings)
        self.count = counter_for(model)
        self.before_send: BeforeSend | None = None
        self.last_messages: list[BaseMessage] = []

    @classmethod
    def from_settings(cls, settings: Settings, *, max_tokens: int | None = None) -> Voice | None:
        """None for the guided engine; raises LLMError or PrivacyError with a one-line reason."""
        max_tokens = max_tokens or settings.llm_max_tokens
        model = make_chat_model(settings, max_tokens=max_tokens)
        return None if model is None else cls(model, settings, max_tokens=max_tokens)

    @property
    def remote(self) -> bool:
        return is_remote(self.settings)

    # --- building the messages ---------------------------------------------------------------------
    def _budget(self) -> int:
        return self.context - self.max_tokens

    def _system(self, engine: Engine) -> str:
        return fill("coach", job=engine.flow.job.replace("-", " "), framework=engine.flow.title)

    def stage_messages(self, engine: Engine, prompt: Prompt) -> tuple[list[BaseMessage], Packed]:
        from langchain_core.messages import HumanMessage, SystemMessage

        stage = engine.flow.stage(prompt.stage) if prompt.stage else None
        free = stage is not None and stage.type in FREE_STAGES and prompt.kind == "question"
        if free:
            instruction = (
                "Write your message now: a brief reflection if something is worth reflecting on, at "
                "most one idea from a source with its [number], then this question in your own words: "
                f"{prompt.text}"
            )
        else:
            instruction = (
                "Write one or two sentences that acknowledge what the person said. Do not ask a question: "
                f"the app asks next, word for word: {prompt.text}"
            )
        answers = [
            (_title(engine, k), v)
            for k, v in engine.answers.items()
            if v.strip() and k not in engine.shielded  # words written under the safety gate never go
        ]
        system = self._system(engine)
        fields: dict[str, Any] = {
            "stage_title": prompt.stage_title,
            "stage_index": prompt.stage_index + 1,
            "stage_count": len(prompt.stages),
            "intent": clean((stage.intent if stage else "") or engine.flow.description),
            "instruction": instruction,
        }
        packed = pack(
            self._budget(),
            self.count,
            system + fill("stage", answers="", sources="", **fields),
            answers,
            prompt_sources(prompt),
        )
        human = fill(
            "stage", answers=render_answers(packed.answers), sources=render_sources(packed.sources), **fields
        )
        return [SystemMessage(system), HumanMessage(human)], packed

    def narrate_messages(self, engine: Engine, artefact: Artefact) -> tuple[list[BaseMessage], Packed]:
        from langchain_core.messages import HumanMessage, SystemMessage

        task = narrate_tasks().get(engine.flow.job, narrate_tasks()["reflection"])
        system = self._system(engine)
        answers = [(_title(engine, k), v) for k, v in artefact.answers.items() if v.strip()]
        sources = [
            Source(kind="knowledge", id=t.citation, citation=t.citation, title=t.title, text=t.text)
            for t in artefact.tips
        ]
        fixed = system + task + template("summary")
        packed = pack(self._budget(), self.count, fixed, answers, sources)
        human = fill(
            "summary",
            framework=engine.flow.title,
            answers=render_answers(packed.answers),
            sources=render_sources(packed.sources),
        )
        return [SystemMessage(system), HumanMessage(f"{task}\n\n{human}")], packed

    # --- speaking ----------------------------------------------------------------------------------
    def speak(self, engine: Engine, prompt: Prompt, on_token: OnToken | None = None) -> Reply:
        """The model's wording of this step, streamed; on any failure, the engine's own question."""
        # the safety gate's words are fixed: no model call on that turn, nor on a paused session
        if (
            prompt.done
            or prompt.kind in ("confirm", "safety", "paused")
            or engine.awaiting == "due"
            or engine.crisis is not None
        ):
            return Reply(text=prompt.text)
        messages, packed = self.stage_messages(engine, prompt)
        reply = self.run(messages, packed, prompt.text, on_token)
        stage = engine.flow.stage(prompt.stage) if prompt.stage else None
        if not reply.fallback and (stage is None or stage.type not in FREE_STAGES or "?" not in reply.raw):
            reply.text = f"{reply.text}\n\n{prompt.text}".strip()
        if not reply.fallback:  # the engine already saved its own wording of the step
            turn = Turn(
                role="coach", stage=prompt.stage, text=reply.text, citations=[s.citation for s in reply.cited]
            )
            engine.store.sessions.add_turn(engine.session_id, turn)
        return reply

    def narrate(self, engine: Engine, artefact: Artefact, on_token: OnToken | None = None) -> Reply:
        """A short model-written narrative for the finished artefact, saved under "In short"."""
        if engine.crisis is not None or engine.shielded:  # a session the gate stopped is never sent
            return Reply(text="", fallback=True, notice="")
        messages, packed = self.narrate_messages(engine, artefact)
        reply = self.run(messages, packed, "", on_token)
        if reply.fallback or not reply.text:
            return reply
        artefact.markdown = f"{artefact.markdown.rstrip()}\n\n## In short\n\n{reply.text}\n"
        engine.store.sessions.edit(artefact.session_id, summary=artefact.markdown)
        return reply

    def run(
        self, messages: list[BaseMessage], packed: Packed, fallback: str, on_token: OnToken | None
    ) -> Reply:
        self.last_messages = messages
        started = time.perf_counter()
        if self.before_send is not None and not self.before_send(messages):
            return Reply(text=fallback, fallback=True, notice="Not sent: the guided coach carries on.")
        try:
            raw, first = self._stream(messages, on_token, started)
        except Exception as exc:
            return Reply(
                text=fallback,
                fallback=True,
                notice=f"The model is unavailable ({describe_failure(exc)}); the guided coach carries on.",
                sources=packed.sources,
                seconds=time.perf_counter() - started,
            )
        found, unknown = cited(raw, packed.sources)
        return Reply(
            text=with_citations(raw, packed.sources),
            raw=raw,
            sources=packed.sources,
            cited=found,
            unknown_citations=unknown,
            first_token_s=first,
            seconds=time.perf_counter() - started,
            dropped_sources=packed.dropped_sources,
        )

    def _stream(
        self, messages: list[BaseMessage], on_token: OnToken | None, started: float
    ) -> tuple[str, float | None]:
        parts: list[str] = []
        first: float | None = None
        deadline = started + self.settings.llm_timeout
        for chunk in self.model.stream(messages):
            token = chunk.text if hasattr(chunk, "text") else str(chunk)
            if not token:
                continue
            if first is None:
                first = time.perf_counter() - started
            parts.append(token)
            if on_token is not None:
                on_token(token)
            if time.perf_counter() > deadline:
                raise LLMError(f"no complete answer within {self.settings.llm_timeout:.0f} s")
        raw = "".join(parts).strip()
        if not raw:
            raise LLMError("the model returned an empty answer")
        return raw, first
