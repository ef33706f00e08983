"""History: the profile's sessions by date with filters, one session in full, and search over all of it."""

from __future__ import annotations

import re
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Footer, Header, Input, OptionList, Select, Static
from textual.widgets.option_list import Option

from coach.dates import show_date
from coach.models import SESSION_KINDS, Session
from coach.retrieval.lexical import STOP_WORDS, terms
from coach.retrieval.search import Hit
from coach.streaks import day_of
from tui.browse import BrowseScreen, Document, clip
from tui.today import OnThisDayPanel

RESULTS = 12
HIGHLIGHT = "bold black on yellow"


def headline(session: Session) -> str:
    """The first line of the summary that says something (the template's headings only say the kind)."""
    if session.ended_at is None and not session.summary:
        return "(not finished: the same flow picks it up again)"
    lines = [ln.strip() for ln in (session.summary or "").splitlines() if ln.strip()]
    said = [ln for ln in lines if not ln.startswith("#")]
    return (said or [ln.lstrip("# ") for ln in lines] or ["(no summary)"])[0]


def query_words(query: str) -> list[str]:
    """The words worth marking in a snippet: no short ones, no stop words."""
    words = {w for w in re.findall(r"\w+", query) if len(w) > 2 and w.lower() not in STOP_WORDS}
    return sorted(words, key=len, reverse=True)


def has_words(hit: Hit, query: str) -> bool:
    """Whether the hit holds every word of the query (a word may go on: "run" is in "running")."""
    said = f"{hit.title}\n{hit.text}".casefold()
    return all(re.search(rf"(?<!\w){re.escape(word)}", said) for word in terms(query.casefold()))


def hit_prompt(hit: Hit, query: str) -> Text:
    """A result as rich Text: where it is from, then the snippet with the query's words picked out."""
    text = Text(hit.title, style="bold")
    if hit.date and str(hit.date.year) not in hit.title:  # a session's title already says when
        text.append(f"  {hit.date:%d %b %Y}", style="dim")
    if not has_words(hit, query):
        text.append("  related by meaning", style="italic dim")
    text.append("\n")
    snippet = Text(hit.snippet)
    snippet.highlight_words(query_words(query), HIGHLIGHT, case_sensitive=False)
    text.append_text(snippet)
    return text


class HistoryScreen(BrowseScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="history.back", tooltip="Back, or out of the search results"),
        Binding("slash", "focus_search", "Search", id="history.search", tooltip="Type a search"),
        Binding(
            "ctrl+t",
            "toggle_exact",
            "Exact words",
            id="history.exact",
            tooltip="Only entries holding every word, or by meaning and words",
        ),
    ]

    def __init__(self, *, search: bool = False) -> None:
        super().__init__()
        self.start_in_search = search
        self.hits: list[Hit] = []
        self.exact = False
        """Exact words: only entries holding every word of the query. Off: by meaning and words."""
        self.query_text = ""

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="history-bar"):
            yield Input(placeholder="Search your history…", id="history-search")
            yield Select([], prompt="All kinds", id="kind-filter")
            yield Select([], prompt="All flows", id="framework-filter")
        yield Static(id="search-status")
        yield OnThisDayPanel(id="on-this-day")
        with Horizontal(id="history-body"):
            yield DataTable(id="session-table", cursor_type="row", zebra_stripes=True)
            yield OptionList(id="hits", classes="hidden")
            with VerticalScroll(id="session-view"):
                yield Static(id="session-head")
                yield Document(id="session-summary")
                yield Static(id="session-turns")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.title = "History"
        sessions = self.coach_app.coach.store.sessions.list(self.profile_id)
        kinds = [k for k in SESSION_KINDS if any(s.kind == k for s in sessions)]
        self.query_one("#kind-filter", Select).set_options([(Text(k), k) for k in kinds])
        flows = sorted({s.framework for s in sessions if s.framework})
        self.query_one("#framework-filter", Select).set_options([(Text(f), f) for f in flows])
        self.load()
        self.query_one(OnThisDayPanel).load(self.today())
        self.query_one("#history-search" if self.start_in_search else "#session-table").focus()

    def load(self) -> None:
        kind = self.query_one("#kind-filter", Select).value
        framework = self.query_one("#framework-filter", Select).value
        table = self.query_one("#session-table", DataTable)
        keep = table.coordinate_to_cell_key(table.cursor_coordinate).row_key if table.row_count else None
        table.clear(columns=True)  # the column is as wide as the pane, which changes with the window
        room = max(20, (table.size.width or self.app.size.width // 2) - 4)
        table.add_column("Sessions", width=room)
        sessions = self.coach_app.coach.store.sessions.list(
            self.profile_id, kind if isinstance(kind, str) else None
        )
        for s in sessions:
            if isinstance(framework, str) and s.framework != framework:
                continue
            cell = Text(f"{day_of(s.started_at):%a %d %b %Y}", style="bold")
            cell.append(f"  {s.framework or s.kind}\n", style="dim")
            cell.append(clip(headline(s), room))
            table.add_row(cell, height=2, key=str(s.id))
        if keep is not None and keep in table.rows:
            table.move_cursor(row=table.get_row_index(keep))
        if table.row_count:
            self.open_session(int(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or 0))
            return
        self.query_one("#session-head", Static).update(Text("No sessions here yet.", style="dim"))
        self.query_one("#session-summary", Document).show("")
        self.query_one("#session-turns", Static).update("")

    def on_select_changed(self, event: Select.Changed) -> None:
        self.load()

    def on_resize(self) -> None:
        self.call_after_refresh(self.load)  # after the layout, when the list has its new width

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.open_session(int(event.row_key.value or 0))

    def open_session(self, session_id: int) -> None:
        """The whole session: what it was, its summary as Markdown, then every turn as plain text."""
        s = self.coach_app.coach.store.sessions.get(session_id, self.profile_id)
        head = Text(show_date(day_of(s.started_at), long=True), style="bold")
        head.append(f"  {s.kind}" + (f" · {s.framework}" if s.framework else ""), style="dim")
        if s.mood:
            head.append(f"  mood {s.mood}/5", style="dim")
        if s.tags:
            head.append("\nTags: ", style="dim")
            head.append(", ".join(s.tags))
        self.query_one("#session-head", Static).update(head)
        self.query_one("#session-summary", Document).show(s.summary or "")
        turns = Text()
        for turn in s.turns:
            if turn.role == "system":
                continue
            who = "Coach" if turn.role == "coach" else "You"
            turns.append(who, style="bold cyan" if turn.role == "coach" else "bold green")
            turns.append(f"  {turn.stage}\n" if turn.stage else "\n", style="dim")
            turns.append(turn.text + "\n\n")
        self.query_one("#session-turns", Static).update(turns)
        self.query_one("#session-view", VerticalScroll).scroll_home(animate=False)

    # --- search ------------------------------------------------------------------------------------
    def search_ready(self) -> bool:
        """Dense search once the model is loaded and the start-up sync is over (two syncs must not race)."""
        warming = any(w.group == "warm" and not w.is_finished for w in self.app.workers)
        return self.coach_app.coach.index.embedder.loaded.is_set() and not warming

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.search(event.value.strip())

    def search(self, query: str) -> None:
        self.query_text = query
        if not query:
            self.action_clear_search()
            return
        ready = self.search_ready()
        status = "Searching…" if ready else "Search is warming up… matching words only for now."
        self.query_one("#search-status", Static).update(Text(status, style="italic"))
        self.run_search(query, self.profile_id, ready, self.exact)

    def action_toggle_exact(self) -> None:
        """Exact words on or off; a search on screen runs again in the new mode."""
        self.exact = not self.exact
        mode = "exact words: entries holding every word" if self.exact else "by meaning and words"
        self.notify(f"Search {mode}.", title="Search", markup=False, timeout=3)
        if self.query_text:
            self.search(self.query_text)

    @work(thread=True, exclusive=True, group="history-search", exit_on_error=False)
    def run_search(self, query: str, profile_id: int, ready: bool, exact: bool = False) -> None:
        coach = self.coach_app.coach
        try:
            if ready and not exact:
                hits = coach.search(query, kind="history", k=RESULTS)
            else:
                # sync=False: syncing could embed new records, which means loading the model and waiting;
                # the words of what was written since start-up are caught up without it
                if not ready:
                    coach.index.sync_catalogue()
                hits = coach.searcher.search(
                    query, profile_id=profile_id, kind="history", k=RESULTS, mode="lexical", sync=False
                )
        except Exception as exc:  # shown, and the typed query stays in the box
            self.app.call_from_thread(self.search_failed, exc)
            return
        if exact or not ready:  # word matches: the looser half (any of the words) is not kept
            hits = [hit for hit in hits if has_words(hit, query)]
        self.app.call_from_thread(self.show_hits, query, hits, ready)

    def search_failed(self, exc: Exception) -> None:
        self.query_one("#search-status", Static).update(Text("Search failed.", style="red"))
        self.notify(f"{type(exc).__name__}: {exc}", title="Search", severity="error", markup=False)

    def show_hits(self, query: str, hits: list[Hit], ready: bool) -> None:
        # one line per record: a session's summary and its answers are separate chunks
        firsts: dict[str, Hit] = {}
        for hit in hits:
            firsts.setdefault(hit.id, hit)
        hits = self.hits = list(firsts.values())
        results = self.query_one("#hits", OptionList)
        results.clear_options()
        for i, hit in enumerate(hits):
            results.add_options([None] if i else [])  # a rule between results keeps them apart
            results.add_option(Option(hit_prompt(hit, query), id=str(i)))
        count = f"{len(hits)} result{'s' if len(hits) != 1 else ''} for “{query}”"
        if self.exact:
            count += " holding every word"
        elif not ready:
            count += " holding the words (search is still warming up)"
        status = Text(count)
        status.append("  ↑↓ preview · ^t exact words · Esc clears", style="dim")
        self.query_one("#search-status", Static).update(status)
        self.query_one("#session-table", DataTable).add_class("hidden")
        results.remove_class("hidden")
        if hits:
            results.highlighted = 0
            results.focus()
            self.preview(hits[0])

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """The preview follows the highlight as it moves."""
        if event.option.id is not None and self.hits:
            self.preview(self.hits[int(event.option.id)])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.preview(self.hits[int(event.option.id or 0)])

    def preview(self, hit: Hit) -> None:
        kind, _, ident = hit.id.partition(":")
        if kind == "session":
            self.open_session(int(ident))
            return
        # a goal, commitment or meeting: its indexed text is what there is to show here
        self.query_one("#session-head", Static).update(Text(f"{hit.title}  {hit.citation}", style="bold"))
        self.query_one("#session-summary", Document).show(hit.text)  # a meeting's brief is Markdown
        self.query_one("#session-turns", Static).update("")

    def action_focus_search(self) -> None:
        self.query_one("#history-search", Input).focus()

    def action_clear_search(self) -> None:
        self.hits = []
        self.query_one("#hits", OptionList).add_class("hidden")
        self.query_one("#search-status", Static).update("")
        table = self.query_one("#session-table", DataTable)
        table.remove_class("hidden")
        table.focus()

    def action_back(self) -> None:
        if self.hits or not self.query_one("#hits", OptionList).has_class("hidden"):
            self.action_clear_search()
            return
        super().action_back()
