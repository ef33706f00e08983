"""The listening moves on a flow of our own: words carried back, wordings rotated, a deeper question, a named
pattern; none of them fed by words written under the safety gate."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import pytest

from coach.engine import listening
from coach.engine.engine import Engine
from coach.engine.flows import Flow
from coach.store import Store

TODAY = date(2026, 12, 2)

FLOW = {
    "id": "moves",
    "title": "Moves",
    "job": "reflection",
    "description": "A flow for the tests of the coaching moves.",
    "recall": "obstacles",
    "stages": [
        {
            "id": "what",
            "title": "What",
            "ask": "What happened?",
            "asks": ["Tell me what happened.", "Walk me through what happened."],
        },
        {
            "id": "obstacle",
            "title": "Obstacle",
            "patterns": True,
            "ask": "What got in the way?",
            "asks": ["You said “{what}”. What got in the way?", "Looking at “{what}”, what got in the way?"],
            "deepen": ["What would change if “{obstacle}” went away?", "What is really at stake?"],
        },
        {
            "id": "plan",
            "title": "Plan",
            "ask": "What will you do about it?",
            "checks": [
                {
                    "check": "no_if_then",
                    "mode": "replace",
                    "label": "an if-then plan",
                    "ask": "Put it as an if-then plan.",
                    "listen": "Put it in one line: “If {obstacle:if}, then I will …”",
                }
            ],
        },
        {"id": "mood", "title": "Mood", "type": "mood", "ask": "How do you feel, 1 to 5?"},
    ],
    "summary": "# {title}\n\n{what}\n\n{obstacle}\n\n## Again\n{threads}\n\n{plan}\n\n{mood}\n",
}


@dataclass
class FakeEcho:
    text: str
    date: date | None
    citation: str
    source: str


@dataclass
class FakePattern:
    items: list[FakeEcho]
    question: str


@dataclass
class FakeEchoes:
    """Stands in for the embedding-based finder (tested with the real model in test_patterns.py)."""

    pattern: FakePattern | None
    seen: list[str] = field(default_factory=list)

    def find(self, profile_id: int, text: str, *, job: str, exclude_session: int | None, today: date):  # type: ignore[no-untyped-def]
        self.seen.append(text)
        return self.pattern


TWICE = FakePattern(
    items=[
        FakeEcho("the kids were ill all week", date(2026, 11, 12), "[session 2026-11-12]", "session:1"),
        FakeEcho(
            "school runs swallowed my mornings", date(2026, 11, 20), "[session 2026-11-20]", "session:2"
        ),
    ],
    question="Something like this got in the way twice before. What's the common thread?",
)


def flow() -> Flow:
    return Flow.model_validate(FLOW)


def start(store: Store, pid: int, echoes: FakeEchoes | None = None):  # type: ignore[no-untyped-def]
    return Engine.start(store, flow(), pid, today=TODAY, echoes=echoes)


def test_a_question_carries_back_the_persons_own_words(store: Store, profile_id: int) -> None:
    engine, _ = start(store, profile_id)
    prompt = engine.answer("Honestly, I froze when the client asked about the budget. Then it got worse.")
    assert prompt.stage == "obstacle"
    assert "“I froze when the client asked about the budget”" in prompt.text


def test_the_if_then_follow_up_is_prefilled_with_their_obstacle(store: Store, profile_id: int) -> None:
    engine, _ = start(store, profile_id)
    engine.answer("The pitch meeting went badly.")
    engine.answer("My fear of looking stupid in front of the team.")
    prompt = engine.answer("skip it")  # the deeper question
    assert prompt.stage == "plan"
    prompt = engine.answer("Practise more")
    assert prompt.kind == "followup"
    assert (
        prompt.text
        == "Put it in one line: “If my fear of looking stupid in front of the team shows up, then I will …”"
    )
    assert "<" not in prompt.text


def test_a_deeper_question_follows_and_its_answer_joins_the_stage(store: Store, profile_id: int) -> None:
    engine, _ = start(store, profile_id)
    engine.answer("The pitch went badly.")
    prompt = engine.answer("I ran out of time to rehearse.")
    assert prompt.stage == "obstacle" and prompt.step == "a deeper question"
    assert "“I ran out of time to rehearse”" in prompt.text or prompt.text == "What is really at stake?"
    engine.answer("The whole contract, honestly.")
    assert engine.answers["obstacle"] == "I ran out of time to rehearse.\nThe whole contract, honestly."
    for text in ("If I am short of time, then I will rehearse on the train.", "3"):
        prompt = engine.answer(text)
    assert prompt.done and prompt.artefact is not None
    assert "The whole contract, honestly." in prompt.artefact.markdown


def test_a_non_answer_to_the_deeper_question_is_not_stored(store: Store, profile_id: int) -> None:
    engine, _ = start(store, profile_id)
    engine.answer("The pitch went badly.")
    engine.answer("I ran out of time to rehearse.")
    prompt = engine.answer("I don't know")
    assert prompt.stage == "plan"
    assert engine.answers["obstacle"] == "I ran out of time to rehearse."


def test_a_pattern_is_named_with_dates_and_one_question(store: Store, profile_id: int) -> None:
    echoes = FakeEchoes(TWICE)
    engine, _ = start(store, profile_id, echoes)
    engine.answer("The week fell apart.")
    prompt = engine.answer("My son was off school with flu.")
    assert echoes.seen == ["My son was off school with flu."]
    assert prompt.step == "a pattern" and prompt.text == TWICE.question
    assert [r.citation for r in prompt.recalls] == ["[session 2026-11-12]", "[session 2026-11-20]"]
    assert prompt.recalls[0].text == "On 12 Nov you wrote: “the kids were ill all week”"
    engine.answer("Family things land on me and I never plan for them.")
    engine.decline()  # no answer to the deeper question this time
    for text in ("If the kids are ill, then I will move the work to the evening.", "4"):
        prompt = engine.answer(text)
    assert prompt.done and prompt.artefact is not None
    md = prompt.artefact.markdown
    assert "## Again\n**Obstacle:** " + TWICE.question in md
    assert "/pass" not in md
    assert "Family things land on me and I never plan for them." in md
    assert "“school runs swallowed my mornings” [session 2026-11-20]" in md
    assert prompt.artefact.threads[0].answer == "Family things land on me and I never plan for them."


def test_no_pattern_without_echoes_and_never_for_words_under_the_gate(store: Store, profile_id: int) -> None:
    echoes = FakeEchoes(TWICE)
    engine, _ = start(store, profile_id, echoes)
    engine.answer("The week fell apart.")
    prompt = engine.answer("I want to kill myself")
    assert prompt.kind == "safety"
    engine.answer("go on")
    assert echoes.seen == []
    assert "kill" not in " ".join(engine.slot_values().values())


def test_wordings_rotate_across_sessions(store: Store, profile_id: int) -> None:
    seen = []
    for _ in range(3):
        engine, prompt = start(store, profile_id)
        seen.append(prompt.text)
        for text in ("Something happened at work today.", "Time.", "no", "If tired, then I will rest.", "3"):
            prompt = engine.answer(text)
        assert prompt.done
    assert len(set(seen)) == 3, seen


def test_the_wording_stays_fixed_within_a_session_and_on_resume(store: Store, profile_id: int) -> None:
    engine, _ = start(store, profile_id)
    prompt = engine.answer("The launch slipped by a week.")
    asked = prompt.text
    assert engine.back().text != asked  # back to the first stage
    assert engine.answer("The launch slipped by a week.").text == asked
    _, prompt = Engine.resume(store, flow(), engine.session_id, today=TODAY + timedelta(days=7))
    assert prompt.text == asked


def test_resume_reads_dates_as_of_the_day_they_were_typed(store: Store, profile_id: int) -> None:
    data = dict(
        FLOW, stages=[{"id": "when", "title": "When", "type": "date", "ask": "When?"}, FLOW["stages"][0]]
    )
    data["summary"] = "{when} {what}"
    dated = Flow.model_validate(data)
    engine, _ = Engine.start(store, dated, profile_id, today=TODAY)
    engine.answer("Friday")
    first = engine.dates["when"]
    with store.db.tx() as conn:
        conn.execute(
            "UPDATE turns SET created_at = ? WHERE role = 'user'", (datetime(2026, 12, 2, 9).isoformat(),)
        )
    again, _ = Engine.resume(store, dated, engine.session_id, today=TODAY + timedelta(days=9))
    assert again.dates["when"] == first == date(2026, 12, 4)


@pytest.mark.parametrize(
    ("typed", "carried"),
    [
        ("Honestly, I froze. Then more.", "I froze"),
        ("The deadline moved", "the deadline moved"),
        ("Sam [the lead] said no", "Sam [the lead] said no"),
        ("שלום עולם", "שלום עולם"),
        ("🙂 it went fine", "🙂 it went fine"),
        ("a " * 60, ("a " * 60)[:70].rstrip() + "…"),
    ],
)
def test_a_clause_is_cut_from_what_was_typed(typed: str, carried: str) -> None:
    got = listening.clause(typed)
    assert got == carried or (carried.endswith("…") and got.endswith("…") and len(got) <= 71)


def test_feedback_speaks_to_the_mentee() -> None:
    said = listening.to_mentee(
        "In Tuesday's stand-up, Sam interrupted Priya twice. She was late. Sam's notes helped.", "Sam"
    )
    assert said == "In Tuesday's stand-up, you interrupted Priya twice. You were late. Your notes helped."


def test_a_flow_may_only_quote_earlier_answers() -> None:
    bad = dict(FLOW, stages=[dict(FLOW["stages"][0], asks=["You said “{plan}”."]), *FLOW["stages"][1:]])
    with pytest.raises(ValueError, match=r"slot \{plan\} is not an earlier answer"):
        Flow.model_validate(bad)
    odd = dict(
        FLOW, stages=[FLOW["stages"][0], dict(FLOW["stages"][1], asks=["{what:loud}?"]), *FLOW["stages"][2:]]
    )
    with pytest.raises(ValueError, match="unknown form"):
        Flow.model_validate(odd)


def test_skipping_the_deeper_question_keeps_the_answer(store: Store, profile_id: int) -> None:
    engine, _ = start(store, profile_id)
    engine.answer("The pitch went badly.")
    engine.answer("I ran out of time to rehearse.")
    prompt = engine.skip()
    assert prompt.stage == "plan"
    assert engine.answers["obstacle"] == "I ran out of time to rehearse." and "obstacle" not in engine.skipped


@pytest.mark.parametrize(
    ("notes", "said"),
    [
        ("He was checking his phone.\nHe left early.", "You were checking your phone.\nYou left early."),
        ("They missed it. They said their laptop broke.", "You missed it. You said your laptop broke."),
        ("Sam was upset with them.", "You were upset with them."),
        ("Priya presented while she shared her slides.", "Priya presented while she shared her slides."),
    ],
)
def test_pronouns_follow_the_mentee(notes: str, said: str) -> None:
    assert listening.to_mentee(notes, "Sam") == said


def test_the_feedback_draft_has_a_version_said_to_the_mentee(store: Store, profile_id: int) -> None:
    from coach.engine.flows import get_flow

    engine, prompt = Engine.start(store, get_flow("sbi"), profile_id, today=TODAY)
    for text in (
        "Sam",
        "In Tuesday's stand-up with the design team",
        "Sam interrupted Priya twice while she presented the roadmap.",
        "Priya stopped presenting and the team lost the thread.",
        "What was going on for you when Priya was presenting?",
        "",
    ):
        prompt = engine.answer(text)
    assert prompt.done and prompt.artefact is not None
    md = prompt.artefact.markdown
    assert "**Behaviour:** Sam interrupted Priya twice while she presented the roadmap." in md  # as typed
    assert "## Said to Sam\nIn Tuesday's stand-up with the design team  \nYou interrupted Priya twice" in md


def test_a_pattern_is_found_by_meaning_in_a_real_history(coach) -> None:  # type: ignore[no-untyped-def]
    """The real embedding model and store: two earlier reflections name family demands on time in other
    words; the third is told, with their dates, and asked one question."""
    from datetime import UTC, time

    from coach.engine.flows import get_flow
    from coach.models import Session

    store = coach.store
    pid = store.profiles.add("Ana").id or 0
    for day, analysis in (
        (12, "The kids were ill all week."),
        (20, "School runs and childcare swallowed my mornings."),
    ):
        at = datetime.combine(date(2026, 11, day), time(9), tzinfo=UTC)
        store.sessions.start(
            Session(
                profile_id=pid,
                kind="reflection",
                framework="gibbs",
                started_at=at,
                ended_at=at,
                answers={"description": "A week of writing.", "analysis": analysis},
            )
        )
    engine, prompt = Engine.start(store, get_flow("gibbs"), pid, today=TODAY, echoes=coach.echoes)
    while prompt.stage != "analysis":
        prompt = engine.answer(
            {
                "description": "I planned three writing mornings and managed none of them this week.",
                "feelings": "Frustrated and a bit guilty.",
                "evaluation": "The plan was good; the week was not.",
            }.get(prompt.stage or "", "skip")
        )
    prompt = engine.answer("My daughter was off sick so I looked after her.")
    assert prompt.step == "a pattern", prompt.text
    assert [r.citation for r in prompt.recalls] == ["[session 2026-11-12]", "[session 2026-11-20]"]
    assert "12 Nov" in prompt.text and "20 Nov" in prompt.text


def test_a_named_pattern_is_private_to_its_job_in_the_index(store: Store, profile_id: int) -> None:
    """A pattern may quote obstacles from private stages: its section is a private field of the artefact."""
    from coach.engine.flows import get_flow
    from coach.retrieval import privacy

    engine, prompt = Engine.start(store, get_flow("gibbs"), profile_id, today=TODAY, echoes=FakeEchoes(TWICE))
    for _ in range(40):
        stage = engine.stage
        if prompt.done or stage is None:
            break
        if engine.awaiting == "thread":
            prompt = engine.answer("Family weeks always land on me.")
        elif engine.awaiting in ("confirm", "due") or stage.type in ("tags", "link"):
            prompt = engine.decline()
        elif stage.type == "mood":
            prompt = engine.answer("3")
        elif stage.type == "commitments":
            prompt = engine.answer("Plan the week on Sunday by Friday")
        elif stage.id == "analysis" and engine.awaiting == "main":
            prompt = engine.answer("My son was off school with flu.")
        else:
            prompt = engine.answer(
                "Some words about it that are long enough to pass every check there is here."
            )
    assert prompt.artefact is not None
    parts = privacy.split_artefact(prompt.artefact.markdown, [get_flow("gibbs")])
    assert parts is not None
    public, private = parts
    assert "the kids were ill all week" in private and "Family weeks always land on me." in private
    assert "the kids were ill" not in public and "Family weeks" not in public


def test_exports_leave_out_what_was_skipped() -> None:
    from coach.engine.artefacts import tidy

    stored = (
        "# Goal: Run\n\n**Measure:** _(skipped)_\n\n**By:** Friday\n\n## Again\n_(skipped)_\n\n"
        "## First steps\n- Email Sam [today]\n\nMood: 4/5 · Tags: _(skipped)_ · Linked to: _(skipped)_\n"
    )
    tidied = "# Goal: Run\n\n**By:** Friday\n\n## First steps\n- Email Sam [today]\n\nMood: 4/5\n"
    assert tidy(stored) == tidied
