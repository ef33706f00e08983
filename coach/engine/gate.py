"""The safety gate's part of the engine: stop the routine flow, keep the words, then pause or go on."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from coach import safety

if TYPE_CHECKING:
    from coach.engine.flows import Stage
    from coach.store import Store

Awaiting = Literal["main", "followup", "due", "confirm", "safety", "deepen", "thread", "renegotiate"]
PAUSE_WORDS = {"pause", "pause here", "stop", "stop here", "later", "p", "1"}
GATE_HINT = "Type 'pause' to stop here for now, or 'go on' to keep writing."
GO_ON_WORDS = {"go on", "go on writing", "continue", "carry on", "keep going", "g", "2", "yes", "ok", "okay"}


class SafetyGate:
    """Mixed into Engine, whose state it reads and writes."""

    store: Store
    session_id: int
    awaiting: Awaiting
    answers: dict[str, str]
    pending: list
    crisis: safety.SafetyHit | None
    paused: bool
    shielded: set[str]
    kept: list[tuple[str, str]]
    _before_crisis: Awaiting
    _gate_hint: bool

    if TYPE_CHECKING:

        @property
        def stage(self) -> Stage | None: ...

        def _advance(self) -> None: ...

    def _crisis(self, stage: Stage, text: str, hit: safety.SafetyHit) -> None:
        """Stop the routine flow. The words stay in the entry, never as a commitment, date, tag or goal."""
        self.crisis = hit
        self.shielded.add(stage.id)
        if stage.type == "text" and self.awaiting in ("main", "followup", "deepen"):
            before = self.answers.get(stage.id, "") if self.awaiting != "main" else ""
            self.answers[stage.id] = f"{before}\n{text}".strip()
        else:
            self.kept.append((stage.title, text))
        self._before_crisis = self.awaiting
        self.awaiting = "safety"
        self.pending = []
        current = self.store.sessions.get(self.session_id, with_turns=False)
        if current.safety is None:
            self.store.sessions.edit(self.session_id, safety=hit.category)

    def _at_the_gate(self, stage: Stage, text: str) -> None:
        choice = " ".join(text.lower().strip(" .!").split())
        if choice in PAUSE_WORDS:
            self.paused = True
        elif choice in GO_ON_WORDS:
            self._go_on()
        elif text.strip():  # more of their words: kept, and the two choices offered again
            self.kept.append((stage.title, text))
            self._gate_hint = safety.screen(text) is None

    def _go_on(self) -> None:
        """Back to the flow: a text stage's answer stands and the flow moves on; other stages ask again."""
        self.paused = self._gate_hint = False
        stage = self.stage
        before, self.awaiting = self._before_crisis, "main"
        if stage is not None and stage.type == "text" and before in ("main", "followup", "deepen", "thread"):
            self._advance()
        elif before in ("due", "confirm"):
            self.awaiting = before
