"""Replies that say "no answer yet" ("I don't know", "not sure", "-"): data in prompts/coaching/."""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from coach.data_files import read_data
from coach.errors import FlowError
from coach.paths import bundled_dir

if TYPE_CHECKING:
    from coach.engine.flows import Stage

_EDGES = re.compile(r"^[\s.!,;:'\"`]+|[\s.!,;:'\"`]+$")


class NonAnswers(BaseModel):
    model_config = ConfigDict(extra="forbid")
    phrases: list[str]
    scaffolds: dict[str, str]


@cache
def load_non_answers() -> NonAnswers:
    return read_data(bundled_dir("prompts") / "coaching" / "non_answers.yaml", NonAnswers, FlowError)


def _fold(text: str) -> str:
    text = text.lower().replace("\u2019", "'")
    stripped = _EDGES.sub("", text)
    return " ".join((stripped or text.strip()).split())


@cache
def _phrases() -> frozenset[str]:
    return frozenset(_fold(p) for p in load_non_answers().phrases)


def is_non_answer(text: str) -> bool:
    """True when the whole reply says there is no answer yet (an empty reply is not one: it skips)."""
    return bool(text.strip()) and _fold(text) in _phrases()


def scaffold_for(stage: Stage) -> str:
    """The smaller question for a stage: its own, else its type's, else the text one."""
    scaffolds = load_non_answers().scaffolds
    return stage.scaffold or scaffolds.get(stage.type) or scaffolds["text"]
