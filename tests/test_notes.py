"""The knowledge corpus: well-formed, in range, and the user's own notes beside it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from coach.paths import bundled_dir
from coach.retrieval.notes import NoteError, load_notes, note_chunks, parse_note


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
    (tmp_path / "pricing.md").write_text("# My pricing rules\n\nNever discount more than 15 percent.\n")
    (tmp_path / "broken.md").write_text("---\ntitle: [unclosed\n---\nbody\n")
    (tmp_path / "binary.md").write_bytes(b"\xff\xfe\x00garbage")
    found = load_notes(tmp_path)
    mine = [n for n in found.notes if n.user]
    assert [(n.id, n.title) for n in mine] == [("my-pricing", "My pricing rules")]
    assert len(found.problems) == 2 and any("broken.md" in p for p in found.problems)


def test_a_bundled_note_without_front_matter_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "x.md"
    path.write_text("just text")
    with pytest.raises(NoteError, match="missing front matter"):
        parse_note(path)
    assert bundled_dir("knowledge").is_dir()
