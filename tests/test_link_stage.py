"""The link stage: a goal found by the words of its title, never a different goal that shares a word."""

from __future__ import annotations

from datetime import date

import pytest

from coach.engine.engine import Engine
from coach.engine.flows import get_flow
from coach.models import Goal
from coach.store import Store


def at_link(store: Store, pid: int) -> Engine:
    engine, prompt = Engine.start(store, get_flow("what-so-what"), pid, today=date(2026, 12, 1))
    for _ in range(20):
        if prompt.stage == "link":
            return engine
        kind = engine.stage.type if engine.stage else ""
        prompt = (
            engine.answer("The retro ran long and two people left early.")
            if kind == "text"
            else engine.skip()
        )
    raise AssertionError("never reached the link stage")


@pytest.mark.parametrize(
    ("said", "title"),
    [
        ("running", "Get better at running"),
        ("#1", "Get better at running"),
        ("learn to cook", "Learn to cook"),
    ],
)
def test_a_goal_is_found_by_its_words(store: Store, profile_id: int, said: str, title: str) -> None:
    store.goals.add(Goal(profile_id=profile_id, title="Get better at running"))
    store.goals.add(Goal(profile_id=profile_id, title="Learn to cook"))
    engine = at_link(store, profile_id)
    engine.answer(said)
    assert engine.answers["link"] == f"Goal: {title}"


def test_a_goal_this_profile_does_not_have_links_nothing(store: Store, profile_id: int) -> None:
    store.goals.add(Goal(profile_id=profile_id, title="Learn to cook"))
    ben = store.profiles.add("Ben").id or 0
    store.goals.add(Goal(profile_id=ben, title="Learn Spanish"))
    engine = at_link(store, profile_id)
    prompt = engine.answer("learn Spanish")
    assert "link" not in engine.links and "No goal or meeting matches" in prompt.notice


def test_two_goals_that_match_are_asked_about(store: Store, profile_id: int) -> None:
    store.goals.add(Goal(profile_id=profile_id, title="Run a 10k"))
    store.goals.add(Goal(profile_id=profile_id, title="Run a marathon"))
    engine = at_link(store, profile_id)
    prompt = engine.answer("run")
    assert "More than one goal matches" in prompt.notice and "goal" not in engine.links
