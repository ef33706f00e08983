"""The right tip and recall at the right stage: tips fit the stage's purpose, recalls read as sentences."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from coach.engine.flows import Flow, flows_dir, load_flows
from coach.engine.grounding import SearchRetriever
from coach.errors import ConfigError
from coach.models import Commitment, Goal, Meeting, Session, SessionKind, Turn
from coach.paths import bundled_dir
from coach.retrieval import tips, tuning
from coach.retrieval.search import Hit
from coach.services import Coach
from coach.store import Store

TODAY = date(2026, 12, 1)
LABELS = Path(__file__).parent / "data" / "stage_tips.yaml"


def labels() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(LABELS.read_text(encoding="utf-8"))
    return data


def flows() -> dict[str, Flow]:
    return load_flows(flows_dir())


def note_id(citation: str) -> str:
    """The note a tip cites, by the id in its file name."""
    for path in bundled_dir("knowledge").glob("*.md"):
        if f"title: {citation.removeprefix('[note: ').removesuffix(']')}\n" in path.read_text("utf-8"):
            return path.stem
    raise AssertionError(f"no bundled note has the title in {citation}")


def walk_tips(retriever: SearchRetriever) -> tuple[int, int, list[str]]:
    """Every labelled conversation, walked as the engine walks it: each stage with a purpose asks for a tip
    with the answer given just before it, and a note shown once is not shown again. (landed, asked, misses)"""
    data, known = labels(), flows()
    landed, asked, misses = 0, 0, []
    for flow_id, sessions in data["sessions"].items():
        for n, answers in enumerate(sessions, 1):
            seen: set[str] = set()
            last = ""
            for stage in known[flow_id].stages:
                if stage.retrieve:
                    tip = retriever.tip(stage.retrieve, seen, last)
                    got = note_id(tip.citation) if tip else None
                    asked += 1
                    if got in data["fits"][flow_id][stage.id]:
                        landed += 1
                    else:
                        misses.append(f"{flow_id}.{stage.id} (conversation {n}): {got}")
                    if tip:
                        seen.add(tip.citation)
                last = str(answers.get(stage.id, "") or last)
    return landed, asked, misses


# --- tips ------------------------------------------------------------------------------------------------
def test_every_stage_with_a_purpose_has_its_fitting_notes_labelled() -> None:
    data = labels()
    purposes = {(f.id, s.id) for f in flows().values() for s in f.stages if s.retrieve}
    labelled = {(f, s) for f, stages in data["fits"].items() for s in stages}
    assert purposes == labelled, (purposes - labelled, labelled - purposes)
    notes = {p.stem for p in bundled_dir("knowledge").glob("*.md")}
    named = {n for stages in data["fits"].values() for fits in stages.values() for n in fits}
    assert named <= notes, named - notes
    assert set(data["sessions"]) == {f for f, _ in purposes}


def test_every_tip_lands_on_a_note_that_fits_its_stage(coach: Coach) -> None:
    landed, asked, misses = walk_tips(SearchRetriever(coach.searcher, today=TODAY))
    assert asked >= 80 and not misses, f"{landed} of {asked} tips fit their stage; off the stage: {misses}"


def test_the_answer_never_brings_in_a_note_the_purpose_did_not_find(coach: Coach) -> None:
    retriever = SearchRetriever(coach.searcher, today=TODAY)
    loud = "My vague goal needs to be SMART; the hot seat ask for the mastermind group; SBI feedback model"
    for flow in flows().values():
        for stage in (s for s in flow.stages if s.retrieve):
            purpose = stage.retrieve or ""
            found = {h.citation for h in coach.searcher.search(purpose, kind="knowledge", k=8)}
            tip = retriever.tip(purpose, set(), loud)
            assert tip is None or tip.citation in found, (flow.id, stage.id, tip)
    feelings = retriever.tip("naming feelings reflection", set(), "I missed my goal; it was too vague")
    assert feelings is not None and note_id(feelings.citation) == "naming-feelings"


class _Searcher:
    """Hits in a fixed order, with no index behind them."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        self.index = None

    def search(self, query: str, **_: Any) -> list[Hit]:
        return [
            Hit(kind="knowledge", id=f"note:{n}", chunk_id=f"note:{n}:0", title=n, snippet=n, text=n,
                date=None, score=1.0, citation=f"[note: {n}]")
            for n in self.names
        ]  # fmt: skip


def test_the_floor_the_seen_notes_and_the_answer_weight(monkeypatch: pytest.MonkeyPatch) -> None:
    close = {"note:a": (0.60, 0.0), "note:b": (0.50, 0.9), "note:c": (0.30, 1.0)}
    monkeypatch.setattr(tips, "_closeness", lambda *a: close)
    knobs = tuning.TipTuning(candidates=3, floor=0.75, answer_weight=0.1)
    searcher: Any = _Searcher(["a", "b", "c"])
    pick = tips.pick_tip
    assert pick(searcher, "p", set(), "x", knobs).id == "note:a"  # type: ignore[union-attr]
    assert pick(searcher, "p", set(), "x", knobs.model_copy(update={"answer_weight": 0.2})).id == "note:b"  # type: ignore[union-attr]
    assert pick(searcher, "p", {"[note: a]"}, "x", knobs).id == "note:b"  # type: ignore[union-attr]
    # c is far below the best: once a and b are shown, the stage gets no tip rather than an off-topic one
    assert pick(searcher, "p", {"[note: a]", "[note: b]"}, "x", knobs) is None
    monkeypatch.setattr(tips, "_closeness", lambda *a: None)  # words only: the purpose's own order
    assert pick(searcher, "p", {"[note: a]"}, "x", knobs).id == "note:b"  # type: ignore[union-attr]


def test_the_knobs_are_data_and_checked() -> None:
    knobs = tuning.tuning()
    assert 0 < knobs.tips.floor < 1 and knobs.tips.answer_weight < 0.5
    with pytest.raises(ValueError):
        tuning.TipTuning(candidates=0, floor=2.0, answer_weight=0.1)
    with pytest.raises(ValueError):
        tuning.Tuning.model_validate({**knobs.model_dump(), "tip": {}})


def test_a_broken_knobs_file_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "coaching").mkdir()
    (tmp_path / "coaching" / "retrieval.yaml").write_text("tips: {candidates: 0}\n", encoding="utf-8")
    monkeypatch.setattr(tuning, "bundled_dir", lambda name: tmp_path)
    tuning.tuning.cache_clear()
    try:
        with pytest.raises(ConfigError, match=r"^retrieval\.yaml: .*tips\.candidates"):
            tuning.tuning()
    finally:
        tuning.tuning.cache_clear()


# --- what is indexed -------------------------------------------------------------------------------------
def at(day: date, hour: int = 19) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def finished(store: Store, pid: int, day: date, framework: str, kind: SessionKind, **fields: Any) -> int:
    session = Session(
        profile_id=pid, kind=kind, framework=framework, started_at=at(day), ended_at=at(day, 20), **fields
    )
    return store.sessions.start(session).id or 0


GIBBS = {
    "description": "The Heron demo crashed halfway through the sprint review with the product owner.",
    "feelings": "Embarrassed during the demo, then relieved when the product owner laughed it off.",
    "evaluation": "The screenshots saved it; not testing on the demo laptop did not.",
    "analysis": "I rushed the Heron preparation because I said yes to two side requests that week.",
    "conclusion": "A dry run on the real laptop beats polishing slides.",
    "action": "Dry run on the demo laptop before every demo, from Monday\n"
    "Say no to side requests in sprint week",
    "mood": "3",
    "tags": "portfolio",
}


def test_only_final_accepted_answers_are_indexed(coach: Coach, profile_id: int) -> None:
    turns = [
        Turn(role="coach", stage="description", text="What happened?"),
        Turn(role="user", stage="description", text="help"),
        Turn(role="user", stage="description", text=GIBBS["description"]),
        Turn(role="user", stage="tags", text="tags: portfolio"),
        Turn(role="user", stage="analysis", text="y"),
        Turn(role="user", stage="analysis", text=GIBBS["analysis"]),
    ]
    sid = finished(
        coach.store, profile_id, date(2026, 11, 12), "gibbs", "reflection", answers=GIBBS, turns=turns
    )
    chunks = coach.index.chunks_for(f"session:{sid}")
    texts = [c.text for c in chunks]
    assert not any(t.splitlines()[-1] in ("help", "y") for t in texts)
    assert not any(re.match(r"^(tags|will|analysis): ", t) for t in texts)
    ids = {c.id for c in chunks}
    assert f"session:{sid}:answer:analysis:0" in ids and f"session:{sid}:answer:tags:0" not in ids
    answer = next(c for c in chunks if c.id == f"session:{sid}:answer:analysis:0")
    assert answer.text == f"Analysis\n{GIBBS['analysis']}"
    assert not coach.search("help", kind="history", k=5) or all(
        h.text.splitlines()[-1] != "help" for h in coach.search("help", kind="history", k=5)
    )


def test_an_unfinished_session_is_indexed_once_it_ends(coach: Coach, profile_id: int) -> None:
    open_ = coach.store.sessions.start(
        Session(
            profile_id=profile_id,
            kind="reflection",
            framework="gibbs",
            turns=[Turn(role="user", stage="description", text="Quetzal workshop ran long")],
        )
    )
    assert coach.index.chunks_for(f"session:{open_.id}") == []
    assert coach.search("Quetzal workshop", kind="history", k=3) == []
    coach.store.sessions.end(open_.id or 0, answers={"description": "Quetzal workshop ran long, and well"})
    hits = coach.search("Quetzal workshop", kind="history", k=3)
    assert [h.id for h in hits] == [f"session:{open_.id}"] and hits[0].text.endswith("ran long, and well")


def test_an_older_session_without_kept_answers_uses_the_last_answer_per_stage(
    coach: Coach, profile_id: int
) -> None:
    turns = [
        Turn(role="user", stage="what", text="y"),
        Turn(role="user", stage="what", text="The Ibis retro went well and we kept to time."),
    ]
    sid = finished(coach.store, profile_id, date(2026, 10, 2), "what-so-what", "reflection", turns=turns)
    assert [c.text for c in coach.index.chunks_for(f"session:{sid}")] == [
        "What\nThe Ibis retro went well and we kept to time."
    ]


# --- recalls ---------------------------------------------------------------------------------------------
def test_a_recall_is_a_sentence_from_the_record(coach: Coach, profile_id: int) -> None:
    sid = finished(
        coach.store, profile_id, date(2026, 11, 12), "gibbs", "reflection", answers=GIBBS, tags=["portfolio"]
    )
    retriever = SearchRetriever(coach.searcher, today=TODAY)
    recalls = retriever.recall("Why did the Heron preparation go badly?", profile_id, None)
    assert recalls[0].source == f"session:{sid}" and recalls[0].citation == "[session 2026-11-12]"
    assert recalls[0].text == (
        f"On 12 Nov, in a Gibbs reflection, you wrote under Analysis: “{GIBBS['analysis']}”"
    )
    lists = retriever.recall("side requests in sprint week", profile_id, None)
    assert lists[0].text.startswith("On 12 Nov, in a Gibbs reflection, you wrote under Action plan: “Dry run")
    assert "from Monday; Say no" in lists[0].text
    for r in recalls + lists + retriever.recall("portfolio", profile_id, None):
        assert not re.search(r"“(tags|will|analysis|action):", r.text, re.I), r.text


def test_a_commitment_and_a_goal_are_said_as_such(coach: Coach, profile_id: int) -> None:
    item = coach.store.commitments.add(
        Commitment(profile_id=profile_id, text="Send 10 outreach emails", due=date(2026, 11, 10))
    )
    goal = coach.store.goals.add(Goal(profile_id=profile_id, title="Run the Quokka half marathon"))
    made = item.created_at.date() if item.created_at else TODAY
    set_on = goal.created_at.date() if goal.created_at else TODAY
    retriever = SearchRetriever(coach.searcher, today=made)
    said = {r.source: r.text for r in retriever.recall("outreach emails; Quokka marathon", profile_id, None)}
    assert (
        said[f"commitment:{item.id}"]
        == f"On {made.day} {made:%b} you committed to: Send 10 outreach emails (due 10 Nov)."
    )
    assert (
        said[f"goal:{goal.id}"]
        == f"On {set_on.day} {set_on:%b} you set the goal: Run the Quokka half marathon."
    )


def test_a_brief_is_dated_when_it_was_written_never_the_meeting_day(coach: Coach, profile_id: int) -> None:
    meeting = coach.store.meetings.add(
        Meeting(profile_id=profile_id, group_name="Tuesday Circle", date=date(2026, 12, 3), brief="# Brief")
    )
    finished(
        coach.store,
        profile_id,
        date(2026, 11, 20),
        "mastermind",
        "meeting-prep",
        meeting_id=meeting.id,
        answers={"hot_seat": "Pricing the Kestrel pilot-to-paid step", "group": "Tuesday Circle"},
    )
    coach.store.meetings.edit(meeting.id or 0, brief="## Hot seat\nPricing the Kestrel pilot-to-paid step")
    recalls = SearchRetriever(coach.searcher, today=TODAY).recall("Kestrel pricing", profile_id, None)
    assert len(recalls) == 1  # the brief and the prep that wrote it are one entry
    assert recalls[0].text.startswith(
        "On 20 Nov, in a mastermind meeting prep, you wrote under Hot-seat topic:"
    )
    assert "3 Dec" not in recalls[0].text


# --- one hit per note or record --------------------------------------------------------------------------
def test_each_note_or_record_is_listed_once(coach: Coach, profile_id: int) -> None:
    for query in ("hot seat", "feedback", "goal", "mentor"):
        hits = coach.search(query, kind="knowledge", k=10)
        assert len(hits) == 10 and len({h.id for h in hits}) == 10, query
    sid = finished(coach.store, profile_id, date(2026, 11, 12), "gibbs", "reflection", answers=GIBBS)
    hits = coach.search("Heron demo preparation", kind="history", k=5)
    assert [h.id for h in hits] == [f"session:{sid}"]
