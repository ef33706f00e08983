"""A coach JSON export read back: profiles by name, records with their links remapped, nothing twice."""

from __future__ import annotations

import json
import re
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from coach.crypto import export_file, sealed
from coach.errors import InputError
from coach.models import Commitment, Goal, Meeting, Milestone, Profile, Session, Turn
from coach.paths import DIR_MODE
from coach.retrieval.notes import profile_folder
from coach.store import Store
from coach.store.db import IntegrityError, now
from coach.store.rows import columns, from_row, insert
from coach.transfer import exporter
from coach.transfer.entries import not_unicode
from coach.transfer.journals import sniff
from coach.transfer.sources import read_json

KINDS = ("profiles", "goals", "meetings", "sessions", "commitments", "notes")
LINKS = {
    "goal": "goal",
    "meeting": "meeting",
    "made_in_session": "session",
    "reviewed_in_session": "session",
    "replaces": "commitment",
}
RAW_IDS = {
    "id",
    "profile_id",
    "goal_id",
    "meeting_id",
    "made_in_session_id",
    "reviewed_in_session_id",
    "replaces_id",
}
"""Ids of records in the home the file came from: meaningless here, so never stored or compared (links go
by reference, LINKS). An export made while replaces_id was still written as a raw id has one."""
_NOTE_NAME = re.compile(r"[^/\\\x00]+\.md")


@dataclass
class CoachImportReport:
    source: str
    dry_run: bool
    imported: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    duplicates: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    skipped: list[dict[str, str]] = field(default_factory=list)
    indexed_chunks: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "format": "coach",
            "source": self.source,
            "dry_run": self.dry_run,
            "imported": self.imported,
            "duplicates": self.duplicates,
            "skipped": self.skipped,
            "indexed_chunks": self.indexed_chunks,
        }


def load(path: Path) -> dict[str, Any]:
    if export_file.is_sealed(path):  # coach export --encrypt
        text = export_file.open_text(path.read_bytes(), export_file.passphrase(new=False), str(path))
        data = json.loads(text)
    else:
        data = read_json(path)
    got = sniff(data)
    if got != "coach":
        hint = f": use 'coach import {got} {path}'" if got else ""
        raise InputError(f"{path} is not a coach export (format: coach-export){hint}")
    version = data.get("version")
    if not isinstance(version, int) or version > exporter.VERSION:
        raise InputError(f"{path} is a coach export of version {version!r}; this coach reads version 1")
    if not isinstance(data.get("profiles"), list) or not isinstance(data.get("notes", []), list):
        raise InputError(f"{path}: 'profiles' and 'notes' must be lists")
    return data


def _model(cls: type[BaseModel], raw: Any, where: str, **extra: Any) -> Any:
    if not isinstance(raw, dict):
        raise InputError(f"{where}: expected a JSON object")
    try:
        return cls.model_validate({**raw, **extra})
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"])
        raise InputError(f"{where}: {loc}: {err.get('ctx', {}).get('error') or err['msg']}") from None


def _values(record: BaseModel, exclude: set[str], **defaults: Any) -> dict[str, Any]:
    """The record's columns; a timestamp the file left out is set to now."""
    values = columns(record, exclude)
    for name, default in defaults.items():
        if values.get(name) is None:
            values[name] = default
    return values


def _list(raw: dict[str, Any], name: str, where: str) -> list[Any]:
    items = raw.get(name, [])
    if not isinstance(items, list):
        raise InputError(f"{where}: '{name}' must be a list")
    return items


Shape = tuple[frozenset[str], tuple[tuple[str, frozenset[str]], ...]]


def _content(name: str) -> bool:
    return name != "ref" and name not in LINKS and name not in RAW_IDS


def _shape(doc: dict[str, Any]) -> Shape:
    """The fields a record of the file has, and those of the objects in its lists (a goal's milestones, a
    session's turns): a file exported before a field existed has no such key."""
    inner: list[tuple[str, frozenset[str]]] = []
    for name, value in doc.items():
        if _content(name) and isinstance(value, list):
            keys = frozenset(k for item in value if isinstance(item, dict) for k in item)
            if keys:
                inner.append((name, keys))
    return frozenset(k for k in doc if _content(k)), tuple(sorted(inner))


def _key(doc: dict[str, Any], shape: Shape) -> str:
    """What makes two records the same: their content in the fields of `shape` (links, export names and raw
    ids left out). A field the file does not have is not compared, so an export made before a field was
    added still finds its records; one both have must be equal, null included."""
    fields, inner = shape
    subs = dict(inner)
    out: dict[str, Any] = {}
    for name in fields:
        if name not in doc:
            continue  # absent here but present in the other: the keys differ
        value = doc[name]
        if name in subs and isinstance(value, list):
            value = [
                {k: v for k, v in item.items() if k in subs[name]} if isinstance(item, dict) else item
                for item in value
            ]
        out[name] = value
    return json.dumps(out, sort_keys=True)


@dataclass
class _Have:
    """One kind of record the profile already has (its export docs and ids), keyed as the file's records
    are shaped; each shape is keyed once."""

    docs: list[tuple[dict[str, Any], int]] = field(default_factory=list)
    keyed: dict[Shape, dict[str, int]] = field(default_factory=dict)

    def find(self, raw: dict[str, Any]) -> int | None:
        shape = _shape(raw)
        if shape not in self.keyed:
            self.keyed[shape] = {}
            for doc, rid in self.docs:
                self.keyed[shape].setdefault(_key(doc, shape), rid)
        return self.keyed[shape].get(_key(raw, shape))


class _Loader:
    def __init__(self, store: Store, report: CoachImportReport) -> None:
        self.store = store
        self.report = report
        self.dry = report.dry_run
        self.ids: dict[str, int] = {}
        self.kinds: dict[str, str] = {}
        self.pids: list[int] = []

    def _ref(self, raw: dict[str, Any], where: str) -> str:
        ref = raw.get("ref")
        if not isinstance(ref, str) or not ref or ref in self.ids:
            raise InputError(f"{where}: missing or repeated 'ref' ({ref!r})")
        return ref

    def _link(self, raw: dict[str, Any], name: str, where: str) -> int | None:
        ref = raw.get(name)
        if ref is None:
            return None
        if not isinstance(ref, str) or self.kinds.get(ref) != LINKS[name]:
            raise InputError(f"{where}: '{name}' points to {ref!r}, which is not earlier in the file")
        return self.ids[ref]

    def profile(self, raw: Any, where: str) -> None:
        fields = {k: v for k, v in raw.items() if k in Profile.model_fields} if isinstance(raw, dict) else raw
        prof: Profile = _model(Profile, fields, where)
        row = self.store.db.one("SELECT * FROM profiles WHERE name = ?", (prof.name,))
        have = {kind: _Have() for kind in exporter.KINDS}
        if row is not None:
            self.report.duplicates["profiles"] += 1
            pid = int(row["id"])
            refs = exporter.Refs()
            mine = exporter.profile_doc(self.store, from_row(Profile, row), refs)
            ids = {name: rid for (_, rid), name in refs.names.items()}
            for kind in exporter.KINDS:
                have[kind].docs = [(doc, ids[doc["ref"]]) for doc in mine[kind + "s"]]
        else:
            self.report.imported["profiles"] += 1
            pid = self._insert("profiles", _values(prof, {"id"}, created_at=now()))
        self.pids.append(pid)
        for kind in exporter.KINDS:
            for i, item in enumerate(_list(raw, kind + "s", where), 1):
                self.record(kind, item, pid, have[kind], f"{where} {kind} {i}")

    def record(self, kind: str, raw: Any, pid: int, have: _Have, where: str) -> None:
        if not isinstance(raw, dict):
            raise InputError(f"{where}: expected a JSON object")
        ref = self._ref(raw, where)
        links = {name: self._link(raw, name, where) for name in LINKS if name in raw}
        self.kinds[ref] = kind
        same = have.find(raw)
        if same is not None:
            self.ids[ref] = same
            self.report.duplicates[kind + "s"] += 1
            return
        self.report.imported[kind + "s"] += 1
        body = {k: v for k, v in raw.items() if _content(k) and k not in ("milestones", "turns")}
        stamp = now()
        if kind == "goal":
            goal = _model(Goal, body, where, profile_id=pid)
            subs = [
                _model(Milestone, m, f"{where} milestone", goal_id=0) for m in _list(raw, "milestones", where)
            ]
            self.ids[ref] = self._insert("goals", _values(goal, {"id"}, created_at=stamp, updated_at=stamp))
            for ms in subs:
                self._insert("milestones", {**columns(ms, {"id"}), "goal_id": self.ids[ref]})
        elif kind == "meeting":
            meeting = _model(Meeting, body, where, profile_id=pid)
            self.ids[ref] = self._insert("meetings", _values(meeting, {"id"}, created_at=stamp))
        elif kind == "session":
            extra = {"goal_id": links.get("goal"), "meeting_id": links.get("meeting")}
            session = _model(Session, body, where, profile_id=pid, **extra)
            turns = [_model(Turn, t, f"{where} turn", session_id=0) for t in _list(raw, "turns", where)]
            self.ids[ref] = self._insert("sessions", _values(session, {"id", "turns"}, started_at=stamp))
            for turn in turns:
                values = _values(turn, {"id"}, created_at=stamp)
                self._insert("turns", {**values, "session_id": self.ids[ref]})
        else:
            item = _model(
                Commitment,
                body,
                where,
                profile_id=pid,
                goal_id=links.get("goal"),
                made_in_session_id=links.get("made_in_session"),
                reviewed_in_session_id=links.get("reviewed_in_session"),
                replaces_id=links.get("replaces"),
            )
            values = _values(item, {"id"}, created_at=stamp, updated_at=stamp)
            self.ids[ref] = self._insert("commitments", values)

    def _insert(self, table: str, values: dict[str, Any]) -> int:
        if self.dry:
            return 0
        try:
            return insert(self.store.db.conn, table, values)
        except IntegrityError as exc:
            raise InputError(f"the export cannot be stored as it is ({table}: {exc})") from None
        except UnicodeEncodeError:
            raise InputError(f"the export holds text that is not UTF-8 ({table})") from None


def _notes(data: dict[str, Any]) -> list[tuple[str, str]]:
    out = []
    for i, note in enumerate(data.get("notes", []), 1):
        if not isinstance(note, dict) or not isinstance(note.get("text"), str):
            raise InputError(f"note {i}: expected an object with 'name' and 'text'")
        name = note.get("name")
        if not isinstance(name, str) or not _NOTE_NAME.fullmatch(name) or name.startswith("."):
            raise InputError(f"note {i}: {name!r} is not a note file name (NAME.md, no folders)")
        if not_unicode(note["text"]):
            raise InputError(f"note {name}: not UTF-8 text")
        out.append((name, note["text"]))
    return out


def import_coach(store: Store, data: dict[str, Any], source: str, *, dry_run: bool) -> CoachImportReport:
    """Everything in one transaction; the user's notes are written after it commits (never over others)."""
    notes = _notes(data)
    if notes and not data["profiles"]:
        raise InputError("the file holds notes but no profile to own them")
    report = CoachImportReport(source=source, dry_run=dry_run)
    loader = _Loader(store, report)
    with nullcontext() if dry_run else store.db.tx():
        for i, raw in enumerate(data["profiles"], 1):
            loader.profile(raw, f"profile {i}")
    # an export's notes are its profiles' own: they go to the first imported profile's folder, never
    # where every profile would see them
    folder = store.home / exporter.KNOWLEDGE / (profile_folder(loader.pids[0]) if loader.pids else "")
    for name, text in notes:
        target = folder / name
        if target.exists():
            try:
                same = sealed.read_text(target) == text
            except UnicodeDecodeError:
                same = False
            if same:
                report.duplicates["notes"] += 1
            else:
                report.skipped.append({"note": name, "reason": "a different note with this name exists"})
            continue
        report.imported["notes"] += 1
        if not dry_run:
            folder.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
            sealed.write_text(store.home, target, text)
    return report
