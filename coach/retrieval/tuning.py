"""The knobs of tips and recalls, as data: prompts/coaching/retrieval.yaml, checked on load."""

from __future__ import annotations

from functools import cache

from pydantic import BaseModel, ConfigDict, Field

from coach.data_files import read_data
from coach.errors import ConfigError
from coach.paths import bundled_dir


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TipTuning(_Strict):
    candidates: int = Field(ge=1, le=50)
    """How many notes the stage's purpose alone brings back."""
    floor: float = Field(ge=0.0, le=1.0)
    """A candidate stays when its closeness to the purpose is at least this share of the best one's."""
    answer_weight: float = Field(ge=0.0, le=1.0)
    """How much closeness to the person's last answer re-orders the candidates that stayed."""


class RecallTuning(_Strict):
    candidates: int = Field(ge=1, le=50)
    quote_words: int = Field(ge=5, le=200)
    flows: dict[str, str]
    """How a recall names the conversation it quotes, by flow id ("a Gibbs reflection")."""
    jobs: dict[str, str]
    """The same by job, for a record whose flow is not known."""


class HistoryTuning(_Strict):
    unindexed_types: frozenset[str]
    """Stage kinds whose answers are not chunks of their own (the summary carries them)."""


class Tuning(_Strict):
    tips: TipTuning
    recalls: RecallTuning
    history: HistoryTuning


@cache
def tuning() -> Tuning:
    return read_data(bundled_dir("prompts") / "coaching" / "retrieval.yaml", Tuning, ConfigError)
