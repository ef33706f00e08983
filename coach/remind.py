"""Reminders without the app open: what is due, a desktop notification, a daily crontab line or timer."""

# Nothing leaves the machine: the notification goes through the desktop's own notify-send. The crontab
# command and the unit folder are parameters, so tests install into temporary ones, never the person's own.

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from coach.errors import CoachError, InputError

if TYPE_CHECKING:
    from coach.today import Today

MARK = "# coach remind"
"""Ends the crontab line this module writes, so it finds (and replaces or removes) only its own."""
UNIT = "coach-remind"
Method = Literal["cron", "systemd"]
Runner = Callable[..., subprocess.CompletedProcess[str]]


class RemindError(CoachError):
    """A crontab or systemctl that could not be read or written; the message says which and why."""


@dataclass(frozen=True)
class Reminder:
    title: str
    body: str
    """Counts and the meeting's group only: a notification can show on a locked screen."""
    count: int
    """Overdue and due today, plus a meeting or a review day within reach: 0 means nothing to say."""


def reminder(t: Today) -> Reminder:
    parts: list[str] = []
    if t.overdue:
        parts.append(f"{len(t.overdue)} overdue")
    if t.due_today:
        parts.append(f"{len(t.due_today)} due today")
    if t.coming:
        parts.append(f"{len(t.coming)} due in the next {t.ahead} days")
    soon = t.next_meeting is not None and t.next_meeting.days <= t.ahead
    if soon and t.next_meeting is not None:
        m = t.next_meeting
        when = "today" if m.days == 0 else "tomorrow" if m.days == 1 else f"in {m.days} days"
        parts.append(f"meeting with {m.group} {when}" + ("" if m.prepared else " (coach prep)"))
    thisweek = [ms for ms in t.milestones if 0 <= ms.days <= t.ahead or ms.days < 0]
    if thisweek:
        parts.append(f"{len(thisweek)} milestone{'s' if len(thisweek) != 1 else ''} due")
    if t.weekly_review_due:
        parts.append("weekly review day (coach weekly)")
    count = len(t.overdue) + len(t.due_today) + len(t.coming) + len(thisweek) + soon + t.weekly_review_due
    body = "; ".join(parts) if parts else "Nothing due."
    return Reminder(title="coach: staying on track", body=body[:1].upper() + body[1:], count=count)


def in_quiet_hours(now: time, quiet: str) -> bool:
    """Whether `now` falls in "HH:MM-HH:MM" (which may run past midnight); never when quiet is empty."""
    if not quiet:
        return False
    start, end = (time.fromisoformat(p) for p in quiet.split("-"))
    now = now.replace(second=0, microsecond=0, tzinfo=None)
    if start <= end:
        return start <= now < end
    return now >= start or now < end


def desktop_session(env: Mapping[str, str]) -> bool:
    return any(env.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS"))


def notify(
    r: Reminder,
    *,
    env: Mapping[str, str] | None = None,
    which: Callable[[str], str | None] = shutil.which,
    run: Runner = subprocess.run,
) -> bool:
    """Send the reminder through notify-send; False (and nothing sent) without a desktop session or the
    command, or when it fails. Never raises: a reminder that cannot be shown is still printed."""
    env = os.environ if env is None else env
    exe = which("notify-send")
    if exe is None or not desktop_session(env) or not r.count:
        return False
    try:
        done = run(
            [exe, "--app-name=coach", r.title, r.body],
            env=dict(env),
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


# ---- the daily job ----


def remind_command(profile: str | None = None) -> list[str]:
    """The command the job runs: this Python, this data home, quietly (cron mails what a job prints)."""
    command = [sys.executable, "-m", "coach"]
    if profile:
        command += ["--profile", profile]
    return [*command, "remind", "--quiet"]


def job_env(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """What the job needs from this shell: the data home when it is not the default one."""
    env = os.environ if env is None else env
    return {"COACH_HOME": env["COACH_HOME"]} if env.get("COACH_HOME") else {}


def session_bus(run_dir: Path | None = None) -> dict[str, str]:
    """The desktop's session bus, for a cron job (cron starts with almost no environment, and notify-send
    needs the bus): the usual socket under /run/user when it exists; {} otherwise."""
    if run_dir is None:
        if not hasattr(os, "getuid"):
            return {}
        run_dir = Path(f"/run/user/{os.getuid()}")
    bus = run_dir / "bus"
    return {"DBUS_SESSION_BUS_ADDRESS": f"unix:path={bus}"} if bus.exists() else {}


def cron_line(command: list[str], at: time, env: Mapping[str, str]) -> str:
    assigns = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    run = " ".join(shlex.quote(part) for part in command)
    return f"{at.minute} {at.hour} * * * {assigns + ' ' if assigns else ''}{run} {MARK}"


def _read_crontab(crontab: str, run: Runner) -> list[str]:
    try:
        done = run([*shlex.split(crontab), "-l"], capture_output=True, text=True, check=False)
    except OSError as exc:
        raise RemindError(f"cannot run '{crontab}' ({exc.strerror}); try --with systemd") from exc
    if done.returncode != 0:
        if "no crontab" in (done.stderr or "").lower():
            return []
        raise RemindError(f"'{crontab} -l' failed: {(done.stderr or '').strip()[:200]}")
    return done.stdout.splitlines()


def _write_crontab(crontab: str, lines: list[str], run: Runner) -> None:
    text = "\n".join(lines) + "\n" if lines else ""
    done = run([*shlex.split(crontab), "-"], input=text, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RemindError(f"'{crontab} -' failed: {(done.stderr or '').strip()[:200]}")


def install_cron(line: str, *, crontab: str = "crontab", run: Runner = subprocess.run) -> bool:
    """Put the line in the crontab in place of any earlier one of ours; False when it was there already."""
    lines = _read_crontab(crontab, run)
    if line in lines and sum(MARK in x for x in lines) == 1:
        return False
    _write_crontab(crontab, [x for x in lines if not x.rstrip().endswith(MARK)] + [line], run)
    return True


def uninstall_cron(*, crontab: str = "crontab", run: Runner = subprocess.run) -> bool:
    """Take our line out of the crontab, leaving every other line; False when there was none."""
    lines = _read_crontab(crontab, run)
    kept = [x for x in lines if not x.rstrip().endswith(MARK)]
    if len(kept) == len(lines):
        return False
    _write_crontab(crontab, kept, run)
    return True


def _exec_arg(arg: str) -> str:
    return f'"{arg}"' if any(c.isspace() for c in arg) or '"' in arg else arg


def units(command: list[str], at: time, env: Mapping[str, str]) -> dict[str, str]:
    """The service and timer files, by name."""
    environment = "".join(f'Environment="{k}={v}"\n' for k, v in env.items())
    service = (
        "[Unit]\nDescription=coach: what is due today\n\n[Service]\nType=oneshot\n"
        f"{environment}ExecStart={' '.join(_exec_arg(a) for a in command)}\n"
    )
    timer = (
        "[Unit]\nDescription=coach: a daily reminder of what is due\n\n[Timer]\n"
        f"OnCalendar=*-*-* {at.hour:02d}:{at.minute:02d}:00\nPersistent=true\n\n"
        "[Install]\nWantedBy=timers.target\n"
    )
    return {f"{UNIT}.service": service, f"{UNIT}.timer": timer}


def default_unit_dir(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    base = env.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "systemd" / "user"


def _systemctl(systemctl: str | None, args: list[str], run: Runner) -> None:
    if not systemctl:
        return
    try:
        done = run([*shlex.split(systemctl), "--user", *args], capture_output=True, text=True, check=False)
    except OSError as exc:
        raise RemindError(f"cannot run '{systemctl}' ({exc.strerror})") from exc
    if done.returncode != 0:
        raise RemindError(f"'systemctl --user {' '.join(args)}' failed: {(done.stderr or '').strip()[:200]}")


def install_systemd(
    files: dict[str, str],
    unit_dir: Path,
    *,
    systemctl: str | None = "systemctl",
    run: Runner = subprocess.run,
) -> bool:
    """Write the units (only those that changed) and enable the timer; False when all were there already."""
    unit_dir.mkdir(parents=True, exist_ok=True)
    changed = False
    for name, text in files.items():
        path = unit_dir / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed = True
    if changed:
        _systemctl(systemctl, ["daemon-reload"], run)
        _systemctl(systemctl, ["enable", "--now", f"{UNIT}.timer"], run)
    return changed


def uninstall_systemd(
    unit_dir: Path, *, systemctl: str | None = "systemctl", run: Runner = subprocess.run
) -> bool:
    paths = [unit_dir / f"{UNIT}.timer", unit_dir / f"{UNIT}.service"]
    if not any(p.exists() for p in paths):
        return False
    _systemctl(systemctl, ["disable", "--now", f"{UNIT}.timer"], run)
    for p in paths:
        p.unlink(missing_ok=True)
    _systemctl(systemctl, ["daemon-reload"], run)
    return True


def pick_method(which: Callable[[str], str | None] = shutil.which) -> Method:
    """systemd when a user manager runs here, else cron."""
    run_dir = Path(f"/run/user/{os.getuid()}/systemd") if hasattr(os, "getuid") else None
    if which("systemctl") and run_dir is not None and run_dir.is_dir():
        return "systemd"
    return "cron"


def parse_at(raw: str) -> time:
    """A time of day as HH:MM (09:00), or InputError."""
    if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", raw):
        raise InputError(f"the time must be HH:MM, e.g. 09:00, not '{raw[:20]}'")
    return time.fromisoformat(raw)


def places() -> tuple[str, Path, str | None]:
    """The crontab command, the unit folder and systemctl: the person's own unless the environment says
    otherwise (COACH_CRONTAB, COACH_SYSTEMD_USER_DIR, COACH_SYSTEMCTL; an empty COACH_SYSTEMCTL skips it)."""
    env = os.environ
    unit_dir = Path(env["COACH_SYSTEMD_USER_DIR"]) if env.get("COACH_SYSTEMD_USER_DIR") else None
    systemctl = env.get("COACH_SYSTEMCTL", "systemctl") or None
    return env.get("COACH_CRONTAB") or "crontab", unit_dir or default_unit_dir(), systemctl


def install_daily(method: str, at: time, profile: str | None, uninstall: bool) -> dict[str, Any]:
    """Add (or with uninstall, remove) the daily job: a systemd user timer or a crontab line, idempotently.
    What was done, as the CLI's --json prints it."""
    crontab, unit_dir, systemctl = places()
    chosen = pick_method() if method == "auto" else method
    if uninstall:
        removed: list[str] = []
        if (method in ("auto", "systemd")) and uninstall_systemd(unit_dir, systemctl=systemctl):
            removed.append("systemd")
        cron_here = method == "cron" or shutil.which(crontab.split()[0]) is not None
        if method in ("auto", "cron") and cron_here and uninstall_cron(crontab=crontab):
            removed.append("cron")
        return {"action": "uninstall", "removed": removed}
    command, env = remind_command(profile), job_env()
    if chosen == "systemd":
        changed = install_systemd(units(command, at, env), unit_dir, systemctl=systemctl)
        where = str(unit_dir / f"{UNIT}.timer")
    else:
        line = cron_line(command, at, {**env, **session_bus()})
        changed = install_cron(line, crontab=crontab)
        where = "crontab"
    from coach.config import load_settings

    quiet = load_settings().quiet_hours
    return {
        "action": "install",
        "method": chosen,
        "changed": changed,
        "where": where,
        "at": f"{at:%H:%M}",
        "in_quiet_hours": in_quiet_hours(at, quiet),
    }
