"""chromadb: the embedded PersistentClient under the data home, or a Chroma server; telemetry off."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from coach.errors import CoachError

INDEX_DIR = "index"
CHUNK_SCHEMA = 4
"""What a collection's chunks carry; 2: the job they were written in and whether they are private to it;
3: a session's final, accepted answers, one per stage under its title (no longer every line typed);
4: a commitment says what smaller version replaced it, or what it is a smaller version of."""


class IndexUnavailable(CoachError):
    """The vector index cannot be reached (server down) or opened."""


def chroma_settings() -> Any:
    os.environ["ANONYMIZED_TELEMETRY"] = "False"
    from chromadb.config import Settings

    return Settings(anonymized_telemetry=False, allow_reset=True)


def index_path(home: Path) -> Path:
    return home / INDEX_DIR / "chroma"


def open_client(home: Path, url: str | None) -> Any:
    """A chromadb client: HttpClient for a configured server, PersistentClient otherwise."""
    import chromadb

    if url:
        parsed = urlparse(url if "://" in url else f"http://{url}")
        try:
            client = chromadb.HttpClient(
                host=parsed.hostname or "127.0.0.1",
                port=parsed.port or 8000,
                ssl=parsed.scheme == "https",
                settings=chroma_settings(),
            )
            client.heartbeat()
        except Exception as exc:
            raise IndexUnavailable(
                f"the Chroma server at {url} cannot be reached ({type(exc).__name__}); "
                "your records are safe in the local store; start the server or unset chroma_url"
            ) from exc
        return client
    path = index_path(home)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings())


def blocked(home: Path) -> bool:
    """The index path, or the folder it lives in, is a file: chromadb cannot make its folder there."""
    path = index_path(home)
    return path.parent.is_file() or path.is_file()


def probe(client: Any) -> Any:
    """Read every collection's count once: a truncated or unreadable file raises here, not mid-search."""
    for col in client.list_collections():
        client.get_collection(col.name if hasattr(col, "name") else str(col)).count()
    return client


def forget_clients() -> None:
    """chromadb caches one system per path in a process; drop them so a replaced folder is opened afresh."""
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()


def move_aside(home: Path) -> Path | None:
    """Move a broken index folder out of the way (kept for inspection, never deleted)."""
    forget_clients()
    path = index_path(home)
    if path.parent.is_file():  # the index folder's place is taken by a file
        path = path.parent
    if not path.exists():
        return None
    target = path.with_name(f"{path.name}.broken-{time.strftime('%Y%m%d-%H%M%S')}")
    shutil.move(str(path), target)
    return target


def collection_metadata(model: str, dimension: int) -> dict[str, Any]:
    return {"embedding_model": model, "embedding_dim": dimension, "chunk_schema": CHUNK_SCHEMA}


def matches_model(metadata: dict[str, Any] | None, model: str, dimension: int) -> bool:
    meta = metadata or {}
    return meta.get("embedding_model") == model and meta.get("embedding_dim") == dimension


def matches_schema(metadata: dict[str, Any] | None) -> bool:
    return (metadata or {}).get("chunk_schema") == CHUNK_SCHEMA
