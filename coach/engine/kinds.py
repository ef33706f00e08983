"""Stage kinds: one class per kind of stage, found by the flow file's `type`.

A kind says how its stage starts (enter), takes an answer (consume), words its main question (question),
passes over part of itself on a skip, and which template fields it fills. A coaching move added to the engine
(a pattern, a deeper question, the person's words carried back) then works for every kind at once."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, ClassVar

from coach import dates, safety
from coach.engine import answers as parse
from coach.errors import InputError

if TYPE_CHECKING:
    from coach.engine.engine import Engine
    from coach.engine.flows import Stage


class StageKind:
    name: ClassVar[str]
    fields: ClassVar[tuple[str, ...]] = ()
    """Template fields this kind fills instead of the stage's id (the commitments confirmed, with dates)."""
    shareable: ClassVar[frozenset[str]] = frozenset()
    """Fields derived from a private stage of this kind but safe to share: the statuses alone."""
    multiline: ClassVar[bool] = False
    """One item per line: the CLI reads until an empty line."""
    free: ClassVar[bool] = False
    """Free text: a configured model may word the question itself."""

    def enter(self, engine: Engine, stage: Stage) -> None:
        """The stage has just become the current one."""

    def consume(self, engine: Engine, stage: Stage, text: str) -> None:
        raise NotImplementedError

    def question(self, engine: Engine, stage: Stage) -> str:
        return engine.wording(stage)

    def skip_part(self, engine: Engine, stage: Stage) -> bool:
        """A skip passes over part of the stage only (one review item): True when it did."""
        return False

    def decline(self, engine: Engine, stage: Stage) -> None:
        """No answer to the main question: the stage is left skipped."""
        engine._skip()

    def display(self, engine: Engine, stage: Stage) -> str | None:
        """How the answer shows in the artefact when it is not the text as typed (a mood as 4/5)."""
        return None


class TextKind(StageKind):
    name = "text"
    free = True

    def consume(self, engine: Engine, stage: Stage, text: str) -> None:
        engine.answers[stage.id] = text
        engine._judge(stage)
        engine.pending = [c for c in stage.checks if not engine._passed(stage, c)]
        if engine.pending:
            engine.awaiting = "followup"
        else:
            engine._settle(stage)


class MoodKind(StageKind):
    name = "mood"

    def consume(self, engine: Engine, stage: Stage, text: str) -> None:
        engine.mood = parse.mood(text)
        engine.answers[stage.id] = str(engine.mood)
        engine._advance()
        if engine.mood == 1 and not engine._mood_checked:  # once a session, brief and kind
            engine._mood_checked = True
            engine.notice = safety.mood_checkin(engine.region).strip()

    def display(self, engine: Engine, stage: Stage) -> str | None:
        return f"{engine.mood}/5" if engine.mood else ""


class TagsKind(StageKind):
    name = "tags"

    def consume(self, engine: Engine, stage: Stage, text: str) -> None:
        engine.tags = parse.tags(text)
        engine.answers[stage.id] = ", ".join(engine.tags)
        engine._advance()

    def display(self, engine: Engine, stage: Stage) -> str | None:
        return ", ".join(engine.tags)


class DateKind(StageKind):
    name = "date"

    def consume(self, engine: Engine, stage: Stage, text: str) -> None:
        engine.dates[stage.id] = engine._future_date(text, allow_past=stage.past)
        engine.answers[stage.id] = engine.dates[stage.id].isoformat()
        engine._advance()


def _dated_items(engine: Engine, text: str, *, moved_refused: bool) -> list[parse.Proposal]:
    """Items one per line with the date each names; any date that cannot be used refuses them all. A date
    moved to the likely one ("30 Nov has passed") is refused too where nothing asks the person to confirm."""
    found, problems = parse.proposals(text, engine.today)
    if moved_refused:
        problems += [f"'{m.text[:60]}': {m.moved}" for m in found if m.moved and m.due]
    if problems:
        raise InputError("; ".join(problems))
    return found


class MilestonesKind(StageKind):
    name = "milestones"
    fields = ("milestones",)
    multiline = True

    def consume(self, engine: Engine, stage: Stage, text: str) -> None:
        engine.milestones = _dated_items(engine, text, moved_refused=True)  # no confirm step to accept a move
        engine.answers[stage.id] = text
        engine._advance()


class CommitmentsKind(StageKind):
    name = "commitments"
    fields = ("commitments",)
    multiline = True

    def consume(self, engine: Engine, stage: Stage, text: str) -> None:
        engine.proposals = _dated_items(engine, text, moved_refused=False)
        engine.answers[stage.id] = text
        engine._after_proposals()


class ConfirmKind(StageKind):
    """A stage of its own for a yes-or-no question."""

    name = "confirm"

    def consume(self, engine: Engine, stage: Stage, text: str) -> None:
        engine.answers[stage.id] = text
        engine._advance()


class ReviewKind(StageKind):
    """Each open commitment due by the meeting, one at a time: done, partial, missed or not due yet."""

    name = "review"
    fields = ("review", "review_card")
    shareable = frozenset({"review_card"})

    def enter(self, engine: Engine, stage: Stage) -> None:
        items = engine._open_commitments()
        by = engine.dates.get("meeting_date", engine.today)  # what was due by the meeting, overdue included
        engine.review = [i for i in items if i.due is None or i.due <= by]
        engine.not_due = [i for i in items if i.due is not None and i.due > by]
        engine.review_pos = 0
        if not engine.review:
            engine.notice = stage.none_due if engine.not_due else stage.none_open
            engine._advance()

    def consume(self, engine: Engine, stage: Stage, text: str) -> None:
        item = engine.review[engine.review_pos]
        if engine.awaiting == "renegotiate":
            engine._renegotiate(item, text)
            return
        said, off = parse.off_card(text)
        item.status, item.obstacle = parse.review_status(said)
        item.on_card = not off
        engine.answers[stage.id] = "\n".join(f"{i.text}: {i.status}" for i in engine.review if i.status)
        engine._reviewed(stage, item)

    def question(self, engine: Engine, stage: Stage) -> str:
        item = engine.review[engine.review_pos]
        if engine.awaiting == "renegotiate" and stage.renegotiate is not None:
            more = item.choice.question() if item.choice is not None else None
            return more or f"{stage.renegotiate.ask}\n'{item.text}'"
        due = f" (due {dates.show_date(item.due, engine.today)})" if item.due else ""
        count = f"[{engine.review_pos + 1}/{len(engine.review)}] "
        card = " Add 'off the card' to keep it off the shared card." if item.for_group else ""
        return f"{count}{stage.ask}{card}\n'{item.text}'{due}"

    def skip_part(self, engine: Engine, stage: Stage) -> bool:
        if engine.awaiting == "renegotiate":  # the item stands as reviewed, with no choice made
            engine.awaiting = "main"
            engine._reviewed(stage, engine.review[engine.review_pos])
            return True
        if engine.review_pos >= len(engine.review):
            return False
        engine.review_pos += 1  # a skip in the review passes over one item, not the whole review
        if engine.review_pos < len(engine.review):
            return True
        if any(i.status for i in engine.review):
            engine._advance()
            return True
        return False

    def decline(self, engine: Engine, stage: Stage) -> None:
        if engine.awaiting == "renegotiate":
            self.skip_part(engine, stage)
            return
        if not engine.review:
            engine._skip()
            return
        engine.review_pos += 1  # this item only: the others are still asked
        if engine.review_pos >= len(engine.review):
            engine._advance()


_LINK_FILLER = {"a", "an", "the", "to", "at", "of", "for", "my", "in", "on", "and", "with", "by"} | {
    "goal",
    "about",
}


def _meaningful(text: str) -> set[str]:
    """The words of a name that identify it (not "the", "my", "goal")."""
    return set(re.findall(r"\w+", text)) - _LINK_FILLER


class LinkKind(StageKind):
    """Link the session to a goal or a meeting the person names: by id, #id, or words that are all in its
    title ("running" finds "Get better at running"; "learn Spanish" does not find "Learn to cook")."""

    name = "link"

    def consume(self, engine: Engine, stage: Stage, text: str) -> None:
        want = text.strip().lower().lstrip("#")
        words = _meaningful(want)
        goals = engine.store.goals.list(engine.profile_id)
        found = [g for g in goals if want == str(g.id)] or [
            g for g in goals if words and words <= _meaningful(g.title.lower())
        ]
        if len(found) == 1:
            goal = found[0]
            engine.links["goal"] = goal.id or 0
            engine.answers[stage.id] = f"Goal: {goal.title}"
            engine._advance()
            return
        if len(found) > 1:
            names = "; ".join(f"#{g.id} {g.title}" for g in found[:4])
            raise InputError(f"more than one goal matches ({names}): say which, by its number")
        meetings = [
            m
            for m in engine.store.meetings.list(engine.profile_id)
            if words and words <= _meaningful(m.group_name.lower())
        ]
        if meetings:
            meeting = meetings[0]  # the most recent meeting of that group
            engine.links["meeting"] = meeting.id or 0
            engine.answers[stage.id] = f"Meeting: {meeting.group_name} {meeting.date}"
            engine._advance()
            return
        raise InputError(f"no goal or meeting matches '{text.strip()[:40]}'; name another, or leave it empty")


KINDS: dict[str, StageKind] = {
    k.name: k()
    for k in (
        TextKind,
        MoodKind,
        DateKind,
        TagsKind,
        CommitmentsKind,
        ReviewKind,
        MilestonesKind,
        ConfirmKind,
        LinkKind,
    )
}


def kind_of(name: str) -> StageKind:
    """The kind registered under this name; an unknown one names the valid choices."""
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"unknown stage type '{name}'; valid types: {', '.join(sorted(KINDS))}") from None
