"""Dates in the conversations: a past due date is refused with the likely one, a yes takes it; a meeting
that happened may be yesterday; dates outside this year show their year."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from coach.engine.engine import Engine
from coach.engine.flows import get_flow
from coach.store import Store
from tests.test_cli import ok

TODAY = date(2026, 12, 1)  # a Tuesday


def at(store: Store, pid: int, flow: str, stage: str):  # type: ignore[no-untyped-def]
    engine, prompt = Engine.start(store, get_flow(flow), pid, today=TODAY)
    for _ in range(30):
        if prompt.stage == stage:
            return engine, prompt
        kind = engine.stage.type if engine.stage else ""
        if prompt.kind == "followup":
            prompt = engine.decline()
        elif kind == "date":
            prompt = engine.answer("in 6 weeks")
        elif kind != "text":
            prompt = engine.skip()
        else:
            prompt = engine.answer(
                "Land three coaching clients with a clear offer, and say it plainly to Ana."
            )
    raise AssertionError(stage)


def test_a_past_due_date_is_refused_with_the_likely_one_and_a_yes_takes_it(
    store: Store, profile_id: int
) -> None:
    engine, _ = at(store, profile_id, "grow", "due")
    prompt = engine.answer("30 Nov")
    assert prompt.stage == "due"
    assert (
        prompt.notice
        == "30 Nov has passed: did you mean 30 Nov 2027? Say yes to use it, or give another date."
    )
    prompt = engine.answer("yes")
    assert engine.dates["due"] == date(2027, 11, 30) and prompt.stage == "why"


def test_another_date_instead_of_yes_is_taken_as_typed(store: Store, profile_id: int) -> None:
    engine, _ = at(store, profile_id, "grow", "due")
    engine.answer("30 Nov")
    engine.answer("31 Dec")
    assert engine.dates["due"] == date(2026, 12, 31)


def test_a_past_date_written_out_has_nothing_to_accept(store: Store, profile_id: int) -> None:
    engine, _ = at(store, profile_id, "grow", "due")
    prompt = engine.answer("2020-01-01")
    assert "is in the past" in prompt.notice and prompt.notice.endswith("has to be today or later.")
    prompt = engine.answer("yes")
    assert "due" not in engine.dates and prompt.stage == "due"


def test_a_commitment_by_a_past_day_is_listed_for_confirmation(store: Store, profile_id: int) -> None:
    engine, _ = at(store, profile_id, "what-so-what", "now_what")
    prompt = engine.answer("Send the notes by 30 Nov\nBook the room by 3 Jan")
    assert prompt.kind == "confirm"
    assert "1. Send the notes by 30 Nov (30 Nov has passed: did you mean 30 Nov 2027?)" in prompt.text
    assert "2. Book the room by 3 Jan (due Sun 3 Jan 2027)" in prompt.text  # another year: its year shows
    prompt = engine.answer("yes")
    while not prompt.done:
        prompt = engine.skip()
    assert sorted(c.due for c in store.commitments.list(profile_id) if c.due) == [
        date(2027, 1, 3),
        date(2027, 11, 30),
    ]
    assert prompt.artefact is not None and "(due Sun 3 Jan 2027)" in prompt.artefact.markdown


def test_the_due_follow_up_refuses_a_past_day_too(store: Store, profile_id: int) -> None:
    engine, _ = at(store, profile_id, "what-so-what", "now_what")
    prompt = engine.answer("Send the notes")
    assert prompt.text.startswith("By when will you do this")
    prompt = engine.answer("yesterday")
    assert prompt.notice.startswith("Yesterday (Mon 30 Nov) is in the past")
    prompt = engine.answer("Friday")
    assert prompt.kind == "confirm" and "(due Fri 4 Dec)" in prompt.text


def test_a_meeting_that_happened_can_be_yesterday_or_last_friday(store: Store, profile_id: int) -> None:
    for said, meant in (("yesterday", date(2026, 11, 30)), ("last Friday", date(2026, 11, 27))):
        engine, _ = at(store, profile_id, "mastermind", "meeting_date")
        engine.answer(said)
        assert engine.dates["meeting_date"] == meant


def test_milestones_with_a_past_day_are_refused(store: Store, profile_id: int) -> None:
    engine, _ = at(store, profile_id, "grow", "milestones")
    prompt = engine.answer("First client signed by 30 Nov")
    assert prompt.stage == "milestones" and "30 Nov has passed" in prompt.notice


def test_answers_file_can_confirm_the_suggested_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ok(capsys, "profile", "add", "Ana")
    answers = tmp_path / "goal.yaml"
    answers.write_text(
        "goal: [Sign 3 coaching clients, 3 signed clients]\ndue: ['1 Jan 2020', 'yes', 'in 6 weeks']\n"
        "why: It pays the rent.\n"
    )
    data = json.loads(ok(capsys, "goal", "new", "--answers", str(answers), "--json"))
    assert data["answers"]["due"] == (date.today() + timedelta(weeks=6)).isoformat()  # the CLI's own today


def test_items_joined_by_semicolons_each_with_a_date_are_separate_items() -> None:
    from coach.engine.answers import proposals

    today = date(2026, 12, 2)
    found, problems = proposals("Run 15k by 20 December; Run 18k by 10 January", today)
    assert not problems
    assert [(p.text, p.due) for p in found] == [
        ("Run 15k by 20 December", date(2026, 12, 20)),
        ("Run 18k by 10 January", date(2027, 1, 10)),
    ]
    # one date for the line: a semicolon inside one item stays where the person put it
    found, _ = proposals("Call Priya; ask about the deck by Friday", today)
    assert [p.text for p in found] == ["Call Priya; ask about the deck by Friday"]
