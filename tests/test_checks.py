"""The SBI intent-question checks (open, not leading, not accusing) and feelings told apart from thoughts."""

from __future__ import annotations

from datetime import date

import pytest

from coach.engine.checks import CHECKS, run_check
from coach.engine.engine import Engine
from coach.engine.flows import get_flow
from coach.store import Store

TODAY = date(2026, 11, 21)
QUESTION_CHECKS = ["accusing_question", "judgement", "absolutes", "leading_question", "closed_question"]

# each question with the checks it must fail; every other check of the intent stage must pass
INTENT_QUESTIONS = [
    ("What was going on for you when the demo started late?", set()),
    ("How did it look from your side?", set()),
    ("Tell me about what happened before the client call.", set()),
    ("Sam, what were you aiming for there?", set()),
    ("From your side, how did the handover go?", set()),
    ("Is there something I am missing?", set()),  # an invitation, as the SBI note suggests
    ("Can you walk me through what happened with the slides?", set()),  # a polite invitation
    ("Can I ask what was going on for you in the call?", set()),
    ("What made it difficult for you to finish on time?", set()),  # the task was difficult, not the person
    ("What did you find difficult about the handover?", set()),
    ("Why did you choose to present the old figures?", set()),  # a plain why about a choice
    ("Did you prepare for the demo?", {"closed_question"}),
    ("Are you aware the report was late?", {"closed_question"}),
    ("Can you be on time next week?", {"closed_question"}),
    ("I wonder if you ran out of time?", {"closed_question"}),
    ("In the demo, did you feel rushed?", {"closed_question"}),
    ("What happened? Did you forget?", {"closed_question"}),
    ("Why are you always so lazy?", {"accusing_question", "judgement", "absolutes"}),
    ("Why did you interrupt Sam again?", {"accusing_question"}),
    ("Why didn’t you tell me the numbers were wrong?", {"accusing_question"}),  # a curly apostrophe
    ("Why are you so quiet in meetings?", {"accusing_question"}),
    ("How come you never ask for help?", {"accusing_question", "absolutes"}),
    ("What were you thinking?", {"accusing_question"}),
    ("How could you be so careless with the client's data?", {"accusing_question", "judgement"}),
    ("You are always late.", {"accusing_question", "absolutes", "closed_question"}),
    ("Don't you think you should have prepared more?", {"leading_question", "closed_question"}),
    ("Wouldn't it be better to send the deck the day before?", {"leading_question", "closed_question"}),
    ("Shouldn't you have checked the figures first?", {"leading_question", "closed_question"}),
    ("Have you tried blocking time in your calendar?", {"leading_question", "closed_question"}),
    ("You knew the deadline was Monday, right?", {"leading_question", "closed_question"}),
    ("The client was upset, wasn't she?", {"leading_question", "closed_question"}),
    ("Why not just ask for help next time?", {"leading_question"}),
]


@pytest.mark.parametrize(("question", "fails"), INTENT_QUESTIONS)
def test_intent_questions(question: str, fails: set[str]) -> None:
    failed = {name for name in QUESTION_CHECKS if not run_check(name, name, question).ok}
    assert failed == fails


def test_every_finding_says_what_is_wrong_and_how_to_ask_instead() -> None:
    lazy = {name: run_check(name, name, "Why are you always so lazy?") for name in QUESTION_CHECKS}
    assert "'why ... lazy'" in lazy["accusing_question"].message
    assert "defensive" in lazy["accusing_question"].message
    assert "What was going on for you when" in lazy["accusing_question"].suggestion
    closed = run_check("closed_question", "", "Did you prepare for the demo?")
    assert closed.message == "can be answered yes or no ('Did you prepare for the demo?')"
    assert "What" in closed.suggestion and "How" in closed.suggestion
    statement = run_check("closed_question", "", "You were late to the demo.")
    assert statement.message == "it is a statement, not a question"
    leading = run_check("leading_question", "", "Don't you think you should have prepared more?")
    assert leading.message == "leads to an answer ('don't you think')" and leading.suggestion


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("I felt that the agenda was too long", False),
        ("I feel like nobody listened", False),
        ("I felt as if I was on trial", False),
        ("I felt the agenda was too long", False),
        ("I feel like a fraud", False),
        ("I felt that the content was too long", False),  # 'content' no longer counts as a feeling
        ("It was fine", False),
        ("That's how I felt.", False),
        ("I felt anxious and a bit embarrassed", True),
        ("Frustrated, then relieved", True),
        ("I felt anxious that the agenda was too long", True),  # a thought with a feeling named
        ("I felt terrible", True),
        ("Felt a bit off all day", True),
        ("Anxious, then relieved.", True),
    ],
)
def test_a_thought_is_not_a_feeling(text: str, ok: bool) -> None:
    assert run_check("no_feeling", "", text).ok is ok


def test_a_thought_gets_its_own_message_and_feeling_words() -> None:
    thought = run_check("no_feeling", "", "I felt that the agenda was too long")
    assert thought.message == "'I felt that ...' is a thought, not a feeling"
    assert "anxious" in thought.suggestion and "frustrated" in thought.suggestion
    assert run_check("no_feeling", "", "It happened").message == "no feelings named"


def test_every_sbi_field_the_mentor_writes_is_checked() -> None:
    checks = {s.id: [c.check for c in s.checks] for s in get_flow("sbi").stages}
    assert checks["situation"] == ["vague_time"]
    for stage in ("behaviour", "impact", "intent", "context"):
        assert {"judgement", "absolutes"} <= set(checks[stage])
    assert checks["intent"] == QUESTION_CHECKS  # the most important first
    assert all(name in CHECKS for names in checks.values() for name in names)


def test_the_accusing_question_is_asked_again_and_a_good_rewrite_shows_ticks(
    store: Store, profile_id: int
) -> None:
    engine, prompt = Engine.start(store, get_flow("sbi"), profile_id, today=TODAY)
    for text in (
        "Sam",
        "In Tuesday's demo for Acme",
        "You started the demo 15 minutes after the client joined",
        "The client waited on the call, so we lost the first agenda item",
    ):
        prompt = engine.answer(text)
    assert prompt.stage == "intent" and prompt.kind == "question"
    prompt = engine.answer("Why are you always so lazy?")
    assert prompt.kind == "followup" and prompt.stage == "intent"
    assert prompt.text.startswith("How could you ask so they can explain rather than defend?")
    assert "What was going on for you when" in prompt.text
    failed = {r.check for r in prompt.checks if not r.ok}
    assert failed == {"accusing_question", "judgement", "absolutes"}

    prompt = engine.answer("What was going on for you when the demo started late?")
    assert prompt.stage == "context"  # one follow-up: the rewrite passes every check of the stage
    assert engine.answers["intent"] == "What was going on for you when the demo started late?"
    assert all(r.ok for r in engine.checks["intent"])
    prompt = engine.answer("")
    assert prompt.done and prompt.artefact
    summary = store.sessions.get(prompt.session_id).summary or ""
    for label in ("SBI: asks, does not accuse", "SBI: an open question", "SBI: question without labels"):
        assert f"✓ {label}" in summary
    assert "lazy" not in summary
