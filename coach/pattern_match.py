"""How sure the coach is that two obstacles are the same kind of thing, from the settings in
prompts/coaching/patterns.yaml.

Each piece of an answer (a sentence or clause) is embedded, compared with a few phrases per kind of
obstacle, and turned into a spread over the kinds; two pieces agree by the chance that both sit in one kind.
Plain cosine of the bundled model ranks shared words over shared meaning ("I ran out of time" is nearer "I ran
out of ideas" than "the kids were ill all week" is to "school runs swallowed my mornings"), and so do the
spreads of two pieces built on the same words. So pieces that share content words are compared again
without them, and agree only as much as what is left of them does. tests/bench/calibrate_patterns.py
measures all of this on a labelled set of pairs and picks the threshold.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from coach.data_files import read_data
from coach.engine.flows import placeholders
from coach.errors import CoachError
from coach.paths import bundled_dir

if TYPE_CHECKING:
    import numpy as np


@runtime_checkable
class Embeds(Protocol):
    def embed_documents(self, texts: list[str]) -> list[list[float]]: ...


EmbedderSource = Embeds | Callable[[], Embeds]
"""An embedder, or a function that gives one when it is first needed (loading the model takes seconds)."""


class PatternsError(CoachError):
    """patterns.yaml is malformed; the message names the file and every problem."""


class EmbedderUnavailable(CoachError):
    """The embedding model could not be loaded or used; the message says why, in one line."""


class PatternsConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    threshold: float = Field(gt=0, le=1)
    temperature: float = Field(gt=0)
    floor: float = Field(ge=-1, le=1)
    min_matches: int = Field(ge=2)
    max_quoted: int = Field(ge=1)
    quote_chars: int = Field(ge=20)
    max_pieces: int = Field(ge=1)
    min_piece_words: int = Field(ge=1)
    max_history: int = Field(ge=2)
    clause_breaks: list[str]
    function_words: str
    """Space-separated words that never count as shared content words."""
    kinds: dict[str, list[str]]
    counts: dict[int, str]
    many: str
    item: str
    joiner: str
    questions: list[str] = Field(min_length=1)

    @field_validator("kinds")
    @classmethod
    def _kinds(cls, kinds: dict[str, list[str]]) -> dict[str, list[str]]:
        empty = sorted(k for k, v in kinds.items() if not v)
        if not kinds or empty:
            raise ValueError(f"every kind needs a phrase (none in {empty})" if empty else "name some kinds")
        return kinds

    @field_validator("many", "item", "questions")
    @classmethod
    def _slots(cls, value: str | list[str], info: ValidationInfo) -> str | list[str]:
        allowed, needed = _SLOTS[info.field_name or ""]
        for text in [value] if isinstance(value, str) else value:
            try:
                used = placeholders(text)
            except ValueError as exc:
                raise ValueError(f"'{text}': {exc}") from exc
            if used - allowed or needed - used:
                raise ValueError(
                    f"'{text}' uses {sorted(used)}; allowed {sorted(allowed)}, needs {sorted(needed)}"
                )
        return value


_SLOTS = {
    "many": ({"n"}, {"n"}),
    "item": ({"quote", "date"}, {"quote"}),
    "questions": ({"count", "items"}, {"items"}),
}


def config_path() -> Path:
    return bundled_dir("prompts") / "coaching" / "patterns.yaml"


def read_config(path: Path) -> PatternsConfig:
    """Parse and validate a patterns file; any problem becomes a PatternsError naming it."""
    return read_data(path, PatternsConfig, PatternsError)


@cache
def load_config() -> PatternsConfig:
    return read_config(config_path())


# --- pieces and quotes -----------------------------------------------------------------------------------

_MARKUP = re.compile(r"[*_`#>]+|^\s*[-•]\s+", re.M)
_ENDS = re.compile(r"[.!?;:\n]+")
_WORD = re.compile(r"[a-z0-9']+")


def pieces(text: str, cfg: PatternsConfig) -> list[str]:
    """The sentences and clauses of an answer worth comparing, in order, at most max_pieces."""
    flat = _MARKUP.sub(" ", text)
    split = _ENDS.pattern
    if cfg.clause_breaks:
        split += r"|,?\s+\b(?:" + "|".join(re.escape(w) for w in cfg.clause_breaks) + r")\b\s+"
    clean = [" ".join(p.split()).strip(" ,-–—'\"") for p in re.split(split, flat, flags=re.I)]
    kept = [p for p in clean if len(p.split()) >= cfg.min_piece_words]
    if not kept:
        whole = " ".join(flat.split()).strip(" ,.-–—'\"")
        kept = [whole] if whole else []
    return kept[: cfg.max_pieces]


def quote(text: str, limit: int) -> str:
    """One line of plain text, cut at a word boundary with an ellipsis when longer than `limit`."""
    line = " ".join(text.split()).rstrip(" .,;:")
    if len(line) <= limit:
        return line
    head = line[: limit - 1]
    cut = head.rsplit(" ", 1)[0] if " " in head else head
    return cut.rstrip(" ,;:-–—") + "…"


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("\u2019", "'"))


# --- agreement -------------------------------------------------------------------------------------------


def kind_spread(
    vectors: np.ndarray, anchors: np.ndarray, starts: list[int], cfg: PatternsConfig
) -> np.ndarray:
    """Each vector's spread over the kinds (rows sum to at most 1).

    A kind scores its nearest phrase; "no known kind" takes part at the floor and is then left out, so a
    piece near no kind spreads little over them and agrees with nothing."""
    import numpy as np

    near = np.maximum.reduceat(vectors @ anchors.T, starts, axis=1)
    scores = np.concatenate([near, np.full((len(near), 1), cfg.floor)], axis=1) / cfg.temperature
    scores -= scores.max(axis=1, keepdims=True)
    weights = np.exp(scores)
    weights /= weights.sum(axis=1, keepdims=True)
    return np.asarray(weights[:, :-1])


def block_max(matrix: np.ndarray, rows: list[int], cols: list[int]) -> np.ndarray:
    """The largest value in each block (rows and cols: where each block starts)."""
    import numpy as np

    return np.asarray(np.maximum.reduceat(np.maximum.reduceat(matrix, rows, axis=0), cols, axis=1))


def starts_of(groups: Sequence[Sequence[object]]) -> list[int]:
    out, at = [], 0
    for g in groups:
        out.append(at)
        at += len(g)
    return out


class Matcher:
    """Agreement between pieces, with each piece's spread kept (per key: a profile), so asking again
    embeds only what is new, in one batch (with the kinds' phrases, the first time)."""

    def __init__(self, embedder: EmbedderSource, config: PatternsConfig | None = None) -> None:
        self.config = config or load_config()
        self._source = embedder
        self._embedder: Embeds | None = None
        self._anchors: np.ndarray | None = None
        self._starts = starts_of(list(self.config.kinds.values()))
        self._function = frozenset(words(self.config.function_words))
        self._spread: dict[int, dict[str, np.ndarray]] = {}
        self._lock = threading.Lock()

    def _embed(self, texts: list[str]) -> np.ndarray:
        import numpy as np

        try:
            if self._embedder is None:
                src = self._source
                self._embedder = src if isinstance(src, Embeds) else src()
            return np.asarray(self._embedder.embed_documents(texts), dtype=np.float64)
        except (CoachError, ImportError, OSError, RuntimeError) as exc:
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise EmbedderUnavailable(f"the embedding model is not available: {first}") from exc

    def spreads(self, key: int, texts: list[str]) -> np.ndarray:
        """The kind spread of each text, embedding only the ones not seen before under this key."""
        import numpy as np

        with self._lock:
            known = self._spread.setdefault(key, {})
            todo = [t for t in dict.fromkeys(texts) if t not in known]
            if todo:
                phrases = (
                    [p for ps in self.config.kinds.values() for p in ps] if self._anchors is None else []
                )
                vectors = self._embed(phrases + todo)
                if self._anchors is None:
                    self._anchors = vectors[: len(phrases)]
                spread = kind_spread(vectors[len(phrases) :], self._anchors, self._starts, self.config)
                known.update(zip(todo, spread, strict=True))
            if not texts:
                return np.zeros((0, len(self._starts)))
            return np.stack([known[t] for t in texts])

    def _without_shared(self, a: list[str], b: list[str]) -> tuple[str, str] | None:
        """The words of a and b without the content words they share; None when they share none, or when
        either has no content word left (it says no more than the other: the whole pieces are compared)."""
        shared = (set(a) & set(b)) - self._function
        if not shared:
            return None
        ra = [w for w in a if w not in shared]
        rb = [w for w in b if w not in shared]
        if not set(ra) - self._function or not set(rb) - self._function:
            return None
        return " ".join(ra), " ".join(rb)

    def refine(
        self, key: int, agree: np.ndarray, rows: list[str], cols: list[str], at_least: float | None = None
    ) -> np.ndarray:
        """Lower each agreement of two pieces that share content words to what is left of them without those
        words. at_least: only entries at or above it (decisions at that threshold are the same)."""
        import numpy as np

        mask = agree >= at_least if at_least is not None else np.ones(agree.shape, dtype=bool)
        row_words, col_words = [words(r) for r in rows], [words(c) for c in cols]
        todo: list[tuple[int, int, str, str]] = []
        for i, j in zip(*np.nonzero(mask), strict=True):
            rest = self._without_shared(row_words[i], col_words[j])
            if rest is not None:
                todo.append((int(i), int(j), *rest))
        if todo:
            spread = self.spreads(key, [t[2] for t in todo] + [t[3] for t in todo])
            n = len(todo)
            for k, (i, j, _, _) in enumerate(todo):
                agree[i, j] = min(agree[i, j], float(spread[k] @ spread[n + k]))
        return agree

    def agreement(
        self, key: int, rows: list[str], cols: list[str], at_least: float | None = None
    ) -> np.ndarray:
        """How sure it is that each row piece and each column piece name the same kind of obstacle."""
        spread = self.spreads(key, rows + cols)
        agree = spread[: len(rows)] @ spread[len(rows) :].T
        return self.refine(key, agree, rows, cols, at_least)

    def pair_scores(self, pairs: list[tuple[str, str]], key: int = -1) -> list[float]:
        """The score of each pair of answers (their best pair of pieces), as find compares it with the
        threshold; for calibration and tests."""
        left = [pieces(a, self.config) for a, _ in pairs]
        right = [pieces(b, self.config) for _, b in pairs]
        self.spreads(key, [p for ps in left + right for p in ps])  # one batch
        return [float(self.agreement(key, pa, pb).max()) for pa, pb in zip(left, right, strict=True)]
