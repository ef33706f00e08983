"""The knobs of tips and recalls, as data: prompts/coaching/retrieval.yaml, checked on load."""

from __future__ import annotations

from functools import cache

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from coach.errors import ConfigError
from coach.paths import bundled_dir
from coach.safe_load import LoadError, load_yaml


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
    path = bundled_dir("prompts") / "coaching" / "retrieval.yaml"
    try:
        return Tuning.model_validate(load_yaml(path.read_text(encoding="utf-8"), source=path.name))
    except LoadError as exc:
        raise ConfigError(str(exc)) from exc
    except OSError as exc:
        raise ConfigError(f"{path.name}: cannot be read ({exc.strerror or exc})") from exc
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors())
        raise ConfigError(f"{path.name}: {problems}") from exc
