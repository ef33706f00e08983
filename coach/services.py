"""The facade the TUI and the CLI call: one object owning the store, the index and search."""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from coach.config import Settings, load_settings
from coach.errors import CoachError
from coach.models import Profile
from coach.store import Store

if TYPE_CHECKING:
    from coach.patterns import PatternFinder
    from coach.retrieval.embeddings import Embedder
    from coach.retrieval.index import Index
    from coach.retrieval.search import Hit, Mode, Scope, Searcher


class Coach:
    """Open once per process (it holds the data home's lock); everything slow is loaded on first use."""

    def __init__(
        self, store: Store, settings: Settings | None = None, embedder: Embedder | None = None
    ) -> None:
        self.store = store
        self.settings = settings or load_settings()
        self._embedder = embedder
        self._index: Index | None = None
        self._searcher: Searcher | None = None
        self._echoes: PatternFinder | None = None
        self._lock = threading.Lock()

    @property
    def index(self) -> Index:
        """The retrieval index, built on first use: its imports (LangChain, chromadb) stay off start-up."""
        with self._lock:
            if self._index is None:
                from coach.retrieval.index import Index

                self._index = Index(self.store, self.settings, self._embedder)
            return self._index

    def reset_index(self) -> None:
        """Forget the index objects (after a restore gave the home a new id); rebuilt on next use."""
        with self._lock:
            self._index = None
            self._searcher = None
            self._echoes = None

    @property
    def searcher(self) -> Searcher:
        index = self.index
        with self._lock:
            if self._searcher is None:
                from coach.retrieval.search import Searcher

                self._searcher = Searcher(index)
            return self._searcher

    @property
    def echoes(self) -> PatternFinder:
        """Earlier obstacles and causes like a new one, by meaning (the index's embedding model)."""
        index = self.index
        with self._lock:
            if self._echoes is None:
                from coach.patterns import PatternFinder

                self._echoes = PatternFinder(self.store, index.embedder)
            return self._echoes

    @classmethod
    def open(cls, home: Path | None = None) -> Coach:
        return cls(Store.open(home))

    def profile(self, name: str | None = None) -> Profile:
        return self.store.active_profile(name or self.settings.profile)

    def search(
        self, query: str, *, profile: str | None = None, kind: Scope = "all", k: int = 5, mode: Mode = "fused"
    ) -> list[Hit]:
        """Search notes and, unless kind is knowledge, the active (or named) profile's history."""
        pid: int | None = None
        if kind == "history" or profile or (kind == "all" and self.store.profiles.list()):
            pid = self.profile(profile).id  # with no profile yet, "all" searches the notes alone
        elif self.store.profiles.list():  # the knowledge: the active profile's own notes too
            with contextlib.suppress(CoachError):  # several profiles, none chosen: the notes all may see
                pid = self.profile().id
        return self.searcher.search(query, profile_id=pid, kind=kind, k=k, mode=mode)

    def warm(self) -> None:
        self.index.warm()

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Coach:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
