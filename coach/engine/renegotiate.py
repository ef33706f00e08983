"""Keep it, shrink it or drop it: the choice made about a missed commitment (words in prompts/coaching/)."""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict

from coach import validate
from coach.data_files import read_data
from coach.dates import PastDateError, parse_date, read_due
from coach.engine.nonanswers import is_non_answer
from coach.errors import FlowError, InputError
from coach.paths import bundled_dir

ChoiceKind = Literal["keep", "shrink", "drop"]
KINDS: tuple[ChoiceKind, ...] = ("keep", "shrink", "drop")
# what may sit between the words of a reply: spaces and the punctuation people put after "keep it"
_GAP = re.compile(r"[\s,:;.!\-–—(]*")
_ENDS = " \t\r\n.,;:!-–—"


class Questions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    keep_due: str
    shrink_text: str
    shrink_due: str


class Words(BaseModel):
    model_config = ConfigDict(extra="forbid")
    lead_ins: list[str]
    keep: list[str]
    shrink: list[str]
    drop: list[str]
    joiners: list[str]
    questions: Questions
    help: str


class Choice(BaseModel):
    """What the person chose. keep: `due` is the new date. shrink: `text` is the smaller version, `due`
    its date. drop: `reason`, when given. A date or the smaller version left unsaid is None, and
    `question()` says what to ask next."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: ChoiceKind
    due: date | None = None
    text: str | None = None
    reason: str | None = None

    def question(self) -> str | None:
        """The follow-up this choice still needs (the smaller version first, then a date); None when
        it is complete. A drop never needs one."""
        asks = load_words().questions
        if self.kind == "keep" and self.due is None:
            return asks.keep_due
        if self.kind == "shrink" and self.text is None:
            return asks.shrink_text
        if self.kind == "shrink" and self.due is None:
            return asks.shrink_due
        return None


@cache
def load_words() -> Words:
    return read_data(bundled_dir("prompts") / "coaching" / "renegotiate.yaml", Words, FlowError)


def _pattern(phrases: list[str]) -> re.Pattern[str]:
    """The phrases at the start of a text, longest first, each ending at a word boundary."""
    ordered = sorted(
        {" ".join(p.lower().replace("\u2019", "'").split()) for p in phrases}, key=len, reverse=True
    )
    alternatives = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered if p)
    return re.compile(rf"(?:{alternatives})(?!\w)", re.I)


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], dict[ChoiceKind, re.Pattern[str]]]:
    words = load_words()
    choices = {kind: _pattern(getattr(words, kind)) for kind in KINDS}
    return _pattern(words.lead_ins), _pattern(words.joiners), choices


def _skip(text: str, pos: int, words: re.Pattern[str]) -> int:
    """The position after any gaps and any of `words` from pos on."""
    while True:
        pos = _GAP.match(text, pos).end()  # type: ignore[union-attr]  # matches the empty string too
        found = words.match(text, pos)
        if found is None or found.end() == pos:
            return pos
        pos = found.end()


def _choice_at(text: str, pos: int) -> tuple[ChoiceKind, int] | None:
    """The choice whose longest phrase starts at pos ("keep it smaller" is a shrink, not a keep)."""
    best: tuple[ChoiceKind, int] | None = None
    for kind, pattern in _patterns()[2].items():
        found = pattern.match(text, pos)
        if found and (best is None or found.end() > best[1]):
            best = (kind, found.end())
    return best


def _date_of(rest: str, today: date) -> date | None:
    """The date in what follows keep: all of it ("Friday"), or one named in a sentence ("I'll do it by
    Friday"); None when a sentence names none. A short or numbered reply that is no date is refused."""
    try:
        return parse_date(rest, today=today)
    except PastDateError:
        raise
    except InputError:
        if re.search(r"\d", rest) or len(rest.split()) <= 2:
            raise
    return read_due(rest, today=today)


def read_choice(text: str, today: date) -> Choice:
    """Keep, shrink or drop, from what the person said about a missed or partial commitment.

    "keep it, Friday", "same but by 12 Dec" -> keep with that date; "shrink: send 3 emails by Friday",
    "smaller: one email tomorrow" -> shrink with the smaller version (as typed, date words and all) and
    its date; "drop it, not a priority now" -> drop with the reason. A choice without its date or
    smaller version comes back with None there (see Choice.question). Raises InputError, with the three
    choices spelt out, for anything else, a non-answer ("not sure") included; PastDateError (an
    InputError with a suggestion to offer, when there is one) for a date that has passed."""
    words = load_words()
    said = text.replace("\u2019", "'").strip()
    if not said or is_non_answer(said):
        raise InputError(f"That is not a choice yet. {words.help}")
    lead_ins, joiners, _ = _patterns()
    found = _choice_at(said, _skip(said, 0, lead_ins))
    if found is None:
        raise InputError(f"I did not catch keep, shrink or drop. {words.help}")
    kind, end = found
    # what follows is kept as typed, bar the spaces around it and a bracket closing one opened before it
    rest = said[_skip(said, end, joiners) :].strip()
    if rest.endswith(")") and "(" not in rest:  # "keep it (Friday)"
        rest = rest[:-1].rstrip()
    if not rest.strip(_ENDS) or is_non_answer(rest):
        rest = ""
    if kind == "drop":
        return Choice(kind="drop", reason=validate.optional(rest or None, "the reason"))
    if kind == "keep":
        return Choice(kind="keep", due=_date_of(rest.strip(_ENDS), today) if rest else None)
    if not rest:
        return Choice(kind="shrink")
    try:
        return Choice(kind="shrink", due=parse_date(rest, today=today))  # a date alone: the text comes next
    except PastDateError:
        raise
    except InputError:
        pass
    smaller = validate.text(rest, "the smaller version", max_chars=validate.SHORT_MAX)
    return Choice(kind="shrink", text=smaller, due=read_due(smaller, today=today))
