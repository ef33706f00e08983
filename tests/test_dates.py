"""Due dates as people type them."""

from __future__ import annotations

from datetime import date

import pytest

from coach.dates import parse_date
from coach.errors import InputError

TODAY = date(2026, 11, 21)  # a Saturday


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-12-03", date(2026, 12, 3)),
        ("today", TODAY),
        ("tomorrow", date(2026, 11, 22)),
        ("Friday", date(2026, 11, 27)),
        ("by Friday", date(2026, 11, 27)),
        ("next friday", date(2026, 11, 27)),
        ("sat", date(2026, 11, 28)),
        ("next week", date(2026, 11, 27)),
        ("in 5 days", date(2026, 11, 26)),
        ("in two weeks", date(2026, 12, 5)),
        ("by 3 Dec", date(2026, 12, 3)),
        ("3rd December", date(2026, 12, 3)),
        ("Dec 3", date(2026, 12, 3)),
        ("3 Jan", date(2027, 1, 3)),
        ("3 Jan 2028", date(2028, 1, 3)),
        ("end of month", date(2026, 11, 30)),
        ("  BY   3 dec. ", date(2026, 12, 3)),
    ],
)
def test_understood(raw: str, expected: date) -> None:
    assert parse_date(raw, today=TODAY) == expected


def test_next_week_from_a_weekday() -> None:
    assert parse_date("next week", today=date(2026, 11, 18)) == date(2026, 11, 27)


@pytest.mark.parametrize("raw", ["", "   ", "soonish", "32 Dec", "2026-02-30", "[x]", "😀", "3 Smarch"])
def test_refused_with_a_reason(raw: str) -> None:
    with pytest.raises(InputError):
        parse_date(raw, today=TODAY)


def test_past_dates_are_refused_unless_allowed() -> None:
    with pytest.raises(InputError, match="in the past"):
        parse_date("2026-11-20", today=TODAY)
    assert parse_date("2026-11-20", today=TODAY, allow_past=True) == date(2026, 11, 20)
