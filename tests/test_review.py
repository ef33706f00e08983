"""Meeting prep's review: what was due by the meeting, four answers per item, a skip passes one item, and a
card that shows only what was made for the group and not left off."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from coach.engine.engine import Engine
from coach.engine.flows import get_flow
from coach.models import Commitment, Meeting, Session
from coach.store import Store
from tests.test_cli import ok

TODAY = date(2026, 12, 1)  # Tuesday; the meeting is on Thursday 3 Dec


def seed(store: Store, pid: int) -> dict[str, int]:
    """Open commitments: two for the circle (one overdue), one from mentoring, one due after the meeting."""
    met = store.meetings.add(Meeting(profile_id=pid, group_name="Tuesday Circle", date=date(2026, 11, 19)))
    linked = store.sessions.start(Session(profile_id=pid, kind="reflection", meeting_id=met.id))
    mentoring = store.sessions.start(Session(profile_id=pid, kind="mentor-feedback"))
    made = {
        "overdue": Commitment(profile_id=pid, text="Send the pricing page", due=date(2026, 11, 27)),
        "due": Commitment(profile_id=pid, text="Call three past clients", due=date(2026, 12, 3)),
        "mentee": Commitment(profile_id=pid, text="Read Sam's draft", due=date(2026, 12, 2)),
        "later": Commitment(profile_id=pid, text="Draft the workshop", due=date(2026, 12, 18)),
    }
    for key in ("overdue", "due", "later"):
        made[key].made_in_session_id = linked.id
    made["mentee"].made_in_session_id = mentoring.id
    return {key: store.commitments.add(c).id or 0 for key, c in made.items()}


def to_review(store: Store, pid: int):  # type: ignore[no-untyped-def]
    engine, _ = Engine.start(store, get_flow("mastermind"), pid, today=TODAY)
    engine.answer("Tuesday circle")
    return engine, engine.answer("Thursday")


def finish(engine: Engine, prompt):  # type: ignore[no-untyped-def]
    answers = iter(
        [
            "Two new clients",
            "Pricing: I quote under market and resent it for weeks after",
            "Three studio names that pay day rates",
            "What would you charge?\nWho first?\nWhat else?",
        ]
    )
    while not prompt.done:
        if engine.awaiting in ("renegotiate", "deepen"):  # no choice made, no deeper answer: tested elsewhere
            prompt = engine.decline()
            continue
        prompt = engine.answer(next(answers, ""))
    return prompt.artefact


def test_the_review_covers_what_was_due_by_the_meeting(store: Store, profile_id: int) -> None:
    ids = seed(store, profile_id)
    engine, prompt = to_review(store, profile_id)
    assert [i.commitment_id for i in engine.review] == [ids["overdue"], ids["mentee"], ids["due"]]
    assert [i.commitment_id for i in engine.not_due] == [ids["later"]]
    assert prompt.text.startswith("[1/3]") and "not due yet" in prompt.text
    artefact = finish(engine, engine.answer("done"))
    assert "Draft the workshop: still open, due 18 Dec" in artefact.markdown
    assert store.commitments.get(ids["later"]).status == "open"


def test_not_due_yet_is_an_answer_and_keeps_it_open(store: Store, profile_id: int) -> None:
    ids = seed(store, profile_id)
    engine, _ = to_review(store, profile_id)
    prompt = engine.answer("not due yet, on track")
    assert prompt.text.startswith("[2/3]") and not prompt.notice
    engine.answer("missed, the divorce hearing took the week")
    engine.decline()  # keep, shrink or drop: not now
    artefact = finish(engine, engine.answer("partial, two of three calls"))
    assert store.commitments.get(ids["overdue"]).status == "open"
    assert store.commitments.get(ids["mentee"]).status == "missed"
    assert "Send the pricing page: ⏳ not due yet" in artefact.markdown


def test_a_skip_passes_over_one_item(store: Store, profile_id: int) -> None:
    ids = seed(store, profile_id)
    engine, _ = to_review(store, profile_id)
    prompt = engine.skip()
    assert prompt.stage == "review" and prompt.text.startswith("[2/3]")
    engine.answer("done")
    prompt = engine.skip()
    assert prompt.stage == "wins" and "review" not in engine.skipped
    finish(engine, prompt)
    assert store.commitments.get(ids["overdue"]).status == "open"  # skipped: nothing said, nothing changed
    assert store.commitments.get(ids["mentee"]).status == "done"


def test_the_card_shows_only_the_groups_commitments_and_leaves_out_what_is_asked(
    store: Store, profile_id: int
) -> None:
    seed(store, profile_id)
    engine, prompt = to_review(store, profile_id)
    assert "off the card" in prompt.text  # made for this group: the person may keep it off
    engine.answer("done, off the card")
    engine.answer("missed, my divorce hearing")
    prompt = engine.decline()  # keep, shrink or drop: not now
    assert "off the card" not in prompt.text or prompt.text.startswith("[3/3]")
    artefact = finish(engine, engine.answer("partial, two calls made"))
    assert artefact.card is not None
    assert "Call three past clients: 🟡 partial" in artefact.card
    assert "Send the pricing page" not in artefact.card  # left off
    assert "Read Sam's draft" not in artefact.card  # mentoring, not this group's
    assert "divorce" not in artefact.card and "divorce" in artefact.markdown  # obstacles stay in the brief
    assert "Send the pricing page: ✅ done" in artefact.markdown


def test_answers_file_reviews_with_not_due_yet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], home: Path
) -> None:
    ok(capsys, "profile", "add", "Ana")
    ok(capsys, "commitment", "add", "Send the pricing page", "--due", "tomorrow")
    answers = tmp_path / "prep.yaml"
    answers.write_text(
        "group: Tuesday circle\nmeeting_date: Thursday\nreview: [not due yet]\nwins: Two clients\n"
        "hot_seat: Pricing, I quote under market and resent it for weeks after every job\n"
        "ask: Three studio names that pay day rates\nquestions: |\n  What would you charge?\n  Who first?\n"
        "  What else?\n"
    )
    data = json.loads(ok(capsys, "prep", "--answers", str(answers), "--json"))
    assert data["stored"]["reviewed"] == []
    assert "⏳ not due yet" in data["markdown"]
