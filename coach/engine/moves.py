"""The coach's listening moves, for every stage kind: the person's words carried back into the question,
wordings rotated between sessions, a pattern named when an obstacle keeps coming back, a deeper question."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from coach import dates
from coach.engine import listening
from coach.engine.gate import Awaiting
from coach.engine.results import Echoes, Recall, Thread

if TYPE_CHECKING:
    from coach.engine.flows import Check, Flow, Stage
    from coach.store import Store

RECENT_SESSIONS = 3
"""How many of the person's last sessions of a flow a wording should not repeat from."""


def _when(day: date | None, today: date) -> str:
    return f"On {dates.show_date(day, today)}" if day else "Before"


class Moves:
    """Mixed into Engine, whose state it reads and writes."""

    store: Store
    flow: Flow
    profile_id: int
    session_id: int
    today: date
    awaiting: Awaiting
    answers: dict[str, str]
    shielded: set[str]
    links: dict[str, int]
    echoes: Echoes | None
    worded: dict[str, str]
    echo: Thread | None
    _recent: dict[str, list[str]] | None
    _moves: set[tuple[str, str]]

    if TYPE_CHECKING:

        def _advance(self) -> None: ...

    # --- after an answer stands ----------------------------------------------------------------
    def _settle(self, stage: Stage) -> None:
        """A text answer stands (its checks done): name a pattern if one shows, ask one deeper question if
        the stage has a bank, then move on. Each move is made once per stage."""
        if ("thread", stage.id) not in self._moves:
            self._moves.add(("thread", stage.id))
            echo = self._pattern(stage)
            if echo is not None:
                self.echo, self.awaiting = echo, "thread"
                return
        if stage.deepen and ("deepen", stage.id) not in self._moves:
            self._moves.add(("deepen", stage.id))
            self.awaiting = "deepen"
            return
        self._advance()

    def _pattern(self, stage: Stage, said: str | None = None) -> Thread | None:
        """Earlier obstacles or causes like this answer (or what got in the way of a commitment), by
        meaning: two or more make a pattern."""
        text = self.answers.get(stage.id, "") if said is None else said
        if not stage.patterns or self.echoes is None or stage.id in self.shielded or not text.strip():
            return None
        try:
            found = self.echoes.find(
                self.profile_id, text, job=self.flow.job, exclude_session=self.session_id, today=self.today
            )
        except Exception:  # a pattern is a bonus: the conversation goes on without one
            return None
        if found is None or not found.items:
            return None
        items = [
            Recall(
                text=f"{_when(e.date, self.today)} you wrote: “{e.text}”",
                citation=e.citation,
                source=e.source,
            )
            for e in found.items
        ]
        quotes = [e.text for e in found.items]
        return Thread(stage=stage.id, title=stage.title, question=found.question, items=items, quotes=quotes)

    # --- wording ---------------------------------------------------------------------------------
    def wording(self, stage: Stage) -> str:
        """The stage's question as asked this time: a wording that carries back the person's words when
        one can be filled, rotated so that the last few sessions' wording is not repeated. Fixed once
        chosen, so going back (or coming back next week) shows the same question."""
        if stage.id not in self.worded:
            self.worded[stage.id] = self._choose([stage.ask, *stage.asks], stage.id)
        return self.worded[stage.id]

    def deeper(self, stage: Stage) -> str:
        key = f"{stage.id}:deepen"
        if key not in self.worded:
            self.worded[key] = self._choose(stage.deepen, stage.id)
        return self.worded[key]

    def followup_wording(self, stage: Stage, check: Check) -> str | None:
        """The follow-up with the person's words in it (their obstacle in an if-then plan), or None."""
        if not check.listen:
            return None
        return listening.render(check.listen, self.slot_values())

    def _choose(self, templates: list[str], stage_id: str) -> str:
        values = self.slot_values()
        usable = [(t, r) for t in templates if (r := listening.render(t, values))]
        if not usable:
            return templates[0] if templates else ""
        carrying = [(t, r) for t, r in usable if listening.slots(t)]
        pool = carrying or usable
        asked = self.recent_asks().get(stage_id, [])  # newest first

        def age(template: str) -> int:
            head = listening.literal_head(template)
            for n, text in enumerate(asked):
                if head and head in text:
                    return n
            return len(asked) + 1  # not asked lately: the first choice

        return max(pool, key=lambda pair: (age(pair[0]), -pool.index(pair)))[1]

    def slot_values(self) -> dict[str, str]:
        """What a question may carry back: this conversation's answers (none written under the safety
        gate), a feeling they named, and the goal in focus."""
        values = {k: v for k, v in self.answers.items() if k not in self.shielded and v.strip()}
        about = [v for k, v in values.items() if "feel" in k]  # a stage that asks how they felt
        feeling = listening.feeling(about, [v for k, v in values.items() if "feel" not in k])
        if feeling:
            values["feeling"] = feeling
        goal = values.get("goal") or self._goal_in_focus()
        if goal:
            values["goal"] = goal
        return values

    def _goal_in_focus(self) -> str:
        goal_id = self.links.get("goal")
        goals = self.store.goals.list(self.profile_id)
        for goal in goals:
            if goal.id == goal_id:
                return goal.title
        active = [g for g in goals if g.status == "active"]
        return active[0].title if active else ""

    def recent_asks(self) -> dict[str, list[str]]:
        """The questions the coach asked at each stage in the person's last few sessions of this flow."""
        if self._recent is None:
            self._recent = {}
            earlier = [
                s
                for s in self.store.sessions.list(self.profile_id)
                if s.framework == self.flow.id and s.id != self.session_id
            ][:RECENT_SESSIONS]
            for session in earlier:
                for turn in self.store.sessions.turns(session.id or 0):
                    if turn.role == "coach" and turn.stage:
                        self._recent.setdefault(turn.stage, []).append(turn.text)
        return self._recent
