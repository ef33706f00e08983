"""Non-answers ("I don't know", "not sure", "-") are never records: a smaller question, then a skip."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from coach.engine.engine import Engine
from coach.engine.flows import get_flow, load_flows
from coach.engine.nonanswers import is_non_answer, load_non_answers, scaffold_for
from coach.store import Store
from tests.test_cli import ok

TODAY = date(2026, 12, 1)
NON_ANSWERS = [
    "I don't know",
    "not sure",
    "Not sure yet.",
    "nothing",
    "no idea",
    "n/a",
    "-",
    "?",
    "idk",
    "pass",
]


@pytest.mark.parametrize("text", NON_ANSWERS)
def test_the_listed_non_answers_are_recognised(text: str) -> None:
    assert is_non_answer(text)


@pytest.mark.parametrize(
    "text", ["I know what to do", "Nothing went to plan on Tuesday", "no", "Pass the deck to Li"]
)
def test_real_answers_are_not_non_answers(text: str) -> None:
    assert not is_non_answer(text)


def test_every_stage_kind_that_asks_has_a_scaffold() -> None:
    for flow in load_flows().values():
        for stage in flow.stages:
            assert scaffold_for(stage).strip().endswith(("?", "on.", "later."))
    assert load_non_answers().scaffolds["commitments"].startswith("What is one ten-minute step")


def at_now_what(store: Store, pid: int) -> Engine:
    """A What / So what / Now what conversation at its commitments stage."""
    engine, prompt = Engine.start(store, get_flow("what-so-what"), pid, today=TODAY)
    for answer in ("We ran the retro and it went long.", "It showed me I say yes too fast."):
        prompt = engine.answer(answer)
        while prompt.kind == "followup":
            prompt = engine.decline()
    assert prompt.stage == "now_what"
    return engine


@pytest.mark.parametrize("text", NON_ANSWERS)
def test_i_dont_know_is_never_a_commitment(store: Store, profile_id: int, text: str) -> None:
    engine = at_now_what(store, profile_id)
    prompt = engine.answer(text)
    assert prompt.kind == "followup" and prompt.text.startswith("What is one ten-minute step")
    prompt = engine.answer(text)  # a second one: the stage is left skipped
    assert prompt.stage == "mood" and "now_what" in engine.skipped
    while not prompt.done:
        prompt = engine.skip()
    assert store.commitments.list(profile_id) == []
    assert prompt.artefact is not None and prompt.artefact.stored["commitments"] == []


def test_a_scaffold_answered_becomes_the_commitment(store: Store, profile_id: int) -> None:
    engine = at_now_what(store, profile_id)
    engine.answer("idk")
    prompt = engine.answer("Write the first paragraph of the proposal by Thursday")
    assert prompt.kind == "confirm"
    prompt = engine.answer("yes")
    while not prompt.done:
        prompt = engine.skip()
    assert [c.text for c in store.commitments.list(profile_id)] == [
        "Write the first paragraph of the proposal by Thursday"
    ]


def test_a_non_answer_to_a_follow_up_keeps_the_main_answer(store: Store, profile_id: int) -> None:
    engine, prompt = Engine.start(store, get_flow("grow"), profile_id, today=TODAY)
    prompt = engine.answer("Land three coaching clients")
    while prompt.kind == "followup":
        prompt = engine.answer("not sure")
    assert engine.answers["goal"] == "Land three coaching clients"
    assert prompt.stage == "due"
    prompt = engine.answer("no idea")
    assert prompt.kind == "followup" and "rough date" in prompt.text
    prompt = engine.answer("?")
    assert prompt.stage == "why" and "due" in engine.skipped and "due" not in engine.dates


def test_the_ask_and_the_hot_seat_are_never_i_dont_know(store: Store, profile_id: int) -> None:
    engine, _ = Engine.start(store, get_flow("mastermind"), profile_id, today=TODAY)
    for text in ("Tuesday circle", "Thursday", "Two new clients", "dunno", "-", "don't know", "nothing yet"):
        engine.answer(text)
    assert "hot_seat" not in engine.answers and "ask" not in engine.answers
    assert {"hot_seat", "ask"} <= engine.skipped


def test_answers_file_with_non_answers_stores_no_commitment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], home: Path
) -> None:
    ok(capsys, "profile", "add", "Ana")
    answers = tmp_path / "a.yaml"
    answers.write_text(
        "what: The retro ran long.\nso_what: We lose focus.\nnow_what: I don't know\nmood: 3\n"
    )
    data = json.loads(ok(capsys, "reflect", "--flow", "what-so-what", "--answers", str(answers), "--json"))
    assert data["stored"]["commitments"] == []
    with Store.open(home) as store:
        assert store.commitments.list(store.profiles.list()[0].id or 0) == []


@pytest.mark.parametrize("said", ["help", "Help!", "y"])
def test_help_or_a_stray_y_is_not_stored_as_an_answer(store: Store, profile_id: int, said: str) -> None:
    from coach.engine.flows import get_flow

    engine, _ = Engine.start(store, get_flow("gibbs"), profile_id)
    prompt = engine.answer(said)
    assert prompt.stage == "description" and prompt.kind == "followup"
    assert "description" not in engine.answers
