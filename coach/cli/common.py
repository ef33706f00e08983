"""Shared pieces of the CLI: opening the store, the active profile, printing tables and JSON."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

from pydantic import BaseModel
from rich.console import Console
from rich.table import Table
from rich.text import Text

from coach.config import load_settings
from coach.dates import parse_date
from coach.models import Profile
from coach.store import Store

console = Console(highlight=False)


@contextmanager
def open_store(*, readonly: bool = False) -> Iterator[Store]:
    store = Store.open(readonly=readonly)
    try:
        yield store
    finally:
        store.close()


def active(store: Store, name: str | None) -> Profile:
    return store.active_profile(name or load_settings().profile)


def due(raw: str | None) -> date | None:
    return parse_date(raw) if raw is not None else None


def emit_json(data: Any) -> None:
    if isinstance(data, BaseModel):
        data = data.model_dump(mode="json")
    elif isinstance(data, list):
        data = [d.model_dump(mode="json") if isinstance(d, BaseModel) else d for d in data]
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], title: str | None = None) -> None:
    """A rich table whose cells are plain Text, so user text with [brackets] is never read as markup."""
    tbl = Table(title=title, title_justify="left")
    for h in headers:
        tbl.add_column(h, overflow="fold")
    for row in rows:
        tbl.add_row(*(Text("" if v is None else str(v)) for v in row))
    console.print(tbl)


def say(message: str) -> None:
    console.print(Text(message))
