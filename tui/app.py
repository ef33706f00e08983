"""The coach's Textual app: home, guided conversations; slow work in workers, the lock held for the run."""

from __future__ import annotations

import asyncio
import os
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Static

from coach.config_file import config_path, configured, read_config
from coach.drafts import Draft
from coach.errors import CoachError, LockedError
from coach.store import Store
from tui.actions import app_bindings, read_keymap
from tui.commands import CoachCommands

if TYPE_CHECKING:
    from coach.engine.grounding import SearchRetriever
    from coach.llm.voice import Voice
    from coach.patterns import PatternFinder
    from coach.services import Coach


NARROW = 72
"""Under this many columns the browse screens put a list above its detail, not beside it."""


class CoachApp(App[int]):
    """Owns one Coach (and so the data home's lock); screens call its services.

    Given an open Store rather than a Coach (as `coach` starts), the home paints from the store's rows
    first (the one screen that reads the store itself); the services (settings, pydantic records) load
    right after in the start-up thread.
    """

    TITLE = "coach"
    CSS_PATH = Path(__file__).with_name("app.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", show=False, id="coach.ctrl-quit", tooltip="Leave coach"),
        *app_bindings(),
    ]
    COMMANDS = App.COMMANDS | {CoachCommands}

    def __init__(self, coach: Coach | Store, profile_name: str | None = None, *, warm: bool = True) -> None:
        super().__init__()
        self._coach: Coach | None = None
        if isinstance(coach, Store):
            self.store = coach
        else:
            self._coach, self.store = coach, coach.store
        self._coach_ready = threading.Event()
        if self._coach is not None:
            self._coach_ready.set()
        self._coach_error = ""
        self.profile_name = profile_name
        self.warm = warm
        self._voice: Voice | None = None
        self._voice_error = ""
        self.search_ready = False
        """Model loaded and index caught up: until then conversations run without tips or recalls."""
        self.keymap: dict[str, str] = {}
        """config.toml's [keymap]: binding id -> key(s), for the actions in tui/actions.py."""
        self._keymap_problems: list[str] = []
        self._read_keymap()

    def _read_keymap(self) -> None:
        """[keymap] from config.toml, read raw (before pydantic): the keys are right from the first paint."""
        try:
            table = read_config(config_path()).get("keymap", {})
        except CoachError as exc:
            self._keymap_problems = [str(exc)]
            return
        if not isinstance(table, dict):
            self._keymap_problems = ['keymap: give a table, e.g. [keymap] then "coach.goals" = "g"']
            return
        self.keymap, self._keymap_problems = read_keymap(table)
        self.set_keymap(self.keymap)

    async def action_go(self, action: str) -> None:
        """A key from any screen: back to the home screen (a conversation keeps its place), then the action.

        A dialog open on top keeps its keys: nothing happens behind it.
        """
        from textual.screen import ModalScreen

        from tui.home import HomeScreen

        if isinstance(self.screen, ModalScreen):
            return
        homes = [s for s in self.screen_stack if isinstance(s, HomeScreen)]
        if not homes:
            return
        while self.screen is not homes[0]:
            await self.pop_screen()
        self.refresh_home()  # a screen left this way may have changed something
        await self.run_action(action, homes[0])

    @property
    def coach(self) -> Coach:
        """The services. In the moment after launch they may still be loading: this waits for them."""
        if self._coach is None:
            self._coach_ready.wait()
            if self._coach is None:
                raise CoachError(f"coach could not start: {self._coach_error}")
        return self._coach

    def services_loaded(self) -> bool:
        """The settings and services are loaded (they load in a thread just after the first paint)."""
        return self._coach is not None and self._coach_ready.is_set()

    def active_profile_name(self) -> str | None:
        """--profile, else the profile setting (read directly until the settings have loaded)."""
        if self.profile_name:
            return self.profile_name
        return self._coach.settings.profile if self._coach is not None else configured("profile")

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < NARROW, "-narrow")

    def on_mount(self) -> None:
        from tui.home import HomeScreen

        self.set_class(self.size.width < NARROW, "-narrow")

        self.push_screen(HomeScreen())
        if self.warm:
            self.sub_title = "warming up search…"
        if self.warm or self._coach is None:
            self.call_after_refresh(self.start_up)  # once the home is on the terminal

    @work(exclusive=True, group="warm", exit_on_error=False)
    async def start_up(self) -> None:
        """Load the services, then the embedding model, and bring the index up to date, off the event loop.

        The work runs in a daemon thread of its own rather than a thread worker: asyncio waits for its
        executor's threads when the app closes, so quitting during the model load would hang for seconds.
        """
        loop = asyncio.get_running_loop()
        started: asyncio.Future[Exception | None] = loop.create_future()
        done: asyncio.Future[Exception | None] = loop.create_future()

        def settle(future: asyncio.Future[Exception | None], failure: Exception | None) -> None:
            if not future.done():  # cancelled when the app quit first
                future.set_result(failure)

        def report(future: asyncio.Future[Exception | None], failure: Exception | None) -> None:
            if not loop.is_closed():
                loop.call_soon_threadsafe(settle, future, failure)

        def work() -> None:
            from coach.retrieval.native import gc_paused, preload_native

            waiting = started
            try:
                with gc_paused():  # no long collector passes over the libraries' objects while they load
                    if self._coach is None:
                        self._load_services()
                    report(started, None)
                    waiting = done
                    if not self.warm:
                        return
                    preload_native()  # shared libraries mapped without holding the interpreter
                    index = self.coach.index
                    index.add_batch = 32  # chromadb holds the interpreter ~50 ms a write, whatever its size
                    index.embedder.embed_query("warm up")
                index.sync()
            except Exception as exc:
                report(waiting, exc)
                return
            report(done, None)

        threading.Thread(target=work, name="coach-warm-up", daemon=True).start()
        failure = await started
        if failure is not None:
            self.exit(2, return_code=2, message=f"coach: {failure}")
            return
        from coach.config import problems

        self.refresh_home()  # what waited for the services (Today's panel) reads now
        for problem in [*problems(), *self._keymap_problems]:  # ignored for its default: said here
            self.notify(problem, title="Setting ignored", severity="warning", markup=False, timeout=12)
        if not self.warm:
            return
        failure = await done
        if failure is not None:
            self.notify(f"Search is unavailable: {failure}", severity="warning", markup=False)
            self.sub_title = "search unavailable"
            return
        self.search_ready = True
        for notice in self.coach.index.notices:
            self.notify(notice, title="Index", markup=False)
        self.sub_title = ""

    def _load_services(self) -> None:
        """Settings and services over the open store (pydantic loads here); readers waiting are woken."""
        try:
            from coach.services import Coach

            self._coach = Coach(self.store)
        except Exception as exc:
            self._coach_error = str(exc)
            raise
        finally:
            self._coach_ready.set()

    def retriever(self) -> SearchRetriever | None:
        """Tips and recalls once the model is loaded; until then conversations run without them."""
        if not self.search_ready:
            return None
        from coach.engine.grounding import SearchRetriever

        return SearchRetriever(self.coach.searcher)

    def echoes(self) -> PatternFinder | None:
        """Patterns among earlier obstacles once the embedding model is loaded; until then none are named."""
        return self.coach.echoes if self.search_ready else None

    def reload_settings(self) -> None:
        """Read config.toml and the environment again after the settings screen changed a value."""
        from coach.config import load_settings

        self.coach.settings = load_settings()
        self._voice = None
        self._voice_error = ""

    def voice_set(self) -> bool:
        """Whether a chat model speaks (or is set to): without one there is no model context to show."""
        return self._voice is not None or self.coach.settings.llm_provider != "none"

    def voice(self) -> Voice | None:
        """The configured chat model (built once; called from workers). None: the guided engine speaks.

        A provider that cannot be used (local_only, a missing extra) is reported once, then left alone.
        """
        from coach.errors import LLMError, PrivacyError
        from coach.llm.voice import Voice

        if self._voice is None and not self._voice_error and self.coach.settings.llm_provider != "none":
            try:
                self._voice = Voice.from_settings(self.coach.settings)
            except (LLMError, PrivacyError) as exc:
                self._voice_error = str(exc)
                self.call_from_thread(
                    self.notify, f"{exc}. The guided coach speaks instead.", severity="warning", markup=False
                )
        return self._voice

    def draft(self, flow_id: str) -> Draft:
        """The unsent-text draft of the active profile in this flow (raises CoachError without a profile)."""
        return Draft(self.coach.store.home, self.coach.profile(self.profile_name).name, flow_id)

    def refresh_home(self) -> None:
        from tui.home import HomeScreen

        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen):
                screen.refresh_data()


class LockedApp(App[int]):
    """Shown instead of the app when another process holds the data home: it explains, then exits cleanly."""

    TITLE = "coach"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "leave", "Quit"),
        Binding("escape", "leave", "Quit"),
    ]

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        text = Text()
        text.append("This data home is in use\n\n", style="bold")
        text.append(self.message)
        text.append("\n\nOnly one coach can write to a data home at a time, so nothing gets corrupted. ")
        text.append("Close the other one and start again. Press q to leave.", style="dim")
        yield Static(text, id="locked")
        yield Footer()

    def action_leave(self) -> None:
        self.exit(2, return_code=2)


def run(profile_name: str | None = None) -> int:
    """Open the data home (taking the lock), run the app, and always release the lock."""
    try:
        read_config(config_path())  # a broken config.toml is reported before anything opens
        from tui.unlock import before_home

        if (quit_code := before_home()) is not None:  # an encrypted home's passphrase, or a new home's choice
            return quit_code
        store = Store.open()
    except LockedError as exc:
        if sys.stdout.isatty():
            return LockedApp(str(exc)).run() or 2
        print(f"coach: {exc}", file=sys.stderr)
        return 2
    except CoachError as exc:
        print(f"coach: {exc}", file=sys.stderr)
        return 2
    app = CoachApp(store, profile_name)
    try:
        code = app.run() or 0
    except BaseException:
        store.close()
        raise
    if any(t.name == "coach-warm-up" and t.is_alive() for t in threading.enumerate()):
        # Quitting while the model still loads: waiting for that thread would leave a blank terminal for
        # seconds. Every write is a SQLite transaction and the index is rebuildable, and the kernel frees
        # the lock, so the process can end now.
        local_model = sys.modules.get("coach.llm.llamacpp")
        if local_model is not None:
            local_model.stop_all()  # atexit does not run under os._exit
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    store.close()
    return code
