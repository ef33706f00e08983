"""Carrying the person's own words back: short clauses of their answers fill the slots of a question.

The word lists live in prompts/coaching/listening.yaml. Everything here is plain text in, plain text out:
a clause is cut from what was typed, never rewritten, except that a filler at its start is dropped."""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from functools import cache

from pydantic import BaseModel, ConfigDict

from coach.data_files import read_data
from coach.errors import CoachError
from coach.paths import bundled_dir

# Slot names a question may use besides the ids of the flow's stages.
SPECIAL_SLOTS = {"feeling", "goal"}
# Format specs a slot may carry: none (a clause), "if" (the clause as the start of an if-then plan).
SPECS = {"", "if"}


class ListeningError(CoachError):
    """prompts/coaching/listening.yaml is malformed."""


class Listening(BaseModel):
    model_config = ConfigDict(extra="forbid")
    max_chars: int = 55
    feeling_cues: list[str]
    feelings: list[str]
    openers: list[str]
    condition_starts: list[str]
    condition_suffix: str
    lower_first: list[str]


@cache
def words() -> Listening:
    return read_data(bundled_dir("prompts") / "coaching" / "listening.yaml", Listening, ListeningError)


_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")
_CLAUSE_BREAK = re.compile(r"\s*(?:[,;:()]|\s[-–—]\s|\s(?:because|but|although|though|so that|which)\s)\s*")
_TRAILING = " \t.,;:!?-–—\"'“”‘’"


def _first_word(text: str) -> str:
    match = re.match(r"[\w'’]+", text)
    return match.group(0).lower().replace("’", "'") if match else ""


def _drop_openers(text: str) -> str:
    openers = sorted(words().openers, key=len, reverse=True)
    changed = True
    while changed:
        changed = False
        low = text.lower()
        for opener in openers:
            if low.startswith(opener) and (len(text) == len(opener) or not text[len(opener)].isalnum()):
                rest = text[len(opener) :].lstrip(" ,.:;-–—")
                if rest:
                    text, changed = rest, True
                break
    return text


def clause(text: str, max_chars: int | None = None) -> str:
    """The first sentence of an answer, short: a filler at its start dropped, cut at a clause or a word
    boundary when it is long (with an ellipsis), no closing punctuation. Empty for an empty answer."""
    limit = max_chars or words().max_chars
    pieces = [p.strip() for p in _SENTENCE_END.split(text.strip()) if p.strip()]
    if not pieces:
        return ""
    first = " ".join(_drop_openers(pieces[0]).split())
    if len(first) > limit:
        head = _CLAUSE_BREAK.split(first, maxsplit=1)[0]
        if len(head.split()) >= 3 and len(head) <= limit:
            first = head
        else:
            cut = first[: limit + 1].rsplit(" ", 1)[0] if " " in first[:limit] else first[:limit]
            first = cut.rstrip(_TRAILING) + "…"
    first = first.rstrip(_TRAILING) if not first.endswith("…") else first
    if _first_word(first) in words().lower_first and first[:1].isupper():
        first = first[:1].lower() + first[1:]
    return first


def condition(text: str) -> str:
    """A clause made into the start of an if-then plan: "I scroll at night" stays; "fear of looking stupid"
    becomes "fear of looking stupid shows up". "When I'm tired" loses its "when"."""
    part = clause(text, words().max_chars * 3 // 2)  # a plan reads best with the whole obstacle in it
    if not part:
        return ""
    low = part.lower()
    for lead in ("whenever ", "when "):
        if low.startswith(lead):
            return part[len(lead) :]
    if _first_word(part) in words().condition_starts:
        return part
    return f"{part} {words().condition_suffix}"


def feeling(named: list[str], others: list[str] | None = None) -> str | None:
    """The first feeling in answers about feelings (`named`), else the first one in other answers that a
    cue introduces ("I felt lost", not "we lost the client"); lower case, or None."""
    known = {w.lower() for w in words().feelings}
    cues = {w.lower() for w in words().feeling_cues}
    for text, cued in [(t, False) for t in named] + [(t, True) for t in others or []]:
        tokens = [w.lower().replace("’", "'") for w in re.findall(r"[A-Za-z'’]+", text)]
        for n, word in enumerate(tokens):
            if word in known and (not cued or cues & set(tokens[max(0, n - 3) : n])):
                return word
    return None


def slots(template: str) -> list[tuple[str, str]]:
    """The (name, spec) slots a question uses."""
    return [(name, spec or "") for _, name, spec, _ in string.Formatter().parse(template) if name is not None]


def literal_head(template: str) -> str:
    """The fixed words of a question before its first slot (after the last one when it starts with a slot):
    how an earlier asking of it is recognised in the saved turns."""
    parts = [lit for lit, _, _, _ in string.Formatter().parse(template)]
    head = parts[0].strip() if parts else ""
    return head or (parts[-1].strip() if parts else "")


def render(template: str, values: Mapping[str, str]) -> str | None:
    """The question with its slots filled from the person's words, or None when a slot has nothing to fill
    it (that variant is then not asked)."""
    out = []
    for literal, name, spec, _ in string.Formatter().parse(template):
        out.append(literal)
        if name is None:
            continue
        raw = values.get(name, "")
        value = condition(raw) if spec == "if" else clause(raw)
        if not value:
            return None
        out.append(value)
    return "".join(out)


_PRONOUN_SUBJECT = re.compile(r"(^|[.!?]\s+)(He|She|They)\b(\s+(?:was|is|has|does|were|are|have|do)\b)?")
_AGREE = {"was": "were", "is": "are", "has": "have", "does": "do"}


_OWN = {
    "He": {"his": "your", "him": "you", "himself": "yourself"},
    "She": {"herself": "yourself"},  # "her" may be someone else's: left as written
    "They": {"their": "your", "them": "you", "themselves": "yourself", "themself": "yourself"},
}


def _own_pronouns(said: str, original: str) -> str:
    """In a sentence whose he, she or they became "you", that person's other pronouns follow."""
    lead = re.match(r"\s*(He|She|They)\b", original)
    if not lead:
        return said
    for word, you in _OWN[lead.group(1)].items():
        said = re.sub(rf"\b{word}\b", you, said)
    return said


def to_mentee(text: str, name: str) -> str:
    """Feedback notes turned to speak to the mentee: their name, and a he, she or they opening a
    sentence, become "you" ("Sam interrupted Priya twice" -> "you interrupted Priya twice")."""
    first = name.strip().split()[0] if name.strip() else ""

    def subject(match: re.Match[str]) -> str:
        verb = (match.group(3) or "").strip()
        return f"{match.group(1)}You" + (f" {_AGREE.get(verb.lower(), verb)}" if verb else "")

    parts = re.split(r"((?<=[.!?])\s+)", text)  # the spaces between sentences kept as they were
    out = "".join(
        p if i % 2 else _own_pronouns(_PRONOUN_SUBJECT.sub(subject, p), p) for i, p in enumerate(parts)
    )
    if first and re.fullmatch(r"[\w'-]+", first):
        out = re.sub(rf"\b{re.escape(first)}['’]s\b", "your", out)
        out = re.sub(
            rf"\b{re.escape(first)}\b(\s+(?:was|is|has|does)\b)?",
            lambda m: "you" + (f" {_AGREE[m.group(1).strip()]}" if m.group(1) else ""),
            out,
        )
    out = re.sub(r"(^|[.!?]\s+)(you|your)\b", lambda m: m.group(1) + m.group(2).capitalize(), out)
    return out
