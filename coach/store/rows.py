"""Conversions between pydantic records and SQLite rows."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime
from typing import Any, TypeVar

from pydantic import BaseModel

from coach.errors import NotFoundError

M = TypeVar("M", bound=BaseModel)


def to_db(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return int(value)
    return value


def from_row(model: type[M], row: sqlite3.Row, **extra: Any) -> M:
    data: dict[str, Any] = {k: row[k] for k in row.keys() if k in model.model_fields}  # noqa: SIM118
    for key in ("tags", "citations", "answers"):
        if key in data and isinstance(data[key], str):
            data[key] = json.loads(data[key])
    data.update(extra)
    return model.model_validate(data)


def owned_row(db: Any, table: str, row_id: int, profile_id: int | None, label: str) -> sqlite3.Row:
    """The row with this id, or NotFoundError; a row of another profile is reported as not found."""
    row = db.one(f"SELECT * FROM {table} WHERE id = ?", (row_id,))
    if row is None or (profile_id is not None and row["profile_id"] != profile_id):
        raise NotFoundError(f"no {label} with id {row_id}")
    return row


def columns(record: BaseModel, exclude: set[str]) -> dict[str, Any]:
    return {k: to_db(getattr(record, k)) for k in type(record).model_fields if k not in exclude}


def insert(conn: sqlite3.Connection, table: str, values: dict[str, Any]) -> int:
    names = ", ".join(values)
    marks = ", ".join(f":{k}" for k in values)
    cur = conn.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", values)
    return int(cur.lastrowid or 0)


def update(conn: sqlite3.Connection, table: str, row_id: int, values: dict[str, Any]) -> None:
    sets = ", ".join(f"{k} = :{k}" for k in values)
    conn.execute(f"UPDATE {table} SET {sets} WHERE id = :__id", {**values, "__id": row_id})
