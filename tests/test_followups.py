"""A follow-up's answer lands in the field it refines, and checks are judged on the final text."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from coach.engine.engine import Engine
from coach.engine.flows import get_flow
from coach.store import Store
from tests.test_cli import ok

TODAY = date(2026, 12, 1)


def finish(engine: Engine, prompt):  # type: ignore[no-untyped-def]
    while not prompt.done:
        prompt = engine.skip()
    return prompt.artefact


def test_a_measure_given_when_asked_becomes_the_goals_measure(store: Store, profile_id: int) -> None:
    engine, _ = Engine.start(store, get_flow("grow"), profile_id, today=TODAY)
    prompt = engine.answer("get better at sales")
    assert prompt.kind == "followup" and "Put a number on it" in prompt.text
    prompt = engine.answer("10 signed clients by March")
    assert prompt.stage == "due"  # no "one goal at a time": the measure was not appended to the goal
    artefact = finish(engine, prompt)
    goal = store.goals.get(artefact.stored["goals"][0])
    assert (goal.title, goal.measure) == ("get better at sales", "10 signed clients by March")
    assert "**Measure:** 10 signed clients by March" in artefact.markdown
    assert "✓ SMART: measurable" in artefact.markdown and "⚠ SMART" not in artefact.markdown


def test_a_rewritten_ask_is_judged_again_and_the_brief_shows_only_the_final_judgement(
    store: Store, profile_id: int
) -> None:
    engine, prompt = Engine.start(store, get_flow("mastermind"), profile_id, today=TODAY)
    for text in (
        "Circle",
        "Thursday",
        "Two wins",
        "Pricing, I quote low and resent it for weeks after the job",
        "Another year of working weekends",  # the deeper question
    ):
        prompt = engine.answer(text)
    prompt = engine.answer("help")
    assert prompt.kind == "followup"
    prompt = engine.answer("Who can introduce me to a studio that pays day rates?")
    assert engine.answers["ask"] == "Who can introduce me to a studio that pays day rates?"
    artefact = finish(engine, prompt)
    assert "✓ Ask: specific" in artefact.markdown and "⚠ Ask" not in artefact.markdown
    assert [c.ok for c in artefact.checks if c.check == "vague_ask"] == [True]


def test_a_fix_that_still_fails_is_shown_as_failing(store: Store, profile_id: int) -> None:
    engine, prompt = Engine.start(store, get_flow("sbi"), profile_id, today=TODAY)
    for text in ("Sam", "In Tuesday's client call with Acme"):
        prompt = engine.answer(text)
    prompt = engine.answer("You are lazy")
    prompt = engine.answer("You are lazy and sloppy")  # the rewrite still judges character
    artefact = finish(engine, prompt)
    assert "⚠ SBI: behaviour, not character" in artefact.markdown


def test_answers_file_fills_the_measure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], home: Path
) -> None:
    ok(capsys, "profile", "add", "Ana")
    answers = tmp_path / "goal.yaml"
    answers.write_text("goal: [get better at sales, 10 signed clients by March]\ndue: in 12 weeks\n")
    data = json.loads(ok(capsys, "goal", "new", "--answers", str(answers), "--json"))
    assert data["answers"]["measure"] == "10 signed clients by March"
    with Store.open(home) as store:
        goal = store.goals.get(data["stored"]["goals"][0])
    assert goal.measure == "10 signed clients by March" and goal.title == "get better at sales"
