"""Due dates from what people type: ISO dates, weekdays, "next week", "in 3 days", "by 3 Dec"."""

from __future__ import annotations

import contextlib
import re
from datetime import date, timedelta

from coach.errors import InputError

_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_UNITS = {"day": 1, "week": 7, "fortnight": 14}


def _weekday(word: str) -> int | None:
    for i, name in enumerate(_WEEKDAYS):
        if len(word) >= 3 and name.startswith(word):
            return i
    return None


def _month(word: str) -> int | None:
    word = word[:3]
    return _MONTHS.index(word) + 1 if word in _MONTHS else None


def _day_month(day: int, month: int, year: int | None, today: date, raw: str) -> date:
    try:
        result = date(year or today.year, month, day)
    except ValueError as exc:
        raise InputError(f"'{raw}' is not a real date") from exc
    if year is None and result < today:
        result = result.replace(year=today.year + 1)
    return result


def parse_date(raw: str, *, today: date | None = None, allow_past: bool = False) -> date:
    """Parse a due date; raise InputError with the reason when it cannot be understood or is past."""
    today = today or date.today()
    s = re.sub(r"\s+", " ", raw.strip().lower())
    s = re.sub(r"^(by|on|due|before|until|this) ", "", s)
    s = s.rstrip(".")
    if not s:
        raise InputError("the date is empty")
    result = _parse(s, today, raw)
    if result is None:
        raise InputError(
            f"cannot understand the date '{raw}' (try 2026-12-03, 3 Dec, Friday, next week or in 5 days)"
        )
    if not allow_past and result < today:
        raise InputError(f"the date {result.isoformat()} is in the past")
    return result


def _parse(s: str, today: date, raw: str) -> date | None:
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", s):
        try:
            return date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError as exc:
            raise InputError(f"'{raw}' is not a real date") from exc
    if s == "today" or s == "tonight" or s == "end of day":
        return today
    if s == "tomorrow":
        return today + timedelta(days=1)
    if s in ("next week", "end of next week"):
        # the Friday of next week
        return today + timedelta(days=7 - today.weekday() + 4)
    if s in ("end of the week", "end of week"):
        return today + timedelta(days=(4 - today.weekday()) % 7)
    if s in ("the weekend", "weekend"):
        return today + timedelta(days=(5 - today.weekday()) % 7)
    if s in ("end of month", "end of the month"):
        nxt = (today.replace(day=28) + timedelta(days=4)).replace(day=1)
        return nxt - timedelta(days=1)
    if m := re.fullmatch(r"in (\d{1,3}|a|an|one|two|three|four) (day|week|fortnight)s?", s):
        words = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4}
        n = words.get(m[1]) or int(m[1])
        return today + timedelta(days=n * _UNITS[m[2]])
    if m := re.fullmatch(r"(?:next )?([a-z]+)", s):
        # "Friday" and "next Friday" both mean the coming Friday, never today
        wd = _weekday(m[1])
        if wd is not None:
            return today + timedelta(days=(wd - today.weekday()) % 7 or 7)
    if m := re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)? ([a-z]+),? ?(\d{4})?", s):
        month = _month(m[2])
        if month:
            return _day_month(int(m[1]), month, int(m[3]) if m[3] else None, today, raw)
    if m := re.fullmatch(r"([a-z]+) (\d{1,2})(?:st|nd|rd|th)?,? ?(\d{4})?", s):
        month = _month(m[1])
        if month:
            return _day_month(int(m[2]), month, int(m[3]) if m[3] else None, today, raw)
    return None


_MONTH_RE = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"


def find_dates(text: str, *, today: date | None = None) -> set[date]:
    """Dates mentioned anywhere in a text (ISO, "14 Nov", "Nov 14, 2026"); a bare day-month may be this
    year or last, since people ask about the past."""
    today = today or date.today()
    found: set[date] = set()
    low = text.lower()

    def add(year: int | None, month: int, day: int) -> None:
        for y in [year] if year else [today.year, today.year - 1]:
            with contextlib.suppress(ValueError):
                found.add(date(y, month, day))

    for m in re.finditer(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b", low):
        add(int(m[1]), int(m[2]), int(m[3]))
    for m in re.finditer(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH_RE}(?:,?\s+(\d{{4}}))?", low):
        add(int(m[3]) if m[3] else None, _MONTHS.index(m[2]) + 1, int(m[1]))
    for m in re.finditer(rf"\b{_MONTH_RE}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}}))?", low):
        add(int(m[3]) if m[3] else None, _MONTHS.index(m[1]) + 1, int(m[2]))
    return found


_DUE_PATTERNS = [
    r"\d{4}-\d{1,2}-\d{1,2}",
    rf"\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH_RE}(?:,?\s+\d{{4}})?",
    rf"{_MONTH_RE}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?",
    r"(?:next\s+)?(?:mon|tues|tue|wednes|wed|thurs|thu|fri|satur|sat|sun)(?:day)?",
    r"tomorrow|today|tonight|next week|end of (?:the )?(?:week|month)|the weekend",
    r"in (?:\d{1,3}|a|an|one|two|three|four) (?:day|week|fortnight)s?",
]
_DUE_RE = re.compile(r"\b(?:" + "|".join(_DUE_PATTERNS) + r")\b", re.I)
_LOOSE_DUE = re.compile(r"\b(?:by|before|until|due)\s+(?:the\s+)?(\S+(?:\s+\S+)?)", re.I)


def find_due(text: str, *, today: date | None = None) -> tuple[date | None, str | None]:
    """The due date written in a commitment ("send it by Friday"), or the problem with it.

    Returns (date, None), (None, problem) for a date that cannot be used, or (None, None) for none."""
    today = today or date.today()
    matches = list(_DUE_RE.finditer(text))
    if matches:
        phrase = matches[-1].group(0)
        try:
            return parse_date(phrase, today=today), None
        except InputError as exc:
            return None, str(exc)
    loose = _LOOSE_DUE.search(text)
    if loose and re.search(r"\d", loose.group(1)):
        return None, f"cannot understand the date '{loose.group(1).rstrip('.,;')}'"
    return None, None
