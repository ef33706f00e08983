"""coach remind: what is due, quiet hours, notify-send only with a desktop, and an idempotent install into
a temporary crontab or unit folder (never the person's own)."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest

from coach import remind
from coach.models import Commitment, Meeting
from coach.store import Store
from coach.today import build_today
from tests.test_cli import coach

TODAY = date(2026, 12, 2)


def _seed(store: Store, pid: int) -> None:
    store.commitments.add(Commitment(profile_id=pid, text="SECRET-ish text", due=date(2026, 11, 30)))
    store.commitments.add(Commitment(profile_id=pid, text="Call the venue", due=TODAY))
    store.meetings.add(Meeting(profile_id=pid, group_name="Thursday circle", date=date(2026, 12, 3)))


def test_the_reminder_counts_and_never_shows_commitment_text(store: Store, profile_id: int) -> None:
    _seed(store, profile_id)
    note = remind.reminder(build_today(store, profile_id, TODAY, ahead=2))
    assert note.count == 3
    assert note.body == "1 overdue; 1 due today; meeting with Thursday circle tomorrow (coach prep)"
    assert "SECRET" not in note.body
    assert remind.reminder(build_today(store, profile_id, date(2026, 10, 28), ahead=0)).count == 0


@pytest.mark.parametrize(
    ("now", "quiet", "expected"),
    [
        (time(23, 0), "22:00-08:00", True),
        (time(7, 59), "22:00-08:00", True),
        (time(8, 0), "22:00-08:00", False),
        (time(13, 0), "12:00-14:00", True),
        (time(14, 0), "12:00-14:00", False),
        (time(3, 0), "", False),
    ],
)
def test_quiet_hours(now: time, quiet: str, expected: bool) -> None:
    assert remind.in_quiet_hours(now, quiet) is expected


def test_notify_send_only_with_a_desktop_and_the_command() -> None:
    calls: list[list[str]] = []

    def run(args: list[str], **_: Any) -> subprocess.CompletedProcess[str]:
        calls.append(args)
        return subprocess.CompletedProcess(args, 0, "", "")

    note = remind.Reminder("coach", "1 overdue", 1)
    found = lambda name: f"/usr/bin/{name}"  # noqa: E731
    assert not remind.notify(note, env={}, which=found, run=run)  # no desktop session
    assert not remind.notify(note, env={"DISPLAY": ":0"}, which=lambda _: None, run=run)  # no notify-send
    assert not remind.notify(
        remind.Reminder("coach", "Nothing due.", 0), env={"DISPLAY": ":0"}, which=found, run=run
    )
    assert not calls
    assert remind.notify(note, env={"WAYLAND_DISPLAY": "wayland-0"}, which=found, run=run)
    assert calls == [["/usr/bin/notify-send", "--app-name=coach", "coach", "1 overdue"]]


@pytest.fixture
def fake_crontab(tmp_path: Path) -> tuple[str, Path]:
    """A crontab command that keeps its table in a file: -l prints it, - replaces it."""
    table = tmp_path / "crontab.txt"
    script = tmp_path / "fake-crontab"
    script.write_text(
        f"#!{sys.executable}\n"
        "import sys, pathlib\n"
        f"table = pathlib.Path({str(table)!r})\n"
        "if sys.argv[1:] == ['-l']:\n"
        "    if not table.exists():\n"
        "        sys.stderr.write('no crontab for tester\\n'); sys.exit(1)\n"
        "    sys.stdout.write(table.read_text())\n"
        "elif sys.argv[1:] == ['-']:\n"
        "    table.write_text(sys.stdin.read())\n"
        "else:\n"
        "    sys.exit(2)\n",
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script), table


def test_cron_install_is_idempotent_and_keeps_other_lines(fake_crontab: tuple[str, Path]) -> None:
    crontab, table = fake_crontab
    table.write_text("MAILTO=me\n5 4 * * * backup.sh\n", encoding="utf-8")
    line = remind.cron_line(
        ["/venv/python", "-m", "coach", "remind", "--quiet"], time(9, 0), {"COACH_HOME": "/d e"}
    )
    assert line == "0 9 * * * COACH_HOME='/d e' /venv/python -m coach remind --quiet # coach remind"
    assert remind.install_cron(line, crontab=crontab)
    assert not remind.install_cron(line, crontab=crontab)
    later = line.replace("0 9", "30 7", 1)
    assert remind.install_cron(later, crontab=crontab)
    assert table.read_text().splitlines() == ["MAILTO=me", "5 4 * * * backup.sh", later]
    assert remind.uninstall_cron(crontab=crontab)
    assert not remind.uninstall_cron(crontab=crontab)
    assert table.read_text().splitlines() == ["MAILTO=me", "5 4 * * * backup.sh"]


def test_cron_install_into_an_empty_crontab(fake_crontab: tuple[str, Path]) -> None:
    crontab, table = fake_crontab
    assert remind.install_cron("0 9 * * * x # coach remind", crontab=crontab)
    assert table.read_text() == "0 9 * * * x # coach remind\n"


def test_systemd_install_writes_units_once_and_uninstall_removes_them(tmp_path: Path) -> None:
    calls: list[list[str]] = []

    def run(args: list[str], **_: Any) -> subprocess.CompletedProcess[str]:
        calls.append(args)
        return subprocess.CompletedProcess(args, 0, "", "")

    files = remind.units(
        ["/my venv/python", "-m", "coach", "remind", "--quiet"], time(8, 15), {"COACH_HOME": "/h"}
    )
    unit_dir = tmp_path / "units"
    assert remind.install_systemd(files, unit_dir, systemctl="systemctl", run=run)
    service = (unit_dir / "coach-remind.service").read_text()
    assert 'ExecStart="/my venv/python" -m coach remind --quiet' in service
    assert 'Environment="COACH_HOME=/h"' in service
    assert "OnCalendar=*-*-* 08:15:00" in (unit_dir / "coach-remind.timer").read_text()
    assert calls == [
        ["systemctl", "--user", "daemon-reload"],
        ["systemctl", "--user", "enable", "--now", "coach-remind.timer"],
    ]
    assert not remind.install_systemd(files, unit_dir, systemctl="systemctl", run=run)
    assert len(calls) == 2
    assert remind.uninstall_systemd(unit_dir, systemctl="systemctl", run=run)
    assert not list(unit_dir.iterdir()) and calls[2][2:] == ["disable", "--now", "coach-remind.timer"]
    assert not remind.uninstall_systemd(unit_dir, systemctl="systemctl", run=run)


def test_cli_install_and_uninstall_through_the_environment(
    fake_crontab: tuple[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    crontab, table = fake_crontab
    monkeypatch.setenv("COACH_CRONTAB", crontab)
    monkeypatch.setenv("COACH_SYSTEMD_USER_DIR", str(tmp_path / "units"))
    monkeypatch.setenv("COACH_SYSTEMCTL", "")
    code, out, err = coach(capsys, "remind", "--install", "--with", "cron", "--at", "07:45", "--json")
    assert code == 0, err
    assert json.loads(out)["changed"] is True
    assert table.read_text().startswith("45 7 * * * COACH_HOME=")
    code, out, _ = coach(capsys, "remind", "--install", "--with", "cron", "--at", "07:45")
    assert "Already installed" in out
    code, out, _ = coach(capsys, "remind", "--install", "--with", "systemd", "--json")
    assert json.loads(out)["method"] == "systemd" and (tmp_path / "units" / "coach-remind.timer").exists()
    code, out, _ = coach(capsys, "remind", "--uninstall", "--with", "cron", "--json")
    assert json.loads(out)["removed"] == ["cron"] and "coach remind" not in table.read_text()
    code, out, _ = coach(capsys, "remind", "--uninstall", "--with", "systemd", "--json")
    assert (
        json.loads(out)["removed"] == ["systemd"] and not (tmp_path / "units" / "coach-remind.timer").exists()
    )
    code, _, err = coach(capsys, "remind", "--install", "--at", "25:00")
    assert code == 2 and "HH:MM" in err


def test_cli_remind_prints_what_is_due(
    store: Store, profile_id: int, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _seed(store, profile_id)
    store.close()
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    code, out, err = coach(capsys, "remind", "--date", "2026-12-02", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["reminder"]["count"] == 3 and data["notified"] is False
    code, out, _ = coach(capsys, "remind", "--date", "2026-12-02")
    assert "Overdue (1):" in out and "On this day" not in out
    code, out, _ = coach(capsys, "remind", "--date", "2026-12-02", "--quiet")
    assert code == 0 and out == ""


def test_a_cron_job_finds_the_desktop_bus(tmp_path: Path) -> None:
    assert remind.session_bus(tmp_path) == {}
    (tmp_path / "bus").touch()
    assert remind.session_bus(tmp_path) == {"DBUS_SESSION_BUS_ADDRESS": f"unix:path={tmp_path / 'bus'}"}


def test_an_install_in_quiet_hours_says_so(
    fake_crontab: tuple[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COACH_CRONTAB", fake_crontab[0])
    code, out, err = coach(capsys, "remind", "--install", "--with", "cron", "--at", "23:30")
    assert code == 0, err
    assert "quiet hours" in out
