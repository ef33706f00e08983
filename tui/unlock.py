"""Before Home: the passphrase of an encrypted home (or its recovery key), and at a brand-new home's first
run the choice to encrypt it. Small apps of their own, importing nothing heavy, so they paint at once; the
key derivation runs in a thread worker, never in an event handler."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Footer, Input, Static

from tui.toggle import Toggle

REMEMBER_MEANING = (
    "Remembering keeps the passphrase in your system's keyring: anyone using your logged-in account "
    "can then open this data home, and coach stops asking."
)
CSS = """
Screen { align: center middle; }
#box { width: 72; max-width: 100%; height: auto; border: round $accent; padding: 1 2; }
#box Input, #box Checkbox { margin-top: 1; }
#box Input:focus { border-left: thick $accent; }
#box Checkbox:focus { border-left: thick $accent; }
#message { color: $warning; margin-top: 1; height: auto; }
#hint { color: $text-muted; margin-top: 1; }
#recovery-key { text-style: bold; margin: 1 0; }
Horizontal { height: auto; margin-top: 1; }
Horizontal Button { margin-right: 2; }
"""


class UnlockApp(App[bool]):
    """The passphrase of an encrypted home; True once the keys are unlocked in this process."""

    TITLE = "coach"
    CSS = CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "recovery", "Use the recovery key"),
        Binding("ctrl+q", "quit", "Quit"),
    ]

    def __init__(self, home: Path) -> None:
        super().__init__()
        self.home = home
        self.recovering = False
        self._recovered: object = None

    def compose(self) -> ComposeResult:
        with Vertical(id="box"):
            yield Static(Text("This data home is encrypted", style="bold"), id="title")
            yield Static(Text(str(self.home), style="dim"))
            yield Input(placeholder="Passphrase", password=True, id="passphrase")
            yield Input(placeholder="New passphrase", password=True, id="new", classes="recovery")
            yield Input(placeholder="The same again", password=True, id="again", classes="recovery")
            yield Toggle("Remember it in the system keyring", id="remember")
            yield Static(Text(REMEMBER_MEANING), id="hint")
            yield Static("", id="message")
        yield Footer()

    def on_mount(self) -> None:
        for widget in self.query(".recovery"):
            widget.display = False
        self.query_one("#passphrase", Input).focus()

    def say(self, message: str) -> None:
        self.query_one("#message", Static).update(Text(message))

    def action_recovery(self) -> None:
        self.recovering = True
        field = self.query_one("#passphrase", Input)
        field.placeholder, field.password, field.value = "Recovery key (groups of four)", False, ""
        for widget in self.query(".recovery"):
            widget.display = True
        self.query_one("#remember").display = False
        self.query_one("#hint").display = False
        self.say("Type the recovery key you wrote down, then a new passphrase, twice.")
        field.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self.recovering and event.input.id != "again":
            self.query_one("#again" if event.input.id == "new" else "#new", Input).focus()
            return
        secret = self.query_one("#passphrase", Input).value
        if not secret:
            self.say(
                "Type the passphrase, then press Enter." if not self.recovering else "Type the recovery key."
            )
            return
        for field in self.query(Input):
            field.disabled = True
        self.say("Opening…")
        if self.recovering:
            self.recover(secret, self.query_one("#new", Input).value, self.query_one("#again", Input).value)
        else:
            self.unlock(secret, self.query_one("#remember", Toggle).value)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def unlock(self, passphrase: str, remember: bool) -> None:
        from coach.crypto import CryptoError
        from coach.crypto.keys import open_with

        try:
            open_with(self.home, passphrase)  # a wrong one waits a second before saying so
        except CryptoError as exc:
            self.call_from_thread(self.refused, str(exc))
            return
        if remember:
            from coach.crypto.actions import remember as keep

            try:
                keep(self.home, passphrase)
            except CryptoError as exc:
                self.call_from_thread(self.notify, str(exc), severity="warning", markup=False)
        self.call_from_thread(self.exit, True)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def recover(self, recovery_key: str, new: str, again: str) -> None:
        from coach.crypto import CryptoError
        from coach.crypto import header as hdr
        from coach.crypto.actions import MIN_LENGTH
        from coach.crypto.keys import remember_in_process, wrong_pause

        if new != again or len(new) < MIN_LENGTH:
            problem = "The two passphrases differ." if new != again else f"At least {MIN_LENGTH} characters."
            self.call_from_thread(self.refused, problem)
            return
        try:
            keys = hdr.read(self.home / "coach.keys").open_recovery(recovery_key)
        except CryptoError as exc:
            wrong_pause()
            self.call_from_thread(self.refused, str(exc))
            return
        remember_in_process(self.home, keys)
        from coach.crypto.actions import set_passphrase

        try:
            set_passphrase(self.home, new)
        except CryptoError as exc:
            self.call_from_thread(self.refused, str(exc))
            return
        self.call_from_thread(self.exit, True)

    def refused(self, message: str) -> None:
        for field in self.query(Input):
            field.disabled = False
        first = self.query_one("#passphrase", Input)
        first.value = ""
        first.focus()
        self.say(
            f"{message[:1].upper()}{message[1:]}. Try again"
            + ("." if self.recovering else ", or press ctrl+r to use the recovery key.")
        )


class FirstRunApp(App[bool]):
    """A brand-new data home: encrypt it (passphrase twice, then the recovery key once) or keep it plain.
    Returns False when the person quits without choosing."""

    TITLE = "coach"
    CSS = CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit"),
        Binding("escape", "choose_again", "Back to the choice"),
    ]

    def __init__(self, home: Path) -> None:
        super().__init__()
        self.home = home

    def compose(self) -> ComposeResult:
        with Vertical(id="box"):
            yield Static(Text("A new data home", style="bold"))
            yield Static(
                Text(
                    "Encrypt it? Everything you write is then stored encrypted with a passphrase you choose "
                    "(a lost laptop, a synced folder or a backup reveals nothing). You also get a recovery "
                    "key, shown once. Lose both and nobody can read it again. You can change your mind later "
                    "with coach encrypt or coach decrypt."
                ),
                id="intro",
            )
            with Horizontal(id="choice"):
                yield Button("Encrypt this data home", id="encrypt", variant="primary")
                yield Button("Keep it plain", id="plain")
            yield Input(placeholder="Passphrase (a few words is best)", password=True, id="new")
            yield Input(placeholder="The same again", password=True, id="again")
            yield Static("", id="message")
            yield Static("", id="recovery-key")
            yield Button("I have written it down", id="done", variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        for wid in ("#new", "#again", "#done", "#recovery-key"):
            self.query_one(wid).display = False
        self.query_one("#encrypt", Button).focus()

    def say(self, message: str) -> None:
        self.query_one("#message", Static).update(Text(message))

    def choosing_passphrase(self) -> bool:
        """The passphrase fields are showing and nothing has been encrypted yet."""
        fields = list(self.query(Input))
        return all(f.display and not f.disabled for f in fields)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.choosing_passphrase() if action == "choose_again" else True

    def action_choose_again(self) -> None:
        """Encrypt was pressed by mistake (or a second thought): back to the two buttons, fields cleared."""
        for field in self.query(Input):
            field.value = ""
            field.display = False
        self.say("")
        self.query_one("#choice").display = True
        self.query_one("#plain", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "plain":
            self.exit(True)
        elif event.button.id == "encrypt":
            self.query_one("#choice").display = False
            for wid in ("#new", "#again"):
                self.query_one(wid).display = True
            self.query_one("#new", Input).focus()
            self.refresh_bindings()
        elif event.button.id == "done":
            self.exit(True)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "new":
            self.query_one("#again", Input).focus()
            return
        from coach.crypto.actions import MIN_LENGTH

        new, again = self.query_one("#new", Input).value, self.query_one("#again", Input).value
        if new != again:
            self.say("The two passphrases differ; type them again.")
        elif len(new) < MIN_LENGTH:
            self.say(f"A passphrase needs at least {MIN_LENGTH} characters (a few words is better).")
        else:
            for field in self.query(Input):
                field.disabled = True
            self.say("Encrypting…")
            self.encrypt(new)
            return
        self.query_one("#new", Input).value = self.query_one("#again", Input).value = ""
        self.query_one("#new", Input).focus()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def encrypt(self, passphrase: str) -> None:
        from coach.crypto.actions import encrypt_new

        recovery_key = encrypt_new(self.home, passphrase)
        self.call_from_thread(self.show_recovery, recovery_key)

    def show_recovery(self, recovery_key: str) -> None:
        from coach.crypto.actions import RECOVERY_NOTE

        for wid in ("#new", "#again", "#intro"):
            self.query_one(wid).display = False
        self.say(RECOVERY_NOTE)
        self.query_one("#recovery-key", Static).update(Text(recovery_key))
        self.query_one("#recovery-key").display = True
        self.query_one("#done").display = True
        self.query_one("#done", Button).focus()


FIRST_RUN_ENV = "COACH_ENCRYPT_PROMPT"
"""0: a brand-new home opens straight on Home, without offering encryption (scripted and test runs)."""


def before_home() -> int | None:
    """Unlock an encrypted home, or offer to encrypt a brand-new one; an exit code when the person quit."""
    import os
    import sys

    from coach.crypto import is_encrypted
    from coach.paths import data_home

    home = data_home()
    if is_encrypted(home):
        from coach.crypto.keys import unlocked_without_asking

        if unlocked_without_asking(home) or UnlockApp(home).run():
            return None
        return 0
    fresh = not (home / "coach.db").exists()
    if fresh and sys.stdout.isatty() and os.environ.get(FIRST_RUN_ENV, "1").strip() != "0":
        return None if FirstRunApp(home).run() else 0
    return None
