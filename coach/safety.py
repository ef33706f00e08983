"""The safety gate: crisis language found in any answer, and the fixed words and help lines shown for it.

Everything a person could want to tune lives in prompts/safety/ (phrases.yaml, resources.yaml,
messages.yaml); this module only normalises text, compiles the patterns and fills the messages in.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from coach.paths import bundled_dir
from coach.safe_load import LoadError, load_yaml
from coach.safety_text import SafetyDataError, compile_patterns, normalise

__all__ = [
    "SafetyDataError",
    "SafetyHit",
    "choices",
    "crisis_message",
    "load_safety",
    "mood_checkin",
    "next_start_checkin",
    "normalise",
    "regions",
    "screen",
]

DEFAULT_REGION = "international"
MESSAGE_FIELDS = {"region", "crisis_line", "emergency"}


@dataclass(frozen=True)
class SafetyHit:
    """Crisis language found in a text: the category's id and the words as the person wrote them."""

    category: str
    phrase: str


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


_Word = Annotated[str, StringConstraints(pattern=r"^[a-z]+$")]


class Category(_Strict):
    id: str
    label: str
    """What the category stands for, for people tuning the file."""
    patterns: list[str] = Field(min_length=1)


class Phrases(_Strict):
    macros: dict[str, str] = Field(default_factory=dict)
    """Named pieces of pattern, used as {name} inside patterns, exceptions and other macros."""
    categories: list[Category] = Field(min_length=1)
    """In order of precedence: when several match, the first category listed is reported."""
    exceptions: list[str] = Field(default_factory=list)
    """Idioms blanked out before the categories are tried ("this deadline is killing me")."""
    glued_before: list[_Word] = Field(default_factory=list)
    """Words a pattern may follow with no space at all ("iwanttokillmyself")."""
    glued_after: list[_Word] = Field(default_factory=list)
    """Words a pattern may be followed by with no space at all ("killmyselftonight")."""


class Region(_Strict):
    name: str
    crisis_line: str
    """A full sentence naming a crisis line and how to reach it."""
    emergency: str
    """What to call in immediate danger, read after "call" ("911", "your local emergency number")."""


class Resources(_Strict):
    regions: dict[str, Region]

    @model_validator(mode="after")
    def _has_default(self) -> Resources:
        if DEFAULT_REGION not in self.regions:
            raise ValueError(f"the '{DEFAULT_REGION}' region is required (it is the fallback)")
        return self


class Messages(_Strict):
    crisis: str
    """Shown when the gate triggers; may use {region}, {crisis_line} and {emergency}."""
    pause: str
    go_on: str
    mood_checkin: str
    """Shown after a mood of 1; may use the same fields as crisis."""
    next_start_checkin: str
    """Shown at the next start after a session the gate marked; no fields."""

    @model_validator(mode="after")
    def _known_fields(self) -> Messages:
        for name in ("crisis", "mood_checkin", "next_start_checkin"):
            allowed = set() if name == "next_start_checkin" else MESSAGE_FIELDS
            used = {f for _, f, _, _ in string.Formatter().parse(getattr(self, name)) if f is not None}
            if used - allowed:
                raise ValueError(
                    f"{name}: unknown field(s) {sorted(used - allowed)}; allowed: {sorted(allowed)}"
                )
        return self


@dataclass(frozen=True)
class Safety:
    """The loaded data, with every pattern compiled."""

    categories: tuple[tuple[str, re.Pattern[str]], ...]
    exceptions: re.Pattern[str]
    resources: Resources
    messages: Messages


def safety_dir() -> Path:
    return bundled_dir("prompts") / "safety"


def _read(path: Path, model: type[BaseModel]) -> Any:
    try:
        data = load_yaml(path.read_text(encoding="utf-8"), source=str(path))
    except (OSError, UnicodeDecodeError) as exc:
        raise SafetyDataError(f"{path}: cannot read it ({exc})") from exc
    except LoadError as exc:
        raise SafetyDataError(str(exc)) from exc
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'top level'}: {e['msg']}" for e in exc.errors()
        )
        raise SafetyDataError(f"{path}: {problems}") from exc


@cache
def load_safety(folder: Path | None = None) -> Safety:
    """Read and compile prompts/safety/ once; any problem is a SafetyDataError naming the file."""
    folder = folder or safety_dir()
    phrases_path = folder / "phrases.yaml"
    phrases: Phrases = _read(phrases_path, Phrases)
    ids = [c.id for c in phrases.categories]
    if len(ids) != len(set(ids)):
        raise SafetyDataError(f"{phrases_path}: category ids must be unique ({', '.join(ids)})")
    args = (phrases.macros, (phrases.glued_before, phrases.glued_after), phrases_path)
    return Safety(
        categories=tuple((c.id, compile_patterns(c.patterns, *args)) for c in phrases.categories),
        exceptions=compile_patterns(phrases.exceptions, *args),
        resources=_read(folder / "resources.yaml", Resources),
        messages=_read(folder / "messages.yaml", Messages),
    )


def screen(text: str) -> SafetyHit | None:
    """The first category (in the data's order) whose crisis language the text holds, else None."""
    data = load_safety()
    folded, where = normalise(text)
    folded = data.exceptions.sub(lambda m: "#" * len(m.group()), folded)
    for category, pattern in data.categories:
        found = pattern.search(folded)
        if found:
            start, end = where[found.start()], where[found.end() - 1] + 1
            return SafetyHit(category=category, phrase=text[start:end])
    return None


def regions() -> list[str]:
    """The region ids resources.yaml knows, in its order."""
    return list(load_safety().resources.regions)


def _region(region: str | None) -> Region:
    known = load_safety().resources.regions
    return known.get(region or DEFAULT_REGION) or known[DEFAULT_REGION]


def _fill(template: str, region: str | None) -> str:
    r = _region(region)
    return template.format(region=r.name, crisis_line=r.crisis_line, emergency=r.emergency).strip()


def crisis_message(region: str | None = DEFAULT_REGION) -> str:
    """The fixed message shown when the gate triggers, with the region's lines (unknown: international)."""
    return _fill(load_safety().messages.crisis, region)


def mood_checkin(region: str | None = DEFAULT_REGION) -> str:
    """The short check-in after a mood of 1: one sentence and the region's crisis line."""
    return _fill(load_safety().messages.mood_checkin, region)


def next_start_checkin() -> str:
    """The gentle check-in at the next start after a session the gate marked."""
    return load_safety().messages.next_start_checkin.strip()


def choices() -> dict[str, str]:
    """The wording of the two answers to the crisis message: {"pause": ..., "go_on": ...}."""
    m = load_safety().messages
    return {"pause": m.pause, "go_on": m.go_on}
