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
