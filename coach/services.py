"""The facade the TUI and the CLI call: one object owning the store, the index and search."""

from __future__ import annotations

from pathlib import Path

from coach.config import Settings, load_settings
from coach.models import Profile
from coach.retrieval.embeddings import Embedder
from coach.retrieval.index import Index
from coach.retrieval.search import Hit, Mode, Scope, Searcher
from coach.store import Store


class Coach:
    """Open once per process (it holds the data home's lock); everything slow is loaded on first use."""

    def __init__(
        self, store: Store, settings: Settings | None = None, embedder: Embedder | None = None
    ) -> None:
        self.store = store
        self.settings = settings or load_settings()
        self.index = Index(store, self.settings, embedder)
        self.searcher = Searcher(self.index)

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
        return self.searcher.search(query, profile_id=pid, kind=kind, k=k, mode=mode)

    def warm(self) -> None:
        self.index.warm()

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Coach:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
