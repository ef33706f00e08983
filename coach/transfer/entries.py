"""Journal entries to reflection sessions: validation, de-duplication, one transaction, a report."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Literal

from pydantic import ValidationError

from coach.models import Profile, Session, Turn
from coach.store import Store

Status = Literal["imported", "duplicate", "invalid"]
PREVIEW_CHARS = 60


@dataclass
class Candidate:
    """One entry read from a source, not yet checked: its date, exact text and tags."""

    where: str
    started_at: datetime
    text: str
    tags: list[str] = field(default_factory=list)


@dataclass
class Outcome:
    """What happened to one entry (or file) of the source, with the reason when it was skipped."""

    where: str
    status: Status
    reason: str | None = None
    date: str | None = None
    tags: list[str] = field(default_factory=list)
    preview: str = ""
    session_id: int | None = None


Item = Candidate | Outcome


@dataclass
class ImportReport:
    format: str
    source: str
    profile: str
    dry_run: bool
    outcomes: list[Outcome] = field(default_factory=list)
    indexed_chunks: int | None = None

    def count(self, status: Status) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "source": self.source,
            "profile": self.profile,
            "dry_run": self.dry_run,
            "imported": self.count("imported"),
            "duplicates": self.count("duplicate"),
            "invalid": self.count("invalid"),
            "indexed_chunks": self.indexed_chunks,
            "entries": [asdict(o) for o in self.outcomes],
        }


def invalid(where: str, reason: str) -> Outcome:
    return Outcome(where=where, status="invalid", reason=reason)


def preview(text: str) -> str:
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return first if len(first) <= PREVIEW_CHARS else first[: PREVIEW_CHARS - 1] + "…"


def not_unicode(*texts: str) -> bool:
    """True when a text holds undecodable bytes (kept as surrogates) and so cannot be stored."""
    try:
        for t in texts:
            t.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def framework(fmt: str) -> str:
    return f"import:{fmt}"


def imported_keys(store: Store, profile_id: int) -> dict[tuple[datetime, str], int]:
    """(started_at, exact text) of every session this profile imported from any source -> its id."""
    rows = store.db.query(
        "SELECT s.id, s.started_at, t.text FROM sessions s "
        "JOIN turns t ON t.session_id = s.id AND t.role = 'user' "
        "WHERE s.profile_id = ? AND s.framework LIKE 'import:%' ORDER BY s.id, t.position",
        (profile_id,),
    )
    keys: dict[tuple[datetime, str], int] = {}
    for row in rows:
        keys.setdefault((datetime.fromisoformat(row["started_at"]), row["text"]), int(row["id"]))
    return keys


def _one_line(exc: ValidationError) -> str:
    err = exc.errors()[0]
    return str(err.get("ctx", {}).get("error") or err["msg"])


def _session(profile_id: int, fmt: str, cand: Candidate) -> Session:
    return Session(
        profile_id=profile_id,
        kind="reflection",
        framework=framework(fmt),
        started_at=cand.started_at,
        ended_at=cand.started_at,
        tags=cand.tags,
        turns=[Turn(role="user", stage=None, text=cand.text)],
    )


def check(cand: Candidate, profile_id: int, fmt: str) -> Session | Outcome:
    """The session an entry becomes, or why it is refused; text and tags are never changed."""
    if not_unicode(cand.text, *cand.tags):
        return invalid(cand.where, "not UTF-8 text")
    if not cand.text.strip():
        return invalid(cand.where, "empty text")
    try:
        return _session(profile_id, fmt, cand)
    except ValidationError as exc:
        return invalid(cand.where, _one_line(exc))


def import_entries(
    store: Store, profile: Profile, fmt: str, source: str, items: list[Item], *, dry_run: bool
) -> ImportReport:
    """Store every new, valid entry in one transaction (none when dry_run); report each one."""
    report = ImportReport(format=fmt, source=source, profile=profile.name, dry_run=dry_run)
    pid = profile.id or 0
    existing = imported_keys(store, pid)
    in_file: dict[tuple[datetime, str], str] = {}
    todo: list[tuple[Outcome, Session]] = []
    for item in items:
        if isinstance(item, Outcome):
            report.outcomes.append(item)
            continue
        checked = check(item, pid, fmt)
        if isinstance(checked, Outcome):
            report.outcomes.append(checked)
            continue
        out = Outcome(
            where=item.where,
            status="imported",
            date=item.started_at.isoformat(),
            tags=list(item.tags),
            preview=preview(item.text),
        )
        key = (item.started_at, item.text)
        if key in existing:
            out.status, out.reason = "duplicate", f"already imported (session {existing[key]})"
        elif key in in_file:
            out.status, out.reason = "duplicate", f"same date and text as {in_file[key]} in this source"
        else:
            in_file[key] = item.where
            todo.append((out, checked))
        report.outcomes.append(out)
    if not dry_run and todo:
        with store.db.tx():
            for out, session in todo:
                out.session_id = store.sessions.start(session).id
    return report
