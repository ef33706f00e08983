"""Settings, tab 4: the daily reminder installed and removed, the calendar exported, the reminder settings."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from icalendar import Calendar

from coach import remind
from coach.models import Commitment
from coach.services import Coach
from tests.test_remind import fake_crontab  # noqa: F401 - a fixture: a crontab kept in a file
from tests.test_tui import plain
from tests.test_tui_settings import config_file, open_settings, settle, submit
from tui.app import CoachApp
from tui.between import BetweenPane


@pytest.fixture
def app(coach: Coach) -> CoachApp:
    pid = coach.store.profiles.add("Ana").id or 0
    coach.store.commitments.add(
        Commitment(profile_id=pid, text="Send the [deck] to Priya", due=date(2026, 12, 10))
    )
    return CoachApp(coach, "Ana", warm=False)


async def test_the_daily_reminder_is_installed_once_and_removed(
    app: CoachApp,
    fake_crontab: tuple[str, Path],  # noqa: F811 - the fixture imported above
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    crontab, table = fake_crontab
    monkeypatch.setenv("COACH_CRONTAB", crontab)
    monkeypatch.setenv("COACH_SYSTEMD_USER_DIR", str(tmp_path / "units"))  # never the person's own
    monkeypatch.setenv("COACH_SYSTEMCTL", "")
    monkeypatch.setattr(remind, "pick_method", lambda *a, **k: "cron")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(app, pilot, "tab-between")
        pane = screen.query_one(BetweenPane)
        await submit(pilot, pane.query_one("#remind-at"), "07:45")  # type: ignore[arg-type]
        await settle(app, pilot)
        assert table.read_text().startswith("45 7 * * * ")
        assert "Every day at 07:45, through a crontab line." in plain(pane.query_one("#remind-report"))
        await submit(pilot, pane.query_one("#remind-at"), "07:45")  # type: ignore[arg-type]
        await settle(app, pilot)
        assert "already set" in plain(pane.query_one("#remind-report"))
        assert len(table.read_text().splitlines()) == 1  # one line, not two
        await submit(pilot, pane.query_one("#remind-at"), "7 o'clock")  # type: ignore[arg-type]
        await settle(app, pilot)
        assert "HH:MM" in plain(pane.query_one("#remind-report"))
        pane.query_one("#remind-remove").press()  # type: ignore[attr-defined]
        await settle(app, pilot)
        assert "Removed the daily reminder (cron)." in plain(pane.query_one("#remind-report"))
        assert "coach" not in table.read_text()


async def test_the_calendar_is_exported_and_read_back(app: CoachApp, tmp_path: Path) -> None:
    out = tmp_path / "my [cal].ics"
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(app, pilot, "tab-between")
        pane = screen.query_one(BetweenPane)
        await submit(pilot, pane.query_one("#calendar-out"), str(out))  # type: ignore[arg-type]
        await settle(app, pilot)
        assert "Wrote" in plain(pane.query_one("#calendar-report")) and "1 to-do" in plain(
            pane.query_one("#calendar-report")
        )
        todos = [c for c in Calendar.from_ical(out.read_bytes()).walk() if c.name == "VTODO"]
        assert [str(t["SUMMARY"]) for t in todos] == ["Send the [deck] to Priya"]
        assert out.stat().st_mode & 0o777 == 0o600
        other = tmp_path / "notes.ics"
        other.write_text("not a coach calendar", encoding="utf-8")
        await submit(pilot, pane.query_one("#calendar-out"), str(other))  # type: ignore[arg-type]
        await settle(app, pilot)
        assert other.read_text(encoding="utf-8") == "not a coach calendar"  # never overwritten
        assert "exists" in plain(pane.query_one("#calendar-report"))


async def test_the_reminder_settings_save_and_refuse(app: CoachApp, home: Path) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(app, pilot, "tab-between")
        pane = screen.query_one(BetweenPane)
        await submit(pilot, pane.query_one("#review_day"), "friday")  # type: ignore[arg-type]
        assert config_file(home)["review_day"] == "friday" and app.coach.settings.review_day == "friday"
        await submit(pilot, pane.query_one("#quiet_hours"), "late")  # type: ignore[arg-type]
        assert "quiet_hours" not in config_file(home)
        assert pane.query_one("#quiet_hours").value == "late"  # type: ignore[attr-defined]


async def test_the_palette_finds_reminders_and_the_calendar(app: CoachApp) -> None:
    from tests.test_tui_keys import CommandList, CommandPalette, until

    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"calendar")
        options = app.screen.query_one(CommandList)
        await until(pilot, lambda: options.option_count > 0)
        assert "Daily reminder and calendar" in str(options.get_option_at_index(0).prompt)
        assert str(options.get_option_at_index(0).prompt).splitlines()[0].endswith("s 4")
