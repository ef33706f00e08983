"""coach remind: what is due, a desktop notification, and --install / --uninstall of a daily job."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from coach import remind
from coach.cli.common import active, emit_json, open_store, say
from coach.cli.state import profile_of
from coach.cli.today_cmd import DateOpt, as_of, lines
from coach.config import load_settings
from coach.errors import InputError
from coach.today import build_today


def remind_cmd(
    ctx: typer.Context,
    install: Annotated[
        bool, typer.Option("--install", help="Run this every day (a crontab line or timer).")
    ] = False,
    uninstall: Annotated[bool, typer.Option("--uninstall", help="Stop running it every day.")] = False,
    method: Annotated[
        str,
        typer.Option(
            "--with", help="auto (a systemd user timer if one can run, else cron), cron or systemd."
        ),
    ] = "auto",
    at: Annotated[str, typer.Option("--at", help="When, every day, with --install (HH:MM).")] = "09:00",
    notify: Annotated[
        bool,
        typer.Option("--notify/--no-notify", help="Send a desktop notification when a desktop is there."),
    ] = True,
    quiet: Annotated[bool, typer.Option("--quiet", help="Print nothing (for the daily job).")] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    on: DateOpt = None,
) -> None:
    """What is due and coming, printed and (outside quiet hours) sent as a desktop notification."""
    if method not in ("auto", "cron", "systemd"):
        raise InputError(f"--with must be auto, cron or systemd, not '{method[:20]}'")
    if install and uninstall:
        raise InputError("choose --install or --uninstall, not both")
    if install or uninstall:
        done = remind.install_daily(method, remind.parse_at(at), profile_of(ctx), uninstall)
        if json_out:
            emit_json(done)
        elif not quiet:
            if uninstall:
                say(
                    f"Removed: {', '.join(done['removed'])}." if done["removed"] else "Nothing was installed."
                )
            elif done["changed"]:
                say(f"coach remind will run every day at {done['at']} ({done['method']}: {done['where']}).")
            else:
                say(f"Already installed ({done['method']}, every day at {done['at']}).")
            if not uninstall and done["in_quiet_hours"]:
                say(f"{done['at']} is in your quiet hours: it will run, but send no notification.")
        return
    settings = load_settings()
    with open_store(readonly=True) as store:
        prof = active(store, profile_of(ctx))
        today = build_today(
            store, prof.id or 0, as_of(on), ahead=settings.remind_ahead_days, review_day=settings.review_day
        )
    note = remind.reminder(today)
    quiet_now = remind.in_quiet_hours(datetime.now().time(), settings.quiet_hours)
    sent = notify and not quiet_now and remind.notify(note)
    if json_out:
        reminder = {"title": note.title, "body": note.body, "count": note.count}
        emit_json({**today.to_json(), "reminder": reminder, "notified": sent, "quiet_hours": quiet_now})
    elif not quiet:
        for line in lines(today, looking_back=False):
            say(line)
