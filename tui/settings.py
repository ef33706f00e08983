"""Settings: the active profile, the language model (with a connection test), and the data tools."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.widget import Widget
from textual.widgets import (
    Button,
    Checkbox,
    Footer,
    Header,
    Input,
    Label,
    Select,
    Static,
    TabbedContent,
    TabPane,
    Tabs,
)

from coach import config
from coach.errors import CoachError
from coach.models import ROLES
from tui.base import CoachScreen
from tui.toggle import Toggle

if TYPE_CHECKING:
    from tui.app import CoachApp

PROVIDERS = ("none", "llamacpp", "ollama", "openai")
TEXT_FIELDS = {"llm_model": "Model", "llm_base_url": "Base URL", "llm_timeout": "Timeout (s)"}
LOCAL_WORDS = ("off: a remote server may be used", "on: only a model on this machine")


class SettingsTab(NamedTuple):
    key: str
    pane: str
    title: str  # the tab's label, after its key
    short: str  # the footer's word for it
    first: str  # the field a tab key focuses


TABS = (
    SettingsTab("1", "tab-profile", "Profile", "Profile", "profile-select"),
    SettingsTab("2", "tab-llm", "Language model", "Model", "llm_provider"),
    SettingsTab("3", "tab-data", "Data", "Data", "import-format"),
    SettingsTab("4", "tab-between", "Between sessions", "Reminders", "remind-at"),
)


def tab_bindings() -> list[BindingType]:
    """A digit per tab. A text field types digits, so there Esc first leaves the field, as on the home screen.

    Alt+digit is no way out of a field: Textual reads ESC+digit as what macOS's Option+digit types ("™")."""
    return [
        Binding(t.key, f"show_tab('{t.pane}')", t.short, id=f"settings.{t.pane}", tooltip=f"Show {t.title}")
        for t in TABS
    ]


def problem(exc: Exception) -> str:
    """One line for the user: the message of a CoachError, else the exception's name and message."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return first if isinstance(exc, CoachError) else f"{type(exc).__name__}: {first}"


def source_line(row: dict[str, Any]) -> Text:
    """Where a value comes from; an environment variable wins over config.toml, so say so."""
    source = str(row["source"])
    if source.startswith("env "):
        var = source.removeprefix("env ")
        return Text(f"from {var} in the environment, which overrides config.toml", style="yellow")
    if source == "default":
        return Text("default", style="dim")
    return Text(f"from {source}", style="dim")


class SettingsPane(VerticalScroll):
    """Base of the tabs: typed access to the app, and results sent up to the screen's status line."""

    class Said(Message):
        """A saved setting or a refusal, for the status line above the footer."""

        def __init__(self, text: Text) -> None:
            super().__init__()
            self.text = text

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self.handed: dict[str, Widget | None] = {}  # a busy button: who was handed its focus

    @property
    def coach_app(self) -> CoachApp:
        from tui.app import CoachApp

        assert isinstance(self.app, CoachApp)
        return self.app

    def status(self, message: str, style: str = "red") -> None:
        """Say it on the status line, which stays in view whichever field has the focus (red: refused)."""
        self.post_message(self.Said(Text(message, style=style)))

    def busy(self, button: str, on: bool) -> None:
        """Disable a button while its work runs; if it had the focus, it has it back when the work is done."""
        widget = self.query_one(f"#{button}", Button)
        had_focus = widget.has_focus
        widget.disabled = on  # Textual hands the focus of a disabled button to the widget before it
        if on and had_focus:
            self.handed[button] = self.screen.focused
        elif not on and (given := self.handed.pop(button, None)) is not None and given.has_focus:
            widget.focus(scroll_visible=False)  # unless the person has moved on since

    def say(self, where: str, text: Text) -> Static:
        """Show progress, a refusal or a result under its section, and scroll it into view."""
        report = self.query_one(f"#{where}", Static)
        shown = text.copy()
        shown.rstrip()  # the reports end each line with a newline
        report.update(shown)
        report.display = True
        report.call_after_refresh(report.scroll_visible, animate=False)
        return report

    def refuse(self, where: str, message: str) -> None:
        self.say(where, Text(message, style="red"))

    def done(self, where: str, button: str, text: Text, failed: bool = False) -> None:
        """A result under its section, scrolled into view; its first line pops up too. The button that
        started the work (if any) answers again."""
        if button:
            self.busy(button, False)
        self.finished(self.say(where, text), text.plain.split("\n")[0], failed)

    def finished(self, shown: Widget, line: str, failed: bool = False) -> None:
        """Work that ran a while is done: scroll its result into view, and pop up its first line."""
        shown.call_after_refresh(shown.scroll_visible, animate=False)
        severity: SeverityLevel = "error" if failed else "information"
        self.notify(line, title="Settings", severity=severity, markup=False)


class ProfilePane(SettingsPane):
    """Switch the active profile (saved in config.toml) or add a new one."""

    def compose(self) -> ComposeResult:
        yield Static(id="profile-active")
        with Horizontal(classes="field"):
            yield Label("Switch to", classes="field-label")
            yield Select[str](
                [], id="profile-select", allow_blank=True, prompt="No profile yet", compact=True
            )
        with Horizontal(classes="field"):
            yield Label("New profile", classes="field-label")
            yield Input(placeholder="Name, then Enter", id="profile-new", compact=True)
            yield Select[str](
                [(Text(r), r) for r in ROLES],
                id="profile-role",
                value="member",
                allow_blank=False,
                compact=True,
            )

    def on_mount(self) -> None:
        self.show()

    def active_name(self) -> str | None:
        try:
            return str(self.coach_app.coach.profile(self.coach_app.profile_name).name)
        except CoachError:
            return None

    def show(self) -> None:
        names = [p.name for p in self.coach_app.coach.store.profiles.list()]
        active = self.active_name()
        text = Text("Active profile: ", style="bold")
        text.append(active or "none yet (add one below)")
        try:
            rows = config.describe()
        except CoachError as exc:  # a broken config.toml or COACH_* variable: say which, keep going
            rows = []
            self.status(problem(exc))
        env = next((r for r in rows if r["name"] == "profile"), None)
        if env and str(env["source"]).startswith("env "):
            text.append("\n")
            text.append_text(source_line(env))
        self.query_one("#profile-active", Static).update(text)
        select = self.query_one("#profile-select", Select)
        # The list holds profiles only: its blank entry ("No profile yet", "Choose one") is there only while
        # no profile is active. Select takes allow_blank once, at construction; this is the same switch.
        select._allow_blank = active not in names
        select.prompt = "Choose one" if names else "No profile yet: add one below"
        select.disabled = not names
        with self.prevent(Select.Changed):
            select.set_options([(Text(n), n) for n in names])
            if active in names:
                select.value = active

    @on(Select.Changed, "#profile-select")
    def chosen(self, event: Select.Changed) -> None:
        if isinstance(event.value, str) and event.value != self.active_name():
            self.switch(event.value)

    def switch(self, name: str) -> None:
        try:
            config.set_value("profile", name)
            self.coach_app.profile_name = name
            self.coach_app.reload_settings()
        except CoachError as exc:
            self.status(problem(exc))
            return
        self.status(f"Switched to {name}.", "green")
        self.show()
        self.coach_app.refresh_home()

    @on(Input.Submitted, "#profile-new")
    def add(self, event: Input.Submitted) -> None:
        role = self.query_one("#profile-role", Select).value
        try:
            created = self.coach_app.coach.store.profiles.add(event.value, str(role))
        except (CoachError, ValueError) as exc:
            self.status(problem(exc))  # the typed name stays in the field
            return
        event.input.value = ""
        if self.active_name() != created.name:  # the first is active at once; others wait to be chosen
            self.status(f"Added {created.name} ({created.role}). Switch to it above when you like.", "green")
            self.show()
            return
        self.switch(created.name)


class LLMPane(SettingsPane):
    """Provider, model, URL, timeout and local_only, each saved to config.toml, and a connection test."""

    def compose(self) -> ComposeResult:
        with Horizontal(classes="field"):
            yield Label("Provider", classes="field-label")
            yield Select[str](
                [(Text(p), p) for p in PROVIDERS], id="llm_provider", allow_blank=False, compact=True
            )
        yield Static(id="src-llm_provider", classes="source")
        for name, label in TEXT_FIELDS.items():
            with Horizontal(classes="field"):
                yield Label(label, classes="field-label")
                yield Input(id=name, placeholder="unset: the default", compact=True)
            yield Static(id=f"src-{name}", classes="source")
        with Horizontal(classes="field"):
            yield Label("Local only", classes="field-label")
            yield Toggle(words=LOCAL_WORDS, id="local_only")
        yield Static(id="src-local_only", classes="source")
        yield Static(Text("Enter saves a field.", style="dim"))
        with Horizontal(classes="buttons"):
            yield Button("Save", id="llm-save", compact=True)
            yield Button("Test connection", id="llm-test", variant="primary", compact=True)
        yield Static(id="llm-result")

    def on_mount(self) -> None:
        settings = self.coach_app.coach.settings
        with self.prevent(Select.Changed, Checkbox.Changed):
            self.query_one("#llm_provider", Select).value = settings.llm_provider
            self.query_one("#local_only", Toggle).value = settings.local_only
        for name in TEXT_FIELDS:
            value = getattr(settings, name)
            self.query_one(f"#{name}", Input).value = "" if value is None else str(value)
        self.shown = {name: self.query_one(f"#{name}", Input).value for name in TEXT_FIELDS}
        self.sources()

    def sources(self) -> None:
        try:
            rows = {r["name"]: r for r in config.describe()}
        except CoachError as exc:
            self.status(problem(exc))
            return
        for name in (*TEXT_FIELDS, "llm_provider", "local_only"):
            self.query_one(f"#src-{name}", Static).update(source_line(rows[name]))

    def save(self, name: str, value: Any) -> bool:
        """Validate and write one setting, then reload; a refusal is shown and the typed text kept."""
        try:
            config.set_value(name, value)
            self.coach_app.reload_settings()
        except CoachError as exc:
            self.status(problem(exc))
            return False
        self.status(f"Saved {name}.", "green")
        self.sources()
        return True

    def save_fields(self) -> bool:
        """Save every text field the user changed; stop at the first refusal."""
        for name in TEXT_FIELDS:
            typed = self.query_one(f"#{name}", Input).value.strip()
            if typed != self.shown[name]:
                if not self.save(name, typed or None):
                    return False
                self.shown[name] = typed
        return True

    # a Select posts Changed once when it first settles on its value: only a real change is saved
    @on(Select.Changed, "#llm_provider")
    def provider(self, event: Select.Changed) -> None:
        if isinstance(event.value, str) and event.value != self.coach_app.coach.settings.llm_provider:
            self.save("llm_provider", event.value)

    @on(Checkbox.Changed, "#local_only")
    def local_only(self, event: Checkbox.Changed) -> None:
        if event.value != self.coach_app.coach.settings.local_only:
            self.save("local_only", event.value)

    @on(Input.Submitted)
    def field(self, event: Input.Submitted) -> None:
        event.stop()
        self.save_fields()

    @on(Button.Pressed, "#llm-save")
    def save_all(self) -> None:
        if self.save_fields():
            self.status("Saved.", "green")

    @on(Button.Pressed, "#llm-test")
    def test(self) -> None:
        if not self.save_fields():
            return
        self.busy("llm-test", True)
        self.query_one("#llm-result", Static).update(Text("Testing the connection…", style="dim"))
        self.check(self.coach_app.coach.settings)

    @work(thread=True, exclusive=True, group="llm-test", exit_on_error=False)
    def check(self, settings: config.Settings) -> None:
        from coach.llm import check_connection

        try:
            line, ok = check_connection(settings, timeout=settings.llm_timeout), True
        except Exception as exc:  # LLMError or PrivacyError carry a one-line reason; anything else, its name
            line, ok = problem(exc), False
        self.app.call_from_thread(self.result, line, ok)

    def result(self, line: str, ok: bool) -> None:
        self.busy("llm-test", False)
        text = Text("✓ " if ok else "✗ ", style="bold green" if ok else "bold red")
        text.append(line, style="green" if ok else "red")
        shown = self.query_one("#llm-result", Static)
        shown.update(text)
        self.finished(shown, text.plain, failed=not ok)


class SettingsScreen(CoachScreen):
    """Three tabs, a key for each, and a status line above the footer for the latest result or refusal."""

    # Focus shows as a bar beside the focused field and in the accent colour on its label and section
    # heading: a shape, not a shade, so it reads in the dark and light themes, in 16 colours and without
    # colour. Each focusable keeps a blank bar when it has no focus, so nothing moves when focus does.
    DEFAULT_CSS = """
    SettingsScreen {
        #settings-tabs { height: 1fr; }
        #settings-tabs TabPane { padding: 0; }
        Tabs:focus .-active { text-style: bold reverse; }
        SettingsPane { padding: 0 1 0 0; border-left: blank; }
        SettingsPane:focus { border-left: outer $accent; }
        .section { height: auto; }
        .section > .heading { text-style: bold; }
        /* a container's own :focus-within rule is what makes Textual restyle its children on focus */
        .section:focus-within { background-tint: $foreground 4%; }
        .section:focus-within > .heading { color: $accent; text-style: bold underline; }
        .field { height: 1; margin-top: 1; }
        .section .field { margin-top: 0; }
        .field:focus-within { background-tint: $foreground 4%; }
        .field-label { width: 14; }
        .field:focus-within > .field-label { color: $accent; text-style: bold; }
        .field Input, .field Select { width: 1fr; }
        .field Checkbox { width: auto; }
        #data-pane .field Checkbox { width: 24; margin-left: 1; }  /* on and off take the same room */
        .field Button { margin-left: 1; }
        /* the classes outrank the compact widgets' own "border: none !important" */
        Input.-textual-compact, Select, Checkbox.-textual-compact, Button.-textual-compact.-style-default {
            border-left: blank !important;
            &:focus { border-left: outer $accent !important; }
        }
        Input:focus { text-style: bold; }
        .source { padding-left: 15; height: auto; }
        .buttons { height: 1; margin-top: 1; }
        .buttons Button { margin-right: 1; }
        #llm-result, .report { height: auto; margin-top: 1; }
        #import-progress { margin-top: 1; }
        #settings-status { height: auto; max-height: 3; padding: 0 1; border-top: solid $primary; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape", "leave_field", "Leave field", id="settings.leave-field", tooltip="Leave the text field"
        ),
        Binding("escape", "leave", "Back", id="settings.back", tooltip="Back to the home screen"),
        *tab_bindings(),
    ]

    def compose(self) -> ComposeResult:
        from tui.between import BetweenPane  # these build on SettingsPane, defined above
        from tui.data import DataPane

        panes = {
            "tab-profile": ProfilePane,
            "tab-llm": LLMPane,
            "tab-data": DataPane,
            "tab-between": BetweenPane,
        }
        yield Header()
        with TabbedContent(id="settings-tabs"):
            for tab in TABS:
                with TabPane(f"{tab.key} {tab.title}", id=tab.pane):
                    yield panes[tab.pane](id=tab.pane.replace("tab-", "") + "-pane")
        yield Static(id="settings-status")
        yield Footer()

    def __init__(self, pane: str = "", field: str = "") -> None:
        super().__init__()
        self.start = (pane, field)
        """The tab and field to open at (the palette's export, backup, …); empty: the first tab."""

    def on_mount(self) -> None:
        self.title = "Settings"
        self.sub_title = str(self.coach_app.coach.store.home)
        self.query_one("#settings-status").display = False
        pane, field = self.start
        if pane:
            self.action_show_tab(pane)
        if field:
            target = self.query_one(f"#{field}")
            self.set_focus(target)
            target.call_after_refresh(target.scroll_visible, animate=False)

    def typing(self) -> bool:
        return isinstance(self.focused, Input)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A text field takes the digits, and Esc leaves the field; elsewhere digits switch, Esc is Back."""
        if action == "leave_field":
            return self.typing()
        if action in ("leave", "show_tab"):
            return not self.typing()
        return True

    def action_show_tab(self, pane: str) -> None:
        self.query_one("#settings-tabs", TabbedContent).active = pane
        first = next(t.first for t in TABS if t.pane == pane)
        # set_focus, not Widget.focus, which waits for a refresh: a key typed right after goes there
        self.set_focus(self.query_one(f"#{first}"))

    def action_leave_field(self) -> None:
        self.set_focus(self.query_one(Tabs))  # at once, so a digit typed right after Esc is not typed

    @on(SettingsPane.Said)
    def said(self, event: SettingsPane.Said) -> None:
        line = self.query_one("#settings-status", Static)
        line.update(event.text)
        line.display = True

    def action_leave(self) -> None:
        self.coach_app.refresh_home()
        self.app.pop_screen()
