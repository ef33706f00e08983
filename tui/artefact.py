"""A finished conversation's artefact as Markdown, exported to a private file or copied to the clipboard."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from time import monotonic
from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Markdown, Static

from coach.engine.artefacts import tidy
from coach.engine.results import Artefact
from coach.paths import write_private

CARD_HEADING = "Share-safe card"


def full_text(artefact: Artefact) -> str:
    """The artefact as one Markdown document: the body, then the share-safe card when there is one."""
    text = tidy(artefact.markdown)
    if artefact.card:
        text += f"\n## {CARD_HEADING}\n\n{tidy(artefact.card).rstrip()}\n"
    return text


def default_path(artefact: Artefact, today: date | None = None) -> str:
    return f"~/coach-{artefact.flow}-{(today or date.today()).isoformat()}.md"


def check_target(path: Path) -> str | None:
    """Why the file cannot be written there, or None; an existing file is never overwritten."""
    if path.is_dir():
        return f"{path} is a folder: add a file name"
    if path.exists():
        return f"{path} already exists: choose another name"
    if not path.parent.is_dir():
        return f"the folder {path.parent} does not exist"
    return None


class ExportDialog(ModalScreen[Path | None]):
    """Asks where to write the Markdown; a failure is shown here and the typed path is kept."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, text: str, suggested: str) -> None:
        super().__init__()
        self.text = text
        self.suggested = suggested

    def compose(self) -> ComposeResult:
        with Vertical(id="export-dialog"):
            yield Static(Text("Export to a Markdown file (readable only by you)", style="bold"))
            yield Input(self.suggested, id="export-path")
            yield Static(id="export-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", variant="primary", id="export-save", compact=True)
                yield Button("Cancel", id="export-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted, "#export-path")
    @on(Button.Pressed, "#export-save")
    def save(self) -> None:
        raw = self.query_one("#export-path", Input).value.strip()
        error = self.query_one("#export-error", Static)
        if not raw:
            error.update(Text("Type a path first.", style="red"))
            return
        path = Path(raw).expanduser()
        problem = check_target(path)
        if problem is None:
            try:
                write_private(path, self.text)
            except OSError as exc:
                problem = f"cannot write {path}: {exc.strerror or exc}"
        if problem:
            error.update(Text(problem, style="red"))
            return
        self.dismiss(path)

    @on(Button.Pressed, "#export-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class ArtefactView(Vertical, can_focus=True):
    """Shown at the end of a conversation; focusable so its keys work once the composer is disabled."""

    typing_pause: ClassVar[float] = 1.5
    """Seconds without typing before a letter is read as a command again."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "export", "Export to file"),
        Binding("c", "copy", "Copy"),
        Binding("k", "copy_card", "Copy card"),
    ]

    def __init__(self, artefact: Artefact) -> None:
        super().__init__(classes="artefact-view")
        self.artefact = artefact
        self._typed_at = -1e9  # when a key that is no command was last typed here
        self._told = False

    def on_key(self, event: events.Key) -> None:
        """Someone still typing as if the conversation went on: their letters are not commands. A key
        that is a command counts only after a pause in typing, so "hello" never opens the export."""
        if not event.is_printable:
            return
        typing = monotonic() - self._typed_at < self.typing_pause
        if event.key in self._keys() and not typing:
            return
        event.stop()
        event.prevent_default()
        self._typed_at = monotonic()
        if not self._told:
            self._told = True
            self.notify(
                "This conversation is finished and saved. e exports, c copies, Esc goes home.",
                title=self.artefact.title,
            )

    def _keys(self) -> set[str]:
        return {b.key for b in self.BINDINGS if isinstance(b, Binding)}

    def compose(self) -> ComposeResult:
        yield Markdown(tidy(self.artefact.markdown), classes="artefact")
        if self.artefact.card:
            yield Static(Text(CARD_HEADING, style="bold"))
            yield Markdown(self.artefact.card, classes="artefact")
        with Horizontal(classes="artefact-actions"):
            yield Button("Export… (e)", id="artefact-export", compact=True)
            yield Button("Copy (c)", id="artefact-copy", compact=True)
            if self.artefact.card:
                yield Button("Copy card (k)", id="artefact-copy-card", compact=True)

    def on_mount(self) -> None:
        self._typed_at = monotonic()  # letters still being typed as the conversation ends are not commands
        self.call_after_refresh(self.focus, scroll_visible=False)  # so its keys work at once

    def on_markdown_table_of_contents_updated(self, event: Markdown.TableOfContentsUpdated) -> None:
        # a Markdown widget lays its blocks out after mounting: only then can the view show from its top
        event.stop()
        self.call_after_refresh(self.scroll_visible, top=True, animate=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return action != "copy_card" or bool(self.artefact.card)

    @on(Button.Pressed, "#artefact-export")
    def action_export(self) -> None:
        def done(path: Path | None) -> None:
            if path is not None:
                self.notify(f"Exported to {path}", title=self.artefact.title, markup=False)

        dialog = ExportDialog(full_text(self.artefact), default_path(self.artefact))
        self.app.push_screen(dialog, done)

    @on(Button.Pressed, "#artefact-copy")
    def action_copy(self) -> None:
        self._copy(full_text(self.artefact), f"the {self.artefact.title} summary")

    @on(Button.Pressed, "#artefact-copy-card")
    def action_copy_card(self) -> None:
        if self.artefact.card:
            self._copy(self.artefact.card, "the share-safe card")

    def _copy(self, text: str, what: str) -> None:
        self.app.copy_to_clipboard(text)
        lines = len(text.strip().splitlines())
        self.notify(
            f"Copied {what} ({lines} lines of Markdown). The terminal must allow clipboard writes (OSC 52).",
            title="Clipboard",
            markup=False,
        )
