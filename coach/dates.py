"""Dates from what people type ("by 3 Dec", "Friday", "2 days ago") and dates shown back to them."""

from __future__ import annotations

import contextlib
import re
from datetime import date, timedelta

from coach.errors import InputError

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_UNITS = {"day": 1, "week": 7, "fortnight": 14}
_COUNTS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4}
# a bare "30 Nov" means the one just gone when it is at most this far back, else the coming one:
# on 1 Dec "30 Nov" is yesterday, while "3 Jan" is next month, not eleven months ago
_RECENT = timedelta(days=183)
_LEAD = re.compile(r"^(by|on|due|before|until|this) ", re.I)


class PastDateError(InputError):
    """A date that has already gone where a future one is needed (a due date).

    `suggestion` is the date the person most likely meant, the next time that day and month come round
    ("30 Nov" on 1 Dec 2026 gives 30 Nov 2027), for the caller to offer and accept on a yes; None when
    they named a past day outright ("2020-01-01", "3 Dec 2025", "yesterday") and there is nothing to offer.
    """

    def __init__(self, message: str, suggestion: date | None = None) -> None:
        super().__init__(message)
        self.suggestion = suggestion


def show_date(d: date, today: date | None = None, *, weekday: bool = False, long: bool = False) -> str:
    """A date as people read it: "30 Nov" ("Mon 30 Nov" with weekday), with the year whenever it is not
    today's year ("30 Nov 2027"), so a date a year away never passes for one next week.

    long gives "Monday 30 November 2026" for headings and documents, always with the weekday and year."""
    if long:
        return f"{d:%A} {d.day} {d:%B %Y}"
    today = today or date.today()
    shown = f"{d.day} {d:%b}" if d.year == today.year else f"{d.day} {d:%b %Y}"
    return f"{d:%a} {shown}" if weekday else shown


def _weekday(word: str) -> int | None:
    for i, name in enumerate(WEEKDAYS):
        if len(word) >= 3 and name.startswith(word):
            return i
    return None


def _month(word: str) -> int | None:
    word = word[:3]
    return _MONTHS.index(word) + 1 if word in _MONTHS else None


def _on(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None  # 29 Feb outside a leap year


def _day_month(day: int, month: int, year: int | None, today: date, raw: str, allow_past: bool) -> date:
    # any leap year tells a real day-month (29 Feb) from one that never exists (31 Feb)
    if _on(year or 2000, month, day) is None:
        raise InputError(f"'{raw}' is not a real date")
    if year is not None:
        return date(year, month, day)  # a past one is refused by parse_date, with nothing to suggest
    coming = next(d for y in range(today.year, today.year + 9) if (d := _on(y, month, day)) and d >= today)
    gone = next(d for y in range(today.year, today.year - 9, -1) if (d := _on(y, month, day)) and d < today)
    if today - gone > _RECENT:
        return coming
    if allow_past:
        return gone
    # the suggestion names its year even when it is this year's: the year is what is being asked
    raise PastDateError(
        f"{show_date(gone, today)} has passed: did you mean {coming.day} {coming:%b %Y}?", suggestion=coming
    )


def parse_date(raw: str, *, today: date | None = None, allow_past: bool = False) -> date:
    """Parse a date; raise InputError with the reason when it cannot be understood.

    A due date (allow_past=False) must be today or later: a past one raises PastDateError, which for a
    bare day-month just gone ("30 Nov" on 1 Dec) suggests the coming one. With allow_past (a meeting that
    happened) "yesterday", "last Friday", "2 days ago", "a week ago" and "last week" (taken as a week ago:
    the exact day is unknown, and that day is always in last week) are understood too, and "30 Nov"
    means the one just gone when that is within about six months."""
    today = today or date.today()
    s = re.sub(r"\s+", " ", raw.strip().lower())
    s = _LEAD.sub("", s)
    s = s.rstrip(".")
    if not s:
        raise InputError("the date is empty")
    result = _parse(s, today, raw, allow_past)
    if result is None:
        raise InputError(
            f"cannot understand the date '{raw}' (try 2026-12-03, 3 Dec, Friday, next week or in 5 days)"
        )
    if not allow_past and result < today:
        said = _LEAD.sub("", " ".join(raw.split())).rstrip(".")
        # "yesterday" alone does not say which day it was; a written date with its year does
        if not re.search(r"\d{4}", said):
            said += f" ({show_date(result, today, weekday=True)})"
        raise PastDateError(f"{said} is in the past: a due date has to be today or later")
    return result


def _parse(s: str, today: date, raw: str, allow_past: bool) -> date | None:
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", s):
        try:
            return date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError as exc:
            raise InputError(f"'{raw}' is not a real date") from exc
    if s == "today" or s == "tonight" or s == "end of day":
        return today
    if s == "tomorrow":
        return today + timedelta(days=1)
    if s in ("yesterday", "last night"):
        return today - timedelta(days=1)
    if s == "the day before yesterday":
        return today - timedelta(days=2)
    if s == "last week":
        return today - timedelta(days=7)
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
        n = _COUNTS.get(m[1]) or int(m[1])
        return today + timedelta(days=n * _UNITS[m[2]])
    if m := re.fullmatch(r"(\d{1,3}|a|an|one|two|three|four) (day|week|fortnight)s? ago", s):
        n = _COUNTS.get(m[1]) or int(m[1])
        return today - timedelta(days=n * _UNITS[m[2]])
    if (m := re.fullmatch(r"last ([a-z]+)", s)) and (wd := _weekday(m[1])) is not None:
        # the most recent one before today: on a Friday, "last Friday" is a week ago
        return today - timedelta(days=(today.weekday() - wd) % 7 or 7)
    if m := re.fullmatch(r"(?:next )?([a-z]+)", s):
        # "Friday" and "next Friday" both mean the coming Friday, never today
        wd = _weekday(m[1])
        if wd is not None:
            return today + timedelta(days=(wd - today.weekday()) % 7 or 7)
    if m := re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)? ([a-z]+),? ?(\d{4})?", s):
        month = _month(m[2])
        if month:
            return _day_month(int(m[1]), month, int(m[3]) if m[3] else None, today, raw, allow_past)
    if m := re.fullmatch(r"([a-z]+) (\d{1,2})(?:st|nd|rd|th)?,? ?(\d{4})?", s):
        month = _month(m[1])
        if month:
            return _day_month(int(m[2]), month, int(m[3]) if m[3] else None, today, raw, allow_past)
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


def read_due(text: str, *, today: date | None = None) -> date | None:
    """The due date written in a commitment ("send it by Friday"), None when it names none.

    Raises InputError when the date cannot be used: PastDateError, with its suggestion, for a past one."""
    today = today or date.today()
    matches = list(_DUE_RE.finditer(text))
    if matches:
        return parse_date(matches[-1].group(0), today=today)
    loose = _LOOSE_DUE.search(text)
    if loose and re.search(r"\d", loose.group(1)):
        raise InputError(f"cannot understand the date '{loose.group(1).rstrip('.,;')}'")
    return None


def find_due(text: str, *, today: date | None = None) -> tuple[date | None, str | None]:
    """The due date written in a commitment ("send it by Friday"), or the problem with it.

    Returns (date, None), (None, problem) for a date that cannot be used, or (None, None) for none."""
    try:
        return read_due(text, today=today), None
    except InputError as exc:
        return None, str(exc)
