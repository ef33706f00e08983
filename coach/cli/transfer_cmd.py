"""coach import (jrnl, dayone, markdown, coach), coach export, coach backup and coach restore."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from coach.cli.catchup import catch_up
from coach.cli.common import active, emit_json, open_store, say, table
from coach.cli.state import profile_of
from coach.errors import InputError
from coach.paths import data_home, write_private
from coach.transfer.entries import ImportReport, Item, import_entries

if TYPE_CHECKING:
    from rich.progress import Progress

    from coach.services import Coach
    from coach.transfer.coach_import import CoachImportReport

import_app = typer.Typer(
    help=(
        "Bring your journal: jrnl or Day One JSON, a folder of Markdown notes, or a coach export. "
        "Each entry becomes a reflection of the active profile with its date, tags and text exactly as "
        "written. Importing again adds nothing: an entry whose date and exact text match one this profile "
        "already imported (from any source) is skipped as a duplicate."
    ),
    no_args_is_help=True,
)
err = Console(stderr=True, highlight=False)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the report as JSON.")]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", help="Show what would be imported; write nothing.")]
SHOWN = 20
REPORTED = 50


def _warn(message: str) -> None:
    err.print(message, style="yellow", markup=False)


def _progress(label: str) -> Progress:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    return Progress(*columns, console=err, transient=False)


def _sync(coach: Coach) -> int:
    """Index what was just stored: the index follows the change feed from where it left off."""
    written = catch_up(coach, "indexing")
    for notice in coach.index.notices:
        _warn(f"note: {notice}")
    return written


def _journal(
    ctx: typer.Context, fmt: str, source: Path, read: Callable[[Path], list[Item]], dry: bool
) -> ImportReport:
    items = read(source)  # a bad file is refused before the store is opened
    if dry:
        with open_store(readonly=True) as store:
            profile = active(store, profile_of(ctx))
            return import_entries(store, profile, fmt, str(source), items, dry_run=True)
    from coach.services import Coach

    with Coach.open() as coach:
        profile = coach.profile(profile_of(ctx))
        report = import_entries(coach.store, profile, fmt, str(source), items, dry_run=False)
        if report.count("imported"):
            report.indexed_chunks = _sync(coach)
    return report


def _show(report: ImportReport, json_out: bool) -> None:
    if json_out:
        emit_json(report.to_json())
        return
    n, dup, bad = report.count("imported"), report.count("duplicate"), report.count("invalid")
    if report.dry_run:
        say(
            f"Dry run, nothing written: {n} entries would be imported into {report.profile}, "
            f"{dup} skipped as duplicates, {bad} skipped as invalid."
        )
        rows = [
            [
                o.where,
                (o.date or "")[:16].replace("T", " "),
                ", ".join(o.tags),
                o.preview or o.reason,
                o.status,
            ]
            for o in report.outcomes[:SHOWN]
        ]
        table(
            ["entry", "date", "tags", "text (or why skipped)", "status"], rows, title=f"First {SHOWN} entries"
        )
        return
    say(f"Imported {n} entries into {report.profile}; skipped {dup} duplicates and {bad} invalid.")
    skipped = [[o.where, o.status, o.reason] for o in report.outcomes if o.status != "imported"]
    if skipped:
        table(["entry", "skipped as", "why"], skipped[:REPORTED], title="Skipped")
        if len(skipped) > REPORTED:
            say(f"... and {len(skipped) - REPORTED} more (see --json).")
    if report.indexed_chunks is not None:
        say(f"Indexed {report.indexed_chunks} chunks: the entries are searchable now.")


@import_app.command("jrnl")
def import_jrnl(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="jrnl's JSON export (jrnl --export json --file FILE).")],
    dry_run: DryRunOpt = False,
    json_out: JsonOpt = False,
) -> None:
    """Import jrnl entries as reflections: date, tags and text (title line, then body) kept exactly."""
    from coach.transfer.journals import jrnl_items

    _show(_journal(ctx, "jrnl", file, jrnl_items, dry_run), json_out)


@import_app.command("dayone")
def import_dayone(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Day One's JSON export: the .zip or its Journal.json.")],
    dry_run: DryRunOpt = False,
    json_out: JsonOpt = False,
) -> None:
    """Import Day One entries as reflections: creation date, tags and text kept exactly."""
    from coach.transfer.journals import dayone_items

    _show(_journal(ctx, "dayone", file, dayone_items, dry_run), json_out)


@import_app.command("markdown")
def import_markdown(
    ctx: typer.Context,
    folder: Annotated[Path, typer.Argument(help="A folder of Markdown notes (e.g. Obsidian daily notes).")],
    dry_run: DryRunOpt = False,
    json_out: JsonOpt = False,
) -> None:
    """Import Markdown notes: date from front matter, the file name or the file; tags from both."""
    from coach.transfer.markdown_notes import markdown_items

    _show(_journal(ctx, "markdown", folder, markdown_items, dry_run), json_out)


@import_app.command("coach")
def import_coach(
    file: Annotated[Path, typer.Argument(help="A coach JSON export (coach export --format json).")],
    dry_run: DryRunOpt = False,
    json_out: JsonOpt = False,
) -> None:
    """Import a coach export: profiles, goals, commitments, sessions, meetings and notes; nothing twice."""
    from coach.transfer.coach_import import import_coach as run
    from coach.transfer.coach_import import load

    data = load(file)  # a bad file is refused before the store is opened
    report: CoachImportReport
    if dry_run:
        with open_store(readonly=True) as store:
            report = run(store, data, str(file), dry_run=True)
    else:
        from coach.services import Coach

        with Coach.open() as coach:
            report = run(coach.store, data, str(file), dry_run=False)
            if any(report.imported.values()):
                report.indexed_chunks = _sync(coach)
    if json_out:
        emit_json(report.to_json())
        return
    verb = "Would import" if dry_run else "Imported"
    table(
        ["records", verb.lower(), "already here"],
        [[k, report.imported[k], report.duplicates[k]] for k in report.imported],
    )
    for item in report.skipped:
        _warn(f"skipped note {item['note']}: {item['reason']}")
    if dry_run:
        say("Dry run: nothing was written.")


def export(
    ctx: typer.Context,
    fmt: Annotated[
        str, typer.Option("--format", help="json (re-importable) or markdown (a folder).")
    ] = "json",
    out: Annotated[
        Path | None, typer.Option("--out", help="File (json) or new folder (markdown). JSON default: stdout.")
    ] = None,
    all_profiles: Annotated[
        bool, typer.Option("--all-profiles", help="Every profile, not the active one.")
    ] = False,
    encrypt: Annotated[
        bool,
        typer.Option(
            "--encrypt", help="JSON only, with --out: sealed with a passphrase of its own (asked twice)."
        ),
    ] = False,
) -> None:
    """Export goals, milestones, commitments, sessions, meetings and your notes; in clear unless --encrypt."""
    from coach.transfer.exporter import dumps, export_doc
    from coach.transfer.markdown_export import check_target, write_markdown

    if fmt not in ("json", "markdown"):
        raise InputError(f"unknown export format '{fmt}' (use json or markdown)")
    if encrypt and (fmt != "json" or out is None):
        raise InputError("--encrypt writes a JSON export to a file: add --out FILE (and --format json)")
    if fmt == "json" and out is not None and (out.exists() or not out.parent.is_dir()):
        raise InputError(
            f"{out} already exists; choose another path or remove it first"
            if out.exists()
            else f"the folder {out.parent} does not exist"
        )
    if fmt == "markdown" and out is not None:
        check_target(out)
    with open_store(readonly=True) as store:
        profiles = store.profiles.list() if all_profiles else [active(store, profile_of(ctx))]
        doc, problems = export_doc(store, profiles)
    for problem in problems:
        _warn(f"skipped note {problem}")
    if fmt == "json" and out is None:
        sys.stdout.write(dumps(doc))
        return
    if fmt == "json" and encrypt:
        from coach.crypto import export_file, sealed

        assert out is not None
        sealed.write_bytes(out, export_file.seal(dumps(doc), export_file.passphrase(new=True)))
    elif fmt == "json":
        assert out is not None
        write_private(out, dumps(doc))
    else:
        out = out or Path(f"coach-export-{datetime.now():%Y%m%d-%H%M%S}")
        write_markdown(doc, out)
    counts = {
        k: sum(len(p[k]) for p in doc["profiles"]) for k in ("goals", "commitments", "sessions", "meetings")
    }
    summary = ", ".join(f"{n} {k}" for k, n in counts.items())
    say(f"Exported {len(doc['profiles'])} profile(s) ({summary}) and {len(doc['notes'])} notes to {out}")


def backup(
    path: Annotated[
        Path | None, typer.Argument(help="Where to write it (default: <data home>/backups/coach-DATE.db).")
    ] = None,
) -> None:
    """A consistent copy of the store of record, taken safely even while the app is writing."""
    from coach.transfer.backup import backup as run

    result = run(data_home(), path)
    say(f"Backed up to {result.path} ({result.size:,} bytes, schema {result.schema_version}).")


def restore(path: Annotated[Path, typer.Argument(help="A backup written by coach backup.")]) -> None:
    """Restore a backup into an empty data home, then rebuild the index from it."""
    from coach.services import Coach
    from coach.store import Store
    from coach.transfer.backup import check_backup
    from coach.transfer.backup import restore as run

    check_backup(path)  # a bad file is refused before the data home is touched
    store = Store.open()
    try:
        counts = run(store, path)
        coach = Coach(store)  # after the restore: the index is named after the restored home
    except BaseException:
        store.close()
        raise
    with coach, _progress("rebuilding the index") as bar:
        task = bar.add_task("index", total=None)
        total = coach.index.rebuild(lambda done, all_: bar.update(task, completed=done, total=all_))
    held = ", ".join(f"{n} {t}" for t, n in counts.items())
    say(f"Restored {path} into {store.home} ({held}); indexed {total} chunks.")
