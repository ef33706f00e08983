"""Import (jrnl, Day One, Markdown, coach), export, backup and restore: exact text, nothing twice, no half."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from contextlib import closing
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from coach.models import Commitment, Goal, Meeting, Milestone, Session, Turn
from coach.store import Store
from tests.test_cli import as_json, ok
from tests.test_cli import coach as run
from tests.texts import BRACKETS, FAMILY_EMOJI, MIXED, RTL

FIX = Path(__file__).parent / "fixtures" / "transfer"
TABLES = ("profiles", "goals", "milestones", "commitments", "sessions", "turns", "meetings", "changes")


@pytest.fixture(autouse=True)
def transfer_commands() -> None:
    """Register the commands as coach/cli/__init__.py does (once; a no-op when it already has)."""
    from coach.cli import app, transfer_cmd

    if "import" not in {g.name for g in app.registered_groups}:
        app.add_typer(transfer_cmd.import_app, name="import")
    have = {c.name for c in app.registered_commands}
    for name in ("export", "backup", "restore"):
        if name not in have:
            app.command(name)(getattr(transfer_cmd, name))


@pytest.fixture(autouse=True)
def shared_model(monkeypatch: pytest.MonkeyPatch, embedder) -> None:  # type: ignore[no-untyped-def]
    """The CLI builds its own index; give it the already-loaded model."""
    monkeypatch.setattr("coach.retrieval.index.Embedder", lambda *a, **k: embedder)


def snapshot(home: Path) -> tuple[int, ...]:
    """Row counts of every record table and of the change feed: equal snapshots mean nothing was written."""
    if not (home / "coach.db").exists():
        return ()
    with closing(sqlite3.connect(home / "coach.db")) as db:
        return tuple(db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES)


def stored(home: Path) -> dict[str, dict[str, Any]]:
    """Imported sessions by date: framework, tags, and the text of each turn."""
    with Store.open(home, readonly=True) as store:
        out = {}
        for profile in store.profiles.list():
            for s in store.sessions.list(profile.id or 0):
                full = store.sessions.get(s.id or 0)
                assert s.started_at is not None
                out[s.started_at.isoformat()] = {
                    "framework": s.framework,
                    "kind": s.kind,
                    "tags": s.tags,
                    "turns": [(t.role, t.stage, t.text) for t in full.turns],
                }
        return out


def fails(capsys: pytest.CaptureFixture[str], home: Path, *args: str) -> str:
    """Run a command that must be refused: exit 2, one line, and the store exactly as it was."""
    before = snapshot(home)
    code, _, err = run(capsys, *args)
    assert code == 2, err
    assert err.startswith("coach: ") and err.count("\n") == 1, err
    assert snapshot(home) == before
    return err


# --- jrnl ------------------------------------------------------------------------------------------------
def test_a_real_jrnl_export_imports_exactly_and_only_once(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    pytest.importorskip("jrnl")
    jdir = tmp_path / "jrnl"
    jdir.mkdir()
    config = {
        "colors": {"body": "none", "date": "none", "tags": "none", "title": "none"},
        "default_hour": 9,
        "default_minute": 0,
        "editor": "",
        "encrypt": False,
        "highlight": False,
        "indent_character": "|",
        "journals": {"default": {"journal": str(jdir / "journal.txt")}},
        "linewrap": 79,
        "tagsymbols": "#@",
        "template": False,
        "timeformat": "%Y-%m-%d %H:%M",
        "version": "v4.6",
    }
    cfg = jdir / "jrnl.yaml"
    cfg.write_text(yaml.safe_dump(config), encoding="utf-8")
    env = {**os.environ, "HOME": str(jdir / "home")}  # jrnl keeps state under ~: never the real one
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env[var] = str(jdir / var.lower())

    def jrnl(*args: str) -> None:
        subprocess.run(
            [sys.executable, "-m", "jrnl", "--config-file", str(cfg), *args],
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=120,
            check=True,
        )

    jrnl("2024-03-05 08:30: Ran the Heron workshop. Twelve came and two @senior people left early #workshops")
    jrnl("2024-03-06 21:15: Quiet day 👋 — deep work on the Falcon report.\nSecond  paragraph.\n#deep @priya")
    jrnl(f"2024-03-07 07:00: {RTL} @rtl")
    out = jdir / "export.json"
    jrnl("--export", "json", "--file", str(out))
    exported = json.loads(out.read_text(encoding="utf-8"))["entries"]
    assert len(exported) == 3

    ok(capsys, "profile", "add", "Ana")
    report = as_json(capsys, "import", "jrnl", str(out))
    assert (report["imported"], report["duplicates"], report["invalid"]) == (3, 0, 0)
    assert report["indexed_chunks"] > 0
    sessions = stored(home)
    for entry in exported:
        s = sessions[f"{entry['date']}T{entry['time']}:00"]
        text = f"{entry['title']}\n{entry['body']}" if entry["body"] else entry["title"]
        assert s["turns"] == [("user", None, text)]
        assert s["tags"] == entry["tags"] and s["framework"] == "import:jrnl" and s["kind"] == "reflection"
    # the text is the entry as jrnl keeps it in its own file: the title line, then the body
    journal = (jdir / "journal.txt").read_text(encoding="utf-8")
    assert "[2024-03-06 21:15] " + sessions["2024-03-06T21:15:00"]["turns"][0][2] + "\n" in journal

    again = as_json(capsys, "import", "jrnl", str(out))
    assert (again["imported"], again["duplicates"]) == (0, 3)
    assert all(e["reason"].startswith("already imported (session ") for e in again["entries"])
    assert len(stored(home)) == 3
    hits = as_json(capsys, "search", "Heron workshop", "--kind", "history", "-k", "3")["hits"]  # type: ignore[index]
    assert hits[0]["citation"] == "[session 2024-03-05]"


def write_jrnl(path: Path, entries: list[Any]) -> Path:
    path.write_text(json.dumps({"tags": {}, "entries": entries}, ensure_ascii=False), encoding="utf-8")
    return path


def test_bad_jrnl_entries_are_reported_one_by_one(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    good = {"title": "Ran the Heron workshop.", "body": "Twelve came.", "date": "2024-03-05", "time": "08:30"}
    entries = [
        {**good, "tags": ["#workshops"]},
        {**good, "date": None},
        {**good, "date": "2024-02-30"},
        {**good, "time": "25:61"},
        {**good, "title": "", "body": "  \n"},
        {**good, "tags": ["#workshops"]},
        {**good, "title": "BADBYTE here", "time": "09:00"},
        "not an entry",
        {**good, "date": "2024-03-06", "tags": ["two\nlines"]},
    ]
    path = write_jrnl(tmp_path / "journal.json", entries)
    path.write_bytes(path.read_bytes().replace(b"BADBYTE", b"caf\xe9"))  # Latin-1, not UTF-8
    ok(capsys, "profile", "add", "Ana")
    report = as_json(capsys, "import", "jrnl", str(path))
    got = [(e["where"].split(" (")[0], e["status"], e["reason"]) for e in report["entries"]]
    assert got == [
        ("entry 1", "imported", None),
        ("entry 2", "invalid", "no date"),
        ("entry 3", "invalid", got[2][2]),
        ("entry 4", "invalid", got[3][2]),
        ("entry 5", "invalid", "empty text"),
        ("entry 6", "duplicate", "same date and text as entry 1 (2024-03-05 08:30) in this source"),
        ("entry 7", "invalid", "not UTF-8 text"),
        ("entry 8", "invalid", "not an entry (expected a JSON object)"),
        ("entry 9", "invalid", "tag: must be a single line"),
    ]
    assert got[2][2].startswith("impossible date '2024-02-30 08:30'")
    assert got[3][2].startswith("impossible date '2024-03-05 25:61'")
    text = ok(capsys, "import", "jrnl", str(path))
    assert "Imported 0 entries into Ana; skipped 2 duplicates and 7 invalid." in text.replace("\n", " ")
    assert "no date" in text and "not UTF-8" in text
    assert list(stored(home)) == ["2024-03-05T08:30:00"]


# --- Day One ---------------------------------------------------------------------------------------------
def test_day_one_json_then_zip_keeps_text_dates_and_tags(
    capsys: pytest.CaptureFixture[str], home: Path
) -> None:
    ok(capsys, "profile", "add", "Ana")
    source = json.loads((FIX / "dayone" / "Journal.json").read_text(encoding="utf-8"))["entries"]
    dry = as_json(capsys, "import", "dayone", str(FIX / "dayone" / "Journal.json"), "--dry-run")
    assert dry["dry_run"] and dry["imported"] == 3 and snapshot(home)[1:] == (0,) * (len(TABLES) - 1)
    text = ok(capsys, "import", "dayone", str(FIX / "dayone" / "Export.zip"), "--dry-run")
    assert "Dry run, nothing written: 3 entries would be imported" in text.replace("\n", " ")
    assert "Heron" in text and "2024-03-05" in text

    report = as_json(capsys, "import", "dayone", str(FIX / "dayone" / "Journal.json"))
    assert (report["imported"], report["invalid"]) == (3, 0)
    sessions = stored(home)
    for entry in source:
        when = datetime.fromisoformat(entry["creationDate"]).isoformat()
        assert when.endswith("+00:00")
        assert sessions[when]["turns"] == [("user", None, entry["text"])]
        assert sessions[when]["tags"] == entry.get("tags", [])
        assert sessions[when]["framework"] == "import:dayone"
    assert "\r\n" in sessions["2024-03-06T19:45:12+00:00"]["turns"][0][2]

    from_zip = as_json(capsys, "import", "dayone", str(FIX / "dayone" / "Export.zip"))
    assert (from_zip["imported"], from_zip["duplicates"]) == (0, 3)
    assert len(stored(home)) == 3
    hits = as_json(capsys, "search", "Kestrel office view", "--kind", "history", "-k", "3")["hits"]  # type: ignore[index]
    assert any(h["citation"] == "[session 2024-03-06]" for h in hits)


# --- Markdown --------------------------------------------------------------------------------------------
def test_a_markdown_folder(capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    shutil.copytree(FIX / "notes", vault)
    stamp = datetime(2024, 3, 10, 7, 45, 30).timestamp()
    os.utime(vault / "loose thought.md", (stamp, stamp))
    ok(capsys, "profile", "add", "Ana")
    report = as_json(capsys, "import", "markdown", str(vault))
    by_file = {e["where"]: e for e in report["entries"]}
    assert set(by_file) == {
        "2024-03-05.md",
        "attachments/photo.png",
        "journal/2024-03-09 Weekly review.md",
        "loose thought.md",
        "retro.md",
    }
    assert by_file["attachments/photo.png"]["status"] == "invalid"
    assert by_file["attachments/photo.png"]["reason"] == "binary file (.png), left out"
    assert report["imported"] == 4

    sessions = stored(home)
    daily = sessions["2024-03-05T00:00:00"]
    assert daily["turns"][0][2] == (vault / "2024-03-05.md").read_text(encoding="utf-8")
    assert daily["tags"] == ["heron", "workshops/facilitation"]  # no heading, code, number or #anchor
    retro = sessions["2024-03-07T18:15:00"]
    assert retro["tags"] == ["retro", "team", "planning"]
    assert (
        retro["turns"][0][2]
        == "We ran the Osprey retro. #team #planning\nIt showed we skip the planning step.\n"
    )
    assert sessions["2024-03-09T00:00:00"]["tags"] == ["weekly", "review"]
    assert sessions["2024-03-10T07:45:30"]["tags"] == ["someday"]  # no date anywhere: the file's time
    assert {s["framework"] for s in sessions.values()} == {"import:markdown"}

    again = as_json(capsys, "import", "markdown", str(vault))
    assert (again["imported"], again["duplicates"], again["invalid"]) == (0, 4, 1)


def test_bad_markdown_files_are_reported(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    from coach.transfer.markdown_notes import MAX_NOTE_BYTES

    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "latin1.md").write_bytes("Caf\u00e9 notes".encode("latin-1"))
    (vault / "binary.md").write_bytes(b"\x00\x01\x02 not text")
    (vault / "2024-02-30.md").write_text("A day that never was.", encoding="utf-8")
    (vault / "bad-date.md").write_text("---\ndate: 2024-13-01\n---\nText.\n", encoding="utf-8")
    (vault / "quoted-date.md").write_text("---\ndate: 'someday'\n---\nText.\n", encoding="utf-8")
    (vault / "broken-yaml.md").write_text("---\ntags: [a, b\n---\nText.\n", encoding="utf-8")
    (vault / "empty.md").write_text("---\ndate: 2024-03-01\n---\n\n  \n", encoding="utf-8")
    with (vault / "huge.md").open("wb") as fh:
        fh.truncate(MAX_NOTE_BYTES + 1)
    (vault / "2024-03-01 crlf.md").write_bytes(b"---\r\ntags: [a]\r\n---\r\nWindows\r\nlines #b\r\n")
    ok(capsys, "profile", "add", "Ana")
    report = as_json(capsys, "import", "markdown", str(vault))
    reasons = {e["where"]: e["reason"] for e in report["entries"]}
    assert reasons["latin1.md"] == "not UTF-8 text (byte 0xe9 at offset 3)"
    assert reasons["binary.md"] == "binary file, not Markdown text"
    assert reasons["2024-02-30.md"] == "impossible date '2024-02-30' in the file name"
    assert reasons["bad-date.md"].startswith("impossible date in the front matter")
    assert reasons["quoted-date.md"] == "impossible date 'someday' in the front matter"
    assert reasons["broken-yaml.md"].startswith("front matter is not valid YAML")
    assert reasons["empty.md"] == "empty text"
    assert reasons["huge.md"].startswith("too large (0.8 MB")
    assert reasons["2024-03-01 crlf.md"] is None
    assert stored(home)["2024-03-01T00:00:00"]["turns"][0][2] == "Windows\r\nlines #b\r\n"
    assert stored(home)["2024-03-01T00:00:00"]["tags"] == ["a", "b"]


# --- refused files ---------------------------------------------------------------------------------------
def test_wrong_or_broken_files_are_refused_and_change_nothing(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    ok(capsys, "profile", "add", "Ana")
    ok(capsys, "import", "jrnl", str(FIX / "jrnl.json"))
    truncated = tmp_path / "truncated.json"
    truncated.write_bytes((FIX / "jrnl.json").read_bytes()[:300])
    (tmp_path / "list.json").write_text("[1, 2]", encoding="utf-8")
    (tmp_path / "empty.json").write_text("", encoding="utf-8")
    (tmp_path / "coach.json").write_text('{"format": "coach-export", "version": 1, "profiles": []}')
    zipped = (FIX / "dayone" / "Export.zip").read_bytes()
    (tmp_path / "cut.zip").write_bytes(zipped[: len(zipped) // 2])
    with zipfile.ZipFile(tmp_path / "photos.zip", "w") as zf:
        zf.writestr("photos/a.jpeg", b"a")
    with (tmp_path / "huge.json").open("wb") as fh:
        fh.truncate(100 * 1024 * 1024)  # sparse: 100 MB that are never read
    cases = [
        ("jrnl", FIX / "dayone" / "Journal.json", "looks like a Day One export, not a jrnl export"),
        ("dayone", FIX / "jrnl.json", "looks like a jrnl export, not a Day One export"),
        ("jrnl", tmp_path / "coach.json", "use 'coach import coach"),
        ("jrnl", truncated, "not valid JSON"),
        ("jrnl", tmp_path / "list.json", "is not a jrnl export (no list of entries)"),
        ("jrnl", tmp_path / "empty.json", "is empty"),
        ("jrnl", FIX / "dayone" / "Export.zip", "is a zip archive, not a JSON file"),
        ("dayone", tmp_path / "cut.zip", "is not a readable zip archive"),
        ("dayone", tmp_path / "photos.zip", "holds no journal"),
        ("jrnl", tmp_path / "huge.json", "too large to import (100.0 MB; the limit is 64.0 MB)"),
        ("jrnl", tmp_path / "missing.json", "no such file"),
        ("jrnl", tmp_path, "is not a file"),
        ("markdown", FIX / "jrnl.json", "is not a folder"),
        ("markdown", tmp_path / "nowhere", "no such folder"),
        ("coach", FIX / "jrnl.json", "is not a coach export (format: coach-export): use 'coach import jrnl"),
    ]
    for fmt, path, message in cases:
        assert message in fails(capsys, home, "import", fmt, str(path)), (fmt, path)
    assert "ends early" in fails(capsys, home, "import", "jrnl", str(truncated))


def test_an_import_is_all_or_nothing(store: Store, profile_id: int, monkeypatch: pytest.MonkeyPatch) -> None:
    from coach.transfer.entries import import_entries
    from coach.transfer.journals import jrnl_items

    items = jrnl_items(FIX / "jrnl.json")
    real = store.sessions.start
    calls: list[int] = []

    def second_fails(session: Session) -> Session:
        calls.append(1)
        if len(calls) == 2:
            raise sqlite3.OperationalError("disk I/O error")
        return real(session)

    monkeypatch.setattr(store.sessions, "start", second_fails)
    profile = store.profiles.get(profile_id)
    with pytest.raises(sqlite3.OperationalError):
        import_entries(store, profile, "jrnl", "jrnl.json", items, dry_run=False)
    assert store.sessions.list(profile_id) == [] and len(calls) == 2
    monkeypatch.setattr(store.sessions, "start", real)
    report = import_entries(store, profile, "jrnl", "jrnl.json", items, dry_run=False)
    assert report.count("imported") == 2 and len(store.sessions.list(profile_id)) == 2


# --- export and import coach -----------------------------------------------------------------------------
def populate(home: Path) -> None:
    """Two profiles with every kind of record and awkward text, links between them, and gaps in the ids."""
    with Store.open(home) as s:
        ana = s.profiles.add("Ana").id or 0
        mo = s.profiles.add("Mo", "mentor").id or 0
        gone = s.goals.add(Goal(profile_id=ana, title="Dropped before it started"))
        goal = s.goals.add(
            Goal(
                profile_id=ana,
                title=FAMILY_EMOJI,
                why=MIXED,
                measure="signed clients",
                target="3",
                due=date(2027, 1, 31),
                framework="grow",
            ),
            [
                Milestone(goal_id=0, title="First client", due=date(2026, 12, 1)),
                Milestone(goal_id=0, title="Second"),
            ],
        )
        s.goals.delete(gone.id or 0)
        s.goals.set_milestone_done(s.goals.milestones(goal.id or 0)[0].id or 0)
        meeting = s.meetings.add(
            Meeting(profile_id=ana, group_name="Founders Circle", date=date(2026, 12, 3), brief=BRACKETS)
        )
        prep = s.sessions.start(
            Session(
                profile_id=ana,
                kind="meeting-prep",
                framework="mastermind",
                goal_id=goal.id,
                meeting_id=meeting.id,
                mood=4,
                tags=["pricing", RTL],
                summary=RTL,
                turns=[
                    Turn(role="coach", stage="wins", text="Any wins?", citations=["[note: Hot seat]"]),
                    Turn(role="user", stage="wins", text=MIXED),
                ],
            )
        )
        s.sessions.end(prep.id or 0)
        later = s.sessions.start(Session(profile_id=ana, kind="reflection", framework="gibbs"))
        s.sessions.add_turn(later.id or 0, Turn(role="user", stage="description", text="Reviewed it."))
        s.commitments.add(
            Commitment(
                profile_id=ana,
                text="Send 10 emails\nand follow up",
                due=date(2026, 12, 5),
                goal_id=goal.id,
                made_in_session_id=prep.id,
                reviewed_in_session_id=later.id,
                status="partial",
                obstacle="a cold [sick]",
            )
        )
        s.goals.add(Goal(profile_id=mo, title="Mentor two people"))
        s.sessions.start(
            Session(
                profile_id=mo, kind="mentor-feedback", framework="sbi", turns=[Turn(role="user", text="Sam")]
            )
        )
    notes = home / "knowledge" / "profile-1"  # Ana's own notes
    notes.mkdir(parents=True)
    (notes / "my-pricing.md").write_bytes(f"---\ntitle: Pricing\n---\n{FAMILY_EMOJI}\r\nPer seat.\n".encode())
    (notes / "broken.md").write_bytes(b"caf\xe9")


def test_export_import_export_is_byte_identical(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    populate(home)
    first = tmp_path / "first.json"
    code, _, err = run(capsys, "export", "--format", "json", "--all-profiles", "--out", str(first))
    assert code == 0, err
    assert "broken.md: not UTF-8 text, left out of the export" in err
    assert first.stat().st_mode & 0o777 == 0o600
    doc = json.loads(first.read_text(encoding="utf-8"))
    assert [p["name"] for p in doc["profiles"]] == ["Ana", "Mo"]
    assert [n["name"] for n in doc["notes"]] == ["my-pricing.md"]
    ana = doc["profiles"][0]
    assert (
        ana["commitments"][0]["made_in_session"] == "session-1"
        and ana["sessions"][0]["meeting"] == "meeting-1"
    )
    assert ana["goals"][0]["ref"] == "goal-1" and ana["commitments"][0]["reviewed_in_session"] == "session-2"
    code, again, _ = run(capsys, "export", "--all-profiles")
    assert code == 0 and again.encode() == first.read_bytes()  # deterministic; stdout by default

    fresh = tmp_path / "fresh-home"
    monkeypatch.setenv("COACH_HOME", str(fresh))
    report = as_json(capsys, "import", "coach", str(first))
    assert report["imported"] == {
        "profiles": 2,
        "goals": 2,
        "meetings": 1,
        "sessions": 3,
        "commitments": 1,
        "notes": 1,
    }
    second = tmp_path / "second.json"
    ok(capsys, "export", "--format", "json", "--all-profiles", "--out", str(second))
    assert second.read_bytes() == first.read_bytes()
    assert (fresh / "knowledge" / "profile-1" / "my-pricing.md").read_bytes() == (
        home / "knowledge" / "profile-1" / "my-pricing.md"
    ).read_bytes()
    with Store.open(fresh, readonly=True) as s:
        commitment = s.commitments.list(s.profiles.by_name("Ana").id or 0)[0]
        assert commitment.goal_id == 1  # the original goal had id 2: the link was remapped
        assert s.sessions.get(commitment.made_in_session_id or 0).kind == "meeting-prep"

    twice = as_json(capsys, "import", "coach", str(first))
    assert not any(twice["imported"].values()) and twice["duplicates"]["sessions"] == 3
    third = tmp_path / "third.json"
    ok(capsys, "export", "--format", "json", "--all-profiles", "--out", str(third))
    assert third.read_bytes() == first.read_bytes()
    hits = as_json(capsys, "--profile", "Ana", "search", "Founders Circle", "--kind", "history", "-k", "3")[
        "hits"
    ]  # type: ignore[index]
    assert hits


def test_export_of_one_profile_and_as_markdown(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    populate(home)
    mo = json.loads(ok(capsys, "--profile", "Mo", "export"))
    assert [p["name"] for p in mo["profiles"]] == ["Mo"] and mo["profiles"][0]["goals"][0]["ref"] == "goal-1"
    folder = tmp_path / "md"
    ok(capsys, "export", "--format", "markdown", "--all-profiles", "--out", str(folder))
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    day = datetime.now(UTC).date().isoformat()  # session files are named by their start day
    assert files == [
        "Ana/commitments.md",
        "Ana/goals.md",
        "Ana/meetings.md",
        f"Ana/sessions/{day}-meeting-prep-1.md",
        f"Ana/sessions/{day}-reflection-2.md",
        "Mo/commitments.md",
        "Mo/goals.md",
        "Mo/meetings.md",
        f"Mo/sessions/{day}-mentor-feedback-3.md",
        "notes/my-pricing.md",
    ]
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in folder.rglob("*") if p.is_file())
    goals = (folder / "Ana" / "goals.md").read_bytes().decode()
    assert FAMILY_EMOJI in goals and "- [x] First client (due 2026-12-01)" in goals
    assert "- **Why:** Ünïcödé\ttab  double  space\n  second line" in goals
    assert BRACKETS in (folder / "Ana" / "meetings.md").read_text(encoding="utf-8")
    commitments = (folder / "Ana" / "commitments.md").read_text(encoding="utf-8")
    assert "## Send 10 emails\n\nand follow up" in commitments and "**Goal:** " + FAMILY_EMOJI in commitments
    prep = next((folder / "Ana" / "sessions").glob("*meeting-prep*")).read_bytes().decode()
    meta = yaml.safe_load(prep.split("---\n")[1])
    assert meta["tags"] == ["pricing", RTL] and meta["meeting"] == "Founders Circle, 2026-12-03"
    assert MIXED in prep and "> Any wins?" in prep
    assert (folder / "notes" / "my-pricing.md").read_bytes() == (
        home / "knowledge" / "profile-1" / "my-pricing.md"
    ).read_bytes()
    assert "not an empty folder" in fails(
        capsys, home, "export", "--all-profiles", "--format", "markdown", "--out", str(folder)
    )
    existing = tmp_path / "exists.json"
    existing.write_text("{}")
    assert "already exists" in fails(capsys, home, "export", "--out", str(existing))
    assert "unknown export format" in fails(capsys, home, "export", "--format", "pdf")


def test_a_broken_coach_export_changes_nothing(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    populate(home)
    doc = json.loads(ok(capsys, "export", "--all-profiles"))
    fresh_doc = json.loads(json.dumps(doc))
    fresh_doc["profiles"][0]["name"] = "Zed"
    fresh_doc["profiles"][0]["commitments"][0]["goal"] = "goal-99"
    bad_link = tmp_path / "bad-link.json"
    bad_link.write_text(json.dumps(fresh_doc), encoding="utf-8")
    assert "'goal' points to 'goal-99', which is not earlier in the file" in fails(
        capsys, home, "import", "coach", str(bad_link)
    )
    doc["profiles"][1]["goals"][0]["title"] = ""
    doc["profiles"][1]["name"] = "Nova"
    bad_title = tmp_path / "bad-title.json"
    bad_title.write_text(json.dumps(doc), encoding="utf-8")
    assert "profile 2 goal 1: title: goal title: must not be empty" in fails(
        capsys, home, "import", "coach", str(bad_title)
    )
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps({**doc, "version": 2}), encoding="utf-8")
    assert "this coach reads version 1" in fails(capsys, home, "import", "coach", str(newer))
    with Store.open(home, readonly=True) as s:
        assert [p.name for p in s.profiles.list()] == ["Ana", "Mo"]
    good = tmp_path / "good.json"
    good.write_text(ok(capsys, "export", "--all-profiles"), encoding="utf-8")
    monkeypatch.setenv("COACH_HOME", str(tmp_path / "fresh"))
    dry = as_json(capsys, "import", "coach", str(good), "--dry-run")
    assert dry["dry_run"] and dry["imported"]["sessions"] == 3 and dry["imported"]["notes"] == 1
    assert snapshot(tmp_path / "fresh") == (0,) * len(TABLES)
    assert not (tmp_path / "fresh" / "knowledge").exists()


# --- backup and restore ----------------------------------------------------------------------------------
WRITER = """
from coach.models import Goal
from coach.store import Store

store = Store.open()  # holds the data home's lock for as long as it runs
pid = store.profiles.add("Writer").id
n = 0
while True:
    store.goals.add(Goal(profile_id=pid, title=f"goal {n}", why="x" * 3000))
    n += 1
    if n == 50:
        print("ready", flush=True)
"""


def integrity(path: Path) -> str:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        return str(db.execute("PRAGMA integrity_check").fetchone()[0])


def test_backup_while_another_process_writes_then_restore(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER],
        env={**os.environ, "COACH_HOME": str(home)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None and writer.stdout.readline() == "ready\n"
        copies = [tmp_path / f"copy-{i}.db" for i in range(3)]
        for copy in copies:
            assert "Backed up to" in ok(capsys, "backup", str(copy))
        default = ok(capsys, "backup")
        assert writer.poll() is None, writer.communicate()[1]  # still writing, and still holding the lock
    finally:
        writer.kill()
        writer.wait()
    made = sorted((home / "backups").glob("coach-*.db"))
    assert len(made) == 1 and str(made[0]) in default.replace("\n", "")
    counts = []
    for copy in [*copies, made[0]]:
        assert copy.stat().st_mode & 0o777 == 0o600
        assert integrity(copy) == "ok"
        with closing(sqlite3.connect(copy)) as db:
            counts.append(db.execute("SELECT COUNT(*) FROM goals").fetchone()[0])
            assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert counts == sorted(counts) and counts[0] >= 50

    fresh = tmp_path / "fresh"
    monkeypatch.setenv("COACH_HOME", str(fresh))
    code, out, err = run(capsys, "restore", str(copies[-1]))
    assert code == 0, err
    assert f"{counts[2]} goals" in out.replace("\n", " ") and "rebuilding the index" in err
    assert integrity(fresh / "coach.db") == "ok"
    goals = as_json(capsys, "--profile", "Writer", "goal", "list")
    assert len(goals) == counts[2]
    check = as_json(capsys, "index", "check")
    assert not check["drift"] and check["pending_changes"] == 0
    with closing(sqlite3.connect(fresh / "coach.db")) as db, closing(sqlite3.connect(copies[-1])) as old:
        home_id = "SELECT value FROM store_meta WHERE key = 'home_id'"
        assert db.execute(home_id).fetchone() != old.execute(home_id).fetchone()


def test_restore_refuses_a_home_with_records_and_files_that_are_not_backups(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ok(capsys, "profile", "add", "Ana")
    ok(capsys, "goal", "add", "Keep me")
    backup = tmp_path / "ana.db"
    ok(capsys, "backup", str(backup))
    err = fails(capsys, home, "restore", str(backup))
    assert f"the data home {home} is not empty (1 profiles, 1 goals)" in err and "COACH_HOME" in err
    assert "already exists" in fails(capsys, home, "backup", str(backup))

    fresh = tmp_path / "fresh"
    monkeypatch.setenv("COACH_HOME", str(fresh))
    assert "nothing to back up" in fails(capsys, fresh, "backup")
    text = tmp_path / "notes.db"
    text.write_text("not a database")
    other = tmp_path / "other.db"
    with closing(sqlite3.connect(other)) as db:
        db.execute("CREATE TABLE t (x)")
        db.commit()
    cut = tmp_path / "cut.db"
    cut.write_bytes(backup.read_bytes()[:8192])
    for path, message in [
        (text, "is not a coach backup (not an SQLite database)"),
        (other, "is an SQLite database but not a coach backup"),
        (cut, "cut.db"),
        (tmp_path / "missing.db", "no such file"),
    ]:
        assert message in fails(capsys, fresh, "restore", str(path))
        assert not (fresh / "coach.db").exists()
    ok(capsys, "restore", str(backup))
    assert [g["title"] for g in as_json(capsys, "goal", "list")] == ["Keep me"]


def damaged_copies(backup: Path, folder: Path) -> list[Path]:
    """A real backup cut in half, one with whole pages overwritten, one with the goals tree's cells."""
    data = backup.read_bytes()
    with closing(sqlite3.connect(f"file:{backup}?mode=ro", uri=True)) as db:
        size = int(db.execute("PRAGMA page_size").fetchone()[0])
        root = int(db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'goals'").fetchone()[0])
    cut = folder / "cut.db"
    cut.write_bytes(data[: len(data) // 2])
    garbage = folder / "garbage.db"
    garbage.write_bytes(data[: 2 * size] + bytes((i * 7) % 256 for i in range(20 * size)) + data[22 * size :])
    cells = folder / "cells.db"
    start = (root - 1) * size + size // 2  # the cell content area of the tree's root, its header intact
    cells.write_bytes(data[:start] + b"A" * (size // 2) + data[start + size // 2 :])
    return [cut, garbage, cells]


def test_a_damaged_backup_is_refused_in_one_line(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store.open(home) as store:
        pid = store.profiles.add("Ana").id or 0
        for n in range(300):
            store.goals.add(Goal(profile_id=pid, title=f"goal {n}", why="x" * 500))
    backup = tmp_path / "ana.db"
    ok(capsys, "backup", str(backup))
    fresh = tmp_path / "fresh"
    for copy in damaged_copies(backup, tmp_path):
        for where in (home, fresh):  # a home with records, and a new one
            monkeypatch.setenv("COACH_HOME", str(where))
            err = fails(capsys, where, "restore", str(copy))  # exit 2, one line, the store unchanged
            assert err.startswith(
                f"coach: {copy} is not a usable backup: database disk image is malformed"
            ), err
            assert not (fresh / "coach.db").exists()
    err = fails(capsys, fresh, "restore", str(tmp_path / "cells.db"))
    assert "(On tree page" in err and "more" in err  # the first complaint, and how many follow
    ok(capsys, "restore", str(backup))  # the sound one still restores
    goals = as_json(capsys, "--profile", "Ana", "goal", "list")
    assert isinstance(goals, list) and len(goals) == 300


def test_an_older_schema_is_migrated_on_restore(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coach.store.db import Database

    old = Database(tmp_path / "old.db")
    old.migrate(upto=2)
    stamp = "2024-01-01T00:00:00+00:00"
    old.conn.execute("INSERT INTO profiles (name, role, created_at) VALUES ('Old', 'member', ?)", (stamp,))
    old.conn.execute(
        "INSERT INTO goals (profile_id, title, status, created_at, updated_at) "
        "VALUES (1, 'Old goal', 'active', ?, ?)",
        (stamp, stamp),
    )
    old.close()
    monkeypatch.setenv("COACH_HOME", str(tmp_path / "fresh"))
    ok(capsys, "restore", str(tmp_path / "old.db"))
    assert [g["title"] for g in as_json(capsys, "goal", "list")] == ["Old goal"]
    hits = as_json(capsys, "search", "Old goal", "--kind", "history", "-k", "1")["hits"]  # type: ignore[index]
    assert hits[0]["citation"] == "[goal: Old goal]"


# --- renegotiated commitments and final answers through export and import --------------------------------
def renegotiated(home: Path) -> None:
    """Ana with a session that kept its final answers, and commitments kept, shrunk and dropped."""
    with Store.open(home) as s:
        ana = s.profiles.add("Ana").id or 0
        goal = s.goals.add(Goal(profile_id=ana, title="Land 3 clients"))
        prep = s.sessions.start(
            Session(profile_id=ana, kind="reflection", framework="gibbs", goal_id=goal.id)
        )
        s.sessions.end(prep.id or 0, answers={"description": MIXED, "feelings": RTL})
        emails = s.commitments.add(
            Commitment(profile_id=ana, text="Send 10 emails", due=date(2026, 12, 4), goal_id=goal.id)
        )
        s.commitments.set_status(emails.id or 0, "missed", obstacle="flu")
        s.commitments.shrink(emails.id or 0, "Send 3 emails", date(2026, 12, 9), prep.id)
        garage = s.commitments.add(Commitment(profile_id=ana, text="Tidy the garage", due=date(2026, 12, 1)))
        s.commitments.keep(garage.id or 0, date(2026, 12, 20))
        priya = s.commitments.add(Commitment(profile_id=ana, text="Call Priya"))
        s.commitments.drop(priya.id or 0, "not a priority [now]")


def ana_commitments(home: Path) -> dict[str, dict[str, Any]]:
    """Ana's commitments by text: their renegotiation, with the replaced one named by its text."""
    with Store.open(home, readonly=True) as s:
        items = s.commitments.list(s.profiles.by_name("Ana").id or 0)
        texts = {c.id: c.text for c in items}
        return {
            c.text: {
                "status": c.status,
                "due": c.due,
                "original_due": c.original_due,
                "drop_reason": c.drop_reason,
                "obstacle": c.obstacle,
                "replaces": texts.get(c.replaces_id) if c.replaces_id else None,
            }
            for c in items
        }


def ana_answers(home: Path) -> list[dict[str, str] | None]:
    with Store.open(home, readonly=True) as s:
        return [x.answers for x in s.sessions.list(s.profiles.by_name("Ana").id or 0)]


def test_a_smaller_version_still_names_what_it_replaced_after_import(tmp_path: Path) -> None:
    from coach.transfer.coach_import import import_coach
    from coach.transfer.exporter import dumps, export_doc

    source = tmp_path / "source"
    renegotiated(source)
    with Store.open(source, readonly=True) as s:
        doc, _ = export_doc(s, s.profiles.list())
    small = next(c for c in doc["profiles"][0]["commitments"] if c["text"] == "Send 3 emails")
    assert small["replaces"] == "commitment-1" and "replaces_id" not in small  # a reference, not an id
    assert doc["profiles"][0]["sessions"][0]["answers"] == {"description": MIXED, "feelings": RTL}
    expected = ana_commitments(source)
    assert expected["Send 3 emails"]["replaces"] == "Send 10 emails"
    assert expected["Tidy the garage"]["original_due"] == date(2026, 12, 1)
    assert expected["Call Priya"]["drop_reason"] == "not a priority [now]"

    fresh = tmp_path / "fresh"
    with Store.open(fresh) as s:
        import_coach(s, doc, "export.json", dry_run=False)
        again, _ = export_doc(s, s.profiles.list())
    assert dumps(again) == dumps(doc)  # the same content, byte for byte
    assert ana_commitments(fresh) == expected and ana_answers(fresh) == ana_answers(source)

    # a home with data of its own: every id moves, and commitment 1 there is someone else's
    busy = tmp_path / "busy"
    with Store.open(busy) as s:
        bo = s.profiles.add("Bo").id or 0
        for text in ("Bo's first", "Bo's second", "Bo's third"):
            s.commitments.add(Commitment(profile_id=bo, text=text))
        ana = s.profiles.add("Ana").id or 0
        s.commitments.add(Commitment(profile_id=ana, text="Ana's own, from before"))
        s.sessions.start(Session(profile_id=bo, kind="chat"))
        report = import_coach(s, doc, "export.json", dry_run=False)
        assert report.imported["commitments"] == 4 and report.duplicates["profiles"] == 1
        twice = import_coach(s, doc, "export.json", dry_run=False)
        assert not any(twice.imported.values()) and twice.duplicates["commitments"] == 4
    assert ana_commitments(busy) == {
        **expected,
        "Ana's own, from before": {
            "status": "open",
            "due": None,
            "original_due": None,
            "drop_reason": None,
            "obstacle": None,
            "replaces": None,
        },
    }
    assert ana_answers(busy) == ana_answers(source)


def test_markdown_export_says_what_was_renegotiated(tmp_path: Path) -> None:
    from coach.transfer.exporter import export_doc
    from coach.transfer.markdown_export import write_markdown

    renegotiated(tmp_path / "home")
    with Store.open(tmp_path / "home", readonly=True) as s:
        doc, _ = export_doc(s, s.profiles.list())
    write_markdown(doc, tmp_path / "md")
    text = (tmp_path / "md" / "Ana" / "commitments.md").read_text(encoding="utf-8")
    assert "## Send 3 emails\n\n- **Status:** open\n- **Due:** 2026-12-09\n" in text
    assert "- **Smaller version of:** Send 10 emails\n" in text
    assert "- **First due:** 2026-12-01\n" in text and "- **Why dropped:** not a priority [now]\n" in text


def older(doc: dict[str, Any]) -> dict[str, Any]:
    """The document as coach wrote it before sessions kept their answers and commitments were renegotiated."""
    old = json.loads(json.dumps(doc))
    for profile in old["profiles"]:
        for session in profile["sessions"]:
            del session["answers"]
        for item in profile["commitments"]:
            for name in ("replaces", "original_due", "drop_reason"):
                del item[name]
    return old


def test_an_export_from_before_new_fields_is_found_again_on_import(tmp_path: Path) -> None:
    from coach.transfer.coach_import import import_coach
    from coach.transfer.exporter import export_doc

    home = tmp_path / "home"
    populate(home)
    with Store.open(home) as s:
        doc, _ = export_doc(s, s.profiles.list())
        old = older(doc)
        # into the home it came from (its sessions and commitments have the new columns, empty)
        back = import_coach(s, old, "old.json", dry_run=False)
        assert not any(back.imported.values()), back.imported
        assert back.duplicates["sessions"] == 3 and back.duplicates["commitments"] == 1

    fresh = tmp_path / "fresh"
    with Store.open(fresh) as s:
        first = import_coach(s, old, "old.json", dry_run=False)
        assert first.imported["sessions"] == 3 and first.imported["commitments"] == 1
        second = import_coach(s, old, "old.json", dry_run=False)
        assert not any(second.imported.values()), second.imported
        assert second.duplicates == first.imported
        # a field the file has is still compared: a different reason is a different record
        changed = json.loads(json.dumps(doc))
        changed["profiles"][0]["commitments"][0]["drop_reason"] = "too much at once"
        assert import_coach(s, changed, "changed.json", dry_run=False).imported["commitments"] == 1
        # an export written while replaces_id was a raw id: that id is another home's, never stored
        raw = json.loads(json.dumps(old))
        raw["profiles"][0]["commitments"][0]["replaces_id"] = 999
        again = import_coach(s, raw, "raw.json", dry_run=False)
        assert not any(again.imported.values())
        raw["profiles"][0]["commitments"][0]["text"] = "Send 12 emails"
        assert import_coach(s, raw, "raw.json", dry_run=False).imported["commitments"] == 1
        assert all(c.replaces_id is None for c in s.commitments.list(s.profiles.by_name("Ana").id or 0))
