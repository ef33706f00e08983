"""Text charts the screens share: bars in eighths of a cell and mood colours. No pydantic, so the home can
use them before the services load."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text

if TYPE_CHECKING:
    from coach.insights_weekly import DayMood, Week

MOOD_STYLE = {1: "red", 2: "red", 3: "yellow", 4: "green", 5: "green"}


def bar(fraction: float, width: int = 10) -> Text:
    """A horizontal bar of `width` cells, filled to `fraction` in eighths of a cell."""
    fraction = min(max(fraction, 0.0), 1.0)
    eighths = round(fraction * width * 8)
    full, part = divmod(eighths, 8)
    text = Text("█" * full, style="green")
    if part:
        text.append(" ▏▎▍▌▋▊▉"[part], style="green")
    text.append("░" * (width - full - (1 if part else 0)), style="dim")
    return text


def meter(done: int, total: int, width: int) -> Text:
    """A goal's progress: done of total steps (milestones and commitments) as a bar and a count."""
    if not total:
        return Text("no steps yet", style="dim")
    text = bar(done / total, width)
    text.append(f" {done}/{total}", style="dim")
    return text


WEEKDAY_LETTERS = "MTWTFSS"


def week_bars(weeks: list[Week], today: date | None = None, width: int = 16) -> Text:
    """Follow-through by week, one row a week from the first with anything in it (this one last): a bar of
    done (whole) and partial (half) over what was reviewed, the counts, and the week's mean mood."""
    from coach.dates import show_date

    used = [i for i, w in enumerate(weeks) if w.reviewed or w.dropped or w.mood is not None]
    if not used:
        return Text(
            "Nothing reviewed in these weeks yet: the weekly review (v on Home) starts it.", style="dim"
        )
    weeks = weeks[used[0] :]  # from the first week with something in it
    text = Text()
    for i, w in enumerate(weeks):
        text.append("\n" if i else "")
        text.append(show_date(w.start, today).ljust(12), style="bold" if i == len(weeks) - 1 else "")
        if w.rate is None:
            text.append("░" * width + "   —  ", style="dim")
        else:
            text.append_text(bar(w.rate, width))
            text.append(f" {w.rate:4.0%} ")
        counts = f"{w.done}✓ {w.partial}◐ {w.missed}✗" + (f" · {w.dropped} dropped" if w.dropped else "")
        text.append(counts.ljust(22), style="dim")
        if w.mood is not None:
            level = min(max(int(w.mood + 0.5), 1), 5)
            text.append("mood ", style="dim")
            text.append("▁▂▄▆█"[level - 1], style=MOOD_STYLE[level])
            text.append(f" {w.mood:.1f}", style="dim")
    return text


def week_mood(days: list[DayMood]) -> Text:
    """The last seven days' moods as columns, 5 to 1 up the side, the weekday letters under them; a day
    with no mood is a dot on the axis."""
    if not any(d.mood is not None for d in days):
        return Text("No mood logged in the last seven days.", style="dim")
    text = Text()
    for level in range(5, 0, -1):
        text.append(f"{level} │", style="dim")
        for d in days:
            mood = d.mood
            cell = (
                "  "
                if mood is None
                else "█ "
                if mood >= level - 0.25
                else "▄ "
                if mood >= level - 0.75
                else "  "
            )
            style = MOOD_STYLE[min(max(int((mood or 3) + 0.5), 1), 5)]
            text.append(" " + cell, style=style)
        text.append("\n")
    text.append("  └" + "─" * (3 * len(days)) + "\n", style="dim")
    text.append("   ")
    for d in days:
        text.append(f" {WEEKDAY_LETTERS[d.day.weekday()]}{'·' if d.mood is None else ' '}", style="dim")
    return text
