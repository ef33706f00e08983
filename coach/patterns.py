"""Patterns by meaning: an obstacle named now, set beside the ones the same profile named before."""

from __future__ import annotations

import zlib
from datetime import date
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from coach.dates import show_date
from coach.engine.nonanswers import is_non_answer
from coach.pattern_match import (
    EmbedderSource,
    EmbedderUnavailable,
    Matcher,
    PatternsConfig,
    PatternsError,
    block_max,
    load_config,
    pieces,
    quote,
    starts_of,
)
from coach.retrieval import privacy

if TYPE_CHECKING:
    import numpy as np

    from coach.models import Session
    from coach.store import Store

__all__ = [
    "Echo",
    "EmbedderSource",
    "EmbedderUnavailable",
    "Group",
    "Pattern",
    "PatternFinder",
    "PatternsError",
    "Recurring",
    "earlier_obstacles",
    "recurring",
    "recurring_report",
]


class Echo(BaseModel):
    """An obstacle or cause the person named before."""

    text: str
    """The short quote, plain, at most quote_chars: the answer's first piece (sentence or clause); in a
    pattern or a group, the piece that matched."""
    full_text: str
    date: date
    citation: str
    """As the retrieval index cites the record: "[session 2026-11-12]", "[commitment 2026-11-05]"."""
    source: str
    """"session:12" or "commitment:5"."""
    job: str | None
    """The job it was said in (goal, reflection, meeting-prep, mentor-feedback); None when unknown."""
    private: bool
    """Private to its job: cited only in a conversation of that job."""
    session_id: int | None = None
    """The conversation it was said in (for a review obstacle, the review): one occasion, counted once."""

    @property
    def occasion(self) -> int | str:
        return self.session_id if self.session_id is not None else self.source


def earlier_obstacles(
    store: Store, profile_id: int, *, job: str | None, exclude_session: int | None = None
) -> list[Echo]:
    """Every obstacle or cause the profile named, oldest first, that a conversation of `job` may cite.

    The final answers of `patterns: true` stages in ended sessions the safety gate did not stop, and what
    got in the way of reviewed commitments (private to the job of the review, as the index has it). job None
    is the person's own view, private ones included. Nothing of exclude_session, nor reviewed in it."""
    cfg = load_config()
    seen: privacy.Visibility = True if job is None else job
    sessions = {s.id: s for s in store.sessions.list(profile_id)}
    out: list[Echo] = []
    for s in sessions.values():
        if s.id is None or s.id == exclude_session or s.safety or s.ended_at is None:
            continue
        stages = _pattern_stages(s)
        if not stages:
            continue
        answers = s.final_answers() if s.answers is not None else store.sessions.get(s.id).final_answers()
        day = (s.started_at or s.ended_at).date()
        for stage_id, private in stages.items():
            said = (answers.get(stage_id) or "").strip()
            if not said or is_non_answer(said) or not privacy.may_see(seen, private, s.kind):
                continue
            out.append(
                Echo(
                    text=_first_quote(said, cfg),
                    full_text=said,
                    date=day,
                    citation=f"[session {day.isoformat()}]",
                    source=f"session:{s.id}",
                    job=s.kind,
                    private=private,
                    session_id=s.id,
                )
            )
    for c in store.commitments.list(profile_id):
        said = (c.obstacle or "").strip()
        review = sessions.get(c.reviewed_in_session_id)
        if not said or is_non_answer(said) or (review is not None and review.safety):
            continue
        if exclude_session is not None and c.reviewed_in_session_id == exclude_session:
            continue
        made = sessions.get(c.made_in_session_id)  # as coach.retrieval.records: the review's job, else this
        its_job = (review.kind if review else None) or (made.kind if made else None)
        if not privacy.may_see(seen, True, its_job):
            continue
        when = (review.started_at if review else None) or c.updated_at or c.created_at
        out.append(
            Echo(
                text=_first_quote(said, cfg),
                full_text=said,
                date=when.date() if when else date.min,
                citation=f"[commitment {c.created_at.date() if c.created_at else None}]",
                source=f"commitment:{c.id}",
                job=its_job,
                private=True,
                session_id=c.reviewed_in_session_id,
            )
        )
    return sorted(out, key=lambda e: (e.date, e.source))


def _first_quote(text: str, cfg: PatternsConfig) -> str:
    found = pieces(text, cfg)
    return quote(found[0] if found else text, cfg.quote_chars)


def _pattern_stages(session: Session) -> dict[str, bool]:
    """The session's stages that name an obstacle, each with whether it is private to its job."""
    flows = privacy.candidates(session.framework, session.kind)
    if not flows:  # its flow is unknown: which answer names an obstacle cannot be told
        return {}
    found: dict[str, bool] = {}
    for flow in flows:
        for stage in flow.stages:
            if stage.patterns:
                found[stage.id] = found.get(stage.id, False) or stage.private
    return found


class Pattern(BaseModel):
    items: list[Echo]
    """The matches quoted, oldest first: the most recent max_quoted."""
    count: int
    """How many earlier occasions matched (may be more than are quoted)."""
    question: str


class Group(BaseModel):
    label: str
    """The quote of its most central member."""
    count: int
    """The occasions it came up on."""
    dates: list[date]
    """One per occasion, oldest first."""
    items: list[Echo]
    """Oldest first."""


class PatternFinder:
    """Finds a profile's earlier obstacles of the same kind as one named now.

    The spreads of earlier obstacles are kept per profile, so asking at a later stage embeds only what is
    new. Raises EmbedderUnavailable when the model cannot be loaded."""

    def __init__(self, store: Store, embedder: EmbedderSource, config: PatternsConfig | None = None) -> None:
        self.store = store
        self.config = config or load_config()
        self.matcher = Matcher(embedder, self.config)

    def find(
        self, profile_id: int, text: str, *, job: str, exclude_session: int | None, today: date
    ) -> Pattern | None:
        """The earlier obstacles like this one, when at least min_matches occasions pass the threshold."""
        cfg = self.config
        now = pieces(text, cfg) if text.strip() and not is_non_answer(text) else []
        earlier = [
            e
            for e in earlier_obstacles(self.store, profile_id, job=job, exclude_session=exclude_session)
            if e.date <= today
        ][-cfg.max_history :]
        if not now or len({e.occasion for e in earlier}) < cfg.min_matches:
            return None
        parts = [pieces(e.full_text, cfg) for e in earlier]
        flat = [p for ps in parts for p in ps]
        agree = self.matcher.agreement(profile_id, now, flat, at_least=cfg.threshold)
        scores = block_max(agree, [0], starts_of(parts))[0]
        best: dict[int | str, tuple[float, Echo]] = {}
        at = 0
        for echo, ps, score in zip(earlier, parts, scores, strict=True):
            block, at = agree[:, at : at + len(ps)], at + len(ps)
            if score < cfg.threshold:
                continue
            piece = ps[int(block.max(axis=0).argmax())]
            if echo.occasion not in best or score > best[echo.occasion][0]:
                best[echo.occasion] = (
                    float(score),
                    echo.model_copy(update={"text": quote(piece, cfg.quote_chars)}),
                )
        if len(best) < cfg.min_matches:
            return None
        found = sorted((e for _, e in best.values()), key=lambda e: (e.date, e.source))
        shown = found[-cfg.max_quoted :]
        return Pattern(items=shown, count=len(found), question=self.question(text, len(found), shown, today))

    def question(self, text: str, count: int, items: list[Echo], today: date) -> str:
        """The wording for this answer (the same answer, the same wording), with its count and quotes."""
        cfg = self.config
        times = cfg.counts.get(count) or cfg.many.format(n=count)
        listed = cfg.joiner.join(cfg.item.format(quote=e.text, date=show_date(e.date, today)) for e in items)
        wording = cfg.questions[zlib.crc32(text.encode("utf-8")) % len(cfg.questions)]
        return wording.format(count=times, items=listed)

    def recurring(self, profile_id: int, *, job: str | None = None, today: date) -> list[Group]:
        """The profile's obstacles grouped by meaning, groups of min_matches occasions or more, most
        frequent first."""
        earlier = [e for e in earlier_obstacles(self.store, profile_id, job=job) if e.date <= today]
        return self.groups(profile_id, earlier[-self.config.max_history :])

    def groups(self, profile_id: int, echoes: list[Echo]) -> list[Group]:
        """These obstacles grouped by meaning: average linkage, merging while a pair of groups agrees at
        the threshold or more."""
        import numpy as np

        cfg = self.config
        if len({e.occasion for e in echoes}) < cfg.min_matches:
            return []
        parts = [pieces(e.full_text, cfg) for e in echoes]
        flat = [p for ps in parts for p in ps]
        starts = starts_of(parts)
        piece_agree = self.matcher.agreement(profile_id, flat, flat, at_least=cfg.threshold)
        agree = block_max(piece_agree, starts, starts)
        agree = np.minimum(agree, agree.T)  # refined one way round is refined both ways
        link = agree.copy()
        np.fill_diagonal(link, -np.inf)
        members = [[i] for i in range(len(echoes))]
        while len(echoes) > 1:
            i, j = np.unravel_index(int(np.argmax(link)), link.shape)
            if link[i, j] < cfg.threshold:
                break
            ni, nj = len(members[i]), len(members[j])
            merged = (ni * link[i] + nj * link[j]) / (ni + nj)
            link[i], link[:, i] = merged, merged
            link[j], link[:, j] = -np.inf, -np.inf
            link[i, i] = -np.inf
            members[i] += members[j]
            members[j] = []
        found = []
        for idx in members:
            if len({echoes[k].occasion for k in idx}) < cfg.min_matches:
                continue
            idx.sort(key=lambda k: (echoes[k].date, echoes[k].source))
            found.append(self._group([echoes[k] for k in idx], idx, parts, starts, agree, piece_agree))
        return sorted(found, key=lambda g: (-g.count, -g.dates[-1].toordinal(), g.label))

    def _group(
        self,
        items: list[Echo],
        idx: list[int],
        parts: list[list[str]],
        starts: list[int],
        agree: np.ndarray,
        piece_agree: np.ndarray,
    ) -> Group:
        """One group, labelled by its most central member; each member quoted by its piece that agrees most
        with the other members' pieces."""
        quotes: dict[int, str] = {}
        for k in idx:
            cols = [c for m in idx if m != k for c in range(starts[m], starts[m] + len(parts[m]))]
            rows = piece_agree[starts[k] : starts[k] + len(parts[k]), cols]
            quotes[k] = quote(parts[k][int(rows.sum(axis=1).argmax())], self.config.quote_chars)
        centre = max(idx, key=lambda k: sum(float(agree[k, m]) for m in idx if m != k))
        return Group(
            label=quotes[centre],
            count=len({e.occasion for e in items}),
            dates=list({e.occasion: e.date for e in reversed(items)}.values())[::-1],
            items=[e.model_copy(update={"text": quotes[k]}) for e, k in zip(items, idx, strict=True)],
        )


def recurring(
    store: Store, embedder: EmbedderSource, profile_id: int, *, job: str | None = None, today: date
) -> list[Group]:
    """Recurring obstacles grouped by meaning: groups of min_matches occasions or more, most frequent
    first."""
    return PatternFinder(store, embedder).recurring(profile_id, job=job, today=today)


class Recurring(BaseModel):
    """The insights section: what keeps coming back, or why it could not be looked for."""

    groups: list[Group] = Field(default_factory=list)
    compared: int = 0
    """How many earlier obstacles there were to compare."""
    unavailable: str | None = None
    """Why the section is left out (no embedding model), in one line; None when it was looked for."""


def recurring_report(
    store: Store, profile_id: int, *, embedder: EmbedderSource, today: date, job: str | None = None
) -> Recurring:
    """The insights section. With fewer than two obstacles the embedder is never asked for."""
    earlier = [e for e in earlier_obstacles(store, profile_id, job=job) if e.date <= today]
    if len(earlier) < 2:
        return Recurring(compared=len(earlier))
    finder = PatternFinder(store, embedder)
    try:
        groups = finder.groups(profile_id, earlier[-finder.config.max_history :])
    except EmbedderUnavailable as exc:
        return Recurring(compared=len(earlier), unavailable=str(exc))
    return Recurring(groups=groups, compared=len(earlier))
