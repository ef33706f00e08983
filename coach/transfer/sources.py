"""Reading import files safely: a size limit, zip archives, JSON with a one-line reason when it is bad."""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path
from typing import Any

from coach.errors import InputError
from coach.safe_load import load_json

MAX_FILE_BYTES = 64 * 1024 * 1024
"""Largest JSON export read (a journal of 20 years is a few MB); larger files are refused unread."""
ZIP_MAGIC = b"PK\x03\x04"


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def check_size(size: int, name: str, limit: int = MAX_FILE_BYTES) -> None:
    if size > limit:
        raise InputError(
            f"{name} is too large to import ({_mb(size)}; the limit is {_mb(limit)}): "
            "is it the right file? split the export into smaller ones"
        )


def existing_file(path: Path) -> Path:
    if not path.exists():
        raise InputError(f"no such file: {path}")
    if not path.is_file():
        raise InputError(f"{path} is not a file")
    return path


def decode_json(raw: bytes, name: str, limit: int = MAX_FILE_BYTES) -> Any:
    """Parse JSON; bytes that are not UTF-8 survive as surrogates so the entry holding them is reported."""
    if not raw.strip():
        raise InputError(f"{name} is empty")
    # Bounded: a number of 5,000 digits or nesting 5,000 deep is one line, never a traceback.
    return load_json(raw, source=name, max_bytes=limit)


def read_json(path: Path, limit: int = MAX_FILE_BYTES) -> Any:
    existing_file(path)
    check_size(path.stat().st_size, str(path), limit)
    with path.open("rb") as fh:
        head = fh.read(4)
        if head == ZIP_MAGIC:
            raise InputError(f"{path} is a zip archive, not a JSON file")
        raw = head + fh.read()
    return decode_json(raw, str(path), limit)


def is_zip(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(4) == ZIP_MAGIC


def zip_journals(path: Path, limit: int = MAX_FILE_BYTES) -> list[tuple[str, Any]]:
    """Each journal (a top-level *.json member) of a Day One export zip, parsed; photos are ignored."""
    try:
        with zipfile.ZipFile(path) as zf:
            members = [
                info
                for info in zf.infolist()
                if not info.is_dir()
                and "/" not in info.filename.strip("/")
                and info.filename.lower().endswith(".json")
            ]
            if not members:
                raise InputError(f"{path} holds no journal (no .json file at the top of the archive)")
            out = []
            for info in sorted(members, key=lambda i: i.filename):
                name = f"{path.name}:{info.filename}"
                check_size(info.file_size, name, limit)
                out.append((info.filename, decode_json(zf.read(info), name, limit)))
            return out
    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile, zlib.error) as exc:
        raise InputError(f"{path} is not a readable zip archive ({exc}): is the download complete?") from None
