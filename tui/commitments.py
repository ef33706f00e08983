"""Commitments: open ones first (overdue at the top), then recently reviewed; keys to review each, and to
keep (a new date), shrink (a smaller version) or drop one that slipped."""

from __future__ import annotations

import re
from datetime import date
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Header, Static

from coach.dates import parse_date, read_due, show_date
from coach.errors import InputError
from coach.models import Commitment
from coach.streaks import utc
from tui.browse import INPUT_ERRORS, MARK, BrowseScreen, Form, clip, problem

RECENT = 20
STATUS_STYLE = {"open": "dim", "done": "green", "partial": "yellow", "missed": "red", "dropped": "dim"}
MARKS = {**MARK, "dropped": "–"}
# what the obstacle prompt asks after each review; done needs no reason
ASK = {
    "partial": "What got in the way of the rest? (optional)",
    "missed": "What got in the way? (optional)",
}


def ordered(items: list[Commitment], today: date, *, everything: bool) -> list[Commitment]:
    """Open ones by due date (so overdue first, undated last), then the most recently reviewed."""
    open_ = sorted(
        (c for c in items if c.status == "open"), key=lambda c: (c.due is None, c.due or today, c.id or 0)
    )
    if not everything:
        return open_
    reviewed = sorted((c for c in items if c.status != "open"), key=lambda c: utc(c.updated_at), reverse=True)
    return open_ + reviewed[:RECENT]


class CommitmentsScreen(BrowseScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "review('done')", "Done"),
        Binding("p", "review('partial')", "Partial"),
        Binding("m", "review('missed')", "Missed"),
        Binding("o", "review('open')", "Reopen"),
        Binding("k", "keep", "Keep"),
        Binding("s", "shrink", "Shrink"),
        Binding("x", "drop", "Drop"),
        Binding("f", "toggle_filter", "Open/all"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.everything = True

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="commitment-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="commitment-detail")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.title = "Commitments"
        table = self.query_one("#commitment-table", DataTable)
        table.add_columns("", "Commitment", "Due", "Status")
        self.load()
        table.focus()

    def load(self, select: int | None = None) -> None:
        self.sub_title = "open and recent" if self.everything else "open only"
        table = self.query_one("#commitment-table", DataTable)
        keep = select if select is not None else (c.id if (c := self.selected()) else None)
        table.clear()
        today = self.today()
        items = self.coach_app.coach.store.commitments.list(self.profile_id)
        for c in ordered(items, today, everything=self.everything):
            overdue = c.status == "open" and c.due is not None and c.due < today
            due = Text("—", style="dim")
            if c.due:
                due = Text(show_date(c.due, today, weekday=True), style="bold red" if overdue else "")
            table.add_row(
                Text("●" if overdue else MARKS[c.status], style="red" if overdue else STATUS_STYLE[c.status]),
                Text(clip(c.text, 48)),
                due,
                Text("overdue" if overdue else c.status, style="red" if overdue else STATUS_STYLE[c.status]),
                key=str(c.id),
            )
        if keep is not None and str(keep) in table.rows:
            table.move_cursor(row=table.get_row_index(str(keep)))
        self.show()

    def selected(self) -> Commitment | None:
        table = self.query_one("#commitment-table", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return self.coach_app.coach.store.commitments.get(int(key.value or 0), self.profile_id)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show()

    def show(self) -> None:
        """The whole text of the highlighted commitment, with its goal and what got in the way."""
        detail = self.query_one("#commitment-detail", Static)
        c = self.selected()
        if c is None:
            detail.update(
                Text("Nothing here yet: commitments come from the flows (Esc, then r or p).", style="dim")
            )
            return
        store = self.coach_app.coach.store
        text = Text(c.text)
        if c.goal_id:
            text.append("\nFor the goal: ", style="dim")
            text.append(store.goals.get(c.goal_id).title)
        if c.made_in_session_id:
            made = store.sessions.get(c.made_in_session_id, with_turns=False).started_at
            if made:
                text.append(f"\nMade on {made.astimezone():%a %d %b %Y}", style="dim")
        if c.original_due and c.due:
            text.append(f"\nMoved from {show_date(c.original_due, self.today())}", style="dim")
        if c.replaces_id:
            text.append("\nA smaller version of: ", style="dim")
            text.append(store.commitments.get(c.replaces_id).text)
        if c.obstacle:
            text.append("\nWhat got in the way: ", style="dim")
            text.append(c.obstacle)
        if c.status == "dropped":
            smaller = store.commitments.replacement(c.id or 0)
            if smaller is not None:
                text.append("\nDropped for a smaller version: ", style="dim")
                text.append(smaller.text)
            elif c.drop_reason:
                text.append("\nDropped: ", style="dim")
                text.append(c.drop_reason)
        detail.update(text)

    def action_toggle_filter(self) -> None:
        self.everything = not self.everything
        self.load()

    def action_review(self, status: str) -> None:
        c = self.selected()
        if c is None or c.status == status:
            return
        cid = c.id or 0
        if status in ASK:

            def save(values: dict[str, str]) -> str | None:
                self._set(cid, status, values["note"].strip() or None)
                return None

            hint = "Enter saves · Esc cancels"
            self.app.push_screen(
                Form(f"Mark as {status}", [("note", ASK[status], c.obstacle or "")], save, hint)
            )
            return
        try:
            self._set(cid, status, None)
        except INPUT_ERRORS as exc:
            self.notify(problem(exc), severity="error", markup=False)

    def _set(self, cid: int, status: str, obstacle: str | None) -> None:
        store = self.coach_app.coach.store
        if status == "open":
            # reopening clears the old reasons: they belonged to the review being undone
            store.commitments.edit(cid, self.profile_id, status="open", obstacle=None, drop_reason=None)
        else:
            store.commitments.set_status(cid, status, obstacle=obstacle, profile_id=self.profile_id)
        self.changed = True
        self.load()

    def _slipped(self, verb: str) -> Commitment | None:
        """The highlighted commitment when it can be kept, shrunk or dropped; else None, and why."""
        c = self.selected()
        if c is None:
            return None
        try:
            return self.coach_app.coach.store.commitments.renegotiable(c.id or 0, verb, self.profile_id)
        except InputError as exc:
            # the screen shows no ids: "commitment 3 was replaced by a smaller one (5)" loses both
            said = re.sub(r" \(\d+\)", "", problem(exc).replace(f"commitment {c.id}", "This one"))
            self.notify(said, severity="warning", markup=False)
            return None

    def action_keep(self) -> None:
        c = self._slipped("keep")
        if c is None:
            return
        cid, today = c.id or 0, self.today()

        def save(values: dict[str, str]) -> str | None:
            kept = self.coach_app.coach.store.commitments.keep(
                cid, parse_date(values["due"], today=today), profile_id=self.profile_id
            )
            self._done(cid, f"Kept, now due {show_date(kept.due or today, today, weekday=True)}.")
            return None

        field = ("due", "New date (Friday, 3 Dec, next week, in 5 days)", "")
        self.app.push_screen(Form(f"Keep: {clip(c.text, 60)}", [field], save, "Enter keeps it · Esc cancels"))

    def action_shrink(self) -> None:
        c = self._slipped("shrink")
        if c is None:
            return
        cid, today = c.id or 0, self.today()

        def save(values: dict[str, str]) -> str | None:
            text, when = values["text"].strip(), values["due"].strip()
            if not text:
                return "Say what the smaller version is."
            due = parse_date(when, today=today) if when else read_due(text, today=today)
            if due is None:
                return "By when? Give the smaller version a date."
            smaller = self.coach_app.coach.store.commitments.shrink(
                cid, text, due, profile_id=self.profile_id
            )
            shown = show_date(due, today, weekday=True)
            self._done(smaller.id or 0, f"Shrunk to a smaller version, due {shown}; the original is dropped.")
            return None

        fields = [
            ("text", "The smaller version you can do", ""),
            ("due", "By when? (Friday, 3 Dec, in 5 days)", ""),
        ]
        hint = "Enter saves · Tab next field · Esc cancels"
        self.app.push_screen(Form(f"Shrink: {clip(c.text, 60)}", fields, save, hint))

    def action_drop(self) -> None:
        c = self._slipped("drop")
        if c is None:
            return
        cid = c.id or 0

        def save(values: dict[str, str]) -> str | None:
            reason = values["reason"].strip() or None
            self.coach_app.coach.store.commitments.drop(cid, reason, profile_id=self.profile_id)
            self._done(cid, "Dropped. It no longer counts against your follow-through.")
            return None

        field = ("reason", "Why let it go? (optional)", "")
        hint = "Enter drops it · Esc keeps it as it is"
        self.app.push_screen(Form(f"Drop: {clip(c.text, 60)}?", [field], save, hint))

    def _done(self, select: int, message: str) -> None:
        self.changed = True
        self.load(select)
        self.notify(message, markup=False)
