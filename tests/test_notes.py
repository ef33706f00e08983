"""The knowledge corpus: well-formed, in range, and the user's own notes beside it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from coach.paths import bundled_dir
from coach.retrieval.notes import NoteError, load_notes, note_chunks, parse_note, settle_loose_notes
from coach.services import Coach
from coach.transfer.exporter import export_doc


def test_bundled_notes_are_well_formed() -> None:
    notes = load_notes().notes
    assert len(notes) >= 40
    assert len({n.id for n in notes}) == len(notes)
    for note in notes:
        assert note.id == note.path.stem
        words = len(re.findall(r"\S+", note.body))
        assert 80 <= words <= 300, (note.id, words)
        assert note.tags and note.title and "[" not in note.title
        assert note.source.startswith(("seed ", "framework: ")), note.source


def test_every_seed_article_is_cited() -> None:
    cited = {n.source.split(":")[0] for n in load_notes().notes if n.source.startswith("seed ")}
    assert cited == {f"seed {i:03d}" for i in range(5)}


def test_notes_chunk_with_title_and_citation() -> None:
    note = next(n for n in load_notes().notes if n.id == "hot-seat-basics")
    chunks = note_chunks(note)
    assert chunks and all(c.citation == "[note: Hot seat basics]" for c in chunks)
    assert all(c.text.startswith("Hot seat basics") and len(c.text) < 1200 for c in chunks)
    assert len({c.id for c in chunks}) == len(chunks)


def test_user_notes_load_beside_bundled(tmp_path: Path) -> None:
    tmp_path = tmp_path / "shared"
    tmp_path.mkdir()
    (tmp_path / "pricing.md").write_text("# My pricing rules\n\nNever discount more than 15 percent.\n")
    (tmp_path / "broken.md").write_text("---\ntitle: [unclosed\n---\nbody\n")
    (tmp_path / "binary.md").write_bytes(b"\xff\xfe\x00garbage")
    found = load_notes(tmp_path.parent)
    mine = [n for n in found.notes if n.user]
    assert [(n.id, n.title) for n in mine] == [("my-pricing", "My pricing rules")]
    assert len(found.problems) == 2 and any("broken.md" in p for p in found.problems)


def test_a_bundled_note_without_front_matter_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "x.md"
    path.write_text("just text")
    with pytest.raises(NoteError, match="missing front matter"):
        parse_note(path)
    assert bundled_dir("knowledge").is_dir()


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_each_profile_has_its_own_notes_and_the_shared_ones(tmp_path: Path) -> None:
    write(tmp_path / "profile-1" / "plan.md", "# Ana's plan\n\nAna only.\n")
    write(tmp_path / "profile-2" / "plan.md", "# Ben's plan\n\nBen only.\n")
    write(tmp_path / "shared" / "house.md", "# House rules\n\nFor everyone.\n")
    write(tmp_path / "loose.md", "# Loose\n\nLeft in the old place.\n")

    def mine(*args: object, **kw: bool) -> list[tuple[str, int | None]]:
        return [(n.id, n.profile_id) for n in load_notes(tmp_path, *args, **kw).notes if n.user]  # type: ignore[arg-type]

    assert mine() == [("my-house", None)]  # no profile: the shared notes alone, never a loose one
    assert mine(1) == [("my-house", None), ("my-profile-1-plan", 1)]
    assert mine(2) == [("my-house", None), ("my-profile-2-plan", 2)]
    assert mine(every_profile=True) == [
        ("my-house", None),
        ("my-profile-1-plan", 1),
        ("my-profile-2-plan", 2),
    ]


def test_loose_notes_move_once_to_the_first_profile(tmp_path: Path) -> None:
    write(tmp_path / "loose.md", "# Loose\n\nOld place.\n")
    write(tmp_path / "taken.md", "# Taken\n\nOld place.\n")
    write(tmp_path / "profile-1" / "taken.md", "# Taken\n\nNew place.\n")
    assert settle_loose_notes(tmp_path, None) == []  # no profile yet: they wait, read by no one
    notices = settle_loose_notes(tmp_path, 1)
    assert "1 note(s)" in notices[0] and "profile-1" in notices[0] and "shared" in notices[0]
    assert "taken.md" in notices[1]
    assert (tmp_path / "profile-1" / "loose.md").is_file() and not (tmp_path / "loose.md").exists()
    assert (tmp_path / "profile-1" / "taken.md").read_text() == "# Taken\n\nNew place.\n"
    assert settle_loose_notes(tmp_path, 1) == notices[1:]  # once


def test_anas_notes_never_reach_ben(coach: Coach, home: Path) -> None:
    ana = coach.store.profiles.add("Ana").id or 0
    ben = coach.store.profiles.add("Ben").id or 0
    knowledge = home / "knowledge"
    write(knowledge / "old.md", "# Ana's old note\n\nThe Quetzalcoatlus account pays late.\n")
    write(knowledge / f"profile-{ana}" / "secret.md", "# Ana's secret\n\nQuetzalcoatlus salary talk.\n")
    write(knowledge / "shared" / "house.md", "# House rules\n\nQuetzalcoatlus meetings start on time.\n")

    def found(profile: str, kind: str = "knowledge") -> set[str]:
        hits = coach.search("Quetzalcoatlus", profile=profile, kind=kind, k=20)  # type: ignore[arg-type]
        return {h.title for h in hits}

    for kind in ("knowledge", "all"):
        assert found("Ana", kind) >= {"Ana's old note", "Ana's secret", "House rules"}
        assert "House rules" in found("Ben", kind)
        assert not found("Ben", kind) & {"Ana's old note", "Ana's secret"}
    assert any("first profile's own" in n for n in coach.index.notices)
    assert not (knowledge / "old.md").exists()  # moved into Ana's folder, once
    for mode in ("lexical", "dense"):
        hits = coach.search("Quetzalcoatlus", profile="Ben", kind="knowledge", k=20, mode=mode)
        assert {h.title for h in hits} & {"Ana's old note", "Ana's secret"} == set()
    assert not coach.index.check().any

    def exported(pid: int) -> list[str]:
        profile = coach.store.profiles.get(pid)
        return [n["name"] for n in export_doc(coach.store, [profile])[0]["notes"]]

    assert exported(ana) == ["old.md", "secret.md"]  # her own; shared notes belong to the home
    assert exported(ben) == []
