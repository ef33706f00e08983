"""coach search and coach index: find passages with citations; rebuild or check the index."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal, cast

import typer

from coach.cli.catchup import BIG_BACKLOG, catch_up, err
from coach.cli.common import console, emit_json, say, table
from coach.cli.state import profile_of
from coach.errors import InputError

if TYPE_CHECKING:
    from coach.services import Coach

index_app = typer.Typer(help="The retrieval index: rebuild it, or check it for drift.", no_args_is_help=True)
KINDS = ("knowledge", "history", "all")


def _notices(coach: Coach) -> None:
    for line in _notes(coach):
        console.print(line, style="yellow", markup=False)


def _notes(coach: Coach) -> list[str]:
    """What the index did or could not do (rebuilt, words only) and the notes it skipped, a line each."""
    return [f"note: {n}" for n in coach.index.notices] + [
        f"skipped note: {p}" for p in coach.index.note_problems
    ]


def search(
    ctx: typer.Context,
    query: str,
    kind: Annotated[str, typer.Option(help="knowledge, history or all")] = "all",
    k: Annotated[int, typer.Option("-k", help="How many hits.")] = 5,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Search the knowledge notes and your history; every hit carries a citation.

    --json prints {"hits": [...], "notes": [...]}: notes say when the index was repaired or only words were
    searched."""
    if kind not in KINDS:
        raise InputError(f"unknown kind '{kind}' (use knowledge, history or all)")
    if not 1 <= k <= 100:
        raise InputError("-k must be between 1 and 100")
    from coach.services import Coach

    with Coach.open() as coach:
        backlog = _backlog(coach)
        if backlog >= BIG_BACKLOG:  # say why the first search takes a while, and show it moving
            err.print(f"Indexing {backlog:,} records before the first search.", style="yellow", markup=False)
            catch_up(coach, "indexing")
        hits = coach.search(
            query, profile=profile_of(ctx), kind=cast(Literal["knowledge", "history", "all"], kind), k=k
        )
        notes = _notes(coach)
    if json_out:
        said = [n.split(": ", 1)[1] if n.startswith("note: ") else n for n in notes]
        emit_json({"hits": [h.model_dump(mode="json", exclude={"chunk_id"}) for h in hits], "notes": said})
        return
    for line in notes:
        console.print(line, style="yellow", markup=False)
    if not hits:
        say("Nothing found.")
    else:
        table(["#", "source", "snippet"], [[i, h.citation, h.snippet] for i, h in enumerate(hits, 1)])


def _backlog(coach: Coach) -> int:
    try:
        return coach.index.backlog()
    except Exception:  # a damaged index is the search's to repair and report
        return 0


@index_app.command("rebuild")
def rebuild() -> None:
    """Recreate the whole index from the store of record: the word index, the catalogue and the vectors
    (a folder that cannot be opened is set aside)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from coach.services import Coach

    with Coach.open() as coach:
        with Progress(
            TextColumn("indexing"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        ) as bar:
            task = bar.add_task("index", total=None)
            total = coach.index.rebuild(lambda done, all_: bar.update(task, completed=done, total=all_))
        _notices(coach)
    say(f"Indexed {total} chunks.")


@index_app.command("check")
def check(json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Report drift between the store and the index; exits 1 when there is any."""
    from coach.services import Coach

    with Coach.open() as coach:
        drift = coach.index.check()
    report = {
        "missing_vectors": drift.missing_vectors,
        "extra_vectors": drift.extra_vectors,
        "missing_lexical": drift.missing_lexical,
        "extra_lexical": drift.extra_lexical,
        "pending_changes": drift.pending_changes,
        "problems": drift.problems,
        "drift": drift.any,
    }
    if json_out:
        emit_json(report)
    else:
        rows = [
            [k, len(v) if isinstance(v, list) else v, ", ".join(v[:5]) if isinstance(v, list) else ""]
            for k, v in report.items()
            if k not in ("drift", "problems")
        ]
        table(["what", "count", "examples"], rows)
        for problem in drift.problems:
            say(f"problem: {problem}")
        say("Drift found: run 'coach index rebuild'." if drift.any else "The index matches the store.")
    if drift.any:
        raise typer.Exit(1)
