"""Knowledge notes: the bundled best-practice notes and the user's own, parsed and chunked.

The user's notes live in <home>/knowledge/shared/ (every profile's) and <home>/knowledge/profile-<id>/
(one profile's: the folder is named after the id, so a rename moves nothing)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from coach.crypto import sealed
from coach.paths import DIR_MODE, bundled_dir
from coach.retrieval.chunks import Chunk
from coach.safe_load import LoadError, load_yaml

NOTE_CHUNK_CHARS = 900
NOTE_OVERLAP = 150
MAX_FRONT_BYTES = 256 * 1024
"""Front matter is a title, tags and a source: a few hundred bytes. Every search reads it: keep it small."""
USER_PREFIX = "my-"
SHARED = "shared"
"""The folder of notes meant for every profile of the home."""
_PROFILE_FOLDER = re.compile(r"profile-(\d+)")


def profile_folder(profile_id: int) -> str:
    """The folder, under <home>/knowledge/, of one profile's own notes."""
    return f"profile-{int(profile_id)}"


@dataclass
class Note:
    id: str
    title: str
    tags: list[str]
    source: str
    body: str
    path: Path
    user: bool = False
    profile_id: int | None = None
    """The profile whose own note this is; None for bundled and shared notes."""

    @property
    def citation(self) -> str:
        return f"[note: {self.title}]"


@dataclass
class NoteSet:
    notes: list[Note] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


class NoteError(ValueError):
    pass


_FRONT = re.compile(r"\A---\s*\n(.*?)\n---\s*\n?(.*)\Z", re.S)


def parse_note(path: Path, *, user: bool = False) -> Note:
    """Parse one note; bundled notes must carry id, title, tags and source, user notes may carry none."""
    try:
        raw = sealed.read_text(path) if user else path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise NoteError(f"{path.name}: not UTF-8 text") from exc
    meta: dict = {}
    body = raw
    if m := _FRONT.match(raw):
        try:
            meta = load_yaml(m[1], source=path.name, max_bytes=MAX_FRONT_BYTES) or {}
        except LoadError as exc:  # an alias bomb or a bad date is this note's problem, not every search's
            raise NoteError(f"{path.name}: front matter: {exc.reason}") from exc
        if not isinstance(meta, dict):
            raise NoteError(f"{path.name}: front matter must be a mapping")
        body = m[2]
    elif not user:
        raise NoteError(f"{path.name}: missing front matter (id, title, tags, source)")
    if not user:
        missing = [k for k in ("id", "title", "tags", "source") if not meta.get(k)]
        if missing:
            raise NoteError(f"{path.name}: front matter lacks {', '.join(missing)}")
    heading = re.search(r"^#\s+(.+)$", body, re.M)
    title = str(
        meta.get("title") or (heading[1] if heading else path.stem.replace("-", " ").replace("_", " "))
    )
    note_id = str(meta.get("id") or path.stem)
    if user:
        note_id = USER_PREFIX + note_id
    tags = meta.get("tags") or []
    if not body.strip():
        raise NoteError(f"{path.name}: the note has no text")
    return Note(
        id=note_id,
        title=title.strip(),
        tags=[str(t) for t in tags] if isinstance(tags, list) else [],
        source=str(meta.get("source") or ("your notes" if user else "")),
        body=body.strip(),
        path=path,
        user=user,
    )


def user_folders(user_dir: Path | None) -> list[tuple[Path, int | None]]:
    """The shared folder, then each profile's folder by id (only those that exist)."""
    if user_dir is None or not user_dir.is_dir():
        return []
    owned = sorted(
        (int(m[1]), sub)
        for sub in user_dir.iterdir()
        if (m := _PROFILE_FOLDER.fullmatch(sub.name)) and sub.is_dir()
    )
    shared = [(user_dir / SHARED, None)] if (user_dir / SHARED).is_dir() else []
    return shared + [(sub, pid) for pid, sub in owned]


def load_notes(
    user_dir: Path | None = None, profile_id: int | None = None, *, every_profile: bool = False
) -> NoteSet:
    """Bundled notes, the shared notes, then the given profile's own (every profile's for the index);
    a broken user note is reported and skipped. Notes loose in user_dir itself are never read."""
    found = NoteSet()
    seen: set[str] = set()
    sources: list[tuple[Path, bool, int | None]] = [(bundled_dir("knowledge"), False, None)]
    for folder, owner in user_folders(user_dir):
        if owner is None or every_profile or owner == profile_id:
            sources.append((folder, True, owner))
    for folder, user, owner in sources:
        for path in sorted(folder.glob("*.md")):
            if path.name.lower() == "readme.md":
                continue
            try:
                note = parse_note(path, user=user)
            except (NoteError, OSError) as exc:
                if not user:
                    raise
                found.problems.append(str(exc))
                continue
            if owner is not None:  # two profiles may each have a plan.md
                note.id = f"{USER_PREFIX}{folder.name}-{note.id.removeprefix(USER_PREFIX)}"
                note.profile_id = owner
            if note.id in seen:
                found.problems.append(f"{path.name}: duplicate note id '{note.id}', skipped")
                continue
            seen.add(note.id)
            found.notes.append(note)
    return found


def settle_loose_notes(user_dir: Path, first_profile_id: int | None) -> list[str]:
    """Move notes left directly in <home>/knowledge/ (where every profile once saw them) into the first
    profile's own folder, once; a name already taken there stays put, and is read by no one."""
    loose = [p for p in sorted(user_dir.glob("*.md")) if p.is_file() and p.name.lower() != "readme.md"]
    if not loose or first_profile_id is None:
        return []
    target = user_dir / profile_folder(first_profile_id)
    target.mkdir(mode=DIR_MODE, exist_ok=True)
    moved, kept = [], []
    for path in loose:
        if (target / path.name).exists():
            kept.append(path.name)
            continue
        path.rename(target / path.name)
        moved.append(path.name)
    notices = []
    if moved:
        notices.append(
            f"{len(moved)} note(s) from {user_dir} moved to {target}, the first profile's own; "
            f"notes for every profile go in {user_dir / SHARED}"
        )
    if kept:
        notices.append(f"not moved (the name is taken in {target}), and not searched: {', '.join(kept)}")
    return notices


def notes_signature(user_dir: Path | None = None) -> tuple[tuple[str, int, int], ...]:
    """Name, modification time and size of every note file: equal signatures mean nothing to re-read."""
    paths = sorted(bundled_dir("knowledge").glob("*.md"))
    if user_dir is not None and user_dir.is_dir():  # loose notes too: their arrival is settled
        paths += sorted(user_dir.glob("*.md")) + sorted(user_dir.glob("*/*.md"))
    out = []
    for path in paths:
        st = path.stat()
        out.append((str(path), st.st_mtime_ns, st.st_size))
    return tuple(out)


def even_split(text: str, size: int = NOTE_CHUNK_CHARS, overlap: int = NOTE_OVERLAP) -> list[str]:
    """Pieces of at most `size` characters, cut at paragraphs and sentences, of about equal length.

    A short last piece (a closing line or two) would be all keywords and no context, and so the nearest
    chunk to many loosely related questions: the same number of pieces is cut wider instead."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    def cut(width: int) -> list[str]:
        splitter = RecursiveCharacterTextSplitter(chunk_size=width, chunk_overlap=min(overlap, width // 4))
        return [p for p in splitter.split_text(text) if p.strip()]

    best = cut(size)
    if len(best) < 2 or len(best[-1]) >= size // 2:
        return best
    for width in range(max(2 * overlap, len(text) // len(best)), size, 50):
        trial = cut(width)
        if len(trial) <= len(best) and min(map(len, trial)) > min(map(len, best)):
            best = trial
    return best


def note_chunks(note: Note) -> list[Chunk]:
    """Markdown-aware chunks: split at headings first, then at paragraphs when a section is long."""
    from langchain_text_splitters import MarkdownHeaderTextSplitter

    sections = MarkdownHeaderTextSplitter([("#", "h1"), ("##", "h2"), ("###", "h3")]).split_text(note.body)
    pieces: list[str] = []
    for section in sections:
        heads = " / ".join(str(v) for k, v in section.metadata.items() if k.startswith("h"))
        for piece in even_split(section.page_content):
            pieces.append(f"{heads}\n{piece}" if heads else piece)
    tags = f"\nTags: {', '.join(note.tags)}" if note.tags else ""
    return [
        Chunk(
            id=f"note:{note.id}:{i}",
            kind="knowledge",
            profile_id=note.profile_id,
            source=f"note:{note.id}",
            title=note.title,
            date=None,
            citation=note.citation,
            text=f"{note.title}\n{piece}{tags}",
        )
        for i, piece in enumerate(pieces)
    ]
