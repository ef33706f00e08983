"""The guided engine: every flow file, follow-ups, checks, dates, resume, artefacts stored and searchable."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from coach.engine.checks import CHECKS, run_check
from coach.engine.engine import Engine
from coach.engine.flows import FlowError, get_flow, load_flow_file, load_flows
from coach.models import Commitment
from coach.store import Store
from tests.texts import BRACKETS, FAMILY_EMOJI, RTL

TODAY = date(2026, 11, 21)


def run(store: Store, pid: int, flow: str, answers: list[str]):  # type: ignore[no-untyped-def]
    engine, prompt = Engine.start(store, get_flow(flow), pid, today=TODAY)
    for text in answers:
        assert not prompt.done, f"flow ended early; {text!r} left over"
        prompt = engine.answer(text)
    return engine, prompt


def test_every_bundled_flow_loads_and_uses_known_checks() -> None:
    flows = load_flows()
    assert {"grow", "gibbs", "what-so-what", "free", "mastermind", "sbi"} <= set(flows)
    assert {f.job for f in flows.values()} == {"goal", "reflection", "meeting-prep", "mentor-feedback"}
    for flow in flows.values():
        for stage in flow.stages:
            assert stage.ask.strip()
            assert all(c.check in CHECKS for c in stage.checks)
        flow.summary.format_map(
            {s.id: "x" for s in flow.stages}
            | {
                "title": "",
                "date": "",
                "commitments": "",
                "milestones": "",
                "mood": "",
                "tags": "",
                "review": "",
                "review_card": "",
                "checks": "",
                "question_bank": "",
                "follow_through": "",
                "spoken": "",
                "threads": "",
                "measure": "",
                "meeting_date": "",
            }
        )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("id: x\ntitle: [unclosed", "not valid YAML"),
        ("- a list", "expected a mapping"),
        (
            "id: bad\ntitle: t\njob: goal\ndescription: d\nrecall: r\nsummary: s\nstages: []\n",
            "at least one stage",
        ),
        (
            "id: bad\ntitle: t\njob: dancing\ndescription: d\nrecall: r\nsummary: s\n"
            "stages: [{id: a, title: A, ask: q}]",
            "job",
        ),
        (
            "id: bad\ntitle: t\njob: goal\ndescription: d\nrecall: r\nsummary: '{a}'\n"
            "stages: [{id: a, title: A, ask: q, checks: [{check: psychic, label: l, ask: q}]}]",
            "unknown check 'psychic'",
        ),
        (
            "id: other\ntitle: t\njob: goal\ndescription: d\nrecall: r\nsummary: '{a}'\n"
            "stages: [{id: a, title: A, ask: q}]",
            "must match the file name",
        ),
    ],
)
def test_a_malformed_flow_file_names_the_file_and_the_problem(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(FlowError, match=message) as info:
        load_flow_file(path)
    assert "bad.yaml" in str(info.value)


def test_adding_a_flow_is_adding_a_file(tmp_path: Path) -> None:
    (tmp_path / "tiny.yaml").write_text(
        "id: tiny\ntitle: Tiny\njob: reflection\ndescription: d\nrecall: r\nsummary: 'Said: {one}'\n"
        "stages:\n  - {id: one, title: One, ask: Say one thing}\n"
    )
    assert get_flow("tiny", tmp_path).stages[0].ask == "Say one thing"


def test_grow_follows_up_on_weak_goals_and_stores_goal_milestones_commitments(
    store: Store, profile_id: int
) -> None:
    engine, prompt = Engine.start(store, get_flow("grow"), profile_id, today=TODAY)
    assert prompt.stage == "goal" and [s.label for s in prompt.stages][:4] == ["G", "T", "W", "R"]
    prompt = engine.answer("More clients and a website and also a podcast")
    assert prompt.kind == "followup" and "more than one goal" in prompt.text
    assert {r.check for r in prompt.checks if not r.ok} == {"several_goals", "no_owner_verb", "no_number"}
    prompt = engine.answer("Sign 3 new coaching clients")  # passes the remaining checks too
    assert prompt.stage == "due" and prompt.kind == "question"
    prompt = engine.answer("2020-01-01")
    assert prompt.stage == "due" and "in the past" in prompt.notice.lower()
    prompt = engine.answer("someday soon")
    assert "cannot understand the date" in prompt.notice.lower()
    for text in [
        "31 Jan",
        "Replace my salary",
        "One client so far, referred by a friend, no marketing yet.",
        "Referrals, posts, workshops",
        "I avoid selling",
        "Be braver",
    ]:
        prompt = engine.answer(text)
    assert prompt.kind == "followup" and "“If I avoid selling, then I will …”" in prompt.text
    prompt = engine.answer("If I hesitate before sending, then I will send it within 5 minutes")
    prompt = engine.answer("First client by 15 Dec\nSecond client")
    prompt = engine.answer("Post on LinkedIn by Tuesday\nEmail 5 colleagues")
    assert prompt.kind == "followup" and "Email 5 colleagues" in prompt.text
    prompt = engine.answer("by the 45th")
    assert "cannot understand" in prompt.notice.lower()
    prompt = engine.answer("Friday")
    assert prompt.kind == "confirm" and "Tue 24 Nov" in prompt.text and "Fri 27 Nov" in prompt.text
    prompt = engine.answer("yes")
    assert prompt.done and prompt.artefact is not None
    goal = store.goals.get(prompt.artefact.stored["goals"][0])
    assert goal.title == "Sign 3 new coaching clients" and goal.due == date(2027, 1, 31)
    assert goal.why == "Replace my salary" and goal.framework == "grow"
    assert [m.title for m in store.goals.milestones(goal.id or 0)] == [
        "First client by 15 Dec",
        "Second client",
    ]
    made = store.commitments.list(profile_id, goal_id=goal.id)
    assert [(c.text, c.due) for c in made] == [
        ("Post on LinkedIn by Tuesday", date(2026, 11, 24)),
        ("Email 5 colleagues", date(2026, 11, 27)),
    ]
    assert all(c.made_in_session_id == prompt.session_id for c in made)
    session = store.sessions.get(prompt.session_id)
    assert (
        session.ended_at is not None
        and session.summary
        and "# Goal: Sign 3 new coaching clients" in session.summary
    )


def test_empty_answer_is_asked_again_once_then_skipped(store: Store, profile_id: int) -> None:
    engine, prompt = Engine.start(store, get_flow("what-so-what"), profile_id, today=TODAY)
    prompt = engine.answer("   ")
    assert prompt.kind == "retry" and prompt.stage == "what" and "didn't catch" in prompt.notice
    prompt = engine.answer("")
    assert prompt.stage == "so_what"
    assert next(s.state for s in prompt.stages if s.id == "what") == "skipped"


def test_awkward_text_is_kept_exactly(store: Store, profile_id: int) -> None:
    big = "word " * 20_000  # 100 KB
    text = f"{BRACKETS} {FAMILY_EMOJI} {RTL}"
    engine, prompt = run(store, profile_id, "free", [text + "\n" + big, "", "3", "#a, [b]"])
    assert prompt.done and prompt.artefact
    assert engine.answers["entry"] == text + "\n" + big
    session = store.sessions.get(prompt.session_id)
    assert any(t.text == text + "\n" + big for t in session.turns if t.role == "user")
    assert session.tags == ["a", "[b]"] and session.mood == 3
    assert BRACKETS in (session.summary or "")


def test_too_long_an_answer_is_refused_and_nothing_is_lost(store: Store, profile_id: int) -> None:
    engine, _ = Engine.start(store, get_flow("free"), profile_id, today=TODAY)
    prompt = engine.answer("x" * 300_000)
    assert prompt.stage == "entry" and "too long" in prompt.notice
    prompt = engine.answer("a shorter entry")
    assert prompt.stage == "action"


def test_mood_must_be_one_to_five(store: Store, profile_id: int) -> None:
    engine, _ = run(store, profile_id, "free", ["entry", ""])
    prompt = engine.answer("7")
    assert prompt.stage == "mood" and "from 1 (low) to 5" in prompt.notice
    assert engine.answer("great").stage == "tags" and engine.mood == 5


def test_back_and_skip(store: Store, profile_id: int) -> None:
    engine, prompt = run(store, profile_id, "what-so-what", ["We ran the retro with the whole team today."])
    assert prompt.stage == "so_what"
    prompt = engine.back()
    assert prompt.stage == "what"
    prompt = engine.answer("We ran the retro with the whole team and the client.")
    prompt = engine.skip()
    assert prompt.stage == "now_what" and "so_what" not in engine.answers


def test_resume_replays_saved_answers(store: Store, profile_id: int) -> None:
    engine, prompt = run(
        store,
        profile_id,
        "gibbs",
        ["We pitched to the board on Monday and it went sideways fast.", "I felt anxious and then angry"],
    )
    prompt = engine.back()
    sid = prompt.session_id
    assert Engine.unfinished(store, profile_id, "gibbs").id == sid  # type: ignore[union-attr]
    again, prompt = Engine.resume(store, get_flow("gibbs"), sid, today=TODAY)
    assert prompt.stage == "feelings" and "picking up" in prompt.notice
    assert again.answers == engine.answers
    prompt = again.answer("I felt anxious, then relieved")
    assert prompt.stage == "evaluation"


def test_reflection_commitments_can_be_edited_before_saving(store: Store, profile_id: int) -> None:
    engine, prompt = run(
        store,
        profile_id,
        "what-so-what",
        [
            "Mentoring session with Dana about the promotion case.",
            "I undersell my work.",
            "Write my wins list by Friday",
        ],
    )
    assert prompt.kind == "confirm"
    prompt = engine.answer("Write my wins list by Thursday\nShare it with Dana next week")
    assert prompt.kind == "confirm" and "Thu 26 Nov" in prompt.text
    prompt = engine.answer("yes")
    for text in ["4", "", ""]:
        prompt = engine.answer(text)
    assert prompt.done
    items = store.commitments.list(profile_id)
    assert [(c.text, c.due) for c in items] == [
        ("Write my wins list by Thursday", date(2026, 11, 26)),
        ("Share it with Dana next week", date(2026, 11, 27)),
    ]


def test_meeting_prep_reviews_commitments_and_keeps_private_text_off_the_card(
    store: Store, profile_id: int
) -> None:
    a = store.commitments.add(Commitment(profile_id=profile_id, text="Send 10 outreach emails"))
    b = store.commitments.add(Commitment(profile_id=profile_id, text="Draft the pricing page"))
    engine, prompt = run(store, profile_id, "mastermind", ["Founders Circle", "Thursday"])
    assert prompt.stage == "review" and "Send 10 outreach emails" in prompt.text and "[1/2]" in prompt.text
    prompt = engine.answer("maybe")
    assert "done, partial, missed or not due yet" in prompt.notice
    prompt = engine.answer("partial, sent 6; a sick child took two days")
    assert prompt.step == "keep, shrink or drop"
    prompt = engine.answer("not sure")  # no choice: the item stands as reviewed
    prompt = engine.answer("missed - the week vanished")
    prompt = engine.answer("drop it")
    for text in [
        "Signed the pilot",
        "Pricing the pilot-to-paid step; per-seat pricing confused two buyers",
        "Two buyers walked away",  # the deeper question
        "Who has priced usage-based B2B software and can review my draft?",
        "What metric first?\nHow did you test it?\nWhat would you cut?",
        "Worried about runway (private)",
    ]:
        prompt = engine.answer(text)
    assert prompt.done and prompt.artefact and prompt.artefact.card
    card, brief = prompt.artefact.card, prompt.artefact.markdown
    assert "Worried about runway" in brief and "Worried about runway" not in card
    assert "sick child" in brief and "sick child" not in card
    assert "Pricing the pilot" in card
    assert "Send 10 outreach emails" not in card  # not made for this group: the review is the person's own
    done_a, done_b = store.commitments.get(a.id or 0), store.commitments.get(b.id or 0)
    assert (done_a.status, done_a.obstacle) == ("partial", "sent 6; a sick child took two days")
    assert (done_b.status, done_b.reviewed_in_session_id) == ("dropped", prompt.session_id)
    assert "Draft the pricing page: ❌ missed (what got in the way: the week vanished) → dropped" in brief
    meeting = store.meetings.get(prompt.artefact.stored["meetings"][0])
    assert meeting.group_name == "Founders Circle" and meeting.date == date(2026, 11, 26)


def test_sbi_checker_flags_and_suggests_rewrites(store: Store, profile_id: int) -> None:
    engine, prompt = run(store, profile_id, "sbi", ["Sam", "Lately in meetings"])
    assert prompt.kind == "followup" and "lately" in prompt.checks[0].message
    prompt = engine.answer("In Tuesday's client call with Acme")
    prompt = engine.answer("You are lazy and never prepare")
    flagged = {r.check: r for r in prompt.checks if not r.ok}
    assert set(flagged) == {"judgement", "absolutes"} and "lazy" in flagged["judgement"].message
    assert flagged["judgement"].suggestion
    prompt = engine.answer("You opened the deck for the first time during the call")
    assert prompt.stage == "impact"
    prompt = engine.answer("bad")
    assert prompt.kind == "followup" and "effect" in prompt.text
    prompt = engine.answer("The client had to wait a day for answers, so we lost momentum")
    prompt = engine.answer("What was going on for you before the call?")
    prompt = engine.answer("")
    assert prompt.done and prompt.artefact
    md = prompt.artefact.markdown
    assert "You opened the deck" in md and "lazy" not in md.split("## Checks")[0]
    assert "Reflective questions to ask Sam" in md and md.count("\n- ") >= 5
    assert any("client" in q.lower() for q in md.split("Reflective questions")[1].splitlines())


@pytest.mark.parametrize(
    ("check", "bad", "good"),
    [
        ("judgement", "She was rude to the client", "She cut the client off twice"),
        ("absolutes", "You always miss deadlines", "You missed the last two deadlines"),
        ("vague_time", "Lately things slipped", "In Monday's stand-up"),
        ("no_impact", "bad", "so the release slipped a week and the team worked late"),
        ("no_number", "Get fitter", "Run 5 km"),
        ("no_owner_verb", "More clients", "Sign 3 clients"),
        ("several_goals", "Run a marathon and write a book and learn Spanish", "Run a marathon"),
        ("no_if_then", "Try harder", "If I feel tired, then I will walk for 10 minutes"),
        ("activity_not_outcome", "Hold 4 webinars", "Trial sign-ups rise from 40 to 100"),
        ("vague_ask", "Help", "Who can introduce me to a buyer at a mid-size bank?"),
        ("no_feeling", "It happened", "I felt proud"),
        ("fewer_than_three", "One?", "One?\nTwo?\nThree?"),
    ],
)
def test_checks(check: str, bad: str, good: str) -> None:
    assert not run_check(check, check, bad).ok
    assert run_check(check, check, good).ok


def test_a_reflection_links_to_a_goal_the_user_names(store: Store, profile_id: int) -> None:
    from coach.models import Goal

    goal = store.goals.add(Goal(profile_id=profile_id, title="Sign 3 coaching clients"))
    engine, prompt = run(
        store,
        profile_id,
        "what-so-what",
        [
            "Discovery call with a potential client from the bakery chain today.",
            "I talk too much on calls.",
            "Send a follow-up email by Friday",
            "yes",
            "3",
            "sales",
        ],
    )
    assert prompt.stage == "link"
    prompt = engine.answer("the podcast")
    assert prompt.stage == "link" and "no goal or meeting matches" in prompt.notice.lower()
    prompt = engine.answer("coaching clients")
    assert prompt.done and prompt.artefact
    session = store.sessions.get(prompt.session_id)
    assert session.goal_id == goal.id
    assert store.commitments.list(profile_id, goal_id=goal.id)[0].text == "Send a follow-up email by Friday"
    assert "Linked to: Goal: Sign 3 coaching clients" in prompt.artefact.markdown
