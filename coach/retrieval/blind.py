"""Blind names in an encrypted home's vector index: chunk ids and sources carry note file names, so
chromadb gets a keyed hash of each (HMAC-SHA256 with the home's file key), and search maps them back."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coach.store import Store


class Blind:
    def __init__(self, key: bytes) -> None:
        self._key = key
        self._back: dict[str, str] = {}

    def name(self, value: str) -> str:
        return (
            "b" + hmac.new(self._key, b"index-id\0" + value.encode("utf-8"), hashlib.sha256).hexdigest()[:32]
        )

    def names(self, values: Iterable[str]) -> list[str]:
        return [self.name(v) for v in values]

    def back(self, hashed: list[str], known: Callable[[], set[str]]) -> list[str]:
        """The chunk ids of hashed names (those the catalogue no longer holds are left out)."""
        if any(h not in self._back for h in hashed):
            self._back = {self.name(i): i for i in known()}
        return [self._back[h] for h in hashed if h in self._back]

    def back_all(self, hashed: set[str], known: set[str]) -> set[str]:
        """For checks: known ids mapped back, unknown hashed names kept as they are (extras)."""
        table = {self.name(i): i for i in known}
        return {table.get(h, h) for h in hashed}


def for_store(store: Store) -> Blind | None:
    if not getattr(store, "encrypted", False):
        return None
    from coach.crypto.keys import key_for

    return Blind(key_for(store.home).files)
