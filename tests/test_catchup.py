"""Catch-up indexing reports real progress, and a search with a large backlog says so first."""

from __future__ import annotations

import pytest

from coach.models import Session
from coach.store import Store
from tests.test_cli import coach as run_cli
from tests.test_cli import ok


def fill(store: Store, pid: int, n: int) -> None:
    for i in range(n):
        session = store.sessions.start(Session(profile_id=pid, kind="reflection", framework="free"))
        store.sessions.end(session.id or 0, summary=f"Entry {i}: a walk by the canal, and the Osprey draft.")


def test_sync_reports_records_of_total_and_chunks(coach, profile_id: int) -> None:  # type: ignore[no-untyped-def]
    fill(coach.store, profile_id, 30)
    assert coach.index.backlog() == 30
    seen: list[tuple[int, int, int]] = []
    coach.index.sync(lambda done, total, chunks: seen.append((done, total, chunks)))
    assert seen and seen[-1][:2] == (30, 30) and seen[-1][2] >= 30
    assert coach.index.backlog() == 0
    fill(coach.store, profile_id, 3)  # later changes come from the change feed, counted the same way
    seen.clear()
    coach.index.sync(lambda done, total, chunks: seen.append((done, total, chunks)))
    assert seen[-1][:2] == (3, 3)


def test_a_search_with_a_large_backlog_says_so_and_shows_progress(
    capsys: pytest.CaptureFixture[str], home
) -> None:  # type: ignore[no-untyped-def]
    ok(capsys, "profile", "add", "Ana")
    with Store.open(home) as store:
        fill(store, store.profiles.list()[0].id or 0, 210)
    code, out, err = run_cli(capsys, "search", "canal walk", "--kind", "history", "-k", "2")
    assert code == 0, err
    assert "Indexing 210 records before the first search." in err and "210/210" in err
    assert "canal" in out
    code, out, err = run_cli(capsys, "search", "canal walk", "--kind", "history", "-k", "2")
    assert "Indexing" not in err  # caught up: the next search starts at once
