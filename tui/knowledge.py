"""Knowledge: the bundled and the user's own notes, filtered as you type, the chosen one as Markdown."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from coach.errors import CoachError
from coach.retrieval.notes import Note, load_notes
from tui.browse import BrowseScreen, Document


def matches(note: Note, words: list[str]) -> bool:
    """Every word of the filter appears in the title, the tags or the text."""
    hay = " ".join([note.title, *note.tags, note.body]).lower()
    return all(w in hay for w in words)


def note_prompt(note: Note) -> Text:
    text = Text(note.title, style="bold" if note.user else "")
    if note.user:
        text.append("  yours", style="italic green")
    if note.tags:
        text.append("\n" + ", ".join(note.tags), style="dim")
    return text


class KnowledgeScreen(BrowseScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("slash", "focus_filter", "Filter"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.notes: list[Note] = []
        self.shown: list[Note] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="knowledge-body"):
            with Vertical(id="note-side"):
                yield Input(placeholder="Filter by title, tag or word", id="note-filter")
                yield OptionList(id="note-list")
            with VerticalScroll(id="note-view"):
                yield Static(id="note-meta")
                yield Document(id="note-body")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.title = "Knowledge"
        try:
            owner: int | None = self.profile_id
        except CoachError:  # no profile yet: the bundled and shared notes
            owner = None
        found = load_notes(self.coach_app.coach.store.home / "knowledge", owner)
        self.notes = found.notes
        for trouble in found.problems:
            self.notify(trouble, title="A note was skipped", severity="warning", markup=False)
        self.fill("")
        self.query_one("#note-list", OptionList).focus()

    def fill(self, query: str) -> None:
        words = query.lower().split()
        self.shown = [n for n in self.notes if matches(n, words)]
        options = self.query_one("#note-list", OptionList)
        options.clear_options()
        options.add_options([Option(note_prompt(n), id=n.id) for n in self.shown])
        self.sub_title = f"{len(self.shown)} of {len(self.notes)} notes"
        if self.shown:
            options.highlighted = 0
            self.show(self.shown[0])
        else:
            self.query_one("#note-meta", Static).update(Text("No note matches the filter.", style="dim"))
            self.query_one("#note-body", Document).show("")

    def on_input_changed(self, event: Input.Changed) -> None:
        self.fill(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one("#note-list", OptionList).focus()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        # by id: the event may come from before the list was filtered again
        note = next((n for n in self.shown if n.id == event.option.id), None)
        if note is not None:
            self.show(note)

    def show(self, note: Note) -> None:
        meta = Text(note.source or "", style="dim italic")
        if note.tags:
            meta.append(("  ·  " if note.source else "") + "tags: " + ", ".join(note.tags), style="dim")
        self.query_one("#note-meta", Static).update(meta)
        self.query_one("#note-body", Document).show(note.body)
        self.query_one("#note-view", VerticalScroll).scroll_home(animate=False)

    def action_focus_filter(self) -> None:
        self.query_one("#note-filter", Input).focus()
