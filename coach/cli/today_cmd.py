"""coach today: overdue and due commitments, milestones this week, the next meeting, and one day before."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from coach.cli.common import active, emit_json, open_store, say
from coach.cli.state import profile_of
from coach.config import load_settings
from coach.dates import parse_date, show_date
from coach.today import DueItem, Today, build_today, days_text

DateOpt = Annotated[
    str | None,
    typer.Option(
        "--date", help="As of this day instead of today (2026-12-03, yesterday...).", show_default=False
    ),
]


def as_of(raw: str | None) -> date:
    return parse_date(raw, allow_past=True) if raw else date.today()


def _item(item: DueItem, today: date) -> str:
    late = f"was due {show_date(item.due, today)}" if item.days < 0 else f"due {days_text(item.days)}"
    return f"  #{item.id} {item.text} ({late}{', partly done' if item.partial else ''})"


def lines(t: Today, *, looking_back: bool = True) -> list[str]:
    """Today as plain lines, the order the panel shows them in; without "on this day" if not looking_back."""
    out: list[str] = []
    if t.overdue:
        out += [f"Overdue ({len(t.overdue)}):", *(_item(i, t.today) for i in t.overdue)]
    if t.due_today:
        out += [f"Due today ({len(t.due_today)}):", *(_item(i, t.today) for i in t.due_today)]
    if t.coming:
        out += [f"Coming up in the next {t.ahead} days:", *(_item(i, t.today) for i in t.coming)]
    if t.milestones:
        out.append("Milestones this week:")
        for ms in t.milestones:
            when = f"was due {show_date(ms.due, t.today)}" if ms.days < 0 else f"due {days_text(ms.days)}"
            out.append(f"  {ms.title} ({ms.goal}; {when})")
    if t.next_meeting is not None:
        m = t.next_meeting
        when = f"{show_date(m.date, t.today, weekday=True)}, {days_text(m.days)}"
        out.append(f"Next meeting: {m.group}, {when}")
        if m.to_review:
            out.append(f"  To review there ({len(m.to_review)}):")
            out += ["  " + _item(i, t.today) for i in m.to_review]
        out.append("  Brief prepared." if m.prepared else "  Prepare for it: coach prep")
    if not out:
        out.append("Nothing due. A clear day.")
    if t.weekly_review_due:
        out.append("It is your review day: coach weekly")
    if t.on_this_day is not None and looking_back:
        o = t.on_this_day
        out.append(f"On this day, {o.ago} ({show_date(o.date, t.today)}), {o.title}:")
        out.append(f"  {o.excerpt}")
    return out


def today(
    ctx: typer.Context,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    on: DateOpt = None,
) -> None:
    """What is due, what is coming, the next meeting, and an entry from a week, month or year ago."""
    day = as_of(on)
    settings = load_settings()
    with open_store(readonly=True) as store:
        prof = active(store, profile_of(ctx))
        result = build_today(
            store, prof.id or 0, day, ahead=settings.remind_ahead_days, review_day=settings.review_day
        )
    if json_out:
        emit_json(result.to_json())
        return
    for line in lines(result):
        say(line)
