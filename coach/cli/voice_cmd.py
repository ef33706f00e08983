"""The generative voice in the shell: --llm, --show-context, streamed replies, and `coach ask`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

from coach.cli.common import console, emit_json, read_line
from coach.cli.state import profile_of
from coach.config import Settings
from coach.errors import InputError, LLMError, PrivacyError

if TYPE_CHECKING:
    from langchain_core.messages import BaseMessage

    from coach.engine.engine import Engine
    from coach.engine.results import Artefact, Prompt
    from coach.llm.voice import Reply, Voice

PROVIDERS = ("none", "llamacpp", "ollama", "openai")
LlmOpt = Annotated[
    str | None, typer.Option("--llm", help="Chat model for this run: none, llamacpp, ollama or openai.")
]
ShowOpt = Annotated[
    bool, typer.Option("--show-context", help="Print the exact messages before each model call.")
]


def settings_for(settings: Settings, llm: str | None) -> Settings:
    if llm is None:
        return settings
    if llm not in PROVIDERS:
        raise InputError(f"unknown --llm '{llm}': choose one of {', '.join(PROVIDERS)}")
    return settings.model_copy(update={"llm_provider": llm})


def open_voice(settings: Settings, show_context: bool, interactive: bool) -> Voice | None:
    """The configured voice, or None with a one-line reason; the guided engine runs either way."""
    from coach.llm.voice import Voice

    try:
        voice = Voice.from_settings(settings)
    except (LLMError, PrivacyError) as exc:
        console.print(f"{exc}. The guided coach runs instead.", style="yellow", markup=False, soft_wrap=True)
        return None
    if voice is not None and show_context:
        voice.before_send = lambda messages: _preview(messages, voice, interactive)
    return voice


def _preview(messages: list[BaseMessage], voice: Voice, interactive: bool) -> bool:
    """Print exactly what will be sent; before a remote call, ask (interactive runs only)."""
    from coach.llm.providers import endpoint

    where = endpoint(voice.settings) or "the local model process"
    console.print(f"── what will be sent to {where} ──", style="magenta", markup=False, soft_wrap=True)
    for message in messages:
        console.print(f"[{message.type}]", style="bold magenta", markup=False, soft_wrap=True)
        console.print(message.text, style="dim", markup=False, soft_wrap=True)
    console.print("── end ──", style="magenta", markup=False, soft_wrap=True)
    if voice.remote and interactive:
        return read_line("Send it? [y/N] ").strip().lower() in ("y", "yes")
    return True


def _printer(quiet: bool) -> Callable[[str], None]:
    def write(token: str) -> None:
        if not quiet:
            sys.stdout.write(token)
            sys.stdout.flush()

    return write


def speak(voice: Voice, engine: Engine, prompt: Prompt, quiet: bool = False) -> Reply:
    """Stream the model's wording of a step; finish with the engine's question when it is added."""
    reply = voice.speak(engine, prompt, _printer(quiet))
    if quiet:
        return reply
    if reply.fallback:
        console.print(
            f"\n{reply.notice}" if reply.notice else "", style="yellow", markup=False, soft_wrap=True
        )
        console.print(prompt.text, style="bold", markup=False, soft_wrap=True)
        return reply
    console.print()
    _sources(reply)
    if reply.text.endswith(prompt.text) and not reply.raw.endswith(prompt.text):
        console.print(prompt.text, style="bold", markup=False, soft_wrap=True)
    return reply


def narrate(voice: Voice, engine: Engine, artefact: Artefact, quiet: bool = False) -> Reply:
    if not quiet:
        console.print("In short:", style="bold", markup=False, soft_wrap=True)
    reply = voice.narrate(engine, artefact, _printer(quiet))
    if not quiet:
        console.print(
            f"\n{reply.notice}" if reply.fallback else "", style="yellow", markup=False, soft_wrap=True
        )
        _sources(reply)
    return reply


def _sources(reply: Reply) -> None:
    for n, source in enumerate(reply.sources, 1):
        if source in reply.cited:
            console.print(f"  [{n}] {source.citation}", style="dim", markup=False, soft_wrap=True)


def ask(
    ctx: typer.Context,
    question: Annotated[str | None, typer.Argument(help="Your question; leave out to ask several.")] = None,
    llm: LlmOpt = None,
    show_context: ShowOpt = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Ask your history: answers drawn only from your own entries and the notes, with citations."""
    from coach.llm.ask import ask as answer
    from coach.services import Coach

    interactive = question is None and sys.stdin.isatty()
    if question is None and not interactive:
        raise InputError('give a question, e.g. coach ask "what did I commit to last week?"')
    with Coach.open() as coach:
        settings = settings_for(coach.settings, llm)
        voice = open_voice(settings, show_context, sys.stdin.isatty())
        pid = coach.profile(profile_of(ctx)).id or 0
        while True:
            if interactive:
                question = read_line("ask> ").strip()
                if question in ("", "/quit", "/exit"):
                    return
            assert question is not None
            streamed = voice is not None and not json_out
            result = answer(coach, question, pid, voice, _printer(not streamed))
            if json_out:
                emit_json(result)
            else:
                if streamed and result.found and not result.fallback:
                    console.print()
                else:
                    if result.notice:
                        console.print(result.notice, style="yellow", markup=False, soft_wrap=True)
                    console.print(result.text, markup=False, soft_wrap=True)
                for n, source in enumerate(result.sources, 1):
                    if source in result.cited:
                        console.print(f"  [{n}] {source.citation}", style="dim", markup=False, soft_wrap=True)
            if not interactive:
                return
