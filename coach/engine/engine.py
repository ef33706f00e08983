"""The engine: one state machine over a flow's stages; every answer is saved as it is given."""

from __future__ import annotations

from datetime import date

from pydantic import ValidationError

from coach import dates, safety
from coach.dates import read_due
from coach.engine import answers as parse
from coach.engine.answers import Proposal, ReviewItem
from coach.engine.checks import CheckResult, run_check
from coach.engine.flows import Check, Flow, Stage
from coach.engine.gate import Awaiting, SafetyGate
from coach.engine.kinds import kind_of
from coach.engine.moves import Moves
from coach.engine.nonanswers import is_non_answer
from coach.engine.prompting import Prompting
from coach.engine.renegotiate import read_choice
from coach.engine.results import Artefact, Echoes, Prompt, Recall, Retriever, Thread, Tip
from coach.errors import InputError
from coach.models import Commitment, Session, Turn
from coach.store import Store

CONTROL = {"/back": "back", "/skip": "skip", "/pass": "decline"}


_NUMBERS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def _in_words(n: int) -> str:
    return _NUMBERS[n] if n < len(_NUMBERS) else str(n)


class Engine(SafetyGate, Prompting, Moves):
    """Runs one flow for one profile. Build with Engine.start() or Engine.resume()."""

    def __init__(
        self,
        store: Store,
        flow: Flow,
        profile_id: int,
        session_id: int,
        retriever: Retriever | None = None,
        today: date | None = None,
        region: str | None = None,
        echoes: Echoes | None = None,
    ) -> None:
        self.store, self.flow, self.profile_id, self.session_id = store, flow, profile_id, session_id
        self.echoes = echoes
        self.region = region or safety.DEFAULT_REGION
        self.retriever = retriever
        self.today = today or date.today()
        self.pos = 0
        self.awaiting: Awaiting = "main"
        self.answers: dict[str, str] = {}
        self.skipped: set[str] = set()
        self.pending: list[Check] = []
        self.asked_empty = False
        self.notice = ""
        self.proposals: list[Proposal] = []
        self.review: list[ReviewItem] = []
        self.review_pos = 0
        self.not_due: list[ReviewItem] = []  # open commitments due after the meeting: listed, not reviewed
        self.mood: int | None = None
        self.tags: list[str] = []
        self.milestones: list[Proposal] = []
        self.dates: dict[str, date] = {}
        self.links: dict[str, int] = {}
        self.followups: list[str] = []
        self.unanswered: list[str] = []
        self.checks: dict[str, list[CheckResult]] = {}
        self.tips: list[Tip] = []
        self.recalls: list[Recall] = []
        self.artefact: Artefact | None = None
        self._tipped: set[str] = set()
        # the safety gate: what it saw, where the flow stood, and what the person wrote under it
        self.crisis: safety.SafetyHit | None = None
        self.paused = False
        self.shielded: set[str] = set()  # stage ids whose answer came under the gate: never tips or a model
        self.kept: list[
            tuple[str, str]
        ] = []  # (stage title, text) written under the gate outside a text stage
        self._before_crisis: Awaiting = "main"
        self._gate_hint = False
        self._mood_checked = False
        self.scaffolding = False  # the smaller question after "I don't know" is showing
        self.refused: str | None = None  # why the last answer was not taken (for scripted runs)
        self.suggested: date | None = None  # the date offered for a past one, taken on a yes
        # listening: the wording chosen per stage, the moves made, the patterns named
        self.worded: dict[str, str] = {}
        self._recent: dict[str, list[str]] | None = None
        self._moves: set[tuple[str, str]] = set()
        self.echo: Thread | None = None  # the pattern whose question is showing
        self.threads: list[Thread] = []
        self.first_said: dict[str, str] = {}  # a stage's answer before a deeper question added to it
        self._enter_stage()

    # --- construction -------------------------------------------------------------------------
    @classmethod
    def start(
        cls,
        store: Store,
        flow: Flow,
        profile_id: int,
        retriever: Retriever | None = None,
        today: date | None = None,
        region: str | None = None,
        echoes: Echoes | None = None,
    ) -> tuple[Engine, Prompt]:
        earlier = store.sessions.list(profile_id, limit=1)
        session = store.sessions.start(Session(profile_id=profile_id, kind=flow.job, framework=flow.id))
        engine = cls(store, flow, profile_id, session.id or 0, retriever, today, region, echoes)
        if earlier and earlier[0].safety:  # the last time was very hard: a gentle word before anything else
            engine.notice = safety.next_start_checkin().strip()
        if retriever is not None:
            engine.recalls = engine._start_recalls()
        return engine, engine._prompt(first=True)

    @classmethod
    def resume(
        cls,
        store: Store,
        flow: Flow,
        session_id: int,
        retriever: Retriever | None = None,
        today: date | None = None,
        region: str | None = None,
        echoes: Echoes | None = None,
    ) -> tuple[Engine, Prompt]:
        """Rebuild the state by replaying the saved answers, then ask where the user left off.

        Each answer is read as of the day it was typed: "Friday" said last week stays last week's Friday."""
        session = store.sessions.get(session_id)
        engine = cls(store, flow, session.profile_id, session_id, retriever, today, region, echoes)
        now = engine.today
        for turn in session.turns:
            engine.today = turn.created_at.date() if turn.created_at else now
            if turn.role == "coach" and turn.stage:
                engine.worded.setdefault(turn.stage, turn.text)  # the wording they saw stays
            if turn.role == "user":
                engine._consume(turn.text)
            elif turn.role == "system" and turn.text in CONTROL:
                getattr(engine, f"_{CONTROL[turn.text]}")()
        engine.today = now
        if engine.awaiting == "safety":  # they paused (or left) at the gate: coming back means going on
            engine._go_on()
            engine.notice = safety.next_start_checkin().strip()
        else:
            engine.notice = "Welcome back: picking up where you left off."
        return engine, engine._prompt()

    @staticmethod
    def unfinished(store: Store, profile_id: int, flow_id: str) -> Session | None:
        for session in store.sessions.list(profile_id):
            if session.framework == flow_id and session.ended_at is None:
                return session
        return None

    # --- the three things a user can do ---------------------------------------------------------
    def answer(self, text: str) -> Prompt:
        self.refused = None
        if self.artefact is not None or self.paused:
            return self._prompt()
        try:
            self.store.sessions.add_turn(self.session_id, Turn(role="user", stage=self.stage_id, text=text))
        except ValidationError as exc:  # too long or a NUL: nothing stored, ask again
            reason = exc.errors()[0].get("ctx", {}).get("error") or exc.errors()[0]["msg"]
            self.notice = self.refused = f"That answer could not be saved: {reason}."
            return self._prompt()
        self._consume(text)
        return self._prompt()

    def back(self) -> Prompt:
        self.store.sessions.add_turn(self.session_id, Turn(role="system", stage=self.stage_id, text="/back"))
        self._back()
        return self._prompt()

    def skip(self) -> Prompt:
        self.store.sessions.add_turn(self.session_id, Turn(role="system", stage=self.stage_id, text="/skip"))
        self._skip()
        return self._prompt()

    def decline(self) -> Prompt:
        """No answer to a follow-up (or a review item): note it and move on, keeping the main answer."""
        self.store.sessions.add_turn(self.session_id, Turn(role="system", stage=self.stage_id, text="/pass"))
        self._decline()
        return self._prompt()

    # --- state ---------------------------------------------------------------------------------
    @property
    def finished(self) -> bool:
        return self.pos >= len(self.flow.stages)

    @property
    def stage(self) -> Stage | None:
        return None if self.finished else self.flow.stages[self.pos]

    @property
    def stage_id(self) -> str | None:
        return self.stage.id if self.stage else None

    def _back(self) -> None:
        self.pos = max(0, min(self.pos, len(self.flow.stages)) - 1)
        self._enter_stage()

    def _skip(self) -> None:
        stage = self.stage
        if self.awaiting in ("deepen", "thread"):  # the answer stands: only the extra question is passed
            self._decline()
            return
        if (
            stage is not None
            and self.awaiting in ("main", "renegotiate")
            and kind_of(stage.type).skip_part(self, stage)
        ):
            return
        if self.stage:
            self.skipped.add(self.stage.id)
            self.answers.pop(self.stage.id, None)
        self._advance()

    def _decline(self) -> None:
        stage = self.stage
        if stage is None:
            return
        self.notice = ""
        if self.awaiting == "followup":
            self.unanswered.append(self.pending.pop(0).ask)
            if not self.pending:
                self._advance()
        elif self.awaiting == "due":
            missing = next(p for p in self.proposals if p.due is None and not p.undated)
            missing.undated = True
            self.unanswered.append(f"By when: {missing.text}")
            self._after_proposals()
        elif self.awaiting == "confirm":
            self._advance()
        elif self.awaiting in ("deepen", "thread"):
            self.unanswered.append(self._question(stage)[1])
            if self.awaiting == "thread" and self.echo is not None:
                self.threads.append(self.echo)  # named, and left unanswered
                self.echo = None
                self._after_thread(stage)
            else:
                self._settle(stage)
        else:
            kind_of(stage.type).decline(self, stage)

    def _advance(self) -> None:
        self.pos += 1
        self._enter_stage()
        if self.finished:
            from coach.engine.artefacts import finish

            self.artefact = finish(self)

    def _enter_stage(self) -> None:
        self.awaiting, self.pending, self.asked_empty, self.scaffolding = "main", [], False, False
        stage = self.stage
        if stage is None:
            return
        self.skipped.discard(stage.id)
        kind_of(stage.type).enter(self, stage)

    def _open_commitments(self) -> list[ReviewItem]:
        items = self.store.commitments.list(self.profile_id, "open")
        group = (self.answers.get("group") or "").strip().casefold()
        return [
            ReviewItem(
                commitment_id=c.id or 0,
                text=c.text,
                due=c.due,
                for_group=bool(group) and self._made_for(c, group),
            )
            for c in items
            if c.made_in_session_id != self.session_id
        ]

    def _made_for(self, commitment: Commitment, group: str) -> bool:
        """Made in a session for this group: its prep, or a reflection linked to one of its meetings."""
        if commitment.made_in_session_id is None:
            return False
        session = self.store.sessions.get(commitment.made_in_session_id, with_turns=False)
        if session.meeting_id is None:
            return False
        return self.store.meetings.get(session.meeting_id).group_name.strip().casefold() == group

    def _consume(self, text: str) -> None:
        """Apply one answer to the state (used live and when replaying a saved session)."""
        stage = self.stage
        if stage is None:
            return
        self.notice = ""
        # the safety gate comes before every check, parse and model call
        if self.awaiting == "safety":
            self._at_the_gate(stage, text)
            return
        hit = safety.screen(text) if text.strip() else None
        if hit is not None:
            self._crisis(stage, text, hit)
            return
        if not text.strip():
            if self.asked_empty or stage.optional:
                self.notice = "Skipped." if not stage.optional else ""
                self._skip()
            else:
                self.asked_empty = True
                self.notice = "I didn't catch an answer. Try again, or send an empty answer to skip this one."
            return
        self.asked_empty = False
        if is_non_answer(text) and self.awaiting != "confirm":
            self._no_answer_yet(stage)
            return
        self.scaffolding = False
        try:
            self._dispatch(stage, text)
        except InputError as exc:
            said = str(exc) if str(exc).endswith((".", "?", "!")) else f"{exc}."
            self.notice = self.refused = said[:1].upper() + said[1:]

    def _dispatch(self, stage: Stage, text: str) -> None:
        if self.awaiting == "followup":
            asked = self.pending.pop(0)
            before = self.answers.get(stage.id, "")
            if asked.into:  # the answer refines a field of its own (the goal's measure)
                self.answers[asked.into] = text
            else:
                self.answers[stage.id] = text if asked.mode == "replace" else f"{before}\n{text}".strip()
            self.followups.append(asked.ask)
            # the checks still to ask are judged again on the answer as it now stands
            self._judge(stage)
            self.pending = [c for c in self.pending if not self._passed(stage, c)]
            if not self.pending:
                self._settle(stage)
            return
        if self.awaiting == "deepen":  # the answer grows; the share-safe card keeps the first one
            self.followups.append(self._question(stage)[1])
            self.first_said[stage.id] = self.answers.get(stage.id, "")
            self.answers[stage.id] = f"{self.answers.get(stage.id, '')}\n{text}".strip()
            self._settle(stage)
            return
        if self.awaiting == "thread" and self.echo is not None:
            self.threads.append(self.echo.model_copy(update={"answer": text}))
            self.echo = None
            self._after_thread(stage)
            return
        if self.awaiting == "due":
            missing = next(p for p in self.proposals if p.due is None and not p.undated)
            missing.due = self._future_date(text)
            self._after_proposals()
            return
        if self.awaiting == "confirm":
            if parse.is_yes(text):
                self._advance()
                return
            if parse.is_no(text):
                self.proposals = []
                self._advance()
                return
        kind_of(stage.type).consume(self, stage, text)

    def _no_answer_yet(self, stage: Stage) -> None:
        """ "I don't know" is never a record: a smaller question once, then the stage is left skipped."""
        if self.awaiting in ("followup", "due", "deepen", "thread") or stage.type == "review":
            self._decline()  # the main answer (or the other review items) stands
            return
        if self.scaffolding or stage.optional or stage.type in ("mood", "confirm"):
            self.notice = "" if stage.optional else "Skipped for now; you can come back to it later."
            self._skip()
            return
        self.scaffolding = True

    def _judge(self, stage: Stage) -> None:
        text = self.answers.get(stage.id, "")
        self.checks[stage.id] = [
            run_check(
                c.check,
                c.label,
                f"{text}\n{self.answers.get(c.into, '')}".strip() if c.into else text,
                c.min_words,
            )
            for c in stage.checks
        ]

    def _passed(self, stage: Stage, check: Check) -> bool:
        return next(r.ok for r in self.checks[stage.id] if r.check == check.check)

    def _future_date(self, text: str, allow_past: bool = False) -> date:
        """A date from an answer; a past one is refused with the likely date, which a yes accepts."""
        suggested, self.suggested = self.suggested, None
        if suggested is not None and parse.is_yes(text):
            return suggested
        try:
            return dates.parse_date(text, today=self.today, allow_past=allow_past)
        except dates.PastDateError as exc:
            self.suggested = exc.suggestion
            more = " Say yes to use it, or give another date." if exc.suggestion else ""
            raise InputError(f"{exc}{more}") from None

    def _after_proposals(self) -> None:
        self.awaiting = "due" if any(p.due is None and not p.undated for p in self.proposals) else "confirm"

    def _reviewed(self, stage: Stage, item: ReviewItem) -> None:
        """One review item has its status. One that slipped is offered keep, shrink or drop first; then on
        to the next item, or past the review (saying so when several slipped)."""
        named = ("thread", f"review:{item.commitment_id}")  # what got in the way, like earlier obstacles?
        if item.obstacle and self.awaiting == "main" and named not in self._moves:
            self._moves.add(named)
            echo = self._pattern(stage, item.obstacle)
            if echo is not None:
                self.echo, self.awaiting = echo, "thread"
                return
        offer = ("renegotiate", str(item.commitment_id))
        if item.slipped and stage.renegotiate and offer not in self._moves:
            self._moves.add(offer)  # offered once: passing on it leaves the item as reviewed
            self.awaiting = "renegotiate"
            return
        self.awaiting = "main"
        self.review_pos += 1
        if self.review_pos < len(self.review):
            return
        slipped = [i for i in self.review if i.slipped]
        self._advance()
        words = stage.renegotiate
        if len(slipped) >= 2 and words is not None and words.slipped:
            reviewed = len([i for i in self.review if i.status])
            every = words.all_slipped if len(slipped) == reviewed and words.all_slipped else words.slipped
            said = every.format(slipped=_in_words(len(slipped)), reviewed=_in_words(reviewed))
            self.notice = f"{said[:1].upper()}{said[1:]} {self.notice}".strip()

    def _next_item_said(self, item: ReviewItem, text: str) -> bool:
        """No choice, but the next item's status ("done", as a script or a hurried person says it): the
        choice is passed over and the answer taken for the next item."""
        stage = self.stage
        if stage is None or self.review_pos + 1 >= len(self.review):
            return False
        try:
            parse.review_status(parse.off_card(text)[0])
        except InputError:
            return False
        self.awaiting = "main"
        self._reviewed(stage, item)
        kind_of(stage.type).consume(self, stage, text)
        return True

    def _after_thread(self, stage: Stage) -> None:
        """The pattern's question answered (or passed): the review goes on with its item, a text stage
        with its deeper question or the next stage."""
        self.awaiting = "main"
        if stage.type == "review" and self.review_pos < len(self.review):
            self._reviewed(stage, self.review[self.review_pos])
        else:
            self._settle(stage)

    def _renegotiate(self, item: ReviewItem, text: str) -> None:
        """Keep, shrink or drop for an item that slipped; a missing date or smaller version is asked for."""
        choice = item.choice
        if choice is None:
            try:
                item.choice = read_choice(text, self.today)
            except InputError:
                if self._next_item_said(item, text):
                    return
                raise
        elif choice.kind == "shrink" and choice.text is None:
            said = text.strip()
            item.choice = choice.model_copy(update={"text": said, "due": read_due(said, today=self.today)})
        else:
            item.choice = choice.model_copy(update={"due": self._future_date(text)})
        if item.choice.question() is None:
            stage = self.stage
            assert stage is not None
            self._reviewed(stage, item)
