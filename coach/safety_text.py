"""Text folding and pattern compiling for the safety gate (coach.safety): both sides read the same way."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from coach.errors import CoachError

# Typographic apostrophes and look-alikes; all are dropped, so "don't", "don’t" and "dont" read the same.
APOSTROPHES = frozenset("'’‘ʼʻ`´′")
_MACRO = re.compile(r"\{([a-z_]+)\}")


class SafetyDataError(CoachError):
    """A file under prompts/safety/ is malformed; the message names the file and the problem."""


def normalise(text: str) -> tuple[str, list[int]]:
    """Lower-case text without accents, apostrophes, doubled letters or runs of spaces, and for each of
    its characters the index of the character it came from in the original."""
    out: list[str] = []
    where: list[int] = []
    prev = ""
    for i, original in enumerate(text):
        plain = original.isascii()  # the common case, without the slower unicode look-ups
        for ch in original.lower() if plain else unicodedata.normalize("NFKD", original).casefold():
            if ch in APOSTROPHES or (
                not plain and (unicodedata.combining(ch) or unicodedata.category(ch) == "Cf")
            ):
                continue
            if ch.isspace():
                ch = " "
            if ch == prev and (ch == " " or ch.isalpha()):
                continue  # "soooo" reads as "so", "kill" as "kil": the patterns are folded the same way
            out.append(ch)
            where.append(i)
            prev = ch
    return "".join(out), where


def _expand(pattern: str, macros: dict[str, str], path: Path) -> str:
    expanded = pattern
    for _ in range(8):  # macros may use macros; a cycle stops here
        unknown = [name for name in _MACRO.findall(expanded) if name not in macros]
        if unknown:
            raise SafetyDataError(f"{path}: unknown macro {{{unknown[0]}}} in pattern {pattern!r}")
        if not _MACRO.search(expanded):
            return expanded
        expanded = _MACRO.sub(lambda m: f"(?:{macros[m.group(1)]})", expanded)
    raise SafetyDataError(f"{path}: macros nest too deep (a cycle?) in {pattern!r}")


def _shape(pattern: str) -> str:
    """Rewrite a pattern the way the text is normalised: a space matches any run of spaces, hyphens or
    nothing ("kill myself", "kill-myself", "killmyself"); doubled letters and apostrophes fold as in
    the text. Escapes and [classes] are left alone."""
    out: list[str] = []
    i, in_class, prev = 0, False, ""
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            out.append(pattern[i : i + 2])
            i, prev = i + 2, ""
            continue
        if in_class:
            in_class = ch != "]"
            out.append(ch)
        elif ch == "[":
            in_class = True
            out.append(ch)
        elif ch == " " and prev and pattern[i + 1 : i + 2] == prev:
            out.append(rf"(?:[\s_-]+{prev})?")  # "want to" run together folds to "wanto"
            i += 2
            continue
        elif ch == " ":
            out.append(r"[\s_-]*")
        elif ch in APOSTROPHES:
            i += 1
            continue  # dropped without ending a run of letters, as in the text
        elif not (ch.isalpha() and ch == prev):
            out.append(ch)
        prev = ch if ch.isalpha() and not in_class else ""
        i += 1
    return "".join(out)


def _glue(words: list[str]) -> str:
    """Alternatives for glued words; a first letter folded into the letter before it may be missing."""
    return (
        "|".join(f"(?:(?<={w[0]}){_shape(w[1:])}|{_shape(w)})" if len(w) > 1 else w for w in words) or "(?!)"
    )


def _shaped(pattern: str, macros: dict[str, str], path: Path) -> str:
    expanded = _expand(pattern, macros, path)
    if re.search("[A-Z]", re.sub(r"\\.", "", expanded)):
        raise SafetyDataError(f"{path}: pattern {pattern!r} has capitals; the text is matched in lower case")
    return _shape(expanded)


def compile_patterns(
    patterns: list[str], macros: dict[str, str], glued: tuple[list[str], list[str]], path: Path
) -> re.Pattern[str]:
    """One expression for a list of patterns, tried together at each word start (many times faster than
    one search per pattern); a broken pattern is named."""
    shaped = [_shaped(p, macros, path) for p in patterns]
    body = "|".join(f"(?:{s})" for s in shaped) or "(?!)"
    # Whole words only, but words run together ("iwanttokillmyself") may carry the glued ones on either side.
    before, after = _glue(glued[0]), _glue(glued[1])
    try:
        compiled = re.compile(
            rf"(?<![a-z0-9])(?:(?:{before})(?=[a-z]))*(?:{body})(?=(?:{after})*(?![a-z0-9]))"
        )
        if not (compiled.search("") or compiled.search(" ")):
            return compiled
    except re.error:
        pass
    for pattern, one in zip(patterns, shaped, strict=True):  # only on failure: find which one
        try:
            alone = re.compile(one)
        except re.error as exc:
            raise SafetyDataError(
                f"{path}: pattern {pattern!r} is not a valid regular expression ({exc})"
            ) from exc
        if alone.fullmatch("") or alone.fullmatch(" "):
            raise SafetyDataError(f"{path}: pattern {pattern!r} matches empty text")
    raise SafetyDataError(f"{path}: the patterns do not combine into one expression")
