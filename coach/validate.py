"""Checks on user text: refused with a one-line reason, never silently changed."""

from __future__ import annotations

from coach.errors import InputError

TITLE_MAX = 200
SHORT_MAX = 10_000
LONG_MAX = 200_000


def text(value: str, field: str, *, max_chars: int = SHORT_MAX, required: bool = True) -> str:
    """Return the text exactly as given, or raise InputError saying why it is refused."""
    if not isinstance(value, str):
        raise InputError(f"{field}: expected text")
    if "\x00" in value:
        raise InputError(f"{field}: contains a NUL character (\\x00); remove it and try again")
    if required and not value.strip():
        raise InputError(f"{field}: must not be empty")
    if len(value) > max_chars:
        raise InputError(f"{field}: too long ({len(value):,} characters; the limit is {max_chars:,})")
    return value


def title(value: str, field: str = "title") -> str:
    value = text(value, field, max_chars=TITLE_MAX)
    if "\n" in value or "\r" in value:
        raise InputError(f"{field}: must be a single line")
    return value


def optional(value: str | None, field: str, *, max_chars: int = SHORT_MAX) -> str | None:
    if value is None:
        return None
    return text(value, field, max_chars=max_chars, required=False)
