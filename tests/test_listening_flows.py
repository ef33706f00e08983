"""Every bundled flow listens: run as a person would, at least two of its questions carry back that person's
own words, and someone who comes back each week is not asked the identical questions."""

from __future__ import annotations

from datetime import date

import pytest

from coach.engine import listening
from coach.engine.engine import Engine
from coach.engine.flows import Flow, load_flows
from coach.models import Commitment, Goal
from coach.store import Store

TODAY = date(2026, 12, 2)
FLOWS = load_flows()

# What a person might write at each kind of stage; the text ones are distinctive so an echo can be found.
TEXTS = [
    "Honestly, I froze when the client asked about the budget for the harbour project.",
    "Nervous beforehand and frustrated afterwards, mostly at myself for not preparing the numbers.",
    "The opening went well but the budget answer fell apart under pressure.",
    "I had not rehearsed the awkward questions because the week filled up with school runs.",
    "Rehearsing the hard questions aloud matters more than polishing the slides.",
    "My pricing is all over the place and I keep discounting for friends of friends.",
    "Three pricing experiments I could run before the end of the month with real clients",
    "In the Tuesday stand-up, Sam interrupted Priya twice while she presented the roadmap.",
    "Priya stopped presenting and the team lost the thread of the roadmap discussion.",
    "What was going on for you when Priya was presenting?",
]


class Person:
    def __init__(self) -> None:
        self.n = 0

    def reply(self, engine: Engine) -> str:
        stage = engine.stage
        assert stage is not None
        if engine.awaiting in ("due",):
            return "Friday"
        if engine.awaiting == "confirm":
            return "yes"
        if engine.awaiting == "renegotiate":
            return "keep it, next Friday"
        kind = stage.type
        if kind == "mood":
            return "3"
        if kind == "tags":
            return "work"
        if kind == "date":
            return "in 10 days"
        if kind == "link":
            return ""
        if kind == "review":
            return "missed, the week filled up with school runs"
        if kind in ("commitments", "milestones"):
            return "Rehearse the budget answer aloud by Friday"
        if stage.id == "mentee":
            return "Sam"
        if stage.id == "group":
            return "Thursday circle"
        if stage.id == "goal":
            return "Run 3 client pricing experiments by the end of January"
        if stage.id == "plan":
            return "If I feel the urge to discount, then I will quote the full price and pause."
        if stage.id == "questions":
            return "What would you charge?\nWho raised prices?\nHow did you tell clients?"
        text = TEXTS[self.n % len(TEXTS)]
        self.n += 1
        return text


def _seed(store: Store, pid: int) -> None:
    store.goals.add(Goal(profile_id=pid, title="Win the harbour project"))
    store.commitments.add(Commitment(profile_id=pid, text="Send the proposal", due=date(2026, 11, 30)))


def run(store: Store, flow: Flow, pid: int) -> tuple[list[str], dict[str, str]]:
    """The questions asked, and the answers as they stood when each was asked."""
    engine, prompt = Engine.start(store, flow, pid, today=TODAY)
    person, asked, said_before = Person(), [], []
    for _ in range(80):
        if prompt.done:
            return asked, {}
        asked.append(prompt.text)
        said_before.append(dict(engine.answers))
        prompt = engine.answer(person.reply(engine))
    raise AssertionError(f"{flow.id} did not finish at {prompt.stage}: {prompt.text}")


def carried(question: str, answers: dict[str, str]) -> bool:
    """The question holds a clause cut from one of the answers given before it."""
    for text in answers.values():
        piece = listening.clause(text).rstrip("…")
        if len(piece) >= 3 and piece in question:
            return True
    return False


@pytest.mark.parametrize("flow_id", sorted(FLOWS))
def test_each_flow_carries_back_the_persons_words_at_two_stages_or_more(
    store: Store, profile_id: int, flow_id: str
) -> None:
    _seed(store, profile_id)
    flow = FLOWS[flow_id]
    engine, prompt = Engine.start(store, flow, profile_id, today=TODAY)
    person, echoing = Person(), set()
    for _ in range(80):
        if prompt.done:
            break
        if prompt.stage and carried(prompt.text, {k: v for k, v in engine.answers.items() if k != "mentee"}):
            echoing.add(prompt.stage)
        if (
            prompt.stage
            and "{" not in prompt.text
            and engine.answers.get("mentee", "") in prompt.text.split()
        ):
            echoing.add(prompt.stage)
        prompt = engine.answer(person.reply(engine))
    assert prompt.done
    assert len(echoing) >= 2, f"{flow_id}: only {sorted(echoing)} carried back the person's words"


@pytest.mark.parametrize("flow_id", sorted(FLOWS))
def test_no_question_shows_an_unfilled_slot(store: Store, profile_id: int, flow_id: str) -> None:
    _seed(store, profile_id)
    asked, _ = run(store, FLOWS[flow_id], profile_id)
    assert not [q for q in asked if "{" in q or "<" in q]


def test_a_weekly_reflection_is_not_asked_the_identical_questions(store: Store, profile_id: int) -> None:
    runs = [run(store, FLOWS["gibbs"], profile_id)[0] for _ in range(3)]
    assert runs[0] != runs[1] != runs[2]
    assert runs[0][0] != runs[1][0] or runs[1][0] != runs[2][0]


def test_the_hot_seat_gets_a_deeper_question_before_the_ask(store: Store, profile_id: int) -> None:
    engine, prompt = Engine.start(store, FLOWS["mastermind"], profile_id, today=TODAY)
    for text in (
        "Thursday circle",
        "today",
        "We shipped the beta.",
        "My pricing is all over the place and I keep discounting for friends.",
    ):
        prompt = engine.answer(text)
    assert prompt.stage == "hot_seat" and prompt.step == "a deeper question"
    assert prompt.text in [
        listening.render(q, engine.slot_values()) for q in FLOWS["mastermind"].stage("hot_seat").deepen
    ]
    prompt = engine.answer("I am scared they will leave if I charge more.")
    assert prompt.stage == "ask"
    assert engine.answers["hot_seat"].endswith("\nI am scared they will leave if I charge more.")


def test_the_if_then_plan_is_prefilled_with_the_obstacle(store: Store, profile_id: int) -> None:
    engine, prompt = Engine.start(store, FLOWS["grow"], profile_id, today=TODAY)
    for _ in range(20):
        if prompt.stage == "obstacle" and engine.awaiting == "main":
            prompt = engine.answer("My fear of looking greedy in front of long-time clients.")
            continue
        if prompt.stage == "plan":
            break
        prompt = engine.answer(
            Person().reply(engine) if prompt.stage != "goal" else "Run 3 pricing experiments by 31 Jan"
        )
    if engine.awaiting == "deepen":
        prompt = engine.decline()
    assert prompt.stage == "plan"
    prompt = engine.answer("Practise saying the price out loud")
    assert prompt.kind == "followup"
    assert "If my fear of looking greedy in front of long-time clients shows up, then I will" in prompt.text
