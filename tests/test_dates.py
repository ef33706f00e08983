"""Due dates as people type them."""

from __future__ import annotations

from datetime import date

import pytest

from coach.dates import PastDateError, find_due, parse_date, read_due, show_date
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


# 1 Dec 2026, a Tuesday: the day issue 13 was written from
DEC_1 = date(2026, 12, 1)


def test_a_day_month_just_gone_is_refused_with_the_coming_one_suggested() -> None:
    with pytest.raises(PastDateError) as caught:
        parse_date("30 Nov", today=DEC_1)
    assert caught.value.suggestion == date(2027, 11, 30)
    assert "30 Nov has passed" in str(caught.value) and "30 Nov 2027" in str(caught.value)
    assert isinstance(caught.value, InputError)  # callers that catch InputError still see it


def test_a_day_month_just_gone_across_new_year() -> None:
    with pytest.raises(PastDateError, match="20 Dec 2026 has passed: did you mean 20 Dec 2027") as caught:
        parse_date("by Dec 20", today=date(2027, 1, 5))
    assert caught.value.suggestion == date(2027, 12, 20)
    assert parse_date("20 Dec", today=date(2027, 1, 5), allow_past=True) == date(2026, 12, 20)


@pytest.mark.parametrize(
    ("raw", "said"),
    [("2020-01-01", "2020-01-01 is in the past"), ("3 Dec 2025", "3 Dec 2025 is in the past")],
)
def test_a_past_date_written_out_is_refused_with_nothing_to_suggest(raw: str, said: str) -> None:
    with pytest.raises(PastDateError, match=said) as caught:
        parse_date(raw, today=DEC_1)
    assert caught.value.suggestion is None


def test_find_due_reports_the_same_refusal() -> None:
    due, problem = find_due("Send the deck to Priya by 30 Nov", today=DEC_1)
    assert due is None and problem == "30 Nov has passed: did you mean 30 Nov 2027?"
    with pytest.raises(PastDateError) as caught:
        read_due("Send the deck to Priya by 30 Nov", today=DEC_1)
    assert caught.value.suggestion == date(2027, 11, 30)
    assert find_due("Send it by Friday", today=DEC_1) == (date(2026, 12, 4), None)
    assert find_due("Send it soon", today=DEC_1) == (None, None)
    with pytest.raises(InputError, match="cannot understand"):
        read_due("Send it by 12/13", today=DEC_1)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("yesterday", date(2026, 11, 30)),
        ("the day before yesterday", date(2026, 11, 29)),
        ("last Friday", date(2026, 11, 27)),
        ("last tue", date(2026, 11, 24)),  # today is a Tuesday: a week ago, not today
        ("2 days ago", date(2026, 11, 29)),
        ("a week ago", date(2026, 11, 24)),
        ("two weeks ago", date(2026, 11, 17)),
        ("last week", date(2026, 11, 24)),  # a week ago, which always falls in last week
        ("30 Nov", date(2026, 11, 30)),  # the one just gone
        ("on 1 Jul", date(2026, 7, 1)),  # five months back is still the one just gone
        ("1 May", date(2027, 5, 1)),  # seven months back is too far: the coming one
        ("3 Dec", date(2026, 12, 3)),
        ("Friday", date(2026, 12, 4)),  # still the coming Friday
        ("tue", date(2026, 12, 8)),  # today excluded, as for due dates
        ("2026-11-20", date(2026, 11, 20)),
        ("3 Dec 2025", date(2025, 12, 3)),
    ],
)
def test_past_dates_where_the_past_makes_sense(raw: str, expected: date) -> None:
    assert parse_date(raw, today=DEC_1, allow_past=True) == expected


@pytest.mark.parametrize(
    ("raw", "said"),
    [
        ("yesterday", "yesterday (Mon 30 Nov) is in the past"),
        ("last Friday", "last Friday (Fri 27 Nov) is in the past"),
        ("2 days ago", "2 days ago (Sun 29 Nov) is in the past"),
        ("last week", "last week (Tue 24 Nov) is in the past"),
    ],
)
def test_past_phrases_are_refused_as_due_dates(raw: str, said: str) -> None:
    with pytest.raises(PastDateError) as caught:
        parse_date(raw, today=DEC_1)
    assert str(caught.value).startswith(said) and "due date" in str(caught.value)
    assert caught.value.suggestion is None


@pytest.mark.parametrize("raw", ["31 Feb", "Feb 30", "29 Feb 2027", "31 Apr 2027"])
def test_a_day_that_does_not_exist(raw: str) -> None:
    with pytest.raises(InputError, match="not a real date"):
        parse_date(raw, today=DEC_1)


def test_29_feb_is_the_next_leap_day() -> None:
    assert parse_date("29 Feb", today=DEC_1) == date(2028, 2, 29)
    assert parse_date("29 Feb 2028", today=DEC_1) == date(2028, 2, 29)


def test_a_date_in_the_new_year_is_no_error_and_shows_its_year() -> None:
    due = parse_date("3 Jan", today=DEC_1)
    assert due == date(2027, 1, 3)
    assert show_date(due, DEC_1) == "3 Jan 2027"


def test_year_boundary() -> None:
    eve = date(2026, 12, 31)
    assert parse_date("1 Jan", today=eve) == date(2027, 1, 1)
    assert parse_date("1 Jan", today=eve, allow_past=True) == date(2027, 1, 1)
    assert parse_date("31 Dec", today=eve) == eve
    assert parse_date("tomorrow", today=eve) == date(2027, 1, 1)
    assert parse_date("yesterday", today=date(2027, 1, 1), allow_past=True) == eve
    assert parse_date("last Thursday", today=date(2027, 1, 1), allow_past=True) == eve
    with pytest.raises(PastDateError, match="30 Dec has passed: did you mean 30 Dec 2027") as caught:
        parse_date("30 Dec", today=eve)
    assert caught.value.suggestion == date(2027, 12, 30)
    assert show_date(date(2027, 1, 1), eve, weekday=True) == "Fri 1 Jan 2027"
    assert show_date(date(2027, 1, 1), date(2027, 1, 1), weekday=True) == "Fri 1 Jan"


@pytest.mark.parametrize(
    ("day", "options", "shown"),
    [
        (date(2026, 12, 3), {}, "3 Dec"),
        (date(2026, 11, 30), {"weekday": True}, "Mon 30 Nov"),
        (date(2027, 11, 30), {}, "30 Nov 2027"),
        (date(2027, 11, 30), {"weekday": True}, "Tue 30 Nov 2027"),
        (date(2025, 12, 3), {}, "3 Dec 2025"),
        (date(2026, 11, 30), {"long": True}, "Monday 30 November 2026"),
        (date(2027, 1, 3), {"long": True, "weekday": True}, "Sunday 3 January 2027"),
    ],
)
def test_show_date(day: date, options: dict[str, bool], shown: str) -> None:
    assert show_date(day, DEC_1, **options) == shown


def test_show_date_defaults_to_the_calendar() -> None:
    this_year = date.today().replace(month=6, day=15)
    assert show_date(this_year) == "15 Jun"
    assert show_date(this_year.replace(year=this_year.year + 1)).endswith(str(this_year.year + 1))
