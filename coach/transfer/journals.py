"""jrnl's and Day One's JSON exports, read into entries; a file of another format is refused by name."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from coach.errors import InputError
from coach.transfer.entries import Candidate, Item, Outcome, invalid
from coach.transfer.sources import existing_file, is_zip, read_json, zip_journals

NAMES = {"jrnl": "a jrnl export", "dayone": "a Day One export", "coach": "a coach export"}
HOW = {
    "jrnl": "write one with: jrnl --export json --file journal.json",
    "dayone": "in Day One: File > Export > JSON, then give the .zip or the Journal.json inside it",
    "coach": "write one with: coach export --format json --out FILE",
}
_JRNL_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_JRNL_TIME = re.compile(r"\d{1,2}:\d{2}(:\d{2})?")


def sniff(data: Any) -> str | None:
    """Which known export this parsed JSON is, when it says so clearly."""
    if not isinstance(data, dict):
        return None
    if data.get("format") == "coach-export":
        return "coach"
    entries = data.get("entries")
    if not isinstance(entries, list):
        return None
    dicts = [e for e in entries if isinstance(e, dict)]
    if "metadata" in data or any("creationDate" in e for e in dicts):
        return "dayone"
    if isinstance(data.get("tags"), dict) or any("title" in e and "body" in e for e in dicts):
        return "jrnl"
    return None


def expect(data: Any, fmt: str, name: str) -> list[Any]:
    """The entries of a file of this format, or an InputError naming the format it really is."""
    got = sniff(data)
    if got is not None and got != fmt:
        raise InputError(f"{name} looks like {NAMES[got]}, not {NAMES[fmt]}: use 'coach import {got} {name}'")
    entries = data.get("entries") if isinstance(data, dict) else None
    if got is None and not isinstance(entries, list):
        raise InputError(f"{name} is not {NAMES[fmt]} (no list of entries); {HOW[fmt]}")
    assert isinstance(entries, list)
    return entries


def _tags(raw: Any) -> list[str] | None:
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(t, str) for t in raw):
        return None
    return list(dict.fromkeys(raw))


def jrnl_entry(i: int, entry: Any) -> Item:
    where = f"entry {i}"
    if not isinstance(entry, dict):
        return invalid(where, "not an entry (expected a JSON object)")
    day, time = entry.get("date"), entry.get("time") or "00:00"
    if not day:
        return invalid(where, "no date")
    where = f"entry {i} ({day} {time})"
    if not (isinstance(day, str) and _JRNL_DATE.fullmatch(day)) or not (
        isinstance(time, str) and _JRNL_TIME.fullmatch(time)
    ):
        return invalid(where, f"impossible date '{day} {time}'")
    hour, _, rest = time.partition(":")
    try:
        started = datetime.fromisoformat(f"{day}T{hour:0>2}:{rest}")
    except ValueError as exc:
        return invalid(where, f"impossible date '{day} {time}' ({exc})")
    title, body = entry.get("title"), entry.get("body") or ""
    if not isinstance(title, str) or not isinstance(body, str):
        return invalid(where, "no text (title and body must be text)")
    tags = _tags(entry.get("tags"))
    if tags is None:
        return invalid(where, "tags must be a list of text")
    text = f"{title}\n{body}" if body else title
    return Candidate(where=where, started_at=started, text=text, tags=tags)


def jrnl_items(path: Path) -> list[Item]:
    """Entries of `jrnl --export json`: text is the title line, a newline, then the body, as jrnl keeps it."""
    entries = expect(read_json(path), "jrnl", str(path))
    return [jrnl_entry(i, e) for i, e in enumerate(entries, 1)]


def dayone_entry(i: int, entry: Any, prefix: str, seen: dict[str, str]) -> Item:
    where = f"{prefix}entry {i}"
    if not isinstance(entry, dict):
        return invalid(where, "not an entry (expected a JSON object)")
    uuid = entry.get("uuid")
    if isinstance(uuid, str) and uuid:
        where = f"{prefix}entry {i} ({uuid})"
        if uuid in seen:
            return Outcome(
                where=where, status="duplicate", reason=f"same uuid as {seen[uuid]} in this source"
            )
        seen[uuid] = where
    created = entry.get("creationDate")
    if not created:
        return invalid(where, "no date")
    if not isinstance(created, str):
        return invalid(where, f"impossible date {created!r}")
    try:
        started = datetime.fromisoformat(created)
    except ValueError as exc:
        return invalid(where, f"impossible date '{created}' ({exc})")
    if started.tzinfo is None:  # Day One writes UTC with a Z; a bare time is taken as UTC too
        started = started.replace(tzinfo=UTC)
    text = entry.get("text")
    if text is None:
        return invalid(where, "empty text (an entry with photos only?)")
    if not isinstance(text, str):
        return invalid(where, "text must be text")
    tags = _tags(entry.get("tags"))
    if tags is None:
        return invalid(where, "tags must be a list of text")
    return Candidate(where=where, started_at=started, text=text, tags=tags)


def dayone_items(path: Path) -> list[Item]:
    """Entries of a Day One JSON export: the .zip (every journal in it) or one journal's .json."""
    existing_file(path)
    journals = zip_journals(path) if is_zip(path) else [("", read_json(path))]
    items: list[Item] = []
    seen: dict[str, str] = {}
    for name, data in journals:
        entries = expect(data, "dayone", f"{path}:{name}" if name else str(path))
        prefix = f"{name} " if len(journals) > 1 else ""
        items.extend(dayone_entry(i, e, prefix, seen) for i, e in enumerate(entries, 1))
    return items
