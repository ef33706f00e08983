"""The chunk catalogue in SQLite with its FTS5 index: the lexical half of retrieval."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from datetime import date

from coach.retrieval.chunks import Chunk, Kind
from coach.retrieval.privacy import Visibility
from coach.store.db import Database, DatabaseError

MAX_TERMS = 48
PREFIX_MIN = 4
"""Query words at least this long also match words they begin; shorter ones ("art", "go") only themselves."""
FTS_TABLES = {"knowledge": "fts_knowledge", "history": "fts_history"}
# Words too common to rank by: matching them would make the lexical half score every chunk.
_STOP = """
a about after again all am an and any are as at be been before being but by can could did do does
doing for from had has have having he her here hers him his how i if in into is it its just me more
most my no nor not now of off on once only or other our ours out over own same she should so some
such than that the their them then there these they this those through to too under until up very
was we were what when where which while who whom why will with would you your yours
"""
STOP_WORDS = frozenset(_STOP.split())


def terms(text: str) -> list[str]:
    """The query's distinct words, each safe to quote as an FTS5 term."""
    found: list[str] = []
    for word in re.findall(r"\w+", text.lower()):
        if word in STOP_WORDS:
            continue
        if word not in found:
            found.append(word)
        if len(found) == MAX_TERMS:
            break
    return found


class Catalogue:
    def __init__(self, db: Database) -> None:
        self.db = db

    def replace(self, sources: Iterable[str], chunks: list[Chunk]) -> None:
        """Drop every chunk of these sources and insert the new ones, in one transaction."""
        with self.db.tx() as conn:
            for source in sources:
                conn.execute("DELETE FROM index_chunks WHERE source = ?", (source,))
            conn.executemany(
                "INSERT INTO index_chunks (id, kind, profile_id, source, title, date, citation, text, "
                "digest, job, private) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        c.id,
                        c.kind,
                        c.profile_id,
                        c.source,
                        c.title,
                        c.date.isoformat() if c.date else None,
                        c.citation,
                        c.text,
                        c.digest,
                        c.job,
                        int(c.private),
                    )
                    for c in chunks
                ],
            )

    def clear(self) -> None:
        with self.db.tx() as conn:
            conn.execute("DELETE FROM index_chunks")

    def fts_problems(self) -> list[str]:
        """One line per FTS table whose index is damaged or disagrees with the catalogue."""
        problems: list[str] = []
        for table in FTS_TABLES.values():
            try:
                with self.db.tx() as conn:
                    conn.execute(f"INSERT INTO {table} ({table}) VALUES ('integrity-check')")
            except DatabaseError as exc:
                problems.append(f"lexical index {table} is damaged ({exc})")
        return problems

    def rebuild_fts(self) -> None:
        """Recreate the FTS tables' postings from the catalogue, as the triggers write them (FTS5's own
        'rebuild' would index the bare title, and the triggers' later deletes would then fail)."""
        with self.db.tx() as conn:
            for kind, table in FTS_TABLES.items():
                conn.execute(f"INSERT INTO {table} ({table}) VALUES ('delete-all')")
                conn.execute(
                    f"INSERT INTO {table} (rowid, title, text) "
                    "SELECT rowid, title || ' ' || citation, text FROM index_chunks WHERE kind = ?",
                    (kind,),
                )

    def scope_counts(self) -> dict[tuple[str, int | None], int]:
        """Chunks per collection scope: (kind, profile) -> count."""
        rows = self.db.query("SELECT kind, profile_id, COUNT(*) FROM index_chunks GROUP BY kind, profile_id")
        out: dict[tuple[str, int | None], int] = {}
        for r in rows:  # one knowledge collection holds the shared notes and every profile's own
            scope = (r[0], None if r[0] == "knowledge" else r[1])
            out[scope] = out.get(scope, 0) + int(r[2])
        return out

    def digests(self, kind: Kind) -> dict[str, dict[str, str]]:
        """source -> {chunk id: digest} for one kind."""
        out: dict[str, dict[str, str]] = {}
        for row in self.db.query("SELECT source, id, digest FROM index_chunks WHERE kind = ?", (kind,)):
            out.setdefault(row["source"], {})[row["id"]] = row["digest"]
        return out

    def ids(self) -> set[str]:
        return {r[0] for r in self.db.query("SELECT id FROM index_chunks")}

    def count(self) -> int:
        return int(self.db.query("SELECT COUNT(*) FROM index_chunks")[0][0])

    def get(self, ids: list[str]) -> dict[str, sqlite3.Row]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        return {
            r["id"]: r for r in self.db.query(f"SELECT * FROM index_chunks WHERE id IN ({marks})", tuple(ids))
        }

    def search(
        self, query: str, kind: Kind, profile_id: int | None, limit: int, private: Visibility = True
    ) -> list[str]:
        """Chunk ids ranked by BM25 (title above text) within one kind and one profile; chunks holding
        every word of the query come before those holding some. private: which private chunks may come.

        A word of four letters or more also finds the longer words it begins, which the stemmer leaves
        apart ("calm" finds "calmest", "help" finds "helpful")."""
        words = terms(query)
        if not words:
            return []
        ranked: list[str] = []
        quoted = [f'"{t}"*' if len(t) >= PREFIX_MIN and not t.isdigit() else f'"{t}"' for t in words]
        queries = [" ".join(quoted)] if len(words) > 1 else []
        queries.append(" OR ".join(quoted))
        for match in queries:
            for chunk_id in self._match(match, kind, profile_id, limit, private):
                if chunk_id not in ranked:
                    ranked.append(chunk_id)
            if len(ranked) >= limit:  # enough chunks hold every word: no need for the looser query
                break
        return ranked[:limit]

    def _match(
        self, match: str, kind: Kind, profile_id: int | None, limit: int, private: Visibility
    ) -> list[str]:
        table = FTS_TABLES[kind]
        sql = f"SELECT c.id FROM {table} f JOIN index_chunks c ON c.rowid = f.rowid WHERE {table} MATCH ?"
        params: list[object] = [match]
        if kind == "history":
            sql += " AND c.profile_id = ?"
            params.append(profile_id)
            where, more = visible_sql(private)
            sql += where
            params.extend(more)
        else:  # bundled and shared notes (no profile), and the searching profile's own
            sql += " AND (c.profile_id IS NULL OR c.profile_id = ?)"
            params.append(profile_id)
        sql += f" ORDER BY bm25({table}, 2.0, 1.0) LIMIT ?"
        params.append(limit)
        return [r[0] for r in self.db.query(sql, tuple(params))]

    def on_dates(self, days: set[date], profile_id: int, limit: int, private: Visibility = True) -> list[str]:
        """History chunks of one profile dated on any of these days, newest first."""
        if not days:
            return []
        marks = ",".join("?" * len(days))
        where, more = visible_sql(private)
        rows = self.db.query(
            f"SELECT id FROM index_chunks c WHERE kind = 'history' AND profile_id = ? AND date IN ({marks})"
            f"{where} ORDER BY date DESC, id LIMIT ?",
            (profile_id, *sorted(d.isoformat() for d in days), *more, limit),
        )
        return [r[0] for r in rows]


def visible_sql(private: Visibility) -> tuple[str, tuple[object, ...]]:
    """The condition on index_chunks (as c) that lets through only the private chunks a search may see."""
    if private is True:
        return "", ()
    if private is False or not private:
        return " AND c.private = 0", ()
    return " AND (c.private = 0 OR c.job = ?)", (private,)


def stems(text: str) -> set[str]:
    """Content words cut to five letters: a cheap "do these two texts talk about the same thing" test."""
    return {w[:5] for w in re.findall(r"\w+", text.lower()) if len(w) > 3 and w not in STOP_WORDS}
