"""Settings: the active profile, the language model (with a connection test), and the data tools."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import (
    Button,
    Footer,
    Header,
    Input,
    Label,
    Select,
    Static,
    Switch,
    TabbedContent,
    TabPane,
)

from coach import config
from coach.errors import CoachError
from coach.models import ROLES
from tui.base import CoachScreen

if TYPE_CHECKING:
    from tui.app import CoachApp

PROVIDERS = ("none", "llamacpp", "ollama", "openai")
TEXT_FIELDS = {"llm_model": "Model", "llm_base_url": "Base URL", "llm_timeout": "Timeout (s)"}


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
    """Base of the tabs: typed access to the app, and a status line for errors."""

    @property
    def coach_app(self) -> CoachApp:
        from tui.app import CoachApp

        assert isinstance(self.app, CoachApp)
        return self.app

    def status(self, message: str, style: str = "red") -> None:
        self.query_one(".pane-status", Static).update(Text(message, style=style))


class ProfilePane(SettingsPane):
    """Switch the active profile (saved in config.toml) or add a new one."""

    def compose(self) -> ComposeResult:
        yield Static(id="profile-active")
        yield Label("Switch to")
        yield Select[str]([], id="profile-select", allow_blank=True, prompt="No profile yet", compact=True)
        yield Label("Add a profile")
        with Horizontal(classes="field"):
            yield Input(placeholder="Name, then Enter", id="profile-new", compact=True)
            yield Select[str](
                [(Text(r), r) for r in ROLES],
                id="profile-role",
                value="member",
                allow_blank=False,
                compact=True,
            )
        yield Static(classes="pane-status")

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
            yield Switch(id="local_only")
            yield Label(id="local-state")
        yield Static(
            Text("On: only a model on this machine is used; a remote URL is refused.", style="dim"),
            classes="source",
        )
        yield Static(id="src-local_only", classes="source")
        yield Static(Text("Enter saves a field.", style="dim"))
        with Horizontal(classes="buttons"):
            yield Button("Save", id="llm-save", compact=True)
            yield Button("Test connection", id="llm-test", variant="primary", compact=True)
        yield Static(id="llm-result")
        yield Static(classes="pane-status")

    def on_mount(self) -> None:
        settings = self.coach_app.coach.settings
        with self.prevent(Select.Changed, Switch.Changed):
            self.query_one("#llm_provider", Select).value = settings.llm_provider
            self.query_one("#local_only", Switch).value = settings.local_only
        self.query_one("#local-state", Label).update("on" if settings.local_only else "off")
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

    @on(Switch.Changed, "#local_only")
    def local_only(self, event: Switch.Changed) -> None:
        self.query_one("#local-state", Label).update("on" if event.value else "off")
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
        self.query_one("#llm-test", Button).disabled = True
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
        self.query_one("#llm-test", Button).disabled = False
        text = Text("✓ " if ok else "✗ ", style="bold green" if ok else "bold red")
        text.append(line, style="green" if ok else "red")
        self.query_one("#llm-result", Static).update(text)


class SettingsScreen(CoachScreen):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "leave", "Back")]

    def compose(self) -> ComposeResult:
        from tui.data import DataPane  # it builds on SettingsPane, defined above

        yield Header()
        with TabbedContent(id="settings-tabs"):
            with TabPane("Profile", id="tab-profile"):
                yield ProfilePane(id="profile-pane")
            with TabPane("Language model", id="tab-llm"):
                yield LLMPane(id="llm-pane")
            with TabPane("Data", id="tab-data"):
                yield DataPane(id="data-pane")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Settings"
        self.sub_title = str(self.coach_app.coach.store.home)

    def action_leave(self) -> None:
        self.coach_app.refresh_home()
        self.app.pop_screen()
