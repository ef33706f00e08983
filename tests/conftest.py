"""Shared fixtures: every test gets its own data home; nothing reaches real user config or the network."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from coach.store import Store

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ["ANONYMIZED_TELEMETRY"] = "False"


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data home per test, set through COACH_HOME like a user would."""
    path = tmp_path / "home"
    monkeypatch.setenv("COACH_HOME", str(path))
    for name in list(os.environ):
        if name.startswith("COACH_") and name != "COACH_HOME":
            monkeypatch.delenv(name)
    return path


@pytest.fixture
def store(home: Path) -> Iterator[Store]:
    s = Store.open(home)
    yield s
    s.close()


@pytest.fixture
def profile_id(store: Store) -> int:
    return store.profiles.add("Ana").id or 0


@pytest.fixture(scope="session")
def embedder():  # type: ignore[no-untyped-def]
    """The real bundled model, loaded once for the whole run."""
    from coach.retrieval.embeddings import Embedder

    class RememberingEmbedder(Embedder):
        """The real model; a text embedded once is not embedded again (the notes are indexed per test)."""

        def __init__(self) -> None:
            super().__init__()
            self.seen: dict[str, list[float]] = {}

        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            todo = [t for t in dict.fromkeys(texts) if t not in self.seen]
            if todo:
                self.seen.update(zip(todo, super().embed_documents(todo), strict=True))
            return [self.seen[t] for t in texts]

    emb = RememberingEmbedder()
    emb.embed_query("warm")
    return emb


@pytest.fixture
def coach(store: Store, embedder):  # type: ignore[no-untyped-def]
    """The service facade over a fresh store, with the real model and embedded chromadb."""
    from coach.config import load_settings
    from coach.services import Coach

    return Coach(store, load_settings(), embedder)


@pytest.fixture(autouse=True)
def _one_model_per_run(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process commands share the session's real model instead of loading their own (seconds each)."""
    monkeypatch.setattr("coach.retrieval.index.Embedder", lambda *a, **k: request.getfixturevalue("embedder"))
