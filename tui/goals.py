"""Goals: list with status and progress, a detail pane, keys to edit, set status and tick milestones."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Footer, Header, Static

from coach.dates import parse_date, show_date
from coach.models import Commitment, Goal, Milestone
from tui.browse import INPUT_ERRORS, MARK, BrowseScreen, Form, clip, problem
from tui.charts import meter

STATUS_STYLE = {"active": "green", "at-risk": "yellow", "done": "cyan", "dropped": "dim"}
# finished goals sink below the ones still being worked on
STATUS_ORDER = {"at-risk": 0, "active": 1, "done": 2, "dropped": 3}


def progress(milestones: list[Milestone], commitments: list[Commitment]) -> tuple[int, int]:
    """Done and total over a goal's milestones and linked commitments, as home counts them: a dropped
    commitment (let go, or shrunk to a smaller version, which counts itself) is in neither."""
    counted = [c for c in commitments if c.status != "dropped"]
    total = len(milestones) + len(counted)
    return sum(m.done for m in milestones) + sum(c.status == "done" for c in counted), total


class GoalsScreen(BrowseScreen):
    shown_goal: int | None = None

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "edit", "Edit"),
        Binding("a", "status('active')", "Active"),
        Binding("r", "status('at-risk')", "At risk"),
        Binding("d", "status('done')", "Done"),
        Binding("x", "status('dropped')", "Drop"),
        Binding("m", "add_milestone", "+Milestone"),
        Binding("t", "tick", "Tick"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="goals-body"):
            yield DataTable(id="goal-table", cursor_type="row", zebra_stripes=True)
            # not focusable itself, so Tab goes from the goals straight to the milestones
            with VerticalScroll(id="goal-side", can_focus=False):
                yield Static(id="goal-detail")
                yield Static(Text("Milestones", style="bold"), classes="heading")
                yield Static(Text("t ticks the next · Tab picks one · m adds", style="dim"))
                yield DataTable(id="milestone-table", cursor_type="row", show_header=False)
                yield Static(id="goal-commitments")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.title = "Goals"
        table = self.query_one("#goal-table", DataTable)
        self.load()
        table.focus()

    def goals(self) -> list[Goal]:
        found = self.coach_app.coach.store.goals.list(self.profile_id)
        return sorted(found, key=lambda g: STATUS_ORDER.get(g.status, 9))

    def load(self, keep: int | None = None) -> None:
        """Fill the table again, keeping the cursor on goal `keep` (or where it was)."""
        table = self.query_one("#goal-table", DataTable)
        keep = keep if keep is not None else self.selected_id()
        store = self.coach_app.coach.store
        table.clear(columns=True)  # columns too: their widths only ever grow
        table.add_columns("Goal", "Status", "Progress")
        # the title takes what the status and progress columns leave, so 80 columns show whole rows
        room = max(12, (table.size.width or self.app.size.width * 3 // 5) - 27)
        for goal in self.goals():
            gid = goal.id or 0
            done, total = progress(
                store.goals.milestones(gid), store.commitments.list(self.profile_id, goal_id=gid)
            )
            table.add_row(
                Text(clip(goal.title, room)),
                Text(goal.status, style=STATUS_STYLE.get(goal.status, "")),
                meter(done, total, 8),
                key=str(gid),
            )
        if keep is not None and str(keep) in table.rows:
            table.move_cursor(row=table.get_row_index(str(keep)))
        self.show()

    def selected_id(self) -> int | None:
        table = self.query_one("#goal-table", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return int(key.value or 0)

    def selected(self) -> Goal | None:
        gid = self.selected_id()
        return None if gid is None else self.coach_app.coach.store.goals.get(gid, self.profile_id)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "goal-table":
            self.show()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "milestone-table":
            self.action_tick()

    def show(self) -> None:
        """The detail pane of the highlighted goal; every user field goes in as plain Text."""
        goal = self.selected()
        detail = self.query_one("#goal-detail", Static)
        milestones = self.query_one("#milestone-table", DataTable)
        # the same goal shown again (after an edit) keeps its milestone cursor
        keep_row = milestones.cursor_row if goal is not None and goal.id == self.shown_goal else 0
        self.shown_goal = goal.id if goal is not None else None
        milestones.clear(columns=not milestones.columns)
        if not milestones.columns:
            milestones.add_columns("", "Milestone", "Due")
        if goal is None:
            detail.update(Text("No goals yet. Press Esc, then g to set one with the GROW flow.", style="dim"))
            self.query_one("#goal-commitments", Static).update("")
            return
        store = self.coach_app.coach.store
        text = Text(goal.title, style="bold")
        text.append(f"\n{goal.status}", style=STATUS_STYLE.get(goal.status, ""))
        for label, value in (("Why", goal.why), ("Measure", goal.measure), ("Target", goal.target)):
            if value:
                text.append(f"\n{label}: ", style="dim")
                text.append(value)
        if goal.due:
            left = (goal.due - self.today()).days
            when = f"in {left} days" if left >= 0 else f"{-left} days ago"
            text.append("\nDue: ", style="dim")
            text.append(f"{goal.due:%a %d %b %Y} ({when})", style="red" if left < 0 else "")
        detail.update(text)
        for ms in store.goals.milestones(goal.id or 0):
            milestones.add_row(
                Text("✓" if ms.done else "○", style="green" if ms.done else "dim"),
                Text(ms.title, style="dim strike" if ms.done else ""),
                Text(show_date(ms.due, self.today()) if ms.due else ""),
                key=str(ms.id),
            )
        milestones.move_cursor(row=keep_row)
        linked = store.commitments.list(self.profile_id, goal_id=goal.id)
        text = Text("Commitments", style="bold")
        for c in linked:
            style = {"done": "green", "dropped": "dim"}.get(c.status, "")
            text.append(f"\n{MARK.get(c.status, '·')} ", style=style)
            text.append(c.text, style="dim" if c.status == "dropped" else "")
            if c.due:
                text.append(f"  due {show_date(c.due, self.today())}", style="dim")
        if not linked:
            text.append("\nnone linked yet", style="dim")
        self.query_one("#goal-commitments", Static).update(text)

    def _saved(self, saved: bool | None) -> None:
        if saved:
            self.changed = True
            self.load()

    def action_edit(self) -> None:
        goal = self.selected()
        if goal is None:
            return
        gid = goal.id or 0
        shown_due = goal.due.isoformat() if goal.due else ""

        def save(values: dict[str, str]) -> str | None:
            changes: dict[str, object] = {"title": values["title"], "why": values["why"].strip() or None}
            raw = values["due"].strip()
            if raw != shown_due:  # an unchanged due date may already be past, and that is fine
                changes["due"] = parse_date(raw, today=self.today()) if raw else None
            self.coach_app.coach.store.goals.edit(gid, self.profile_id, **changes)
            return None

        fields = [
            ("title", "Title", goal.title),
            ("why", "Why it matters", goal.why or ""),
            ("due", "Due", shown_due),
        ]
        self.app.push_screen(Form("Edit goal", fields, save), self._saved)

    def action_status(self, status: str) -> None:
        goal = self.selected()
        if goal is None or goal.status == status:
            return
        try:
            self.coach_app.coach.store.goals.set_status(goal.id or 0, status, self.profile_id)
        except INPUT_ERRORS as exc:
            self.notify(problem(exc), severity="error", markup=False)
            return
        self._saved(True)

    def action_add_milestone(self) -> None:
        goal = self.selected()
        if goal is None:
            return
        gid = goal.id or 0

        def save(values: dict[str, str]) -> str | None:
            raw = values["due"].strip()
            due = parse_date(raw, today=self.today()) if raw else None
            self.coach_app.coach.store.goals.add_milestone(gid, values["title"], due)
            return None

        fields = [("title", "Milestone", ""), ("due", "Due (optional)", "")]
        self.app.push_screen(Form("Add a milestone", fields, save), self._saved)

    def action_tick(self) -> None:
        """With the milestones focused, toggle the highlighted one; otherwise tick the next one not done."""
        table = self.query_one("#milestone-table", DataTable)
        store = self.coach_app.coach.store
        found = store.goals.milestones(self.selected_id() or 0)
        if not found:
            self.notify("This goal has no milestones yet: press m to add one.")
            return
        if table.has_focus:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
            ms = next(m for m in found if str(m.id) == key.value)
        else:
            todo = [m for m in found if not m.done]
            if not todo:
                self.notify("Every milestone is done. Tab to the list to untick one.")
                return
            ms = todo[0]
        store.goals.set_milestone_done(ms.id or 0, not ms.done)
        self._saved(True)

    def on_resize(self) -> None:
        self.call_after_refresh(self.load)  # after the layout, when the table has its new width
