"""Shared pieces of the CLI: opening the store, the active profile, printing tables and JSON."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Annotated, Any

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.table import Table
from rich.text import Text

from coach.config import load_settings
from coach.dates import parse_date
from coach.models import Profile
from coach.store import Store

console = Console(highlight=False)
MAX_ID = 2**63 - 1
"""SQLite's largest integer: a larger id names no record, and binding one raises OverflowError."""


def id_number(value: Any) -> int:
    """A record id: a whole number from 1 to MAX_ID, else a one-line usage error before anything opens."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        text = str(value).strip()
        # isdigit alone passes '²' and other digits int() refuses; 19 digits bound int()'s work
        number = int(text) if text.isascii() and text.isdigit() and len(text) <= 19 else 0
    if 1 <= number <= MAX_ID:
        return number
    shown = str(value) if len(str(value)) <= 24 else f"{str(value)[:24]}..."
    raise typer.BadParameter(f"'{shown}' is not an id (a whole number from 1 to {MAX_ID})")


Id = Annotated[int, typer.Argument(parser=id_number, show_default=False)]
"""A record id argument (goal, commitment...); an id option passes parser=id_number too."""


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


NOT_UTF8 = "That line is not valid UTF-8 text; please type it again."


def read_line(prompt: str) -> str:
    """A line typed at a prompt; one that is not valid UTF-8 is refused in a line and asked for again
    (nothing the person did not type is stored as theirs)."""
    while True:
        line = _typed(prompt)
        if line is not None and not any("\udc80" <= ch <= "\udcff" for ch in line):
            return line
        console.print(NOT_UTF8, style="yellow", markup=False)


def _typed(prompt: str) -> str | None:
    """One line from stdin, or None when it is not UTF-8. Piped input is read a line at a time as bytes,
    so one bad line never takes the lines after it with it."""
    if sys.stdin.isatty():
        try:
            return input(prompt)
        except UnicodeDecodeError:
            return None
    sys.stdout.write(prompt)
    sys.stdout.flush()
    raw = sys.stdin.buffer.readline()
    if not raw:
        raise EOFError
    try:
        return raw.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError:
        return None


def say(message: str) -> None:
    console.print(Text(message))
