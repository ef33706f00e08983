"""Text charts the screens share: bars in eighths of a cell and mood colours. No pydantic, so the home can
use them before the services load."""

from __future__ import annotations

from rich.text import Text

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
