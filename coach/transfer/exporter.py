"""Everything a profile has, as one deterministic document: records by order, links by reference."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coach.crypto import sealed
from coach.models import Commitment, Goal, Meeting, Profile, Session
from coach.retrieval.notes import profile_folder
from coach.store import Store
from coach.store.rows import from_row

FORMAT = "coach-export"
VERSION = 1
KNOWLEDGE = "knowledge"
KINDS = ("goal", "meeting", "session", "commitment")


@dataclass
class Refs:
    """Export-local names (goal-1, session-4...) for record ids, numbered in id order across profiles."""

    names: dict[tuple[str, int], str] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=dict)

    def name(self, kind: str, record_id: int) -> str:
        key = (kind, record_id)
        if key not in self.names:
            self.counters[kind] = self.counters.get(kind, 0) + 1
            self.names[key] = f"{kind}-{self.counters[kind]}"
        return self.names[key]

    def link(self, kind: str, record_id: int | None) -> str | None:
        """A link to a record in this export; a link out of it (another profile's record) is dropped."""
        return self.names.get((kind, record_id)) if record_id is not None else None


def _dump(record: Any, exclude: set[str]) -> dict[str, Any]:
    return record.model_dump(mode="json", exclude=exclude)


def _rows(store: Store, table: str, profile_id: int) -> list[Any]:
    return store.db.query(f"SELECT * FROM {table} WHERE profile_id = ? ORDER BY id", (profile_id,))


def goal_doc(store: Store, goal: Goal, refs: Refs) -> dict[str, Any]:
    milestones = [_dump(m, {"id", "goal_id"}) for m in store.goals.milestones(goal.id or 0)]
    return {
        "ref": refs.name("goal", goal.id or 0),
        **_dump(goal, {"id", "profile_id"}),
        "milestones": milestones,
    }


def session_doc(store: Store, session: Session, refs: Refs) -> dict[str, Any]:
    turns = [_dump(t, {"id", "session_id"}) for t in store.sessions.turns(session.id or 0)]
    return {
        "ref": refs.name("session", session.id or 0),
        **_dump(session, {"id", "profile_id", "goal_id", "meeting_id", "turns"}),
        "goal": refs.link("goal", session.goal_id),
        "meeting": refs.link("meeting", session.meeting_id),
        "turns": turns,
    }


def commitment_doc(item: Commitment, refs: Refs) -> dict[str, Any]:
    """A commitment; `replaces` names the one it is a smaller version of, always earlier in the export (a
    smaller version is made after what it replaces, so its id is higher, and commitments go in id order)."""
    return {
        "ref": refs.name("commitment", item.id or 0),
        **_dump(
            item,
            {"id", "profile_id", "goal_id", "made_in_session_id", "reviewed_in_session_id", "replaces_id"},
        ),
        "goal": refs.link("goal", item.goal_id),
        "made_in_session": refs.link("session", item.made_in_session_id),
        "reviewed_in_session": refs.link("session", item.reviewed_in_session_id),
        "replaces": refs.link("commitment", item.replaces_id),
    }


def profile_doc(store: Store, profile: Profile, refs: Refs) -> dict[str, Any]:
    """One profile with every record, goals and meetings first so sessions and commitments can link."""
    pid = profile.id or 0
    goals = [goal_doc(store, from_row(Goal, r), refs) for r in _rows(store, "goals", pid)]
    meetings = [
        {"ref": refs.name("meeting", r["id"]), **_dump(from_row(Meeting, r), {"id", "profile_id"})}
        for r in _rows(store, "meetings", pid)
    ]
    sessions = [session_doc(store, from_row(Session, r), refs) for r in _rows(store, "sessions", pid)]
    commitments = [commitment_doc(from_row(Commitment, r), refs) for r in _rows(store, "commitments", pid)]
    return {
        **_dump(profile, {"id"}),
        "goals": goals,
        "meetings": meetings,
        "sessions": sessions,
        "commitments": commitments,
    }


def user_notes(home: Path, profile_ids: list[int]) -> tuple[list[dict[str, str]], list[str]]:
    """The exported profiles' own notes (<home>/knowledge/profile-<id>/*.md) byte for byte, and the ones
    that could not be read. Bundled and shared notes belong to the home, not the person: never exported."""
    notes: list[dict[str, str]] = []
    problems: list[str] = []
    for pid in profile_ids:
        folder = home / KNOWLEDGE / profile_folder(pid)
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.md")):
            try:
                notes.append({"name": path.name, "text": sealed.read_text(path)})
            except UnicodeDecodeError:
                problems.append(f"{path.name}: not UTF-8 text, left out of the export")
            except OSError as exc:
                problems.append(
                    f"{path.name}: cannot be read ({exc.strerror or exc}), left out of the export"
                )
    return notes, problems


def export_doc(store: Store, profiles: list[Profile]) -> tuple[dict[str, Any], list[str]]:
    """The export document (no timestamp of its own, so the same data always gives the same bytes)."""
    refs = Refs()
    notes, problems = user_notes(store.home, sorted(p.id or 0 for p in profiles))
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "profiles": [profile_doc(store, p, refs) for p in sorted(profiles, key=lambda p: p.id or 0)],
        "notes": notes,
    }
    return doc, problems


def dumps(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
