"""The settings screen through Pilot: profiles, the language model and its test, import, export, backup;
focus, tab keys, toggles that say their state, labelled path fields and results in view at 80x24."""

from __future__ import annotations

import sqlite3
import tomllib
from pathlib import Path

import pytest
from rich.text import Text
from textual.color import Color
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Select, Static, Tab, TabbedContent, Tabs

from coach.services import Coach
from tui.app import CoachApp
from tui.data import DataPane
from tui.home import HomeScreen
from tui.settings import LLMPane, ProfilePane, SettingsScreen
from tui.toggle import Toggle

FIX = Path(__file__).parent / "fixtures" / "transfer"


def plain(widget) -> str:  # type: ignore[no-untyped-def]
    rendered = widget.render()
    return str(getattr(rendered, "plain", rendered))


def status(screen: SettingsScreen) -> str:
    """The status line above the footer, where saves and refusals are said."""
    return plain(screen.query_one("#settings-status"))


def config_file(home: Path) -> dict[str, object]:
    path = home / "config.toml"
    return tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


async def open_settings(app: CoachApp, pilot: Pilot[int], tab: str) -> SettingsScreen:
    await pilot.pause()
    await pilot.press("s")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, SettingsScreen)
    screen.query_one("#settings-tabs").active = tab  # type: ignore[attr-defined]
    await pilot.pause()
    return screen


async def settle(app: CoachApp, pilot: Pilot[int]) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


async def submit(pilot: Pilot[int], field: Input, value: str) -> None:
    field.value = value
    field.focus()
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()


# --- profile ---------------------------------------------------------------------------------------------
async def test_switching_and_adding_profiles(coach: Coach, home: Path) -> None:
    coach.store.profiles.add("Ana")
    coach.store.profiles.add("Ben [bold]")
    app = CoachApp(coach, "Ana", warm=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(app, pilot, "tab-profile")
        pane = screen.query_one(ProfilePane)
        assert "Active profile: Ana" in plain(pane.query_one("#profile-active"))
        pane.query_one("#profile-select", Select).value = "Ben [bold]"
        await pilot.pause()
        assert config_file(home)["profile"] == "Ben [bold]"
        assert app.profile_name == "Ben [bold]" and app.coach.settings.profile == "Ben [bold]"
        assert "Active profile: Ben [bold]" in plain(pane.query_one("#profile-active"))

        field = pane.query_one("#profile-new", Input)
        pane.query_one("#profile-role", Select).value = "mentor"
        await submit(pilot, field, "Cleo")  # added, not switched to: the person chooses when
        assert coach.store.profiles.by_name("Cleo").role == "mentor"
        assert app.profile_name == "Ben [bold]" and config_file(home)["profile"] == "Ben [bold]"
        assert "Added Cleo (mentor)" in status(screen) and field.value == ""
        select = pane.query_one("#profile-select", Select)
        # the list holds the three profiles and no blank "No profile yet" entry
        assert [value for _, value in select._options] == ["Ana", "Ben [bold]", "Cleo"]
        select.value = "Cleo"
        await pilot.pause()
        assert app.profile_name == "Cleo" and config_file(home)["profile"] == "Cleo"

        await submit(pilot, field, "Ana")  # a name in use is refused and stays typed
        assert "already exists" in status(screen)
        assert field.value == "Ana" and app.profile_name == "Cleo"

        await pilot.press("escape", "escape")  # the first leaves the name field, the second the screen
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert "Cleo" in plain(app.screen.query_one("#who"))


async def test_the_first_profile_added_in_settings_is_the_active_one(coach: Coach, home: Path) -> None:
    app = CoachApp(coach, warm=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("escape")  # out of the home's name field, as its placeholder says
        screen = await open_settings(app, pilot, "tab-profile")
        pane = screen.query_one(ProfilePane)
        select = pane.query_one("#profile-select", Select)
        assert select.disabled and "No profile yet" in str(select.prompt)
        await submit(pilot, pane.query_one("#profile-new", Input), "Dana")
        assert app.profile_name == "Dana"
        assert "Active profile: Dana" in plain(pane.query_one("#profile-active"))
        assert not select.disabled and [value for _, value in select._options] == ["Dana"]


async def test_an_environment_profile_is_named_as_the_override(
    coach: Coach, monkeypatch: pytest.MonkeyPatch
) -> None:
    coach.store.profiles.add("Ana")
    monkeypatch.setenv("COACH_PROFILE", "Ana")
    app = CoachApp(coach, warm=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(app, pilot, "tab-profile")
        shown = plain(screen.query_one("#profile-active"))
        assert "COACH_PROFILE in the environment, which overrides config.toml" in shown


# --- language model -------------------------------------------------------------------------------------
async def test_llm_fields_save_show_their_source_and_refuse_bad_values(
    coach: Coach, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    coach.store.profiles.add("Ana")
    monkeypatch.setenv("COACH_LLM_MODEL", "from-env")
    app = CoachApp(coach, warm=False)
    app.reload_settings()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(app, pilot, "tab-llm")
        pane = screen.query_one(LLMPane)
        assert config_file(home) == {}  # opening the screen writes nothing
        assert plain(pane.query_one("#src-llm_timeout")) == "default"
        source = plain(pane.query_one("#src-llm_model"))
        assert "COACH_LLM_MODEL in the environment, which overrides" in source
        assert pane.query_one("#llm_model", Input).value == "from-env"

        pane.query_one("#llm_provider", Select).value = "ollama"
        await pilot.pause()
        assert config_file(home) == {"llm_provider": "ollama"}
        assert app.coach.settings.llm_provider == "ollama"
        assert "config.toml" in plain(pane.query_one("#src-llm_provider"))

        timeout = pane.query_one("#llm_timeout", Input)
        await submit(pilot, timeout, "soon")
        assert "llm_timeout" in status(screen)
        assert timeout.value == "soon" and "llm_timeout" not in config_file(home)
        await submit(pilot, timeout, "12.5")
        assert config_file(home)["llm_timeout"] == 12.5 and app.coach.settings.llm_timeout == 12.5

        await submit(pilot, pane.query_one("#llm_base_url", Input), "http://127.0.0.1:11434")
        assert config_file(home)["llm_base_url"] == "http://127.0.0.1:11434"
        await submit(pilot, pane.query_one("#llm_base_url", Input), "")  # empty: back to the default
        assert "llm_base_url" not in config_file(home)

        toggle = pane.query_one("#local_only", Toggle)
        assert toggle.value and "on: only a model on this machine" in plain(toggle)
        toggle.value = False
        await pilot.pause()
        assert config_file(home)["local_only"] is False and not app.coach.settings.local_only
        assert "off: a remote server may be used" in plain(toggle)


async def run_test_connection(app: CoachApp, pilot: Pilot[int], pane: LLMPane) -> str:
    pane.query_one("#llm-test", Button).press()
    await pilot.pause()
    await settle(app, pilot)
    return plain(pane.query_one("#llm-result"))


def result_style(pane: LLMPane) -> str:
    shown = pane.query_one("#llm-result", Static).content
    assert isinstance(shown, Text)
    return str(shown.spans[-1].style)


async def test_connection_test_with_no_model_and_with_an_unreachable_server(coach: Coach) -> None:
    coach.store.profiles.add("Ana")
    app = CoachApp(coach, warm=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(app, pilot, "tab-llm")
        pane = screen.query_one(LLMPane)
        line = await run_test_connection(app, pilot, pane)
        assert line.startswith("✓") and "guided engine" in line
        assert result_style(pane) == "green"

        pane.query_one("#llm_provider", Select).value = "openai"
        pane.query_one("#llm_base_url", Input).value = "http://127.0.0.1:9/v1"  # saved by the test button
        pane.query_one("#llm_timeout", Input).value = "5"
        line = await run_test_connection(app, pilot, pane)
        assert line.startswith("✗") and "openai" in line
        assert result_style(pane) == "red"
        assert app.coach.settings.llm_base_url == "http://127.0.0.1:9/v1"
        assert app.is_running and not pane.query_one("#llm-test", Button).disabled


async def test_local_only_refuses_a_remote_server(coach: Coach) -> None:
    coach.store.profiles.add("Ana")
    app = CoachApp(coach, warm=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(app, pilot, "tab-llm")
        pane = screen.query_one(LLMPane)
        pane.query_one("#llm_provider", Select).value = "openai"
        pane.query_one("#llm_base_url", Input).value = "https://llm.example.com/v1"
        line = await run_test_connection(app, pilot, pane)
        assert line.startswith("✗") and "local_only is on" in line and "llm.example.com" in line
        assert result_style(pane) == "red"


# --- data -----------------------------------------------------------------------------------------------
async def run_section(app: CoachApp, pilot: Pilot[int], pane: DataPane, button: str) -> str:
    pane.query_one(f"#{button}-run", Button).press()
    await pilot.pause()
    await settle(app, pilot)
    return plain(pane.query_one(f"#{button}-report"))


async def test_import_a_jrnl_file_dry_then_for_real_then_again(coach: Coach) -> None:
    prof = coach.store.profiles.add("Ana")
    app = CoachApp(coach, warm=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(app, pilot, "tab-data")
        pane = screen.query_one(DataPane)
        pane.query_one("#import-path", Input).value = str(FIX / "jrnl.json")
        pane.query_one("#import-dry", Checkbox).value = True
        report = await run_section(app, pilot, pane, "import")
        assert report.startswith("Dry run, nothing written: 2 entries would be imported into Ana")
        assert "Ran the Heron workshop." in report
        assert coach.store.sessions.list(prof.id or 0) == []

        pane.query_one("#import-dry", Checkbox).value = False
        report = await run_section(app, pilot, pane, "import")
        assert report.startswith("Imported 2 entries into Ana; skipped 0 duplicates and 0 invalid.")
        assert "Indexed" in report and "searchable now" in report
        assert len(coach.store.sessions.list(prof.id or 0)) == 2
        assert not pane.query_one("#import-progress").display
        hits = coach.search("Heron workshop senior people left early", kind="history")
        assert any("Heron" in h.text for h in hits)

        report = await run_section(app, pilot, pane, "import")
        assert "Imported 0 entries" in report and "skipped 2 duplicates" in report
        assert "duplicate (already imported (session" in report


async def test_a_bad_import_is_reported_and_the_path_kept(coach: Coach, tmp_path: Path) -> None:
    coach.store.profiles.add("Ana")
    app = CoachApp(coach, warm=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(app, pilot, "tab-data")
        pane = screen.query_one(DataPane)
        pane.query_one("#import-format", Select).value = "dayone"
        field = pane.query_one("#import-path", Input)
        field.value = str(FIX / "jrnl.json")
        report = await run_section(app, pilot, pane, "import")
        assert "not a Day One export" in report
        assert field.value == str(FIX / "jrnl.json") and app.is_running
        assert not pane.query_one("#import-run", Button).disabled

        field.value = str(tmp_path / "nowhere.json")
        pane.query_one("#import-format", Select).value = "jrnl"
        assert "no such file" in await run_section(app, pilot, pane, "import")


async def test_export_json_and_markdown_and_back_up(coach: Coach, tmp_path: Path) -> None:
    coach.store.profiles.add("Ana")
    app = CoachApp(coach, warm=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(app, pilot, "tab-data")
        pane = screen.query_one(DataPane)
        out = pane.query_one("#export-out", Input)
        assert out.value.startswith("~/coach-export-") and out.value.endswith(".json")
        pane.query_one("#export-format", Select).value = "markdown"
        await pilot.pause()
        assert not out.value.endswith(".json")  # the suggestion follows the format

        pane.query_one("#export-format", Select).value = "json"
        out.value = str(tmp_path / "all.json")
        pane.query_one("#export-all", Checkbox).value = True
        report = await run_section(app, pilot, pane, "export")
        assert report.startswith("Exported 1 profile(s)")
        assert '"format": "coach-export"' in (tmp_path / "all.json").read_text(encoding="utf-8")
        assert (tmp_path / "all.json").stat().st_mode & 0o777 == 0o600
        assert "already exists" in await run_section(app, pilot, pane, "export")

        pane.query_one("#export-format", Select).value = "markdown"
        out.value = str(tmp_path / "md")
        await run_section(app, pilot, pane, "export")
        assert (tmp_path / "md" / "Ana" / "goals.md").is_file() or any((tmp_path / "md").iterdir())

        pane.query_one("#backup-out", Input).value = str(tmp_path / "copy.db")
        report = await run_section(app, pilot, pane, "backup")
        assert report.startswith(f"Backed up to {tmp_path / 'copy.db'}")
        with sqlite3.connect(tmp_path / "copy.db") as conn:
            assert conn.execute("SELECT name FROM profiles").fetchall() == [("Ana",)]
        assert "already exists" in await run_section(app, pilot, pane, "backup")

        pane.query_one("#backup-out", Input).value = ""
        report = await run_section(app, pilot, pane, "backup")
        assert "/backups/coach-" in report
        assert "COACH_HOME" in plain(pane.query_one(".restore"))
        pane.query_one("#restore-path", Input).value = str(tmp_path / "copy.db")
        refused = await run_section(app, pilot, pane, "restore")
        assert "empty" in refused and coach.store.profiles.list()[0].name == "Ana"


async def test_a_new_home_restores_a_backup_from_the_settings_screen(
    coach: Coach, tmp_path: Path, embedder
) -> None:  # type: ignore[no-untyped-def]
    from coach.models import Goal
    from coach.store import Store
    from coach.transfer.backup import backup

    with Store.open(tmp_path / "old") as old:
        pid = old.profiles.add("Ana [old]").id or 0
        old.goals.add(Goal(profile_id=pid, title="Run a 10k in [spring]"))
    copy = backup(tmp_path / "old", tmp_path / "old.db").path
    app = CoachApp(coach, warm=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(SettingsScreen())  # a new user's home has the name field focused: no "s" key
        await pilot.pause()
        app.screen.query_one("#settings-tabs").active = "tab-data"  # type: ignore[attr-defined]
        await pilot.pause()
        pane = app.screen.query_one(DataPane)
        cut = tmp_path / "cut.db"
        cut.write_bytes(copy.read_bytes()[: copy.stat().st_size // 2])
        pane.query_one("#restore-path", Input).value = str(cut)
        report = await run_section(app, pilot, pane, "restore")  # the CLI's one line, the home untouched
        assert report == f"{cut} is not a usable backup: database disk image is malformed"
        assert coach.store.profiles.list() == []
        pane.query_one("#restore-path", Input).value = str(copy)
        report = await run_section(app, pilot, pane, "restore")
        assert report.startswith(f"Restored {copy}") and "indexed" in report
        assert [p.name for p in coach.store.profiles.list()] == ["Ana [old]"]
        await app.pop_screen()
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert not app.screen.query("#new-profile")  # the name field is gone once a profile exists
        assert "Ana [old]" in plain(app.screen.query_one("#who"))
        hits = coach.search("running race in spring", kind="history", k=3)
        assert any("10k" in h.text for h in hits)


async def test_a_broken_config_file_is_named_not_fatal(coach: Coach, home: Path) -> None:
    coach.store.profiles.add("Ana")
    (home / "config.toml").write_text("llm_provider = [broken\n", encoding="utf-8")
    app = CoachApp(coach, warm=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(app, pilot, "tab-llm")
        assert "is not valid TOML" in status(screen)
        assert app.is_running


async def test_entries_stored_but_not_indexed_are_reported_as_such(
    coach: Coach, monkeypatch: pytest.MonkeyPatch
) -> None:
    prof = coach.store.profiles.add("Ana")

    def broken() -> int:
        raise RuntimeError("the index is busy")

    monkeypatch.setattr(coach.index, "sync", broken)
    app = CoachApp(coach, warm=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(app, pilot, "tab-data")
        pane = screen.query_one(DataPane)
        pane.query_one("#import-path", Input).value = str(FIX / "jrnl.json")
        report = await run_section(app, pilot, pane, "import")
        assert report.startswith("Imported 2 entries into Ana")
        assert "Stored, but not searchable yet (RuntimeError: the index is busy)" in report
        assert len(coach.store.sessions.list(prof.id or 0)) == 2


# --- focus, tab keys, toggles, path fields, results at 80x24 (issue 15) ----------------------------------
def first_cell(widget) -> str:  # type: ignore[no-untyped-def]
    """The left-most character the widget draws, its border included."""
    return widget.render_lines(Region(0, 0, widget.outer_size.width, 1))[0].text[:1]


def shown_keys(screen: SettingsScreen) -> set[str]:
    """The keys the footer lists: shown bindings that apply now."""
    return {key for key, active in screen.active_bindings.items() if active.binding.show}


async def test_every_focused_widget_draws_a_bar_and_lights_its_row_and_section(coach: Coach) -> None:
    coach.store.profiles.add("Ana")
    app = CoachApp(coach, "Ana", warm=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(app, pilot, "tab-profile")
        accent = Color.parse(app.theme_variables["accent"])
        for theme in ("textual-dark", "textual-light"):
            app.theme = theme
            for key in ("1", "2", "3"):
                screen.query_one(Tabs).focus()
                await pilot.press(key)
                await pilot.pause()
                fields = [w for w in screen.focus_chain if isinstance(w, Input | Select | Checkbox | Button)]
                assert len(fields) >= 3
                for field in fields:
                    field.focus()
                    await pilot.pause()
                    # a glyph, not a shade: it reads in 16 colours and in either theme
                    assert field.styles.border_left == ("outer", accent), field.id
                    assert first_cell(field) == "▌", field.id
                    others = [w for w in fields if w is not field]
                    assert all(w.styles.border_left[0] == "blank" for w in others)
                    assert {first_cell(w) for w in others} == {" "}  # nothing shifts when focus moves
                    row = field.parent
                    assert isinstance(row, Widget)
                    if row.has_class("field") and row.query(".field-label"):
                        assert row.query_one(".field-label").styles.color == accent

        pane = screen.query_one(DataPane)
        pane.query_one("#export-out", Input).focus()
        await pilot.pause()
        headings = {h.parent.id: h.styles.color for h in pane.query(".heading")}  # type: ignore[union-attr]
        assert headings.pop("export-section") == accent
        assert accent not in headings.values()
        pane.focus()  # the pane itself takes the focus to scroll a long report
        await pilot.pause()
        assert pane.styles.border_left == ("outer", accent) and first_cell(pane) == "▌"
        tabs = screen.query_one(Tabs)
        tabs.focus()
        await pilot.pause()
        assert "reverse" in str(tabs.query_one(".-active").styles.text_style)
        assert pane.styles.border_left[0] == "blank"


async def test_keys_for_the_tabs_and_a_footer_of_the_keys_that_apply(coach: Coach) -> None:
    coach.store.profiles.add("Ana")
    app = CoachApp(coach, "Ana", warm=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(app, pilot, "tab-profile")
        tabs = screen.query_one("#settings-tabs", TabbedContent)
        labels = [str(t.label) for t in screen.query(Tab)]
        assert labels == ["1 Profile", "2 Language model", "3 Data", "4 Between sessions"]
        assert shown_keys(screen) == {"escape", "1", "2", "3", "4"}
        assert screen.active_bindings["escape"].binding.description == "Back"

        await pilot.press("3")
        await pilot.pause()
        assert tabs.active == "tab-data" and screen.focused is screen.query_one("#import-format")
        await pilot.press("2")
        await pilot.pause()
        assert tabs.active == "tab-llm" and screen.focused is screen.query_one("#llm_provider")

        timeout = screen.query_one("#llm_timeout", Input)
        timeout.focus()
        timeout.value = ""
        await pilot.pause()
        await pilot.press("1", "2")  # typing: the digits are the field's, and the footer says how out
        await pilot.pause()
        assert timeout.value == "12" and tabs.active == "tab-llm"
        assert shown_keys(screen) == {"escape"}
        assert screen.active_bindings["escape"].binding.description == "Leave field"
        await pilot.press("escape")  # out of the field, still in Settings, onto the tab bar
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen) and screen.focused is screen.query_one(Tabs)
        assert shown_keys(screen) == {"escape", "1", "2", "3", "4"}
        await pilot.press("3")
        await pilot.pause()
        assert tabs.active == "tab-data" and timeout.value == "12"

        screen.query_one("#import-dry", Toggle).focus()
        await pilot.pause()
        assert "space" in shown_keys(screen)  # the toggle's key shows while it has the focus
        await pilot.press("1")
        await pilot.pause()
        assert tabs.active == "tab-profile"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_toggles_say_on_and_off_in_words_and_an_empty_box(coach: Coach) -> None:
    coach.store.profiles.add("Ana")
    app = CoachApp(coach, "Ana", warm=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(app, pilot, "tab-data")
        dry = screen.query_one("#import-dry", Toggle)
        every = screen.query_one("#export-all", Toggle)
        assert plain(dry).strip() == "▐ ▌ Dry run: off"
        assert plain(every).strip() == "▐ ▌ All profiles: off"
        width = dry.outer_size.width
        dry.focus()
        await pilot.press("space")
        await pilot.pause()
        assert dry.value and plain(dry).strip() == "▐X▌ Dry run: on"
        assert dry.outer_size.width == width  # the select beside it does not jump
        await pilot.press("enter")
        await pilot.pause()
        assert not dry.value and plain(dry).strip() == "▐ ▌ Dry run: off"

        await pilot.press("2")
        await pilot.pause()
        local = screen.query_one("#local_only", Toggle)
        assert plain(local).strip() == "▐X▌ on: only a model on this machine"


async def test_a_typed_import_path_goes_to_the_import_field_only(coach: Coach) -> None:
    prof = coach.store.profiles.add("Ana")
    app = CoachApp(coach, "Ana", warm=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(app, pilot, "tab-profile")
        pane = screen.query_one(DataPane)
        rows = {"import-path": "Import from", "export-out": "Export to", "backup-out": "Back up to"}
        rows["restore-path"] = "Restore from"
        for field, label in rows.items():  # each path field is named on its own row
            row = pane.query_one(f"#{field}").parent
            assert isinstance(row, Widget)
            assert plain(row.query_one(".field-label")) == label
        export = pane.query_one("#export-out", Input)
        suggested = export.value

        await pilot.press("3", "tab", "space", "tab")  # format, dry run on, the import path
        await pilot.pause()
        assert screen.focused is pane.query_one("#import-path")
        await pilot.press(*str(FIX / "jrnl.json"), "enter")
        await settle(app, pilot)
        assert pane.query_one("#import-path", Input).value == str(FIX / "jrnl.json")
        assert export.value == suggested
        assert plain(pane.query_one("#import-report")).startswith("Dry run, nothing written: 2 entries")
        assert not pane.query_one("#export-report").display
        assert coach.store.sessions.list(prof.id or 0) == []

        # the way a new user got there: back from the tab bar lands in the export field, which now says so
        screen.query_one(Tabs).focus()
        await pilot.press(*["shift+tab"] * 6)
        await pilot.pause()
        assert screen.focused is export
        assert pane.can_view_entire(export) and pane.can_view_entire(export.parent)  # type: ignore[arg-type]
        assert screen.query_one("#export-section .heading").styles.color == Color.parse(
            app.theme_variables["accent"]
        )


async def test_results_come_into_view_and_pop_up_at_80x24(coach: Coach, tmp_path: Path) -> None:
    coach.store.profiles.add("Ana")
    app = CoachApp(coach, "Ana", warm=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(app, pilot, "tab-data")
        pane = screen.query_one(DataPane)
        pane.query_one("#import-dry", Toggle).value = True
        pane.query_one("#import-path", Input).value = str(FIX / "jrnl.json")
        await run_section(app, pilot, pane, "import")  # a report that pushes the backup row down
        await pilot.pause()
        pane.query_one("#backup-out", Input).value = str(tmp_path / "copy.db")
        pane.query_one("#backup-run", Button).focus()
        await pilot.pause()
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.pause()
        report = pane.query_one("#backup-report")
        assert plain(report).startswith(f"Backed up to {tmp_path / 'copy.db'}")
        assert screen.focused is pane.query_one("#backup-run")  # the button pressed has the focus again
        assert pane.can_view_entire(report) and report.region.bottom <= 23  # above the footer
        told = [n.message for n in app._notifications]
        assert any(m.startswith("Backed up to") for m in told)
        assert any(m.startswith("Dry run, nothing written: 2 entries") and "\n" not in m for m in told)

        pane.query_one("#backup-run", Button).press()  # the same path again: refused, and said so
        await settle(app, pilot)
        assert "already exists" in plain(report) and pane.can_view_entire(report)
        assert any(n.severity == "error" for n in app._notifications)

        await pilot.press("2")
        llm = screen.query_one(LLMPane)
        timeout = llm.query_one("#llm_timeout", Input)
        await submit(pilot, timeout, "soon")  # a refusal shows on the line above the footer, in view
        line = screen.query_one("#settings-status")
        assert "llm_timeout" in status(screen)
        assert line.region.y + line.region.height <= 23 and line.region.height >= 2
        timeout.value = "60"
        llm.query_one("#llm-test", Button).focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert plain(llm.query_one("#llm-result")).startswith("✓")
        assert screen.focused is llm.query_one("#llm-test")
        await pilot.pause()
        assert llm.max_scroll_y > 0 and llm.can_view_entire(llm.query_one("#llm-result"))  # scrolled to it
        assert any("guided engine" in n.message for n in app._notifications)


@pytest.mark.parametrize(
    ("encrypted", "said", "command"), [(False, "Off:", "coach encrypt"), (True, "On:", "coach passphrase")]
)
async def test_the_data_tab_says_whether_the_home_is_encrypted(
    coach: Coach, monkeypatch: pytest.MonkeyPatch, encrypted: bool, said: str, command: str
) -> None:
    # the encrypted home itself is driven end to end in tests/test_crypto_tui.py; here, what the tab says
    monkeypatch.setattr("coach.crypto.is_encrypted", lambda home: encrypted)
    coach.store.profiles.add("Ana")
    app = CoachApp(coach, "Ana", warm=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(app, pilot, "tab-data")
        shown = plain(screen.query_one("#encryption-state"))
        assert shown.startswith(said) and command in shown
