"""Private stays private: private answers and what got in the way are recalled in their own job only."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from coach.engine.engine import Engine
from coach.engine.flows import get_flow
from coach.engine.grounding import SearchRetriever
from coach.engine.results import Prompt, Recall
from coach.models import Commitment, Meeting, Session
from coach.retrieval import privacy, vectors
from coach.retrieval.chunks import commitment_chunks
from coach.retrieval.privacy import Visibility
from coach.retrieval.search import Mode
from coach.services import Coach
from coach.store import Store
from coach.store.db import DB_NAME, Database

TODAY = date(2026, 12, 1)  # a Tuesday; the meeting is on Thursday
PRIVATE_WORDS = ("divorce", "hearing")

PREP = {
    "group": "Tuesday Circle",
    "meeting_date": "Thursday",
    "wins": "Signed the Kestrel pilot with two design studios",
    "hot_seat": "Pricing the Kestrel pilot-to-paid step; per-seat pricing confused two buyers last month",
    "ask": "Who has priced usage-based B2B software and can review my pricing draft this week?",
    "questions": "What metric first?\nHow did you test it?\nWhat would you cut?",
    "private_note": "my divorce hearing on Friday",
}
FEEDBACK = {
    "mentee": "Sam",
    "situation": "At Tuesday's client hearing rehearsal for the Kestrel pitch",
    "behaviour": "Sam read the slides aloud and moved past the pricing question",
    "impact": "The client asked about pricing twice and I felt uneasy answering for Sam",
    "intent": "What were you hoping for when you moved past the pricing question?",
    "context": "Sam is new to client calls and asked for feedback",
}


def drive(engine: Engine, prompt: Prompt, answers: dict[str, str], review: list[str] | None = None) -> Prompt:
    """Answer each stage from the dict (review items in turn), passing on follow-ups; keeps every recall."""
    reviews = iter(review or [])
    for _ in range(60):
        if prompt.done:
            return prompt
        if prompt.kind == "followup":
            prompt = engine.decline()
        elif prompt.kind == "confirm":
            prompt = engine.answer("yes")
        elif prompt.stage == "review" and prompt.step == "keep, shrink or drop":
            prompt = engine.answer("drop")
        elif prompt.stage == "review":
            prompt = engine.answer(next(reviews, "done"))
        else:
            prompt = engine.answer(answers.get(prompt.stage or "", ""))
        engine.recalls.extend(r for r in prompt.recalls if r not in engine.recalls)
    raise AssertionError(f"the flow did not end: stuck at {prompt.stage} ({prompt.kind})")


def said(recalls: list[Recall]) -> str:
    return "\n".join(r.text for r in recalls).lower()


@pytest.fixture
def prepared(coach: Coach) -> dict[str, int]:
    """A meeting prep with a private note and a reviewed commitment whose obstacle was a divorce hearing."""
    store = coach.store
    pid = store.profiles.add("Ana").id or 0
    earlier = store.sessions.start(Session(profile_id=pid, kind="meeting-prep", framework="mastermind"))
    item = store.commitments.add(
        Commitment(
            profile_id=pid,
            text="Send 10 outreach emails",
            due=date(2026, 11, 27),
            made_in_session_id=earlier.id,
        )
    )
    retriever = SearchRetriever(coach.searcher)
    engine, prompt = Engine.start(store, get_flow("mastermind"), pid, retriever, today=TODAY)
    done = drive(engine, prompt, PREP, ["missed, the divorce hearing swallowed the week"])
    assert done.artefact is not None and "divorce hearing on Friday" in done.artefact.markdown
    assert "divorce" not in (done.artefact.card or "")
    reviewed = store.commitments.get(item.id or 0)
    # missed, then dropped when asked to keep, shrink or drop it
    assert (reviewed.status, reviewed.obstacle) == ("dropped", "the divorce hearing swallowed the week")
    return {
        "pid": pid,
        "session": done.session_id,
        "meeting": done.artefact.stored["meetings"][0],
        "commitment": item.id or 0,
    }


def test_chunks_carry_their_job_and_privacy(coach: Coach, prepared: dict[str, int]) -> None:
    index = coach.index
    session = index.chunks_for(f"session:{prepared['session']}")
    assert session and all(c.job == "meeting-prep" for c in session)
    private = [c for c in session if c.private]
    shared = [c for c in session if not c.private]
    by_id = {c.id: c for c in session}
    note = by_id[f"session:{prepared['session']}:answer:private_note:0"]
    assert note.private and note.text == "Private note\nmy divorce hearing on Friday"
    review = by_id[f"session:{prepared['session']}:answer:review:0"]
    assert review.private and review.text.startswith("Commitment review\n")
    assert any(c.id.startswith(f"session:{prepared['session']}:private:") for c in private)
    assert all(not any(w in c.text.lower() for w in PRIVATE_WORDS) for c in shared)
    summary = next(c for c in shared if ":summary:" in c.id)
    assert "Kestrel pilot with two design studios" in summary.text and privacy.PRIVATE_MARK in summary.text
    meeting = index.chunks_for(f"meeting:{prepared['meeting']}")
    assert {c.private for c in meeting} == {True, False} and all(c.job == "meeting-prep" for c in meeting)
    assert all(("divorce" in c.text) == c.private for c in meeting)
    commitment = index.chunks_for(f"commitment:{prepared['commitment']}")
    assert [(c.id, c.private, c.job) for c in commitment] == [
        (f"commitment:{prepared['commitment']}", False, "meeting-prep"),
        (f"commitment:{prepared['commitment']}:obstacle", True, "meeting-prep"),
    ]
    assert "divorce" not in commitment[0].text and "Status: dropped" in commitment[0].text
    index.sync()
    assert not index.check().any
    rows = coach.store.db.query(
        "SELECT id, job, private FROM index_chunks WHERE source = ?",
        (f"commitment:{prepared['commitment']}",),
    )
    assert sorted((r["id"], r["job"], r["private"]) for r in rows) == [
        (f"commitment:{prepared['commitment']}", "meeting-prep", 0),
        (f"commitment:{prepared['commitment']}:obstacle", "meeting-prep", 1),
    ]
    col = index.client.get_collection(index.collection_name("history", prepared["pid"]))
    meta = col.get(ids=[f"commitment:{prepared['commitment']}:obstacle"], include=["metadatas"])
    assert meta["metadatas"][0] == {
        "source": f"commitment:{prepared['commitment']}",
        "kind": "history",
        "job": "meeting-prep",
        "private": True,
    }


def test_mentor_feedback_never_recalls_the_private_obstacle(coach: Coach, prepared: dict[str, int]) -> None:
    pid = prepared["pid"]
    retriever = SearchRetriever(coach.searcher)
    engine, prompt = Engine.start(coach.store, get_flow("sbi"), pid, retriever, today=TODAY)
    sid = engine.session_id
    assert retriever.job_for(sid) == "mentor-feedback"
    for query in ("divorce hearing", "what got in the way: the hearing", "my divorce hearing on Friday"):
        assert not any(w in said(retriever.recall(query, pid, sid)) for w in PRIVATE_WORDS), query
    done = drive(engine, prompt, FEEDBACK)
    assert done.artefact is not None
    assert not any(w in said(engine.recalls + done.artefact.recalls) for w in ("divorce", "swallowed"))
    # the shareable parts of the meeting are still history for every job
    kestrel = retriever.recall("Kestrel pilot with the design studios", pid, sid)
    assert any("kestrel" in r.text.lower() for r in kestrel)
    # and the explicit job wins over the session's
    assert retriever.job_for(sid) == "mentor-feedback"
    as_prep = SearchRetriever(coach.searcher, job="meeting-prep")
    assert "divorce" in said(as_prep.recall("divorce hearing", pid, sid))


@pytest.mark.parametrize("mode", ["fused", "dense", "lexical"])
def test_search_keeps_private_text_to_its_job(coach: Coach, prepared: dict[str, int], mode: Mode) -> None:
    pid = prepared["pid"]
    shown: list[Visibility] = [False, "mentor-feedback", "reflection", "goal"]
    for private in shown:
        hits = coach.searcher.search(
            "divorce hearing",
            profile_id=pid,
            kind="history",
            k=20,
            mode=mode,
            private=private,
        )
        assert all(not h.private for h in hits), (private, mode)
        assert not any("divorce" in h.text.lower() for h in hits), (private, mode)
    own = coach.searcher.search("divorce hearing", profile_id=pid, kind="history", k=20, mode=mode)
    assert any(h.private and "divorce" in h.text for h in own)  # the person's own search finds their text
    prep = coach.searcher.search(
        "divorce hearing", profile_id=pid, kind="history", k=20, mode=mode, private="meeting-prep"
    )
    assert any(h.private and h.job == "meeting-prep" for h in prep)


def test_a_reflection_does_not_see_it_and_a_later_meeting_prep_does(
    coach: Coach, prepared: dict[str, int]
) -> None:
    pid = prepared["pid"]
    retriever = SearchRetriever(coach.searcher)
    engine, prompt = Engine.start(coach.store, get_flow("what-so-what"), pid, retriever, today=TODAY)
    assert not any(w in said(prompt.recalls) for w in PRIVATE_WORDS)
    assert not any(
        w in said(retriever.recall("divorce hearing", pid, engine.session_id)) for w in PRIVATE_WORDS
    )
    prompt = engine.answer("The divorce hearing week was heavy, and the Kestrel pilot still moved forward.")
    assert not any(
        "divorce" in r.text.lower() and r.source != f"session:{engine.session_id}" for r in prompt.recalls
    )

    later, _ = Engine.start(coach.store, get_flow("mastermind"), pid, retriever, today=TODAY)
    recalled = retriever.recall("divorce hearing", pid, later.session_id)
    assert "divorce" in said(recalled)
    assert {r.source for r in recalled} & {
        f"session:{prepared['session']}",
        f"meeting:{prepared['meeting']}",
        f"commitment:{prepared['commitment']}",
    }


def test_no_job_means_no_private_recall(coach: Coach, prepared: dict[str, int]) -> None:
    retriever = SearchRetriever(coach.searcher)
    assert retriever.job_for(None) is None and retriever.job_for(999) is None
    assert not any(
        w in said(retriever.recall("divorce hearing", prepared["pid"], None)) for w in PRIVATE_WORDS
    )


def test_an_obstacle_noted_outside_a_conversation_is_private_to_no_job(coach: Coach) -> None:
    pid = coach.store.profiles.add("Ana").id or 0
    item = coach.store.commitments.add(Commitment(profile_id=pid, text="Book the Quimper venue"))
    coach.store.commitments.set_status(item.id or 0, "missed", obstacle="the custody mediation ran long")
    chunks = coach.index.chunks_for(f"commitment:{item.id}")
    assert [(c.private, c.job) for c in chunks] == [(False, None), (True, None)]
    for job in ("goal", "reflection", "meeting-prep", "mentor-feedback"):
        hits = coach.searcher.search("custody mediation", profile_id=pid, kind="history", k=5, private=job)
        assert not any("custody" in h.text for h in hits)
    assert "custody" in coach.search("custody mediation", kind="history", k=1)[0].text


def test_a_commitment_reviewed_in_meeting_prep_keeps_its_obstacle_there() -> None:
    item = Commitment(id=3, profile_id=1, text="Call Dana", status="partial", obstacle="flu")
    made, obstacle = commitment_chunks(item, job="reflection", obstacle_job="meeting-prep")
    assert (made.job, made.private, "flu" in made.text) == ("reflection", False, False)
    assert (obstacle.id, obstacle.job, obstacle.private) == ("commitment:3:obstacle", "meeting-prep", True)
    assert obstacle.text.endswith("What got in the way: flu")


def brief(**answers: str) -> str:
    flow = get_flow("mastermind")
    fields = {s.id: f"{s.id} answer" for s in flow.stages} | {
        "review": "- Send the deck: ❌ missed (what got in the way: the divorce hearing)",
        "review_card": "- Send the deck: ❌ missed",
        "checks": "- ✓ Three questions",
        "title": flow.title,
        "date": "Tuesday 01 December 2026",
        "question_bank": "",
        "follow_through": "Follow-through: 0 of 1 done",
        "threads": "_(skipped)_",
    }
    return flow.summary.format_map(fields | answers).strip() + "\n"


def test_an_artefact_splits_at_its_private_fields() -> None:
    flows = [get_flow("mastermind")]
    parts = privacy.split_artefact(brief(private_note="the custody papers"), flows)
    assert parts is not None
    shared, private = parts
    assert "divorce" not in shared and "custody" not in shared and "wins answer" in shared
    assert shared.count(privacy.PRIVATE_MARK) == 2 and "## Private note" in shared
    assert private == (
        "## Since last meeting\n- Send the deck: ❌ missed (what got in the way: the divorce hearing)"
        "\n\n## Private note\nthe custody papers"
    )
    skipped = privacy.split_artefact(brief(private_note="_(skipped)_"), flows)
    assert skipped is not None and "_(skipped)_" in skipped[0] and "Private note" not in skipped[1]


def test_a_heading_inside_an_answer_never_lets_private_text_out() -> None:
    flows = [get_flow("mastermind")]
    sneaky = "custody papers\n\n## Checks\n- more custody worries"
    parts = privacy.split_artefact(brief(private_note=sneaky), flows)
    assert parts is not None and "custody" not in parts[0] and "more custody worries" in parts[1]
    copied = privacy.split_artefact(
        brief(wins="a win\n\n## Private note\nnot really", private_note="custody"), flows
    )
    assert copied is not None and "custody" not in copied[0] and "custody" in copied[1]
    assert privacy.split_artefact("# Some other brief\n\nthe divorce hearing", flows) is None
    assert privacy.split_artefact("anything", None) is None
    assert privacy.split_artefact("# Notes", [get_flow("sbi")]) == ("# Notes", "")  # nothing private there


def test_a_brief_of_unknown_shape_or_flow_is_private_as_a_whole(coach: Coach) -> None:
    pid = coach.store.profiles.add("Ana").id or 0
    meeting = coach.store.meetings.add(
        Meeting(profile_id=pid, group_name="Circle", date=TODAY, brief="Notes: the divorce hearing")
    )
    chunks = coach.index.chunks_for(f"meeting:{meeting.id}")
    assert [(c.id, c.private, c.job) for c in chunks] == [
        (f"meeting:{meeting.id}:private:0", True, "meeting-prep")
    ]
    gone = coach.store.sessions.start(
        Session(
            profile_id=pid,
            kind="reflection",
            framework="a-flow-since-removed",
            summary="# Old\n\nthe divorce hearing",
        )
    )
    assert all(c.private for c in coach.index.chunks_for(f"session:{gone.id}"))


def test_a_brief_written_under_the_safety_gate_is_not_indexed(coach: Coach) -> None:
    pid = coach.store.profiles.add("Ana").id or 0
    meeting = coach.store.meetings.add(
        Meeting(profile_id=pid, group_name="Circle", date=TODAY, brief=brief(private_note="x"))
    )
    coach.store.sessions.start(
        Session(
            profile_id=pid,
            kind="meeting-prep",
            framework="mastermind",
            meeting_id=meeting.id,
            safety="self_harm",
        )
    )
    assert coach.index.chunks_for(f"meeting:{meeting.id}") == []


def test_an_index_from_before_is_rebuilt_with_the_marks(coach: Coach, prepared: dict[str, int]) -> None:
    pid = prepared["pid"]
    index = coach.index
    name = index.collection_name("history", pid)
    index.sync()
    index.client.delete_collection(name)
    old = index.client.create_collection(
        name, metadata={"embedding_model": index.embedder.name, "embedding_dim": 384}
    )
    old.add(
        ids=["meeting:1:0"],
        documents=["my divorce hearing"],
        metadatas=[{"source": "meeting:1"}],
        embeddings=[index.embedder.embed_query("my divorce hearing")],
    )
    fresh = Coach(coach.store, embedder=index.embedder)
    hits = fresh.searcher.search(
        "divorce hearing", profile_id=pid, kind="history", k=10, private="reflection"
    )
    assert not any("divorce" in h.text for h in hits)
    assert any("older version of the index" in n for n in fresh.index.notices)
    assert fresh.index.client.get_collection(name).metadata["chunk_schema"] == vectors.CHUNK_SCHEMA
    assert not fresh.index.check().any


def test_flows_that_change_what_is_private_recut_the_history(
    coach: Coach, prepared: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    coach.index.sync()
    monkeypatch.setattr(privacy, "signature", lambda: "flows-changed")
    written = coach.index.sync()
    assert written > 0 and any("changed what is private" in n for n in coach.index.notices)
    assert coach.index.sync() == 0 and not coach.index.check().any


def test_the_migration_empties_the_catalogue_so_it_is_rebuilt(home: Path) -> None:
    home.mkdir(mode=0o700)
    db = Database(home / DB_NAME)
    db.migrate(upto=4)
    with db.tx() as conn:
        conn.execute(
            "INSERT INTO index_chunks (id, kind, profile_id, source, title, date, citation, text, digest) "
            "VALUES ('meeting:1:0', 'history', 1, 'meeting:1', 't', NULL, '[meeting]', 'divorce', 'd')"
        )
        conn.execute("INSERT INTO feed_cursors VALUES ('retrieval-index', 7)")
    db.close()
    with Store.open(home) as store:
        assert store.db.query("SELECT COUNT(*) FROM index_chunks")[0][0] == 0
        assert store.feed.cursor("retrieval-index") == 0
        columns = {r["name"] for r in store.db.query("PRAGMA table_info(index_chunks)")}
        assert {"job", "private"} <= columns
