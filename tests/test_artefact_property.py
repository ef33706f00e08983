"""A property over every flow file: whatever the person types reaches the artefact, and private text stays off
the share-safe card. New flow files are covered as soon as they exist."""

from __future__ import annotations

import re
import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coach.engine.engine import Engine
from coach.engine.flows import Flow, load_flows
from coach.models import Commitment, Goal
from coach.store import Store

TODAY = date(2026, 12, 1)
FLOWS = load_flows()

# Text people write: letters, digits, punctuation that means something to Markdown or markup, emoji and
# right-to-left script. Crisis words and non-answers cannot be formed from a four-letter prefix plus this.
_ALPHABET = st.sampled_from(
    list("abcdefghijklmnopqrstuvwxyz ABCXYZ0123456789.,;:!?'\"()[]{}*_#-/🙂👩‍👩‍👧שלוםمرحبا")
)
WORDS = st.text(_ALPHABET, min_size=1, max_size=40).map(lambda s: " ".join(s.split()))


class Driver:
    """Answers every stage of a flow the way a person would, keeping what each answer was."""

    def __init__(self, store: Store, flow: Flow, pid: int, words: list[str]) -> None:
        self.store, self.flow, self.pid = store, flow, pid
        self.words = iter(words * 50)
        self.count = 0
        self.typed: dict[str, list[str]] = {}  # stage id -> every text the person typed there

    def text(self, stage_id: str) -> str:
        self.count += 1
        said = f"Note{self.count} {next(self.words)} with eleven words of context so no check asks twice."
        self.typed.setdefault(stage_id, []).append(said)
        return said

    def reply(self, engine: Engine) -> str:
        stage = engine.stage
        assert stage is not None
        if engine.awaiting == "due":
            return "Friday"
        if engine.awaiting == "confirm":
            return "yes"
        if engine.awaiting == "renegotiate":
            return f"shrink: {self.text(stage.id)} by 20 Dec"
        if engine.awaiting == "followup":
            return self.text(stage.id)
        if stage.type == "mood":
            return "4"
        if stage.type == "tags":
            return "craft, people"
        if stage.type == "date":
            return "in 5 days"
        if stage.type == "link":
            return "quarterly plan"
        if stage.type in ("commitments", "milestones"):
            return f"{self.text(stage.id)} by 20 Dec"
        if stage.type == "review":
            return f"missed, {self.text(stage.id)}"
        return self.text(stage.id)

    def run(self) -> Engine:
        engine, prompt = Engine.start(self.store, self.flow, self.pid, today=TODAY)
        for _ in range(200):
            if prompt.done:
                return engine
            prompt = engine.answer(self.reply(engine))
        raise AssertionError(f"{self.flow.id} did not finish: stuck at {prompt.stage} ({prompt.text})")


def _seed(store: Store) -> int:
    pid = store.profiles.add("Ana").id or 0
    store.goals.add(Goal(profile_id=pid, title="Quarterly plan for the studio"))
    for text in ("Send the two proposals", "Book the venue"):
        store.commitments.add(Commitment(profile_id=pid, text=text, due=date(2026, 11, 28)))
    return pid


@pytest.mark.parametrize("flow_id", sorted(FLOWS))
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(WORDS, min_size=1, max_size=6))
def test_every_answer_reaches_the_artefact_and_private_text_stays_off_the_card(
    flow_id: str, words: list[str]
) -> None:
    flow = FLOWS[flow_id]
    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp)) as store:
        driver = Driver(store, flow, _seed(store), words)
        engine = driver.run()
        artefact = engine.artefact
        assert artefact is not None
        for stage in flow.stages:
            final = engine.answers.get(stage.id, "")
            for said in driver.typed.get(stage.id, []):
                replaced = said not in final and any(c.mode == "replace" for c in stage.checks)
                if replaced:  # the person rewrote that answer when asked; the rewrite is theirs now
                    continue
                assert said in artefact.markdown, f"{flow_id}.{stage.id}: {said!r} is not in the artefact"
                if stage.private and artefact.card is not None:
                    assert said not in artefact.card, f"{flow_id}.{stage.id}: private text on the card"


def test_the_brief_keeps_the_questions_for_the_group(store: Store, profile_id: int) -> None:
    flow = FLOWS["mastermind"]
    engine, prompt = Engine.start(store, flow, profile_id, today=TODAY)
    questions = "What would you charge?\nWho should I ask first?\nWhat am I not seeing?"
    for answer in (
        "Tuesday circle",
        "Thursday",
        "Landed two clients",
        "Pricing: I quoted 40% under market for the Osprey job and resent it for weeks",
        "That I will keep underpricing every job this year",  # the deeper question
        "Three names of studios that pay day rates",
        questions,
        "",
    ):
        prompt = engine.answer(answer)
    assert prompt.done and prompt.artefact is not None
    brief = prompt.artefact.markdown
    assert (
        "## Questions for the group\n- What would you charge?\n- Who should I ask first?\n"
        "- What am I not seeing?" in brief
    )
    assert "✓ Three questions" in brief


BASE = """id: t
title: T
job: reflection
description: d
recall: r
stages:
  - id: what
    title: What
    ask: What happened
  - id: secret
    title: Secret
    ask: Anything private
    private: true
    optional: true
"""


@pytest.mark.parametrize(
    ("tail", "message"),
    [
        ("summary: '{what} {secret} {whta}'\n", "summary uses unknown field(s) ['whta']"),
        ("summary: '{what}'\n", "summary leaves out the answer field(s) ['secret']"),
        ("summary: '{what} {secret}'\ncard: '{what} {secret}'\n", "card shows private field(s) ['secret']"),
        (
            "  - id: checks\n    title: C\n    ask: Which\nsummary: '{what} {secret} {checks}'\n",
            "stage id(s) ['checks'] clash with computed fields",
        ),
        (
            "  - id: commitments\n    title: C\n    ask: Which\n  - id: act\n    title: A\n    ask: Steps\n"
            "    type: commitments\nsummary: '{what} {secret} {commitments}'\n",
            "stage id(s) ['commitments'] clash",
        ),
    ],
)
def test_templates_declare_their_fields(tmp_path: Path, tail: str, message: str) -> None:
    from coach.engine.flows import FlowError, load_flow_file

    path = tmp_path / "t.yaml"
    path.write_text(BASE + tail, encoding="utf-8")
    with pytest.raises(FlowError, match=re.escape(message)):
        load_flow_file(path)
