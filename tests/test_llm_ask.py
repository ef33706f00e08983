"""Ask your history, over the real index and model: grounded, cited, isolated, honest when empty."""

from __future__ import annotations

import pytest

from coach.llm.ask import NOTHING, ask
from coach.services import Coach
from tests.llm_fakes import scripted, voice
from tests.test_retrieval import reflect


@pytest.fixture
def people(coach: Coach) -> tuple[int, int]:
    ana = coach.store.profiles.add("Ana").id or 0
    ben = coach.store.profiles.add("Ben").id or 0
    reflect(
        coach.store,
        ana,
        "I got stuck again on pricing: I froze when the client asked for a quote.",
        "2026-10-02",
    )
    reflect(
        coach.store, ana, "Stuck on pricing once more; I undercharged the workshop out of fear.", "2026-10-20"
    )
    reflect(coach.store, ana, "Great run by the river this morning, legs felt strong.", "2026-11-01")
    reflect(coach.store, ben, "Ben's private note: my pricing plan is to charge 900 per day.", "2026-10-05")
    return ana, ben


def test_an_answer_cites_only_the_retrieved_entries_of_this_profile(
    coach: Coach, people: tuple[int, int]
) -> None:
    ana, _ = people
    model = scripted("You kept getting stuck on pricing [1], and again in October [2]. See also [9].")
    result = ask(coach, "What did I keep getting stuck on this autumn?", ana, voice(model))
    assert result.found and not result.fallback
    history = [s for s in result.sources if s.kind == "history"]
    assert history and all("Ben" not in s.text for s in result.sources)
    assert {s.id for s in result.cited} <= {s.id for s in result.sources}
    assert [s.id for s in result.cited] == [result.sources[0].id, result.sources[1].id]
    assert result.unknown_citations == [9]
    assert "pricing" in result.sources[0].text.lower()
    sent = model.seen[0][-1].text
    assert "900 per day" not in sent and "froze when the client" in sent
    assert "[session 2026-10" in result.text  # [n] shown as the session's own citation


def test_nothing_relevant_says_so_without_calling_the_model(coach: Coach, people: tuple[int, int]) -> None:
    ana, _ = people
    model = scripted("Invented answer")
    result = ask(coach, "What did I say about scuba diving in Egypt?", ana, voice(model))
    assert not result.found and result.text == NOTHING and not model.seen


def test_without_a_model_the_passages_are_the_answer(coach: Coach, people: tuple[int, int]) -> None:
    ana, _ = people
    result = ask(coach, "pricing", ana)
    assert result.found and "Here is what your history holds" in result.text
    assert "[session 2026-10-02]" in result.text and "900" not in result.text


def test_a_failing_model_still_answers_from_the_passages(coach: Coach, people: tuple[int, int]) -> None:
    ana, _ = people
    result = ask(coach, "pricing", ana, voice(scripted("x", fail=ConnectionError("refused"))))
    assert result.fallback and "Here is what your history holds" in result.text
    assert result.notice.startswith("The model is unavailable")
