"""The artefact view: Markdown shown, exported to a private file through a dialog, copied to the clipboard."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Input, Markdown, Static

from coach.engine.results import Artefact
from tui.artefact import ArtefactView, ExportDialog, default_path, full_text

BRIEF = Artefact(
    flow="mastermind",
    job="prep",
    title="Mastermind prep",
    markdown="# Hot seat\n\nMy ask: [help] with pricing",
    card="Progress: 3 of 4 done",
    session_id=1,
)


@pytest.fixture(autouse=True)
def _no_typing_pause(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keys pressed at once read as commands here; the pause itself has a test of its own."""
    if "typing" not in request.node.name:
        monkeypatch.setattr(ArtefactView, "typing_pause", 0.0)


class Host(App[None]):
    def __init__(self, artefact: Artefact) -> None:
        super().__init__()
        self.artefact = artefact

    def compose(self) -> ComposeResult:
        yield ArtefactView(self.artefact)

    def on_mount(self) -> None:
        self.query_one(ArtefactView).focus()


def test_the_document_holds_the_card_and_the_path_names_flow_and_date() -> None:
    text = full_text(BRIEF)
    assert text.startswith("# Hot seat") and "## Share-safe card\n\nProgress: 3 of 4 done\n" in text
    assert default_path(BRIEF, date(2025, 3, 14)) == "~/coach-mastermind-2025-03-14.md"
    assert full_text(BRIEF.model_copy(update={"card": None})) == BRIEF.markdown + "\n"


async def test_markdown_and_card_are_shown_and_both_copy(tmp_path: Path) -> None:
    app = Host(BRIEF)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert len(app.query(Markdown)) == 2
        await pilot.press("c")
        assert app.clipboard == full_text(BRIEF)
        await pilot.press("k")
        assert app.clipboard == "Progress: 3 of 4 done"
        await pilot.pause()
        shown = [str(n.message) for n in app._notifications]
        assert any("share-safe card" in m and "OSC 52" in m for m in shown)


async def test_export_writes_a_private_file_and_refuses_to_overwrite(tmp_path: Path) -> None:
    app = Host(BRIEF)
    target = tmp_path / "brief [1].md"
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        field = dialog.query_one("#export-path", Input)
        assert field.value.startswith("~/coach-mastermind-")
        field.value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, ExportDialog)
        assert target.read_text(encoding="utf-8") == full_text(BRIEF)
        assert target.stat().st_mode & 0o777 == 0o600

        await pilot.press("e")
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#export-path", Input).value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ExportDialog)  # still open, the typed path kept
        assert "already exists" in str(dialog.query_one("#export-error", Static).render())
        dialog.query_one("#export-path", Input).value = str(tmp_path / "missing" / "x.md")
        await pilot.press("enter")
        await pilot.pause()
        assert "does not exist" in str(dialog.query_one("#export-error", Static).render())
        assert dialog.query_one("#export-path", Input).value.endswith("x.md")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ExportDialog)


async def test_without_a_card_there_is_no_card_action() -> None:
    app = Host(BRIEF.model_copy(update={"card": None}))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("k")
        assert app.clipboard == ""
        assert not app.query("#artefact-copy-card")


async def test_typing_on_after_the_end_writes_nothing(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Someone still typing "hello" and Enter as the conversation ends: no export dialog, no file, and one
    word saying the conversation is finished."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    app = Host(BRIEF)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*"hello", "enter", *"keep going", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, ExportDialog)
        assert list(tmp_path.iterdir()) == []
        assert app.clipboard == ""
        shown = [str(n.message) for n in app._notifications]
        assert sum("finished and saved" in m for m in shown) == 1
