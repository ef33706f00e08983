"""The engine's questions: the wording of each step, with the tip and recalls beside it."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from coach import dates, safety
from coach.engine.gate import GATE_HINT, Awaiting
from coach.engine.kinds import kind_of
from coach.engine.nonanswers import scaffold_for
from coach.engine.results import Artefact, Prompt, PromptKind, Recall, Retriever, StageInfo, Thread, Tip
from coach.models import Turn

if TYPE_CHECKING:
    from coach.engine.answers import Proposal, ReviewItem
    from coach.engine.checks import CheckResult
    from coach.engine.flows import Check, Flow, Stage
    from coach.store import Store


_STEPS = {
    "followup": "a follow-up",
    "due": "a date",
    "confirm": "to confirm",
    "deepen": "a deeper question",
    "thread": "a pattern",
    "renegotiate": "keep, shrink or drop",
}


class Prompting:
    """Mixed into Engine, whose state it reads."""

    store: Store
    flow: Flow
    profile_id: int
    session_id: int
    retriever: Retriever | None
    today: date
    region: str
    pos: int
    awaiting: Awaiting
    answers: dict[str, str]
    skipped: set[str]
    pending: list[Check]
    asked_empty: bool
    notice: str
    proposals: list[Proposal]
    review: list[ReviewItem]
    review_pos: int
    checks: dict[str, list[CheckResult]]
    tips: list[Tip]
    recalls: list[Recall]
    artefact: Artefact | None
    paused: bool
    shielded: set[str]
    scaffolding: bool
    _gate_hint: bool
    _tipped: set[str]

    echo: Thread | None

    if TYPE_CHECKING:

        @property
        def stage(self) -> Stage | None: ...

        def deeper(self, stage: Stage) -> str: ...

        def followup_wording(self, stage: Stage, check: Check) -> str | None: ...

    def _question(self, stage: Stage) -> tuple[PromptKind, str]:
        if self.paused:
            return "paused", (
                "Paused. What you wrote is saved, and nothing else will be asked now. When you come back to "
                "this conversation, it picks up gently from here."
            )
        if self.awaiting == "safety":
            if self._gate_hint:
                return "safety", GATE_HINT
            return "safety", f"{safety.crisis_message(self.region).strip()}\n\n{GATE_HINT}"
        if self.scaffolding:
            return "followup", scaffold_for(stage)
        if self.awaiting == "thread" and self.echo is not None:
            return "followup", self.echo.question
        if self.awaiting == "deepen":
            return "followup", self.deeper(stage)
        if self.awaiting == "followup":
            check = self.pending[0]
            carried = self.followup_wording(stage, check)
            if carried:
                return "followup", carried
            result = next(r for r in self.checks.get(stage.id, []) if r.check == check.check)
            hint = f" ({result.suggestion})" if result.suggestion else ""
            return "followup", f"{check.ask}{hint}"
        if self.awaiting == "due":
            missing = next(p for p in self.proposals if p.due is None and not p.undated)
            return "followup", f"By when will you do this: '{missing.text}'? (Friday, 3 Dec, next week...)"
        if self.awaiting == "confirm":
            listed = "\n".join(
                f"{i}. {p.text} ("
                + (
                    p.moved or f"due {dates.show_date(p.due, self.today, weekday=True)}"
                    if p.due
                    else "no date"
                )
                + ")"
                for i, p in enumerate(self.proposals, 1)
            )
            return "confirm", (
                f"I'll save these commitments:\n{listed}\nSay yes to save them, no to save "
                "none, or write them again to change them."
            )
        return "question", kind_of(stage.type).question(self, stage)  # type: ignore[arg-type]

    def _prompt(self, first: bool = False) -> Prompt:
        stages = [
            StageInfo(
                id=s.id,
                title=s.title,
                label=s.label or s.title[:1],
                state="current"
                if i == self.pos
                else "skipped"
                if s.id in self.skipped
                else "done"
                if i < self.pos
                else "todo",
            )
            for i, s in enumerate(self.flow.stages)
        ]
        if self.artefact is not None:
            return Prompt(
                session_id=self.session_id,
                flow=self.flow.id,
                kind="done",
                stages=stages,
                text=f"Done. Your {self.flow.title} is saved.",
                stage=None,
                stage_title="Done",
                stage_index=len(self.flow.stages),
                notice=self.notice,
                artefact=self.artefact,
            )
        stage = self.stage
        assert stage is not None
        kind, text = self._question(stage)
        if self.notice and kind == "question" and self.asked_empty:
            kind = "retry"
        tip = self._tip(stage) if kind == "question" else None
        recalls = self.recalls if first else self._stage_recalls(stage, kind)
        if self.awaiting == "thread" and self.echo is not None:
            recalls = list(self.echo.items)
        prompt = Prompt(
            session_id=self.session_id,
            flow=self.flow.id,
            kind=kind,
            text=text,
            stage=stage.id,
            stage_title=stage.title,
            stage_index=self.pos,
            stages=stages,
            notice=self.notice,
            tip=tip,
            recalls=recalls,
            checks=self.checks.get(stage.id, []),
            step=_STEPS.get(self.awaiting, "") if kind != "retry" else "",
        )
        cites = [c for c in [tip.citation if tip else None, *(r.citation for r in recalls)] if c]
        self.store.sessions.add_turn(
            self.session_id, Turn(role="coach", stage=stage.id, text=text, citations=cites)
        )
        return prompt

    def _tip(self, stage: Stage) -> Tip | None:
        if self.retriever is None or not stage.retrieve or stage.id in self._tipped:
            return None
        self._tipped.add(stage.id)
        answer = " ".join(self._said()[-1:])
        tip = self.retriever.tip(stage.retrieve, {t.citation for t in self.tips}, answer)
        if tip:
            self.tips.append(tip)
        return tip

    def _said(self) -> list[str]:
        """The answers that may shape tips and recalls: none written under the safety gate."""
        return [v for k, v in self.answers.items() if k not in self.shielded]

    def _start_recalls(self) -> list[Recall]:
        recalls = []
        for c in self.store.commitments.list(self.profile_id, "open")[:3]:
            made = c.created_at.date() if c.created_at else None
            when = f"On {dates.show_date(made, self.today)}" if made else "Earlier"
            due = f" (due {dates.show_date(c.due, self.today)})" if c.due else ""
            recalls.append(
                Recall(
                    text=f"{when} you committed to: {c.text}{due}.",
                    citation=f"[commitment {made}]",
                    source=f"commitment:{c.id}",
                )
            )
        if self.retriever is not None:
            seen = {r.source for r in recalls}
            recalls += [
                r
                for r in self.retriever.recall(self.flow.recall, self.profile_id, self.session_id)
                if r.source not in seen
            ][:2]
        self.recalls.extend(recalls)
        return recalls

    def _stage_recalls(self, stage: Stage, kind: str) -> list[Recall]:
        if self.retriever is None or kind != "question" or not self.answers or stage.type == "review":
            return []
        said = self._said()
        if not said:
            return []
        last = said[-1]
        shown = {r.source for r in self.recalls}
        found = [
            r
            for r in self.retriever.recall(f"{stage.ask} {last}", self.profile_id, self.session_id)
            if r.source not in shown
        ][:1]
        self.recalls.extend(found)
        return found
