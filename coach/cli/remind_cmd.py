"""coach remind: what is due, a desktop notification, and --install / --uninstall of a daily job."""

from __future__ import annotations

import os
import re
import shutil
from datetime import datetime, time
from pathlib import Path
from typing import Annotated, Any

import typer

from coach import remind
from coach.cli.common import active, emit_json, open_store, say
from coach.cli.state import profile_of
from coach.cli.today_cmd import DateOpt, as_of, lines
from coach.config import load_settings
from coach.errors import InputError
from coach.today import build_today


def _at(raw: str) -> time:
    if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", raw):
        raise InputError(f"--at must be HH:MM, e.g. 09:00, not '{raw[:20]}'")
    return time.fromisoformat(raw)


def _places() -> tuple[str, Path, str | None]:
    """The crontab command, the unit folder and systemctl: the person's own unless the environment says
    otherwise (COACH_CRONTAB, COACH_SYSTEMD_USER_DIR, COACH_SYSTEMCTL; an empty COACH_SYSTEMCTL skips it)."""
    env = os.environ
    unit_dir = Path(env["COACH_SYSTEMD_USER_DIR"]) if env.get("COACH_SYSTEMD_USER_DIR") else None
    systemctl = env.get("COACH_SYSTEMCTL", "systemctl") or None
    return env.get("COACH_CRONTAB") or "crontab", unit_dir or remind.default_unit_dir(), systemctl


def _install(method: str, at: time, profile: str | None, uninstall: bool) -> dict[str, Any]:
    crontab, unit_dir, systemctl = _places()
    chosen = remind.pick_method() if method == "auto" else method
    if uninstall:
        removed: list[str] = []
        if (method in ("auto", "systemd")) and remind.uninstall_systemd(unit_dir, systemctl=systemctl):
            removed.append("systemd")
        cron_here = method == "cron" or shutil.which(crontab.split()[0]) is not None
        if method in ("auto", "cron") and cron_here and remind.uninstall_cron(crontab=crontab):
            removed.append("cron")
        return {"action": "uninstall", "removed": removed}
    command, env = remind.remind_command(profile), remind.job_env()
    if chosen == "systemd":
        changed = remind.install_systemd(remind.units(command, at, env), unit_dir, systemctl=systemctl)
        where = str(unit_dir / f"{remind.UNIT}.timer")
    else:
        line = remind.cron_line(command, at, {**env, **remind.session_bus()})
        changed = remind.install_cron(line, crontab=crontab)
        where = "crontab"
    quiet = load_settings().quiet_hours
    return {
        "action": "install",
        "method": chosen,
        "changed": changed,
        "where": where,
        "at": f"{at:%H:%M}",
        "in_quiet_hours": remind.in_quiet_hours(at, quiet),
    }


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
        done = _install(method, _at(at), profile_of(ctx), uninstall)
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
