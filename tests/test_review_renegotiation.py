"""Meeting prep's review: a commitment that slipped is offered keep, shrink or drop; the brief shows the
choice and the follow-through, the store keeps it, and "two of three slipped" gets a word back."""

from __future__ import annotations

from datetime import date

import pytest

from coach.engine.engine import Engine
from coach.engine.flows import get_flow
from coach.models import Commitment
from coach.store import Store

TODAY = date(2026, 12, 2)


def _seed(store: Store, pid: int) -> list[int]:
    return [
        store.commitments.add(Commitment(profile_id=pid, text=text, due=due)).id or 0
        for text, due in (
            ("Send 10 outreach emails", date(2026, 11, 27)),
            ("Write the case study", date(2026, 11, 28)),
            ("Call Priya", date(2026, 11, 30)),
        )
    ]


def _prep(store: Store, pid: int, review: list[str]):  # type: ignore[no-untyped-def]
    engine, prompt = Engine.start(store, get_flow("mastermind"), pid, today=TODAY)
    for text in ["Thursday circle", "today", *review]:
        prompt = engine.answer(text)
    return engine, prompt


def _finish(engine: Engine):  # type: ignore[no-untyped-def]
    prompt = None
    for _ in range(12):
        stage = engine.stage
        if stage is None:
            break
        text = {
            "wins": "We shipped the beta to five customers.",
            "hot_seat": "My pricing is all over the place and I keep discounting for friends.",
            "ask": "Three pricing experiments I could run this month",
            "questions": "What would you charge?\nWho raised prices?\nHow did you tell clients?",
        }.get(stage.id, "")
        prompt = engine.answer(text) if engine.awaiting != "deepen" else engine.decline()
    assert prompt is not None and prompt.done and prompt.artefact is not None
    return prompt.artefact


def test_a_missed_one_is_offered_keep_shrink_or_drop(store: Store, profile_id: int) -> None:
    _seed(store, profile_id)
    _, prompt = _prep(store, profile_id, ["missed, the kids were ill all week"])
    assert prompt.step == "keep, shrink or drop"
    assert "keep it with a new date" in prompt.text and "'Send 10 outreach emails'" in prompt.text
    assert prompt.stage == "review"


def test_each_choice_reaches_the_brief_and_the_store(store: Store, profile_id: int) -> None:
    first, second, third = _seed(store, profile_id)
    engine, prompt = _prep(
        store,
        profile_id,
        [
            "missed, the kids were ill all week",
            "shrink: send 3 emails by Friday",
            "partial, only the outline",
            "keep it",  # no date yet: asked for
            "next Tuesday",
            "missed, no time",
            "drop it, Priya moved on",
        ],
    )
    assert prompt.notice.startswith("None of the three got done this time.")
    artefact = _finish(engine)
    md = artefact.markdown
    assert (
        "Send 10 outreach emails: ❌ missed (what got in the way: the kids were ill all week)"
        " → made smaller: send 3 emails by Friday (due Fri 4 Dec)"
    ) in md
    assert (
        "Write the case study: 🟡 partial (what got in the way: only the outline) → kept, now due Tue 8 Dec"
        in md
    )
    assert "Call Priya: ❌ missed (what got in the way: no time) → dropped (Priya moved on)" in md
    assert "Follow-through: 0 of 1 done (0%)." in md
    by_id = {c.id: c for c in store.commitments.list(profile_id)}
    assert by_id[first].status == "dropped"
    smaller = [c for c in by_id.values() if c.replaces_id == first]
    assert [(c.text, c.due, c.status) for c in smaller] == [
        ("send 3 emails by Friday", date(2026, 12, 4), "open")
    ]
    assert (by_id[second].status, by_id[second].due) == ("open", date(2026, 12, 8))
    assert by_id[third].status == "dropped"


def test_passing_on_the_choice_leaves_the_review_as_said(store: Store, profile_id: int) -> None:
    first, *_ = _seed(store, profile_id)
    engine, prompt = _prep(store, profile_id, ["missed, travel", "not sure"])
    assert prompt.step == "" and "[2/3]" in prompt.text
    engine.skip()
    engine.skip()
    artefact = _finish(engine)
    assert "Send 10 outreach emails: ❌ missed (what got in the way: travel)\n" in artefact.markdown
    assert store.commitments.get(first).status == "missed"


@pytest.mark.parametrize("said", ["keep it, 30 Nov", "shrink", "banana"])
def test_an_unclear_choice_is_asked_again_and_nothing_is_stored(
    store: Store, profile_id: int, said: str
) -> None:
    _seed(store, profile_id)
    _, prompt = _prep(store, profile_id, ["missed, travel", said])
    assert prompt.stage == "review"
    assert prompt.step == "keep, shrink or drop"
    if said == "shrink":
        assert prompt.text == "What is the smaller version?" or "smaller" in prompt.text.lower()
    else:
        assert prompt.notice


def test_the_card_never_shows_a_drop_reason(store: Store, profile_id: int) -> None:
    _seed(store, profile_id)
    engine, _ = _prep(store, profile_id, ["missed, travel", "drop it, my manager said no", "done", "done"])
    for item in engine.review:
        item.for_group = True
    artefact = _finish(engine)
    assert artefact.card is not None
    assert "Send 10 outreach emails: ❌ missed → dropped" in artefact.card
    assert "manager" not in artefact.card and "travel" not in artefact.card


def test_resume_replays_the_choices(store: Store, profile_id: int) -> None:
    _seed(store, profile_id)
    engine, _ = _prep(store, profile_id, ["missed, travel", "keep it", "Friday"])
    again, prompt = Engine.resume(store, get_flow("mastermind"), engine.session_id, today=TODAY)
    assert "[2/3]" in prompt.text
    item = again.review[0]
    assert item.choice is not None and item.choice.kind == "keep" and item.choice.due == date(2026, 12, 4)


def test_what_got_in_the_way_is_compared_with_earlier_obstacles(store: Store, profile_id: int) -> None:
    from tests.test_coaching_moves import TWICE, FakeEchoes

    _seed(store, profile_id)
    echoes = FakeEchoes(TWICE)
    engine, prompt = Engine.start(store, get_flow("mastermind"), profile_id, today=TODAY, echoes=echoes)
    for text in ("Thursday circle", "today", "missed, my son was off school with flu"):
        prompt = engine.answer(text)
    assert echoes.seen == ["my son was off school with flu"]
    assert prompt.step == "a pattern" and prompt.text == TWICE.question
    prompt = engine.answer("Family weeks always land on me.")
    assert prompt.step == "keep, shrink or drop"
    prompt = engine.answer("drop it")
    assert "[2/3]" in prompt.text
    engine.answer("done")
    engine.answer("done")  # no obstacle: nothing to compare
    assert echoes.seen == ["my son was off school with flu"]
    artefact = _finish(engine)
    assert "**Commitment review:** " + TWICE.question in artefact.markdown
    assert "Family weeks always land on me." in artefact.markdown
    assert artefact.card is not None and "Family weeks" not in artefact.card


def test_the_next_items_status_passes_over_the_choice(store: Store, profile_id: int) -> None:
    """A script (or a hurried person) answers the next item instead: the choice is passed, nothing lost."""
    _seed(store, profile_id)
    engine, prompt = _prep(store, profile_id, ["missed, travel", "done", "partial, half of it"])
    assert prompt.step == "keep, shrink or drop" and "[2/3]" not in prompt.text
    assert [i.status for i in engine.review] == ["missed", "done", "partial"]
    assert engine.review[0].choice is None
