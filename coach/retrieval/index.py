"""The retrieval index: follows the change feed into chromadb and the FTS catalogue; rebuild; check."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from coach.config import Settings, load_settings
from coach.paths import private_umask
from coach.retrieval import blind, privacy, vectors
from coach.retrieval.chunks import (
    Chunk,
)
from coach.retrieval.embeddings import Embedder
from coach.retrieval.lexical import Catalogue
from coach.retrieval.notes import NoteSet, load_notes, note_chunks, notes_signature, settle_loose_notes
from coach.retrieval.privacy import Visibility
from coach.retrieval.records import all_sources, record_chunks
from coach.store import Store

CURSOR = "retrieval-index"
PRIVACY_KEY = "index-privacy"
"""store_meta key: the flows' privacy the history chunks were cut by (a change re-cuts them all)."""
ADD_BATCH = 512
SOURCE_BATCH = 500
Progress = Callable[[int, int], None]
# records done, records to do, chunks written so far: how a catch-up reports itself
Catchup = Callable[[int, int, int], None]


@dataclass
class Drift:
    missing_vectors: list[str] = field(default_factory=list)
    extra_vectors: list[str] = field(default_factory=list)
    missing_lexical: list[str] = field(default_factory=list)
    extra_lexical: list[str] = field(default_factory=list)
    pending_changes: int = 0
    problems: list[str] = field(default_factory=list)
    """Damage, one line each, naming the part: the lexical index, the catalogue, a collection."""

    @property
    def any(self) -> bool:
        return bool(
            self.missing_vectors
            or self.extra_vectors
            or self.missing_lexical
            or self.extra_lexical
            or self.problems
        )


class Index:
    """Owned by the process that holds the store's lock (embedded chromadb is not process-safe)."""

    def __init__(
        self, store: Store, settings: Settings | None = None, embedder: Embedder | None = None
    ) -> None:
        self.store = store
        self.settings = settings or load_settings()
        self.embedder = embedder or Embedder(self.settings.embedding_model)
        self.catalogue = Catalogue(store.db)
        self.blind = blind.for_store(store)
        """In an encrypted home, chromadb holds keyed hashes of chunk ids and sources, never names."""
        self.notices: list[str] = []
        self.note_problems: list[str] = []
        self._client: Any = None
        self._stores: dict[str, Any] = {}
        self._prefix = self._namespace()
        self._notes_signature: tuple[tuple[str, int, int], ...] | None = None
        self.add_batch = ADD_BATCH
        """Chunks per chromadb write; an app lowers it so no single write holds the interpreter long."""
        self._sync_lock = threading.RLock()
        self._counts_checked = False
        self.vectors_ok = True
        """False once the vector index proved unusable and unrepairable: search by words only."""

    # --- collections -------------------------------------------------------------------------------
    def _namespace(self) -> str:
        if not self.settings.chroma_url:
            return ""
        row = self.store.db.one("SELECT value FROM store_meta WHERE key = 'home_id'")
        return f"coach-{row['value'] if row else 'home'}-"

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = self._open_client()
            self._drop_other_models()
        return self._client

    def _open_client(self) -> Any:
        """Open chromadb; a missing or unreadable embedded index is rebuilt from the records, and said so.

        Raises IndexUnavailable when it can be neither opened nor set aside (a read-only folder)."""
        home = self.store.home
        private_umask()  # chromadb makes its folders and files with the umask: keep them 0700/0600
        if self.settings.chroma_url:
            return vectors.open_client(home, self.settings.chroma_url)
        if not vectors.index_path(home).is_dir() and not vectors.blocked(home) and self.catalogue.count() > 0:
            vectors.forget_clients()
            self.notices.append("the index folder was missing; rebuilt from your records")
            self._reset_catalogue()
        try:
            return vectors.probe(vectors.open_client(home, None))
        except Exception as exc:
            try:
                moved = vectors.move_aside(home)
                client = vectors.probe(vectors.open_client(home, None))
            except Exception as again:
                vectors.forget_clients()
                raise vectors.IndexUnavailable(
                    f"the vector index cannot be opened or repaired ({type(again).__name__}: {again})"
                ) from again
            self.notices.append(
                f"the index folder could not be opened ({type(exc).__name__}); moved to {moved} "
                "and rebuilt from your records"
            )
            self._reset_catalogue()
            return client

    def _check_counts(self) -> None:
        """A collection holding fewer or more chunks than the catalogue says (a truncated file, lost rows)
        is dropped with its catalogue rows and indexed again."""
        if self._counts_checked:
            return
        self._counts_checked = True
        if self.catalogue.fts_problems():
            self.catalogue.rebuild_fts()
            self.notices.append("the word index was damaged and has been rebuilt")
        for (kind, pid), why in self._count_problems().items():
            name = self.collection_name(kind, pid)
            with contextlib.suppress(Exception):  # already gone
                self.client.delete_collection(name)
            self._stores.pop(name, None)
            self._forget_scope(kind, pid)
            self._notes_signature = None
            self.notices.append(f"the index was damaged ({why}) and has been rebuilt")

    def _count_problems(self) -> dict[tuple[str, int | None], str]:
        """Scopes whose collection's count disagrees with the catalogue's, with a line saying how."""
        want = self.catalogue.scope_counts()
        have: dict[tuple[str, int | None], int] = {}
        for col in self.client.list_collections():
            name = col.name if hasattr(col, "name") else str(col)
            if name == f"{self._prefix}knowledge":
                have[("knowledge", None)] = self.client.get_collection(name).count()
            elif name.startswith(f"{self._prefix}history-"):
                have[("history", int(name.rsplit("-", 1)[1]))] = self.client.get_collection(name).count()
        out: dict[tuple[str, int | None], str] = {}
        for scope in sorted(set(want) | set(have), key=str):
            if want.get(scope, 0) != have.get(scope, 0):
                out[scope] = (
                    f"collection {self.collection_name(*scope)} holds {have.get(scope, 0)} chunks, "
                    f"the catalogue {want.get(scope, 0)}"
                )
        return out

    def _drop_other_models(self) -> None:
        """A collection written by another embedding model is never queried: it is dropped and re-indexed."""
        client = self._client
        for col in client.list_collections():
            name = col.name if hasattr(col, "name") else str(col)
            kind: str
            pid: int | None
            if name == f"{self._prefix}knowledge":
                kind, pid = "knowledge", None
            elif name.startswith(f"{self._prefix}history-"):
                kind, pid = "history", int(name.rsplit("-", 1)[1])
            else:
                continue
            meta = client.get_collection(name).metadata
            if not vectors.matches_model(meta, self.embedder.name, self.embedder.dimension):
                why = "was built with another embedding model"
            elif not vectors.matches_schema(meta):
                why = "holds chunks from an older version of the index"
            else:
                continue
            client.delete_collection(name)
            self.notices.append(f"collection {name} {why}; re-indexing it")
            self._forget_scope(kind, pid)

    def _reset_catalogue(self) -> None:
        self._notes_signature = None
        self.catalogue.clear()
        self.store.feed.advance(CURSOR, 0)

    def collection_name(self, kind: str, profile_id: int | None = None) -> str:
        return f"{self._prefix}knowledge" if kind == "knowledge" else f"{self._prefix}history-{profile_id}"

    def vectorstore(self, kind: str, profile_id: int | None = None) -> Any:
        """The LangChain Chroma store for one collection (created on first use)."""
        name = self.collection_name(kind, profile_id)
        if name in self._stores:
            return self._stores[name]
        from langchain_chroma import Chroma

        meta = vectors.collection_metadata(self.embedder.name, self.embedder.dimension)
        client = self.client
        vs = Chroma(
            client=client,
            collection_name=name,
            embedding_function=self.embedder,
            collection_metadata=meta,
        )
        self._stores[name] = vs
        return vs

    def nearest(
        self,
        kind: str,
        profile_id: int | None,
        vector: list[float],
        k: int,
        private: Visibility = True,
    ) -> list[str]:
        """Ids of the k nearest chunks (private ones only as private allows); only ids and distances
        travel, the text is in the catalogue."""
        collection = self.vectorstore(kind, profile_id)._collection
        where = privacy.chroma_where(private) if kind == "history" else None
        found = collection.query(query_embeddings=[vector], n_results=k, where=where, include=["distances"])
        ids = list(found["ids"][0]) if found["ids"] else []
        return self.blind.back(ids, self.catalogue.ids) if self.blind else ids

    def _forget_scope(self, kind: str, profile_id: int | None) -> None:
        with self.store.db.tx() as conn:
            if kind == "knowledge":
                conn.execute("DELETE FROM index_chunks WHERE kind = 'knowledge'")
            else:
                conn.execute(
                    "DELETE FROM index_chunks WHERE kind = 'history' AND profile_id = ?", (profile_id,)
                )
        if kind == "history":
            self.store.feed.advance(CURSOR, 0)

    # --- records to chunks ---------------------------------------------------------------------------
    def chunks_for(self, source: str) -> list[Chunk]:
        """The chunks a record should have now; none when it no longer exists."""
        return record_chunks(self.store, source)

    def _write(
        self,
        removed: dict[tuple[str, int | None], list[str]],
        chunks: list[Chunk],
        progress: Progress | None = None,
        done: int = 0,
        total: int = 0,
    ) -> int:
        """Delete the old chunks of the given sources from each collection, then add the new ones."""
        for (kind, pid), sources in removed.items():
            vs = self.vectorstore(kind, pid)
            named = self.blind.names(sources) if self.blind else sources
            for i in range(0, len(named), 500):
                vs.delete(where={"source": {"$in": named[i : i + 500]}})
        by_scope: dict[tuple[str, int | None], list[Chunk]] = {}
        for c in chunks:
            by_scope.setdefault((c.kind, c.profile_id), []).append(c)
        for (kind, pid), items in by_scope.items():
            vs = self.vectorstore(kind, pid)
            for i in range(0, len(items), self.add_batch):
                batch = items[i : i + self.add_batch]
                metadatas = [
                    {"source": c.source, "kind": c.kind, "job": c.job or "", "private": c.private}
                    for c in batch
                ]
                if self.blind:
                    # blind ids, vectors and marks only: the text stays in the encrypted store, where
                    # search reads it by id (the catalogue), so nothing readable lands in chromadb
                    for meta, c in zip(metadatas, batch, strict=True):
                        meta["source"] = self.blind.name(c.source)
                    vs._collection.upsert(
                        ids=self.blind.names(c.id for c in batch),
                        embeddings=self.embedder.embed_documents([c.text for c in batch]),
                        metadatas=metadatas,
                    )
                else:
                    vs.add_texts([c.text for c in batch], ids=[c.id for c in batch], metadatas=metadatas)
                done += len(batch)
                if progress:
                    progress(done, total)
        all_sources = [s for sources in removed.values() for s in sources]
        self.catalogue.replace(all_sources, chunks)
        return done

    # --- following ---------------------------------------------------------------------------------
    def sync(self, progress: Catchup | None = None) -> int:
        """Bring the index up to date with the notes and the change feed; returns chunks written.

        One sync at a time: a second caller (a search while the app warms up) waits, then finds little to do.
        """
        with self._sync_lock:
            return self._sync(progress)

    def backlog(self) -> int:
        """How many records the next sync has to index (all of them when it starts from nothing)."""
        head, cursor = self.store.feed.head(), self.store.feed.cursor(CURSOR)
        if cursor == 0 or cursor > head:
            return len(all_sources(self.store)) if head else 0
        return len(self.store.feed.sources_since(cursor, head))

    def _sync(self, progress: Catchup | None = None) -> int:
        _ = self.client  # detects a lost index before anything is compared
        self._check_counts()
        written = self.sync_notes()
        self._follow_privacy()
        head = self.store.feed.head()
        cursor = self.store.feed.cursor(CURSOR)
        if cursor > head:  # the store was restored or replaced under the index
            self._reset_catalogue()
            cursor = 0
        if cursor == 0 and head:  # first run over existing records: index them all, not the whole log
            return written + self.rebuild_history(progress)
        if cursor < head:
            # each record once, however many changes it had: its chunks come from its state now
            pending = self.store.feed.sources_since(cursor, head)
            done = 0
            for i in range(0, len(pending), SOURCE_BATCH):
                batch = pending[i : i + SOURCE_BATCH]
                written += self._apply({source: pid for source, pid, _ in batch})
                self.store.feed.advance(CURSOR, batch[-1][2])
                done += len(batch)
                if progress:
                    progress(done, len(pending), written)
            self.store.feed.advance(CURSOR, head)
        return written

    def sync_catalogue(self) -> None:
        """Follow the records into the catalogue alone (the vectors are down); the cursor stays, so the
        vectors catch up (their counts disagree, so they are rebuilt) once they can be written again."""
        pending = self.store.feed.sources_since(self.store.feed.cursor(CURSOR), self.store.feed.head())
        sources = [source for source, _, _ in pending]
        chunks = [c for s in sources for c in self.chunks_for(s)]
        self.catalogue.replace(sources, chunks)

    def _follow_privacy(self) -> None:
        """Flows changed what is private (a stage made private, a template edited): re-cut all history."""
        wanted = privacy.signature()
        row = self.store.db.one("SELECT value FROM store_meta WHERE key = ?", (PRIVACY_KEY,))
        if row is not None and row["value"] == wanted:
            return
        self.store.feed.advance(CURSOR, 0)  # the next step indexes every record again
        with self.store.db.tx() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO store_meta (key, value) VALUES (?, ?)", (PRIVACY_KEY, wanted)
            )
        if row is not None:
            self.notices.append("the flows changed what is private; re-indexing your history")

    def _apply(self, sources: dict[str, int | None]) -> int:
        removed: dict[tuple[str, int | None], list[str]] = {}
        chunks: list[Chunk] = []
        for source, pid in sources.items():
            removed.setdefault(("history", pid), []).append(source)
            chunks.extend(self.chunks_for(source))
        self._write(removed, chunks)
        return len(chunks)

    def sync_notes(self) -> int:
        """Index added or edited notes and drop removed ones; free when no note file changed."""
        signature = notes_signature(self.store.home / "knowledge")
        if signature == self._notes_signature:
            return 0
        written = self._sync_notes()
        self._notes_signature = signature
        return written

    def _all_notes(self) -> NoteSet:
        """Every note of the home (search shows each profile only its own): loose ones settled first."""
        folder = self.store.home / "knowledge"
        if folder.is_dir():
            first = self.store.db.one("SELECT MIN(id) AS id FROM profiles")
            self.notices.extend(settle_loose_notes(folder, first["id"] if first else None))
        return load_notes(folder, every_profile=True)

    def _sync_notes(self) -> int:
        notes = self._all_notes()
        self.note_problems = notes.problems
        wanted: dict[str, list[Chunk]] = {}
        for note in notes.notes:
            wanted[f"note:{note.id}"] = note_chunks(note)
        have = self.catalogue.digests("knowledge")
        stale = [s for s in have if s not in wanted]
        changed = [s for s, cs in wanted.items() if {c.id: c.digest for c in cs} != have.get(s)]
        if not stale and not changed:
            return 0
        chunks = [c for s in changed for c in wanted[s]]
        self._write({("knowledge", None): stale + changed}, chunks)
        return len(chunks)

    # --- rebuild and check ---------------------------------------------------------------------------
    def expected_chunks(self) -> list[Chunk]:
        notes = self._all_notes().notes
        out = [c for n in notes for c in note_chunks(n)]
        for source in all_sources(self.store):
            out.extend(self.chunks_for(source))
        return out

    def rebuild(self, progress: Progress | None = None) -> int:
        """Drop every collection of this data home and index everything again from the records.

        The FTS postings are recreated first; an index folder that cannot be opened is set aside."""
        self.catalogue.rebuild_fts()
        self._client = None
        self._stores.clear()
        self._counts_checked = True  # everything below is rewritten
        client = self.client
        for col in client.list_collections():
            name = col.name if hasattr(col, "name") else str(col)
            if name.startswith(self._prefix) and (
                name.startswith(f"{self._prefix}knowledge") or name.startswith(f"{self._prefix}history-")
            ):
                client.delete_collection(name)
        self._stores.clear()
        self._reset_catalogue()
        self._follow_privacy()
        head = self.store.feed.head()
        chunks = self.expected_chunks()
        total = len(chunks)
        if progress:
            progress(0, total)
        self._write({}, chunks, progress, 0, total)
        self.store.feed.advance(CURSOR, head)
        return total

    def rebuild_history(self, progress: Catchup | None = None) -> int:
        """Every record indexed again, a batch at a time (a large history never sits in memory whole)."""
        head = self.store.feed.head()
        sources = list(all_sources(self.store).items())
        written = 0
        for i in range(0, len(sources), SOURCE_BATCH):
            written += self._apply(dict(sources[i : i + SOURCE_BATCH]))
            if progress:
                progress(min(i + SOURCE_BATCH, len(sources)), len(sources), written)
        self.store.feed.advance(CURSOR, head)
        return written

    def check(self) -> Drift:
        """Compare what the records say should be indexed with what the vectors and the catalogue hold,
        and look for damage in each part; it repairs nothing (a broken folder is reported, not moved)."""
        expected = {c.id for c in self.expected_chunks()}
        problems = self.catalogue.fts_problems()
        in_lexical = self.catalogue.ids()
        if expected - in_lexical:
            problems.append(f"catalogue is missing {len(expected - in_lexical)} chunks of your records")
        in_vectors: set[str] = set()
        client = self._client
        if client is None and not self.settings.chroma_url:
            if vectors.blocked(self.store.home) or not vectors.index_path(self.store.home).is_dir():
                if expected:
                    problems.append("vector index folder is missing or not a folder")
            else:
                try:
                    client = vectors.probe(vectors.open_client(self.store.home, None))
                except Exception as exc:
                    vectors.forget_clients()
                    problems.append(f"vector index cannot be opened ({type(exc).__name__})")
        elif client is None:
            client = self.client
        if client is not None:
            self._client = client
            try:
                problems.extend(self._count_problems().values())
                for col in client.list_collections():
                    name = col.name if hasattr(col, "name") else str(col)
                    if name == f"{self._prefix}knowledge" or name.startswith(f"{self._prefix}history-"):
                        in_vectors |= set(client.get_collection(name).get(include=[])["ids"])
            except Exception as exc:
                problems.append(f"vector index cannot be read ({type(exc).__name__})")
        pending = len(self.store.feed.since(self.store.feed.cursor(CURSOR), limit=1_000_000))
        if self.blind:
            in_vectors = self.blind.back_all(in_vectors, expected | in_lexical)
        return Drift(
            missing_vectors=sorted(expected - in_vectors),
            extra_vectors=sorted(in_vectors - expected),
            missing_lexical=sorted(expected - in_lexical),
            extra_lexical=sorted(in_lexical - expected),
            pending_changes=pending,
            problems=problems,
        )

    def warm(self) -> Any:
        """Load the embedding model in a background thread (the TUI calls this at start)."""
        return self.embedder.warm()
