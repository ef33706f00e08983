"""Guided flows from the shell: coach reflect, prep, feedback, goal new; coach flows list and show."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from coach.cli.answers_check import parse_answers, rehearse
from coach.cli.common import console, emit_json, read_line, say, table
from coach.cli.state import profile_of
from coach.cli.voice_cmd import LlmOpt, ShowOpt, narrate, open_voice, settings_for, speak
from coach.dates import show_date
from coach.engine.artefacts import tidy
from coach.engine.flows import Flow, get_flow, load_flows
from coach.engine.kinds import kind_of
from coach.errors import InputError
from coach.paths import writable_out, write_private
from coach.safe_load import load_yaml
from coach.streaks import utc

if TYPE_CHECKING:
    from coach.engine.engine import Engine
    from coach.engine.results import Prompt
    from coach.llm.voice import Reply, Voice

flows_app = typer.Typer(
    help="The coaching flows: list them, or show one's stages and checks.", no_args_is_help=True
)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
AnswersOpt = Annotated[Path | None, typer.Option("--answers", help="YAML: stage id -> answer (or a list).")]
OutOpt = Annotated[
    Path | None,
    typer.Option("--out", help="Write the artefact (Markdown, 0600) here; never inside the data home."),
]
ForceOpt = Annotated[bool, typer.Option("--force", help="Let --out replace an existing file.")]
ResumeOpt = Annotated[
    bool | None, typer.Option("--resume/--new", help="Resume an unfinished session, or not.")
]


@flows_app.command("list")
def list_(json_out: JsonOpt = False) -> None:
    """Every flow, with its job."""
    flows = load_flows()
    if json_out:
        emit_json(
            [
                {"id": f.id, "title": f.title, "job": f.job, "stages": [s.id for s in f.stages]}
                for f in flows.values()
            ]
        )
        return
    table(
        ["flow", "job", "title", "stages"],
        [[f.id, f.job, f.title, " · ".join(s.title for s in f.stages)] for f in flows.values()],
    )


@flows_app.command("show")
def show(name: str, json_out: JsonOpt = False) -> None:
    """One flow's stages, questions and checks."""
    flow = get_flow(name)
    if json_out:
        emit_json(flow.model_dump(mode="json"))
        return
    say(f"{flow.title} ({flow.job}): {flow.description.strip()}")
    table(
        ["stage", "type", "question", "checks"],
        [[s.id, s.type, s.ask.strip(), ", ".join(c.check for c in s.checks)] for s in flow.stages],
    )


def _load_answers(path: Path, flow: Flow) -> dict[str, list[str]]:
    try:
        data = load_yaml(path.read_text(encoding="utf-8"), source=str(path))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the answers file {path}: {str(exc).splitlines()[0]}") from exc
    return parse_answers(data, flow, str(path))


def _show(prompt: Prompt, voice: Voice | None = None, engine: Engine | None = None) -> None:
    bar = " ".join(f"[{s.label}]" if s.state == "current" else s.label for s in prompt.stages)
    console.print(bar, style="dim", markup=False, highlight=False)
    if prompt.notice:
        console.print(prompt.notice, style="yellow", markup=False)
    for recall in prompt.recalls:
        console.print(f"↺ {recall.text} {recall.citation}", style="cyan", markup=False)
    if prompt.tip:
        console.print(f"Tip: {prompt.tip.text} {prompt.tip.citation}", style="green", markup=False)
    if voice is not None and engine is not None:
        speak(voice, engine, prompt)
        return
    console.print(prompt.text, style="bold", markup=False)


def _read(prompt: Prompt, flow: Flow) -> str:
    stage = flow.stage(prompt.stage) if prompt.stage else None
    multi = (
        stage is not None
        and (kind_of(stage.type).multiline or stage.listed)
        and prompt.kind in ("question", "retry")
    )
    multi = multi or "one per line" in prompt.text.lower()  # a follow-up that asks for more items
    if not multi:
        return read_line("> ")
    console.print("(one per line; an empty line ends the list)", style="dim", markup=False)
    lines = []
    while line := read_line("> "):
        lines.append(line)
    return "\n".join(lines)


def _drive_from_file(
    engine: Engine,
    prompt: Prompt,
    answers: dict[str, list[str]],
    voice: Voice | None = None,
    quiet: bool = True,
    replies: list[Reply] | None = None,
) -> Prompt:
    while not prompt.done:
        if prompt.kind == "safety":  # a script cannot answer this: the routine flow stops here
            return prompt
        if voice is not None:
            if not quiet:
                _show(prompt, voice, engine)
            else:
                reply = speak(voice, engine, prompt, quiet=True)
                if replies is not None:
                    replies.append(reply)
        queue = answers.get(prompt.stage or "", [])
        if queue:
            prompt = engine.answer(queue.pop(0))
        elif prompt.kind == "question" and prompt.stage not in engine.answers:
            prompt = engine.skip()
        else:
            prompt = engine.decline()
    return prompt


def _drive_interactive(engine: Engine, prompt: Prompt, flow: Flow, voice: Voice | None = None) -> Prompt:
    while not prompt.done and prompt.kind != "paused":
        _show(prompt, voice, engine)
        text = _read(prompt, flow)
        command = text.strip().lower()
        if command == "/back":
            prompt = engine.back()
        elif command == "/skip":
            prompt = engine.skip()
        elif command in ("/quit", "/exit"):
            raise KeyboardInterrupt
        else:
            prompt = engine.answer(text)
    return prompt


def run_flow(
    ctx: typer.Context,
    job: str,
    flow_name: str,
    answers_file: Path | None,
    json_out: bool,
    out: Path | None,
    resume: bool | None,
    llm: str | None = None,
    show_context: bool = False,
    force: bool = False,
) -> None:
    from coach.engine.engine import Engine
    from coach.engine.grounding import SearchRetriever
    from coach.services import Coach

    flow = get_flow(flow_name)
    if flow.job != job:
        raise InputError(f"flow '{flow.id}' is for {flow.job}, not {job}")
    if out is not None:  # checked before anything is asked or stored
        out = writable_out(out, force=force)
        writable_out(_card_path(out), force=force)
    answers = _load_answers(answers_file, flow) if answers_file else None
    interactive = answers is None and sys.stdin.isatty()
    with Coach.open() as coach:
        profile = coach.profile(profile_of(ctx))
        retriever = SearchRetriever(coach.searcher)
        voice = open_voice(settings_for(coach.settings, llm), show_context, interactive)
        replies: list[Reply] = []
        pid = profile.id or 0
        if answers is not None and answers_file is not None:  # every answer checked before any is stored
            rehearse(coach.store, flow, pid, answers, str(answers_file))
        region = coach.settings.safety_region
        pending = Engine.unfinished(coach.store, pid, flow.id)
        if pending and (resume or (resume is None and interactive and _ask_resume(pending.started_at))):
            engine, prompt = Engine.resume(
                coach.store, flow, pending.id or 0, retriever, region=region, echoes=coach.echoes
            )
        else:
            engine, prompt = Engine.start(
                coach.store, flow, pid, retriever, region=region, echoes=coach.echoes
            )
        try:
            if answers is not None:
                prompt = _drive_from_file(engine, prompt, answers, voice, json_out, replies)
            else:
                prompt = _drive_interactive(engine, prompt, flow, voice)
            if voice is not None and prompt.artefact is not None and engine.crisis is None:
                replies.append(narrate(voice, engine, prompt.artefact, quiet=json_out))
        except (KeyboardInterrupt, EOFError):
            console.print(
                "\nYour answers so far are saved. Run the same command again to resume.",
                style="yellow",
                markup=False,
            )
            raise typer.Exit(130) from None
    if prompt.kind in ("safety", "paused"):
        _stopped(prompt, json_out, interactive)
        return
    _emit(prompt, json_out, out, replies)


def _stopped(prompt: Prompt, json_out: bool, shown: bool) -> None:
    """The safety gate stopped the flow: its message, and where the session stands; no artefact yet."""
    if json_out:
        emit_json({"session_id": prompt.session_id, "stopped": prompt.kind, "message": prompt.text})
        return
    if not shown or prompt.kind == "paused":
        console.print(prompt.text, style="bold", markup=False)
    if prompt.kind == "safety":
        console.print(
            "\nThe session is saved as it stands. Run the same command again when you want to go on.",
            style="dim",
            markup=False,
        )


def _card_path(out: Path) -> Path:
    return out.with_name(f"{out.stem}.card.md")


def _ask_resume(started: Any) -> bool:
    local = utc(started).astimezone()  # stored in UTC; the person reads their own clock
    when = f"{show_date(local.date(), weekday=True)} {local:%H:%M}"
    reply = read_line(f"You have an unfinished session from {when}. Resume it? [Y/n] ")
    return reply.strip().lower() in ("", "y", "yes")


def _emit(prompt: Prompt, json_out: bool, out: Path | None, replies: list[Reply] | None = None) -> None:
    artefact = prompt.artefact
    assert artefact is not None
    if out:
        write_private(out, tidy(artefact.markdown))
        if artefact.card:
            write_private(_card_path(out), tidy(artefact.card))
    if json_out:
        data = artefact.model_dump(mode="json")
        if replies:
            data["voice"] = [r.model_dump(mode="json") for r in replies]
        emit_json(data)
        return
    from rich.markdown import Markdown

    console.print(Markdown(tidy(artefact.markdown)))
    if artefact.card:
        console.print("Share-safe card:", style="bold", markup=False)
        console.print(Markdown(artefact.card))
    if out:
        say(f"Saved to {out}")


def _command(job: str, default_flow: str, doc: str) -> Any:
    def command(
        ctx: typer.Context,
        flow: Annotated[
            str, typer.Option("--flow", help="Which flow (see: coach flows list).")
        ] = default_flow,
        answers: AnswersOpt = None,
        json_out: JsonOpt = False,
        out: OutOpt = None,
        resume: ResumeOpt = None,
        llm: LlmOpt = None,
        show_context: ShowOpt = False,
        force: ForceOpt = False,
    ) -> None:
        run_flow(ctx, job, flow, answers, json_out, out, resume, llm, show_context, force)

    command.__doc__ = doc
    return command


reflect = _command("reflection", "gibbs", "Reflect after a session (Gibbs, what-so-what, or free).")
prep = _command("meeting-prep", "mastermind", "Prepare for a mastermind meeting: review, hot seat, ask.")
feedback = _command("mentor-feedback", "sbi", "Draft SBI feedback and reflective questions for a mentee.")
goal_new = _command("goal", "grow", "Set a goal with GROW, SMART checks and WOOP plans.")
