"""One screen for every flow: stage bar, conversation, composer, and a side panel of tips and recalls."""

from __future__ import annotations

import re
from contextlib import suppress
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Header, Static

from coach.drafts import SAVE_EVERY, Draft
from coach.engine.engine import Engine
from coach.engine.flows import get_flow
from coach.engine.results import Prompt
from coach.errors import CoachError
from coach.llm.voice import Reply
from tui.artefact import ArtefactView
from tui.base import CoachScreen
from tui.streaming import Streamer, context_text
from tui.widgets import Bubble, Composer, StageBar

if TYPE_CHECKING:
    from langchain_core.messages import BaseMessage


def plain_markdown(text: str) -> str:
    """A note's Markdown read as plain text for the side panel: no #, ** or backticks around the words."""
    text = re.sub(r"^\s{0,3}#{1,6}\s*", "", text, flags=re.M)
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"\1", text)
    text = re.sub(r"`([^`]*)`", r"\1", text)
    return re.sub(r"\*\*|__", "", text)  # a pair cut in two by a snippet's end


class ConversationScreen(CoachScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+b", "back", "Back a stage"),
        Binding("ctrl+s", "skip", "Skip"),
        Binding("escape", "leave", "Leave (resume later)"),
        Binding("escape", "home", "Home"),
        Binding("f2", "context", "What the model sees"),
    ]

    def __init__(self, flow_id: str) -> None:
        super().__init__()
        self.flow = get_flow(flow_id)
        self.engine: Engine | None = None
        self.prompt: Prompt | None = None
        self.busy = False
        self.draft: Draft | None = None
        self.unsent = ""  # the composer's text, still known once its widget is gone (on unmount)
        self.sent: list[BaseMessage] = []
        self.showing_context = False
        self.side_text: Text | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield StageBar(id="stages")
        with Horizontal():
            with Vertical(id="main"):
                yield VerticalScroll(id="log")
                yield Composer(id="composer", soft_wrap=True, show_line_numbers=False)
            yield VerticalScroll(Static(id="side-body"), id="side")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.title = self.flow.title
        self.sub_title = "Enter sends · Ctrl+J new line"
        self.query_one(Composer).focus()
        if self.flow.id == "weekly":  # the week's moods as a chart above the review
            from tui.today import WeekMood

            chart = WeekMood(classes="bubble")
            self.query_one("#log", VerticalScroll).mount(chart)
            try:
                profile = self.coach_app.coach.profile(self.coach_app.profile_name)
                chart.load(self.coach_app.store, profile.id or 0)
            except CoachError:
                chart.display = False
        self.begin()
        self._restore_draft()
        self.set_interval(SAVE_EVERY, self._keep_draft)

    @work(thread=True, exclusive=True, group="engine", exit_on_error=False)
    def begin(self) -> None:
        coach = self.coach_app.coach
        profile = coach.profile(self.coach_app.profile_name)
        retriever, echoes = self.coach_app.retriever(), self.coach_app.echoes()
        pending = Engine.unfinished(coach.store, profile.id or 0, self.flow.id)
        region = coach.settings.safety_region
        pid = profile.id or 0
        if pending:
            engine, prompt = Engine.resume(
                coach.store, self.flow, pending.id or 0, retriever, region=region, echoes=echoes
            )
        else:
            engine, prompt = Engine.start(
                coach.store, self.flow, pid, retriever, region=region, echoes=echoes
            )
        self.app.call_from_thread(self._started, engine, prompt)
        self._speak(prompt)

    def _started(self, engine: Engine, prompt: Prompt) -> None:
        self.engine = engine
        if prompt.notice and "picking up" in prompt.notice:
            for stage_id, answer in engine.answers.items():
                self._log("you", answer, note=f"({self.flow.stage(stage_id).title}, earlier)")

    def _log(self, who: str, text: str, note: str = "") -> Bubble:
        log = self.query_one("#log", VerticalScroll)
        bubble = Bubble(who, text, note=note)
        log.mount(bubble)
        log.scroll_end(animate=False)
        return bubble

    # --- the generative voice: runs in the engine's worker thread ----------------------------------------
    def _speak(self, prompt: Prompt) -> None:
        """Show the step; with a model configured, stream its wording (or the summary) into a bubble."""
        voice = self.coach_app.voice()
        engine = self.engine
        gated = prompt.kind in ("safety", "paused") or (engine is not None and engine.crisis is not None)
        if voice is None or engine is None or gated or (prompt.done and prompt.artefact is None):
            self.app.call_from_thread(self._show, prompt)
            return
        voice.before_send = self._before_send
        if not prompt.done:
            self.app.call_from_thread(self._show, prompt, True)
        note = "In short" if prompt.done else prompt.notice
        bubble = self.app.call_from_thread(self._log, "coach", "…", note)
        streamer = Streamer(self.app, bubble)
        if prompt.done and prompt.artefact is not None:
            reply = voice.narrate(engine, prompt.artefact, streamer)
        else:
            reply = voice.speak(engine, prompt, streamer)
        self.app.call_from_thread(self._spoken, bubble, reply, prompt)

    def _before_send(self, messages: list[BaseMessage]) -> bool:
        """Called in the worker before each model call: the context view shows it before it goes out."""
        self.app.call_from_thread(self._show_context, messages)
        return True

    def _spoken(self, bubble: Bubble, reply: Reply, prompt: Prompt) -> None:
        if reply.fallback:
            if prompt.done:
                bubble.remove()
            else:
                bubble.set_text(reply.text, note=prompt.notice)
            self.notify(reply.notice, title="Guided coach", severity="warning", markup=False)
        else:
            bubble.set_text(reply.text)
        if prompt.done:
            self._show(prompt)
            return
        self.busy = False
        if reply.cited:
            self._side(prompt, reply)

    def _show_context(self, messages: list[BaseMessage]) -> None:
        self.sent = messages
        if self.showing_context:
            self._render_context()

    def _render_context(self) -> None:
        from coach.llm.providers import endpoint

        where = endpoint(self.coach_app.coach.settings) or "the local model process"
        self.query_one("#side-body", Static).update(context_text(self.sent, where))

    def action_context(self) -> None:
        self.showing_context = not self.showing_context
        if self.showing_context:
            self._render_context()
        elif self.prompt is not None:
            self._side(self.prompt)

    def _show(self, prompt: Prompt, voiced: bool = False) -> None:
        if self.engine is not None and self.engine.retriever is None:
            self.engine.retriever = self.coach_app.retriever()  # tips start once search has warmed up
        if self.engine is not None and self.engine.echoes is None:
            self.engine.echoes = self.coach_app.echoes()
        self.prompt = prompt
        self.busy = voiced  # a streamed reply is still coming
        self.query_one(StageBar).show(prompt.stages, prompt.step)
        if prompt.done and prompt.artefact:
            log = self.query_one("#log", VerticalScroll)
            log.mount(ArtefactView(prompt.artefact))  # it scrolls itself into view and takes the focus
            composer = self.query_one(Composer)
            composer.disabled = True
            composer.display = False  # nothing more to type: the finished state is plain to see
            self.sub_title = "done · saved to your history"
            self.refresh_bindings()
            self._final_checks(prompt)
            self.notify("Saved to your history.", title=self.flow.title)
            self.coach_app.refresh_home()
            return
        if not voiced:
            self._log("coach", prompt.text, note=prompt.notice)
        if prompt.kind == "paused":
            self.query_one(Composer).disabled = True
            self.notify(
                "Paused. Esc leaves; the conversation picks up here next time.", title=self.flow.title
            )
        self._side(prompt)

    def _final_checks(self, prompt: Prompt) -> None:
        """The side panel at the end: the checks as judged on the final wording, not the last follow-up's."""
        assert prompt.artefact is not None
        checks = prompt.artefact.checks
        if not checks or self.showing_context:
            return
        text = self.side_text.copy() if self.side_text is not None else Text()  # the last tip stays
        text.append("Checks on your final wording\n", style="bold")
        for check in checks:
            mark, style = ("✓", "green") if check.ok else ("⚠", "yellow")
            text.append(
                f"{mark} {check.label}" + ("" if check.ok else f": {check.message}") + "\n", style=style
            )
        self.query_one("#side-body", Static).update(text)

    def _side(self, prompt: Prompt, reply: Reply | None = None) -> None:
        if self.showing_context:
            return
        text = Text()
        if prompt.tip:
            text.append("Tip\n", style="bold")
            body = plain_markdown(prompt.tip.text)
            if body.startswith(prompt.tip.title):  # the note's title is already its citation
                body = body[len(prompt.tip.title) :].lstrip(" \n.:-")
            text.append(body + "\n")
            text.append(prompt.tip.citation + "\n\n", style="dim")
        if prompt.recalls:
            heading = "Keeps coming back" if prompt.step == "a pattern" else "From your history"
            text.append(heading + "\n", style="bold")
            for recall in prompt.recalls:
                text.append(plain_markdown(recall.text) + "\n")
                text.append(recall.citation + "\n\n", style="dim")
        if not text.plain and self.side_text is not None:
            text = self.side_text.copy()  # a step with no tip of its own keeps the last one in view
        if text.plain and prompt.step != "a pattern":  # a pattern belongs to its own step
            self.side_text = text.copy()  # kept without this step's checks, which belong to this step only
        failed = [c for c in prompt.checks if not c.ok]
        if failed:
            text.append("Checks\n", style="bold")
            for check in failed:
                text.append(f"⚠ {check.label}: {check.message}\n", style="yellow")
        if reply is not None and reply.cited:
            text.append("\nThe coach drew on\n", style="bold")
            for source in reply.cited:
                text.append(f"{source.citation}\n", style="dim")
        if not text.plain:
            ready = self.coach_app.search_ready or not self.coach_app.warm
            text.append(
                "Tips and your past entries show here."
                if ready
                else "Search is warming up: tips will follow.",
                style="dim",
            )
        self.query_one("#side-body", Static).update(text)

    def on_composer_submitted(self, message: Composer.Submitted) -> None:
        if self.engine is None or self.busy or (self.prompt and self.prompt.done):
            return
        self.busy = True
        self._log("you", message.text)
        message.composer.clear()
        if self.draft:
            self.draft.clear()
        self.send(message.text)

    @work(thread=True, exclusive=True, group="engine", exit_on_error=False)
    def send(self, text: str) -> None:
        assert self.engine is not None
        try:
            prompt = self.engine.answer(text)
        except Exception as exc:  # a failure keeps the text and the app
            self.app.call_from_thread(self._failed, text, exc)
            return
        self._speak(prompt)

    def _failed(self, text: str, exc: Exception) -> None:
        self.busy = False
        composer = self.query_one(Composer)
        composer.text = text
        self.notify(f"{type(exc).__name__}: {exc}", title="Not saved", severity="error", markup=False)

    def action_back(self) -> None:
        if self.engine and not self.busy:
            self._show(self.engine.back())

    def action_skip(self) -> None:
        if self.engine and not self.busy:
            self._show(self.engine.skip())

    def action_leave(self) -> None:
        self.app.pop_screen()

    def action_home(self) -> None:
        self.app.pop_screen()

    @property
    def finished(self) -> bool:
        return self.prompt is not None and self.prompt.done

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Once the conversation is finished only what applies shows: its artefact's keys and Home."""
        if action == "context":  # what a model sees: only when a model is set
            return not self.finished and self.coach_app.voice_set()
        if action in ("back", "skip", "leave"):
            return not self.finished
        if action == "home":
            return self.finished
        return True

    # --- drafts: unsent text survives leaving, a crash or a kill ----------------------------------------
    def _restore_draft(self) -> None:
        try:
            self.draft = self.coach_app.draft(self.flow.id)
        except CoachError:
            return  # no profile: the conversation itself says so
        text = self.draft.load()
        composer = self.query_one(Composer)
        if text and not composer.text:
            composer.text = text
            composer.move_cursor(composer.document.end)
            self.notify("Restored your unsent draft.", title=self.flow.title)

    def _keep_draft(self) -> None:
        composer = self.query_one(Composer)
        if self.draft and not composer.disabled and self.draft.dirty(composer.text):
            self._save_draft(composer.text, self.draft.epoch)

    @work(thread=True, group="draft", exit_on_error=False)
    def _save_draft(self, text: str, epoch: int) -> None:
        assert self.draft is not None
        try:
            self.draft.save(text, epoch)
        except OSError as exc:
            self.app.call_from_thread(
                self.notify, f"Draft not saved: {exc}", severity="warning", markup=False
            )

    def on_text_area_changed(self, event: Composer.Changed) -> None:
        self.unsent = event.text_area.text

    def on_unmount(self) -> None:
        if self.draft:  # leaving, or quitting the app: the last keystrokes too
            # the timer saved a few seconds ago; there is no screen left to tell about a failure
            with suppress(OSError):
                self.draft.save(self.unsent, self.draft.epoch)
