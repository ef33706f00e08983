"""Reading structured answers: a mood, tags, commitments with due dates, a review status, yes or no."""

from __future__ import annotations

import re
from datetime import date

from pydantic import BaseModel

from coach.dates import PastDateError, read_due
from coach.engine.renegotiate import Choice
from coach.errors import InputError

YES = {"yes", "y", "ok", "okay", "sure", "yep", "save", "confirm", "fine", "good", "looks good", "correct"}
NO = {"no", "n", "none", "nope", "nothing", "skip"}
_MOOD_WORDS = {
    "awful": 1,
    "terrible": 1,
    "bad": 2,
    "low": 2,
    "meh": 3,
    "okay": 3,
    "ok": 3,
    "fine": 3,
    "good": 4,
    "great": 5,
    "excellent": 5,
    "amazing": 5,
}


class Proposal(BaseModel):
    text: str
    due: date | None = None
    undated: bool = False
    """The user gave no date when asked; saved without one."""
    moved: str | None = None
    """Why the date differs from what was typed ("30 Nov has passed: ..."), for the person to confirm."""


class ReviewItem(BaseModel):
    commitment_id: int
    text: str
    due: date | None = None
    status: str | None = None
    """done, partial, missed, or not_due (still open, on track)."""
    obstacle: str | None = None
    for_group: bool = False
    """Made for this meeting's group (in its prep, or in a session linked to one of its meetings)."""
    on_card: bool = True
    """The person may leave any item off the share-safe card."""
    choice: Choice | None = None
    """For a missed or partial one: keep (a new date), shrink (a smaller version) or drop; complete or not."""

    @property
    def slipped(self) -> bool:
        return self.status in ("missed", "partial")


def is_yes(text: str) -> bool:
    return text.strip().lower().rstrip(".!") in YES


def is_no(text: str) -> bool:
    return text.strip().lower().rstrip(".!") in NO


def mood(text: str) -> int:
    s = text.strip().lower()
    if m := re.fullmatch(r"([1-5])(?:\s*/\s*5)?\.?", s):
        return int(m[1])
    if s in _MOOD_WORDS:
        return _MOOD_WORDS[s]
    raise InputError(f"'{text.strip()[:40]}' is not a mood: give a number from 1 (low) to 5 (high)")


def tags(text: str) -> list[str]:
    parts = re.split(r"[,\n]+|\s+(?=#)", text)
    out: list[str] = []
    for part in parts:
        tag = part.strip().lstrip("#").strip()
        if tag and tag.lower() not in (t.lower() for t in out):
            out.append(tag[:60])
    return out


def lines(text: str) -> list[str]:
    """Items written one per line, or as a numbered or bulleted list; bullets and numbers removed."""
    items = []
    for raw in text.splitlines():
        item = re.sub(r"^\s*(?:[-*•]|\d+[.)])\s*", "", raw).strip()
        if item:
            items.append(item)
    return items


def _dated_parts(line: str, today: date) -> list[str]:
    """A line of items joined by semicolons, each with a date of its own ("Run 15k by 20 Dec; Run 18k by
    10 Jan"), is that many items; otherwise the line is one item, semicolons and all."""
    parts = [p.strip() for p in line.split(";")]
    if len(parts) < 2 or not all(parts):
        return [line]
    for part in parts:
        try:
            if read_due(part, today=today) is None:
                return [line]
        except InputError:
            return [line]
    return parts


def proposals(text: str, today: date) -> tuple[list[Proposal], list[str]]:
    """Commitments with the due date each one names; problems with dates that cannot be used."""
    found, problems = [], []
    for item in [part for line in lines(text) for part in _dated_parts(line, today)]:
        try:
            found.append(Proposal(text=item, due=read_due(item, today=today)))
        except PastDateError as exc:
            if exc.suggestion is None:
                problems.append(f"'{item[:60]}': {exc}")
            found.append(Proposal(text=item, due=exc.suggestion, moved=str(exc)))
        except InputError as exc:
            problems.append(f"'{item[:60]}': {exc}")
            found.append(Proposal(text=item))
    return found, problems


_NOT_DUE = ["not due yet", "not due", "on track", "not yet due", "still on track", "due later"]
_OFF_CARD = re.compile(
    r"[,;(]?\s*\b(?:keep it )?(?:off the card|not on the card|keep (?:it )?private)\b\)?", re.I
)
_DONE = ["done", "did it", "completed", "complete", "finished", "yes", "sent", "shipped"]
_PARTIAL = ["partial", "partly", "half", "some of", "halfway", "started", "in progress", "almost", "most of"]
_MISSED = ["missed", "didn't", "did not", "no", "not done", "failed", "skipped", "dropped", "forgot"]


def off_card(text: str) -> tuple[str, bool]:
    """The answer without an "off the card" request, and whether it asked for one."""
    cleaned = _OFF_CARD.sub("", text).strip(" ,;")
    return cleaned, cleaned != text.strip(" ,;")


def review_status(text: str) -> tuple[str, str | None]:
    """done / partial / missed / not_due from an answer, and what got in the way (the rest of it)."""
    low = text.lower()
    if any(low.strip(" .!").startswith(w) for w in _NOT_DUE):
        return "not_due", None
    first = re.split(r"[,.;:\-–—]", low, maxsplit=1)[0]
    for status, words in (("partial", _PARTIAL), ("missed", _MISSED), ("done", _DONE)):
        if any(re.search(rf"\b{re.escape(w)}\b", first) for w in words):
            rest = re.split(r"[,.;:\-–—]", text, maxsplit=1)
            obstacle = rest[1].strip() if len(rest) > 1 and rest[1].strip() else None
            return status, obstacle
    raise InputError("say done, partial, missed or not due yet first, then what got in the way")
