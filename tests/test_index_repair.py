"""A damaged index (word index, catalogue, vectors, a file in its place, read-only) is named, repaired, and
searched around in one line, never a traceback (issue 18)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from coach.retrieval import vectors
from tests.test_cli import coach, ok

KNOWN = "Send the Kingfisher proposal to Ottoline"


@pytest.fixture
def indexed(
    capsys: pytest.CaptureFixture[str], home: Path, embedder: Any, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A home with one commitment, indexed by a search, with the real model shared across the run."""
    monkeypatch.setattr("coach.retrieval.index.Embedder", lambda *a, **k: embedder)
    ok(capsys, "profile", "add", "Ana")
    ok(capsys, "commitment", "add", KNOWN, "--due", "next week")
    assert found(capsys)[0]
    return home


def found(capsys: pytest.CaptureFixture[str]) -> tuple[bool, list[str]]:
    """Whether a search finds the known commitment first, and the notes it gave."""
    code, out, err = coach(capsys, "search", "Kingfisher proposal Ottoline", "-k", "3", "--json")
    assert code == 0 and "Traceback" not in err, err
    report = json.loads(out)
    return bool(report["hits"]) and report["hits"][0]["id"] == "commitment:1", report["notes"]


def db(home: Path) -> sqlite3.Connection:
    return sqlite3.connect(home / "coach.db", isolation_level=None)


def corrupt_fts(home: Path) -> None:
    with db(home) as conn:
        conn.execute("UPDATE fts_history_data SET block = zeroblob(length(block)) WHERE id > 10")


def truncate_chroma(home: Path) -> None:
    (vectors.index_path(home) / "chroma.sqlite3").write_bytes(b"")


def truncate_segment(home: Path) -> None:
    bins = [p for p in vectors.index_path(home).rglob("*.bin")]
    assert bins
    for path in bins:
        path.write_bytes(b"")


def delete_catalogue_rows(home: Path) -> None:
    with db(home) as conn:
        conn.execute("DELETE FROM index_chunks WHERE kind = 'history'")


def index_is_a_file(home: Path) -> None:
    import shutil

    shutil.rmtree(home / "index")
    (home / "index").write_text("not a folder")


DAMAGE: dict[str, tuple[Callable[[Path], None], str]] = {
    "fts": (corrupt_fts, "lexical index fts_history is damaged"),
    "chroma.sqlite3": (truncate_chroma, "collection history-1 holds 0 chunks"),
    "catalogue": (delete_catalogue_rows, "catalogue is missing"),
    "index is a file": (index_is_a_file, "vector index folder is missing or not a folder"),
}


@pytest.mark.parametrize("case", list(DAMAGE))
def test_check_names_the_damage_and_rebuild_repairs_it(
    case: str, capsys: pytest.CaptureFixture[str], indexed: Path
) -> None:
    damage, part = DAMAGE[case]
    damage(indexed)
    vectors.forget_clients()  # as a new process would
    code, out, err = coach(capsys, "index", "check")
    assert code == 1 and part in out and "matches" not in out and "Traceback" not in err, out + err
    code, out, err = coach(capsys, "index", "check", "--json")
    assert code == 1 and any(part in p for p in json.loads(out)["problems"])
    out = ok(capsys, "index", "rebuild")
    assert "Indexed" in out
    code, out, err = coach(capsys, "index", "check")
    assert code == 0 and "The index matches the store." in out, out + err
    assert found(capsys) == (True, [])


@pytest.mark.parametrize("case", list(DAMAGE))
def test_search_repairs_the_damage_and_says_so(
    case: str, capsys: pytest.CaptureFixture[str], indexed: Path
) -> None:
    damage, _ = DAMAGE[case]
    damage(indexed)
    vectors.forget_clients()
    hit, notes = found(capsys)
    assert hit, notes
    assert notes and any("rebuilt" in n for n in notes), notes
    assert coach(capsys, "index", "check")[0] == 0
    code, out, _ = coach(capsys, "search", "Kingfisher proposal")
    assert code == 0 and "commitment" in out and not out.startswith("note:")


def test_an_index_that_cannot_be_opened_or_moved_searches_by_words(
    capsys: pytest.CaptureFixture[str], indexed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only index folder (chmod means nothing to root, so opening and moving are refused here)."""

    def refuse(*_: object, **__: object) -> None:
        raise PermissionError(13, "Permission denied", str(vectors.index_path(indexed)))

    vectors.forget_clients()
    monkeypatch.setattr(vectors, "open_client", refuse)
    monkeypatch.setattr(vectors, "move_aside", refuse)
    ok(capsys, "commitment", "add", "Book the Nightjar venue")
    code, out, err = coach(capsys, "search", "Nightjar venue", "--kind", "history", "--json")
    assert code == 0 and "Traceback" not in err, err
    report = json.loads(out)
    assert report["hits"] and report["hits"][0]["id"] == "commitment:2"
    assert len(report["notes"]) == 1 and "searching by words only" in report["notes"][0]
    code, out, err = coach(capsys, "search", "Kingfisher proposal")
    assert code == 0 and "words only" in out and "commitment" in out and "Traceback" not in err
    code, out, err = coach(capsys, "index", "check")
    assert code == 1 and "vector index cannot be opened" in out and "Traceback" not in err
    code, out, err = coach(capsys, "index", "rebuild")
    assert code != 0 and "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    monkeypatch.undo()


def test_a_truncated_segment_file_loses_nothing(capsys: pytest.CaptureFixture[str], indexed: Path) -> None:
    """chromadb 1.x rebuilds a segment's HNSW files from its own log, so nothing is lost or named; the
    search still finds the entry, check agrees, and rebuild still works."""
    truncate_segment(indexed)
    vectors.forget_clients()
    assert found(capsys)[0]
    code, out, err = coach(capsys, "index", "check")
    assert code == 0 and "Traceback" not in err, out + err
    assert "Indexed" in ok(capsys, "index", "rebuild")
    assert found(capsys) == (True, [])
