"""coach search and coach index from the shell, with the real model and embedded chromadb."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.test_cli import as_json, coach, ok


def test_search_index_and_bad_input(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    ok(capsys, "profile", "add", "Ana")
    ok(capsys, "commitment", "add", "Send the Kingfisher proposal to Ottoline", "--due", "next week")
    hits = as_json(capsys, "search", "Kingfisher proposal", "-k", "3")["hits"]
    assert isinstance(hits, list) and len(hits) == 3
    first = hits[0]
    assert set(first) == {"kind", "id", "title", "snippet", "text", "date", "score", "citation"}
    assert first["kind"] == "history" and first["id"] == "commitment:1"
    assert first["citation"].startswith("[commitment ")
    knowledge = as_json(capsys, "search", "how big should a mastermind group be", "--kind", "knowledge")[
        "hits"
    ]
    assert all(h["kind"] == "knowledge" and h["citation"].startswith("[note: ") for h in knowledge)
    assert "[note:" in ok(
        capsys, "search", "[hot seat]"
    )  # brackets in the query and in the table are plain text

    report = as_json(capsys, "index", "check")
    assert report["drift"] is False

    shutil.rmtree(home / "index")
    code, out, _ = coach(capsys, "index", "check", "--json")
    assert code == 1 and json.loads(out)["drift"] is True
    out = ok(capsys, "index", "rebuild")
    assert "Indexed" in out
    assert as_json(capsys, "index", "check")["drift"] is False

    for args, message in (
        (["search", ""], "empty"),
        (["search", "x", "--kind", "gossip"], "unknown kind"),
        (["search", "x", "-k", "0"], "-k must be"),
        (["--profile", "Nobody", "search", "x"], "no profile named 'Nobody'"),
    ):
        code, _, err = coach(capsys, *args)
        assert code == 2 and message in err and len(err.strip().splitlines()) == 1
