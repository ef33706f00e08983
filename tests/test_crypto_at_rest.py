"""An encrypted home leaves nothing readable on disk: a phrase through every path, then every byte scanned."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest

from coach.crypto.keys import forget_in_process
from coach.drafts import Draft
from tests.test_cli import as_json, coach, ok

PHRASES = {
    "gibbs": "Zanthrope orchard",
    "what-so-what": "Quellmoor handoff",
    "free": "Brisvane lantern",
    "mastermind": "Corvalith pricing",
    "grow": "Telmarine podcast",
    "sbi": "Ostrevin budget",
    "jrnl": "Pellucid heronry",
    "note": "Virelay compass",
    "coach-import": "Galdric quernstone",
    "draft": "Nimbrel staircase",
}


@pytest.fixture(autouse=True)
def shared_model(monkeypatch: pytest.MonkeyPatch, embedder: Any) -> None:
    monkeypatch.setattr("coach.retrieval.index.Embedder", lambda *a, **k: embedder)


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The temp folder every library sees during the test (TMPDIR and tempfile's cached choice)."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", None)
    yield folder
    forget_in_process()


@pytest.fixture
def passphrase(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "passphrase"
    path.write_text("a long correct passphrase\n", encoding="utf-8")
    monkeypatch.setenv("COACH_PASSPHRASE_FILE", str(path))
    monkeypatch.setenv("COACH_SCRYPT_LOG_N", "12")  # the calibrated cost is measured in the bench
    return path


def answers(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def write_everything(capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path) -> None:
    """Each flow from an answers file, a jrnl import, a coach import with a note, a note of the user's
    own, a draft, a backup and a search."""
    p = PHRASES
    ok(capsys, "profile", "add", "Ana")
    flows = {
        "reflect": f"""
description: Ran the {p["gibbs"]} workshop for the product team; twelve came
feelings: I felt nervous, then relieved
evaluation: The exercises landed, I overran by 15 minutes.
analysis: I packed too much in.
conclusion: Cut content by a third.
action: Trim the deck to 12 slides by Friday
mood: 4
tags: workshops
""",
        "reflect --flow what-so-what": f"""
what: We ran the {p["what-so-what"]} retro with the whole team today.
so_what: It showed that the handoff between design and build is where we lose a week.
now_what: Write the handoff checklist by Friday
mood: 3
""",
        "reflect --flow free": f"""
entry: Walked by the {p["free"]} and thought about the move, and what I want from next year.
mood: 3
""",
        "prep": f"""
group: Founders Circle
meeting_date: in 3 weeks
review: ["done", "done"]
wins: Signed the pilot
hot_seat: The {p["mastermind"]} step; per-seat pricing confused two buyers
ask: Who has priced usage-based B2B software and can review my draft?
questions: "What metric first?\\nHow did you test it?"
""",
        "goal new": f"""
goal: Launch the {p["grow"]} with 6 episodes
due: 31 Jan
why: Reach the clients I cannot meet in person
reality: Two episodes recorded, no host yet.
options: Record weekly, hire an editor
obstacle: I put off editing
plan: If I put off editing, then I will edit for 20 minutes after lunch
will: Book the studio by Tuesday
""",
        "feedback": f"""
mentee: Sam
situation: In Tuesday's client call about the {p["sbi"]}
behaviour: You spoke over Li twice while she presented the numbers
impact: Li stopped, so the client never heard the cost options and we had to email them
intent: What was going on for you at that point?
""",
    }
    for i, (command, text) in enumerate(flows.items()):
        code, _, err = coach(capsys, *command.split(), "--answers", answers(tmp_path, f"flow{i}", text))
        assert code == 0, err
    jrnl = tmp_path / "journal.json"
    entry = {"date": "2026-11-20", "time": "08:00", "title": "", "body": f"The {p['jrnl']} at dawn."}
    jrnl.write_text(json.dumps({"tags": {}, "entries": [entry]}), encoding="utf-8")
    ok(capsys, "import", "jrnl", str(jrnl))
    export = json.loads(ok(capsys, "export", "--format", "json"))
    export["notes"] = [{"name": "ledger.md", "text": f"# Ledger\n\nThe {p['coach-import']} habit.\n"}]
    export_file = tmp_path / "export.json"
    export_file.write_text(json.dumps(export), encoding="utf-8")
    ok(capsys, "import", "coach", str(export_file))
    shared = home / "knowledge" / "shared"
    shared.mkdir(parents=True, exist_ok=True)
    (shared / "mine.md").write_text(f"# Mine\n\nThe {p['note']} I keep.\n", encoding="utf-8")
    assert any(
        p["note"] in h["snippet"] for h in hits(capsys, p["note"], "--kind", "knowledge")
    )  # opening seals it, then indexes
    assert any(p["what-so-what"] in h["snippet"] for h in hits(capsys, p["what-so-what"]))
    Draft(home, "Ana", "gibbs").save(f"Half a thought about the {p['draft']}")
    ok(capsys, "backup")


def hits(capsys: pytest.CaptureFixture[str], *query: str) -> list[dict[str, Any]]:
    return list(cast(dict[str, Any], as_json(capsys, "search", *query))["hits"])


def scan(*folders: Path) -> list[tuple[str, str]]:
    found = []
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file():
                data = path.read_bytes().lower()
                for phrase in PHRASES.values():
                    for word in (phrase.lower(), phrase.lower().split()[0]):  # the made-up word alone too
                        if word.encode() in data or word.encode("utf-16-le") in data:
                            found.append((str(path.relative_to(folder)), word))
    return found


def test_nothing_readable_on_disk(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path, scratch: Path, passphrase: Path
) -> None:
    ok(capsys, "init", "--encrypt")
    write_everything(capsys, home, tmp_path)
    forget_in_process()
    assert scan(home, scratch) == []
    # and all of it is still there for the person with the passphrase
    assert Draft(home, "Ana", "gibbs").load() == f"Half a thought about the {PHRASES['draft']}"
    assert any(PHRASES["jrnl"] in h["snippet"] for h in hits(capsys, PHRASES["jrnl"]))
    exported = ok(capsys, "export", "--format", "json")  # exports stay plaintext unless asked
    assert PHRASES["coach-import"] in exported and PHRASES["gibbs"] in exported


def test_the_same_paths_leave_text_in_a_plain_home(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path, scratch: Path
) -> None:
    """The scan finds what it looks for: a plain home holds the same phrases in clear."""
    write_everything(capsys, home, tmp_path)
    words = {w for _, w in scan(home)}
    assert {p.lower().split()[0] for p in PHRASES.values()} <= words


def test_encrypting_in_place_leaves_nothing_readable(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path, scratch: Path, passphrase: Path
) -> None:
    write_everything(capsys, home, tmp_path)
    out = ok(capsys, "encrypt")
    assert "recovery key" in out.lower()
    forget_in_process()
    assert scan(home, scratch) == []
    assert any(
        PHRASES["grow"] in h["snippet"] for h in hits(capsys, PHRASES["grow"])
    )  # the index is rebuilt without text
    forget_in_process()
    assert scan(home, scratch) == []
    assert Draft(home, "Ana", "gibbs").load() == f"Half a thought about the {PHRASES['draft']}"
