"""The embedding model, loaded lazily (it takes seconds) and warmable in a background thread."""

from __future__ import annotations

import os
import threading
from typing import Any

from langchain_core.embeddings import Embeddings

from coach.bundled import embedding_model_dir
from coach.errors import CoachError
from coach.retrieval.native import gc_paused, preload_native

KNOWN_DIMENSIONS = {"all-MiniLM-L6-v2": 384}
QUERY_CACHE = 256


class Embedder(Embeddings):
    """LangChain's HuggingFaceEmbeddings over the bundled all-MiniLM-L6-v2; nothing is fetched from a hub."""

    def __init__(self, name: str = "all-MiniLM-L6-v2", batch_size: int = 64) -> None:
        if name not in KNOWN_DIMENSIONS:
            raise CoachError(f"unknown embedding model '{name}' (bundled: {', '.join(KNOWN_DIMENSIONS)})")
        self.name = name
        self.batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()
        self._error: BaseException | None = None
        self.loaded = threading.Event()
        self._queries: dict[str, tuple[float, ...]] = {}
        self._queries_lock = threading.Lock()

    @property
    def dimension(self) -> int:
        return KNOWN_DIMENSIONS[self.name]

    @property
    def model(self) -> Any:
        """The LangChain embeddings object, loading it on first use."""
        with self._lock:
            if self._model is None:
                self._model = self._load()
                self.loaded.set()
            return self._model

    def _load(self) -> Any:
        with gc_paused(freeze=False):  # faster, and other threads keep running (the app freezes on top)
            preload_native()
            return self._build()

    def _build(self) -> Any:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        folder = embedding_model_dir()
        try:
            from langchain_huggingface import HuggingFaceEmbeddings
        except ImportError as exc:
            raise CoachError(
                f"the retrieval libraries are missing ({exc.name}): pip install langchain-huggingface"
            ) from exc
        emb = HuggingFaceEmbeddings(
            model_name=str(folder),
            model_kwargs={"device": "cpu", "local_files_only": True},
            encode_kwargs={"normalize_embeddings": True, "batch_size": self.batch_size},
            query_encode_kwargs={"normalize_embeddings": True},
        )
        st = emb._client
        got = (
            st.get_embedding_dimension
            if hasattr(st, "get_embedding_dimension")
            else st.get_sentence_embedding_dimension
        )()
        if got != self.dimension:
            raise CoachError(f"{folder} gives {got}-dimensional vectors, expected {self.dimension}")
        return emb

    def warm(self) -> threading.Thread:
        """Start loading in a daemon thread; errors are kept and raised on the next real use."""

        def load() -> None:
            try:
                self.model.embed_query("warm up")
            except BaseException as exc:  # kept for the caller, who shows it
                self._error = exc

        thread = threading.Thread(target=load, name="coach-embedder-warm", daemon=True)
        thread.start()
        return thread

    @property
    def error(self) -> BaseException | None:
        return self._error

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return list(self.model.embed_documents(texts))

    def embed_query(self, text: str) -> list[float]:
        """A query's vector; recent ones are kept (a stage's purpose is asked for again and again)."""
        with self._queries_lock:
            cached = self._queries.get(text)
        if cached is None:
            cached = tuple(self.model.embed_query(text))
            with self._queries_lock:
                self._queries[text] = cached
                while len(self._queries) > QUERY_CACHE:
                    self._queries.pop(next(iter(self._queries)))
        return list(cached)
