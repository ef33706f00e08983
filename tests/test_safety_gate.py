"""The safety gate in the conversations: the engine, the model, the index and the CLI."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from coach.engine.engine import Engine
from coach.engine.flows import get_flow
from coach.retrieval.chunks import session_chunks
from coach.store import Store
from tests.llm_fakes import FixedRetriever, scripted, voice
from tests.test_cli import ok

TODAY = date(2026, 12, 1)
CRISIS = "Honestly I don't see the point anymore. Sometimes I think everyone would be better off without me."


def start(store: Store, pid: int, flow: str, region: str | None = None):  # type: ignore[no-untyped-def]
    return Engine.start(store, get_flow(flow), pid, FixedRetriever(), today=TODAY, region=region)


def to_stage(engine: Engine, prompt, stage_id: str):  # type: ignore[no-untyped-def]
    """Answer plainly (declining follow-ups) until the flow reaches the given stage."""
    for _ in range(50):
        if prompt.stage == stage_id:
            return prompt
        stage = engine.stage
        if prompt.kind != "question" or (stage is not None and stage.type != "text"):
            prompt = engine.decline()
        else:
            prompt = engine.answer("A plain, ordinary answer.")
    raise AssertionError(f"never reached {stage_id}")


@pytest.mark.parametrize("flow", ["gibbs", "what-so-what", "free"])
def test_crisis_words_stop_the_routine_flow_with_help_for_the_region(
    store: Store, profile_id: int, flow: str
) -> None:
    engine, _ = start(store, profile_id, flow, region="us")
    prompt = engine.answer(CRISIS)
    assert prompt.kind == "safety" and "988" in prompt.text and "not a crisis service" in prompt.text
    assert prompt.tip is None and not prompt.recalls and not prompt.checks
    assert prompt.stage == get_flow(flow).stages[0].id  # not the next routine question
    session = store.sessions.get(engine.session_id)
    assert session.safety == "not_exist"
    assert any(t.role == "user" and t.text == CRISIS for t in session.turns)  # the words stay theirs


def test_the_uk_region_names_samaritans(store: Store, profile_id: int) -> None:
    engine, _ = start(store, profile_id, "what-so-what", region="uk")
    assert "116 123" in engine.answer("I have been thinking about killing myself.").text


def test_go_on_continues_and_the_words_never_become_a_commitment(store: Store, profile_id: int) -> None:
    engine, prompt = start(store, profile_id, "gibbs")
    to_stage(engine, prompt, "action")
    prompt = engine.answer("Honestly I want to end my life, by Friday it will be over")
    assert prompt.kind == "safety"
    prompt = engine.answer("go on")
    assert prompt.kind == "question" and prompt.stage == "action"  # asked again, nothing parsed
    prompt = engine.answer("Book a walk with Sam by Friday")
    prompt = engine.answer("yes")
    while not prompt.done:
        prompt = engine.skip()
    assert prompt.artefact is not None
    texts = [c.text for c in store.commitments.list(profile_id)]
    assert texts == ["Book a walk with Sam by Friday"]
    assert "## Also in your words" in prompt.artefact.markdown
    assert "Honestly I want to end my life" in prompt.artefact.markdown
    assert session_chunks(store.sessions.get(engine.session_id)) == []  # never indexed, never recalled


def test_pause_stops_asking_and_resuming_checks_in_gently(store: Store, profile_id: int) -> None:
    engine, _ = start(store, profile_id, "what-so-what")
    engine.answer("I keep thinking about hurting myself after meetings like that.")
    prompt = engine.answer("pause")
    assert prompt.kind == "paused" and engine.paused
    assert engine.answer("anything else").kind == "paused"  # nothing routine is asked while paused
    assert store.sessions.get(engine.session_id).ended_at is None
    engine, prompt = Engine.resume(store, get_flow("what-so-what"), engine.session_id, today=TODAY)
    assert prompt.kind == "question" and prompt.stage == "so_what"
    assert "How are you doing today?" in prompt.notice


def test_other_words_at_the_gate_are_kept_and_the_choice_offered_again(store: Store, profile_id: int) -> None:
    engine, _ = start(store, profile_id, "free")
    engine.answer("My partner hits me when he drinks.")
    prompt = engine.answer("I don't know what to do.")
    assert prompt.kind == "safety" and prompt.text.startswith("Type 'pause'")
    assert ("Entry", "I don't know what to do.") in engine.kept


def test_the_next_start_checks_in_after_a_marked_session(store: Store, profile_id: int) -> None:
    engine, _ = start(store, profile_id, "free")
    engine.answer("I want to die.")
    engine.answer("pause")
    _, prompt = start(store, profile_id, "gibbs")
    assert "How are you doing today?" in prompt.notice and prompt.kind == "question"
    _, later = start(store, profile_id, "gibbs")  # once: the next start after that is an ordinary one
    assert "How are you doing" not in later.notice


def test_a_mood_of_one_gets_one_kind_check_in(store: Store, profile_id: int) -> None:
    engine, prompt = start(store, profile_id, "free")
    to_stage(engine, prompt, "mood")
    prompt = engine.answer("1")
    assert "really hard day" in prompt.notice and prompt.kind == "question"
    assert store.sessions.get(engine.session_id).safety is None  # a low mood is not a crisis


def test_idioms_pass_the_gate(store: Store, profile_id: int) -> None:
    engine, _ = start(store, profile_id, "what-so-what")
    prompt = engine.answer("This deadline is killing me and I was dead tired by Friday.")
    assert prompt.kind == "question" and prompt.stage == "so_what"


def test_no_model_call_on_the_gate_or_after_it(store: Store, profile_id: int) -> None:
    model = scripted("A gentle reply [1].")
    v = voice(model)
    engine, prompt = start(store, profile_id, "what-so-what")
    v.speak(engine, prompt)
    calls = len(model.seen)
    prompt = engine.answer(CRISIS)
    reply = v.speak(engine, prompt)
    assert reply.text == prompt.text and len(model.seen) == calls
    prompt = engine.answer("go on")
    v.speak(engine, prompt)
    while not prompt.done:
        prompt = engine.skip()
    assert prompt.done and prompt.artefact is not None
    v.narrate(engine, prompt.artefact)
    assert len(model.seen) == calls
    assert all(CRISIS not in m.text for messages in model.seen for m in messages)


def test_cli_answers_file_stops_at_the_gate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], home: Path
) -> None:
    ok(capsys, "profile", "add", "Ana")
    ok(capsys, "config", "set", "safety_region", "ie")
    answers = tmp_path / "a.yaml"
    answers.write_text(f"what: {json.dumps(CRISIS)}\nso_what: It matters.\nnow_what: Call Sam by Friday\n")
    out = ok(capsys, "reflect", "--flow", "what-so-what", "--answers", str(answers))
    assert "116 123" in out and "not a crisis service" in out and "saved as it stands" in out
    assert "So what" not in out
    free = tmp_path / "free.yaml"
    free.write_text(f"entry: {json.dumps(CRISIS)}\naction: Call Sam by Friday\nmood: 2\n")
    data = json.loads(ok(capsys, "reflect", "--flow", "free", "--answers", str(free), "--json"))
    assert data["stopped"] == "safety" and "116 123" in data["message"]
    with Store.open(home) as store:
        pid = store.profiles.list()[0].id or 0
        assert store.commitments.list(pid) == []
        assert {s.safety for s in store.sessions.list(pid)} == {"not_exist"}
