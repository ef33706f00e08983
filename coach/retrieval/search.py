"""Search: dense (chromadb) and lexical (FTS5) results fused by reciprocal rank, as typed hits."""

from __future__ import annotations

import contextlib
import re
import sqlite3
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from coach.dates import find_dates
from coach.errors import InputError
from coach.retrieval.index import Index
from coach.retrieval.privacy import Visibility, may_see
from coach.retrieval.vectors import IndexUnavailable
from coach.store.db import DatabaseError

QUERY_MAX_CHARS = 2000
RRF_K = 60
SNIPPET_CHARS = 220
Scope = Literal["knowledge", "history", "all"]
Mode = Literal["fused", "dense", "lexical"]


class Hit(BaseModel):
    kind: Literal["knowledge", "history"]
    id: str
    chunk_id: str
    title: str
    snippet: str
    text: str
    date: date | None
    score: float
    citation: str
    job: str | None = Field(default=None, exclude=True)
    """The job the chunk was written in (goal, reflection, meeting-prep, mentor-feedback)."""
    private: bool = Field(default=False, exclude=True)
    """Private to that job: a recall in another job's conversation never shows it."""


def clean_query(query: str) -> str:
    """Refuse an empty query; keep the first 2,000 characters of a huge one (the model reads fewer)."""
    if "\x00" in query:
        query = query.replace("\x00", " ")
    query = query.strip()
    if not query:
        raise InputError("the search query is empty")
    return query[:QUERY_MAX_CHARS]


def snippet(text: str, query: str, width: int = SNIPPET_CHARS) -> str:
    """A window of the chunk around the first query word it contains."""
    flat = re.sub(r"\s+", " ", text).strip()
    words = sorted({w for w in re.findall(r"\w+", query.lower()) if len(w) > 2}, key=len, reverse=True)
    lower = flat.lower()
    pos = min((i for w in words if (i := lower.find(w)) >= 0), default=-1)
    if pos < 0 or len(flat) <= width:
        return flat[:width] + ("…" if len(flat) > width else "")
    start = max(0, pos - width // 3)
    end = min(len(flat), start + width)
    return ("…" if start else "") + flat[start:end] + ("…" if end < len(flat) else "")


def fuse(rankings: list[list[str]], k: int = RRF_K) -> list[tuple[str, float]]:
    """Reciprocal rank fusion: each list adds 1 / (k + rank) to the ids it holds."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda item: item[1], reverse=True)


def fuse_records(rankings: list[list[str]], rows: dict[str, sqlite3.Row]) -> list[tuple[str, float]]:
    """One entry per note or record: each ranking counts a record once, at its best chunk's rank, and the
    record is shown by the chunk that ranked best in any list (a list of five is five different records)."""
    best: dict[str, tuple[int, str]] = {}
    by_source: list[list[str]] = []
    for ranking in rankings:
        order: list[str] = []
        for rank, chunk_id in enumerate(ranking):
            row = rows.get(chunk_id)
            if row is None:  # removed since: the catalogue no longer holds it
                continue
            source = row["source"]
            if source not in order:
                order.append(source)
            if source not in best or rank < best[source][0]:
                best[source] = (rank, chunk_id)
        by_source.append(order)
    return [(best[source][1], score) for source, score in fuse(by_source)]


class Searcher:
    def __init__(self, index: Index) -> None:
        self.index = index
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="coach-lexical")

    def search(
        self,
        query: str,
        *,
        profile_id: int | None = None,
        kind: Scope = "all",
        k: int = 5,
        mode: Mode = "fused",
        sync: bool = True,
        private: Visibility = True,
    ) -> list[Hit]:
        """private: the private chunks that may come back; True all (the person's own search), False
        none, a job's name only that job's (recalls in a conversation of that job)."""
        query = clean_query(query)
        if k < 1:
            raise InputError("k must be at least 1")
        if kind == "history" and profile_id is None:
            raise InputError("searching history needs a profile")
        dense_ok = mode != "lexical"
        if sync:
            dense_ok = self._sync() and dense_ok
        scopes: list[tuple[Literal["knowledge", "history"], int | None]] = []
        if kind in ("knowledge", "all"):
            scopes.append(("knowledge", profile_id))  # one collection; the profile picks its own notes
        if kind in ("history", "all") and profile_id is not None:
            scopes.append(("history", profile_id))
        depth = max(20, 4 * k)
        lexical: Future[list[list[str]]] | None = None
        if mode in ("fused", "lexical") or not dense_ok:
            # SQLite and torch both release the GIL: the lexical half runs while the query is embedded
            lexical = self._pool.submit(self._lexical, query, scopes, profile_id, kind, depth, private)
        rankings: list[list[str]] = []
        if dense_ok:
            vector = self.index.embedder.embed_query(query)
            rankings.extend(self._dense(scopes, vector, depth, private))
        if lexical is not None:
            rankings.extend(self._lexical_result(lexical, query, scopes, profile_id, kind, depth, private))
        rows = self.index.catalogue.get(list({cid for ranking in rankings for cid in ranking}))
        hits: list[Hit] = []
        for chunk_id, score in fuse_records(rankings, rows):
            row = rows[chunk_id]
            if not self._allowed(row, profile_id, private):
                continue
            hits.append(self._hit(row, score, query))
            if len(hits) == k:
                break
        return hits

    def _sync(self) -> bool:
        """Follow the records; a vector index that cannot be opened or written leaves the words half alone."""
        try:
            self.index.sync()
            return True
        except IndexUnavailable as exc:
            if self.index.settings.chroma_url:
                raise
            self._words_only(str(exc))
        except Exception as exc:  # chromadb raised on a damaged file: rebuild once, then give up on vectors
            if self.index.settings.chroma_url:
                raise
            self._repair(exc)
        return self.index.vectors_ok

    def _repair(self, exc: Exception) -> None:
        try:
            self.index.rebuild()
            self.index.notices.append(f"the index was damaged ({type(exc).__name__}) and has been rebuilt")
        except Exception as again:
            self._words_only(f"the vector index is damaged and cannot be rebuilt ({type(again).__name__})")

    def _words_only(self, why: str) -> None:
        self.index.vectors_ok = False
        note = f"{why}; searching by words only"
        if note not in self.index.notices:
            self.index.notices.append(note)
        # the catalogue still follows the records, so new entries are found by their words
        with contextlib.suppress(Exception):
            self.index.sync_catalogue()

    def _dense(
        self,
        scopes: list[tuple[Literal["knowledge", "history"], int | None]],
        vector: list[float],
        depth: int,
        private: Visibility,
    ) -> list[list[str]]:
        for attempt in (1, 2):
            try:
                return [self.index.nearest(scope, pid, vector, depth, private) for scope, pid in scopes]
            except Exception as exc:
                if self.index.settings.chroma_url:
                    raise
                if attempt == 1:
                    self._repair(exc)
                    if self.index.vectors_ok:
                        continue
                else:
                    self._words_only(f"the vector index cannot be searched ({type(exc).__name__})")
                break
        return []

    def _lexical_result(
        self,
        pending: Future[list[list[str]]],
        query: str,
        scopes: list[tuple[Literal["knowledge", "history"], int | None]],
        profile_id: int | None,
        kind: Scope,
        depth: int,
        private: Visibility,
    ) -> list[list[str]]:
        """The words half; damaged FTS postings are recreated from the catalogue and the search run again."""
        try:
            return pending.result()
        except DatabaseError as exc:
            try:
                self.index.catalogue.rebuild_fts()
                found = self._lexical(query, scopes, profile_id, kind, depth, private)
            except DatabaseError:
                self.index.notices.append(f"the word index is damaged ({exc}); searching by meaning only")
                return []
            self.index.notices.append("the word index was damaged and has been rebuilt")
            return found

    def _lexical(
        self,
        query: str,
        scopes: list[tuple[Literal["knowledge", "history"], int | None]],
        profile_id: int | None,
        kind: Scope,
        depth: int,
        private: Visibility,
    ) -> list[list[str]]:
        catalogue = self.index.catalogue
        rankings = [catalogue.search(query, scope, pid, depth, private) for scope, pid in scopes]
        if profile_id is not None and kind != "knowledge":
            # a date in the question ("what did I say on 7 Nov?") ranks that day's entries
            rankings.append(catalogue.on_dates(find_dates(query), profile_id, depth, private))
        return rankings

    @staticmethod
    def _allowed(row: sqlite3.Row, profile_id: int | None, private: Visibility) -> bool:
        """Belt and braces: history and notes are only ever returned to their own profile, private text
        only as allowed."""
        if row["kind"] == "knowledge":  # bundled and shared notes, or this profile's own
            return row["profile_id"] is None or row["profile_id"] == profile_id
        return (
            profile_id is not None
            and row["profile_id"] == profile_id
            and may_see(private, bool(row["private"]), row["job"])
        )

    @staticmethod
    def _hit(row: sqlite3.Row, score: float, query: str) -> Hit:
        return Hit(
            kind=row["kind"],
            id=row["source"],
            chunk_id=row["id"],
            title=row["title"],
            snippet=snippet(row["text"], query),
            text=row["text"],
            date=date.fromisoformat(row["date"]) if row["date"] else None,
            score=round(score, 6),
            citation=row["citation"],
            job=row["job"],
            private=bool(row["private"]),
        )
