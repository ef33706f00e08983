"""A folder of Markdown notes (Obsidian daily notes and the like) read into journal entries."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

from coach.errors import InputError
from coach.safe_load import LoadError, load_yaml
from coach.transfer.entries import Candidate, Item, invalid
from coach.validate import LONG_MAX

SUFFIXES = (".md", ".markdown")
MAX_NOTE_BYTES = 4 * LONG_MAX
"""A note longer than this could not be stored (a turn holds LONG_MAX characters); it is not even read."""

_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)?---[ \t]*(?:\r?\n|\Z)", re.S)
_NAME_DATE = re.compile(r"(?<!\d)(\d{4}-\d{2}-\d{2})(?!\d)")
_CODE = re.compile(r"```.*?```|~~~.*?~~~|`[^`\n]*`", re.S)
_HASHTAG = re.compile(r"(?<!\S)#([\w/-]+)")


class Skip(Exception):
    """This file is not imported, for the reason given."""


def split_front(text: str, where: str = "front matter") -> tuple[dict[str, Any], str]:
    """The front matter as a mapping, and the body after it exactly as written.

    Front matter past a safety bound (an alias bomb, nesting 5,000 deep) is a LoadError naming `where`: the
    whole import is refused, as a broken JSON export is, rather than one file quietly left out.
    """
    m = _FRONT.match(text)
    if not m:
        return {}, text
    try:
        meta = load_yaml(m[1] or "", source=where) or {}
    except LoadError as exc:
        if exc.kind == "syntax":
            raise Skip(f"front matter is not valid YAML ({exc.detail})") from None
        if exc.kind == "value":  # e.g. date: 2024-02-30, which YAML reads as a date
            raise Skip(f"impossible date in the front matter ({exc.detail})") from None
        raise
    if not isinstance(meta, dict):
        raise Skip("front matter must be a mapping (key: value lines)")
    return meta, text[m.end() :]


def hashtags(body: str) -> list[str]:
    """#tags in the text (not in code, not headings, not all digits), in order of first use."""
    found = _HASHTAG.findall(_CODE.sub(" ", body))
    return list(dict.fromkeys(t for t in found if not re.fullmatch(r"[\d/-]+", t)))


def front_tags(meta: dict[str, Any]) -> list[str]:
    raw = meta.get("tags", meta.get("tag"))
    if raw is None:
        return []
    items = raw if isinstance(raw, list) else re.split(r"[,\s]+", str(raw))
    return [str(t).strip().lstrip("#") for t in items if t is not None and str(t).strip().lstrip("#")]


def when(meta: dict[str, Any], path: Path) -> datetime:
    """front matter date:, else a YYYY-MM-DD in the file name, else the modification time."""
    if "date" in meta and meta["date"] is not None:
        value = meta["date"]
        if isinstance(value, datetime):
            return value
        if isinstance(value, date):
            return datetime(value.year, value.month, value.day)
        try:
            return datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise Skip(f"impossible date '{value}' in the front matter") from None
    if m := _NAME_DATE.search(path.stem):
        try:
            return datetime.fromisoformat(m[1])
        except ValueError:
            raise Skip(f"impossible date '{m[1]}' in the file name") from None
    return datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0)


def read_note(path: Path, where: str) -> Candidate:
    size = path.stat().st_size
    if size > MAX_NOTE_BYTES:
        raise Skip(f"too large ({size / 1024 / 1024:.1f} MB; a note may be {MAX_NOTE_BYTES // 1024} KB)")
    raw = path.read_bytes()
    if b"\x00" in raw[:8192]:
        raise Skip("binary file, not Markdown text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Skip(f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})") from None
    text = text.removeprefix("\ufeff")
    meta, body = split_front(text, where)
    tags = list(dict.fromkeys(front_tags(meta) + hashtags(body)))
    return Candidate(where=where, started_at=when(meta, path), text=body, tags=tags)


def _binary(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return b"\x00" in fh.read(8192)
    except OSError:
        return False


def markdown_items(folder: Path) -> list[Item]:
    """Every *.md and *.markdown file under the folder (hidden ones left out); other files are reported."""
    if not folder.exists():
        raise InputError(f"no such folder: {folder}")
    if not folder.is_dir():
        raise InputError(f"{folder} is not a folder: give the folder that holds your Markdown notes")
    items: list[Item] = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts) or not path.is_file():
            continue
        where = rel.as_posix()
        if path.suffix.lower() not in SUFFIXES:
            kind = "binary file" if _binary(path) else "not a Markdown file"
            items.append(invalid(where, f"{kind} ({path.suffix or 'no extension'}), left out"))
            continue
        try:
            items.append(read_note(path, where))
        except Skip as exc:
            items.append(invalid(where, str(exc)))
        except OSError as exc:
            items.append(invalid(where, f"cannot be read ({exc.strerror or exc})"))
    return items
