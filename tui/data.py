"""The settings' Data tab: import, export and backup through coach.transfer, each in a thread worker."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, ProgressBar, Select, Static

from coach.errors import InputError
from tui.settings import SettingsPane, problem
from tui.toggle import Toggle

if TYPE_CHECKING:
    from coach.transfer.coach_import import CoachImportReport
    from coach.transfer.entries import ImportReport, Item

FORMATS = {
    "jrnl": "jrnl JSON",
    "dayone": "Day One (zip or JSON)",
    "markdown": "Markdown folder",
    "coach": "coach JSON",
}
SHOWN = 20


def journal_report(report: ImportReport) -> Text:
    """What was imported, and each skipped entry with its reason (the first SHOWN of them)."""
    n, dup, bad = report.count("imported"), report.count("duplicate"), report.count("invalid")
    text = Text()
    if report.dry_run:
        text.append(f"Dry run, nothing written: {n} entries would be imported into ", style="bold")
    else:
        text.append(f"Imported {n} entries into ", style="bold")
    text.append(report.profile, style="bold")
    text.append(f"; skipped {dup} duplicates and {bad} invalid.\n")
    if report.dry_run:
        for o in [o for o in report.outcomes if o.status == "imported"][:SHOWN]:
            text.append(f"  + {o.where}  {(o.date or '')[:10]}  ", style="green")
            text.append(o.preview + "\n")
    skipped = [o for o in report.outcomes if o.status != "imported"]
    for o in skipped[:SHOWN]:
        text.append(f"  − {o.where}: {o.status}", style="yellow")
        text.append(f" ({o.reason})\n" if o.reason else "\n")
    if len(skipped) > SHOWN:
        text.append(f"  … and {len(skipped) - SHOWN} more skipped\n", style="dim")
    if report.indexed_chunks is not None:
        text.append(f"Indexed {report.indexed_chunks} chunks: the entries are searchable now.\n")
    return text


def coach_report(report: CoachImportReport) -> Text:
    verb = "would import" if report.dry_run else "imported"
    text = Text("Dry run, nothing written.\n" if report.dry_run else "", style="bold")
    for kind, count in report.imported.items():
        text.append(f"  {kind}: {count} {verb}, {report.duplicates[kind]} already here\n")
    for item in report.skipped:
        text.append(f"  − note {item['note']}: {item['reason']}\n", style="yellow")
    if report.indexed_chunks is not None:
        text.append(f"Indexed {report.indexed_chunks} chunks: the records are searchable now.\n")
    return text


def reader(fmt: str) -> Callable[[Path], list[Item]]:
    from coach.transfer import journals, markdown_notes

    return {
        "jrnl": journals.jrnl_items,
        "dayone": journals.dayone_items,
        "markdown": markdown_notes.markdown_items,
    }[fmt]


def export_default(fmt: str) -> str:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return f"~/coach-export-{stamp}" + (".json" if fmt == "json" else "")


class DataPane(SettingsPane):
    """Import a journal, export, back up, and restore a backup into a data home that is still empty."""

    def compose(self) -> ComposeResult:
        # every path field has a label on its own row, so it is named even when its heading scrolls away
        with Vertical(classes="section", id="import-section"):
            yield Static(Text("Import"), classes="heading")
            with Horizontal(classes="field"):
                yield Label("Format", classes="field-label")
                yield Select[str](
                    [(Text(label), fmt) for fmt, label in FORMATS.items()],
                    id="import-format",
                    value="jrnl",
                    allow_blank=False,
                    compact=True,
                )
                yield Toggle("Dry run", id="import-dry")
            with Horizontal(classes="field"):
                yield Label("Import from", classes="field-label")
                yield Input(placeholder="File or folder to import", id="import-path", compact=True)
                yield Button("Import", id="import-run", variant="primary", compact=True)
            yield ProgressBar(total=None, show_eta=False, show_percentage=False, id="import-progress")
            yield Static(id="import-report", classes="report")

        with Vertical(classes="section", id="export-section"):
            yield Static(Text("Export"), classes="heading")
            with Horizontal(classes="field"):
                yield Label("Format", classes="field-label")
                yield Select[str](
                    [(Text("JSON (re-importable)"), "json"), (Text("Markdown folder"), "markdown")],
                    id="export-format",
                    value="json",
                    allow_blank=False,
                    compact=True,
                )
                yield Toggle("All profiles", id="export-all")
            with Horizontal(classes="field"):
                yield Label("Export to", classes="field-label")
                yield Input(export_default("json"), id="export-out", compact=True)
                yield Button("Export", id="export-run", variant="primary", compact=True)
            yield Static(id="export-report", classes="report")

        with Vertical(classes="section", id="backup-section"):
            yield Static(Text("Backup"), classes="heading")
            with Horizontal(classes="field"):
                yield Label("Back up to", classes="field-label")
                yield Input(
                    placeholder="empty: <data home>/backups/coach-DATE.db", id="backup-out", compact=True
                )
                yield Button("Back up", id="backup-run", variant="primary", compact=True)
            yield Static(id="backup-report", classes="report")

        with Vertical(classes="section", id="restore-section"):
            yield Static(Text("Restore"), classes="heading")
            yield Static(
                Text(
                    "A restore fills an empty data home (a new one, before any profile) and never merges. "
                    "For a home that holds records: quit, point COACH_HOME at a new folder, restore there.",
                    style="dim",
                ),
                classes="restore",
            )
            with Horizontal(classes="field"):
                yield Label("Restore from", classes="field-label")
                yield Input(placeholder="A backup written by coach backup", id="restore-path", compact=True)
                yield Button("Restore", id="restore-run", variant="warning", compact=True)
            yield Static(id="restore-report", classes="report")

        with Vertical(classes="section", id="encryption-section"):
            yield Static(Text("Encryption"), classes="heading")
            yield Static(self.encryption_text(), id="encryption-state")

    def encryption_text(self) -> Text:
        """Whether this home is encrypted, and the commands that change it (they need the home closed)."""
        from coach.crypto import is_encrypted

        if is_encrypted(self.coach_app.store.home):
            text = Text("On: the store, drafts, notes and backups are encrypted with your passphrase.\n")
            text.append(
                "To change the passphrase, quit and run coach passphrase; coach decrypt makes it plain.",
                style="dim",
            )
            return text
        text = Text("Off: anyone with these files can read them.\n")
        text.append(
            "To encrypt this home in place, quit and run coach encrypt (you choose a passphrase and get a "
            "recovery key); see the README's \u201cPrivate at rest\u201d.",
            style="dim",
        )
        return text

    def on_mount(self) -> None:
        self.query_one("#import-progress").display = False
        for report in self.query(".report"):
            report.display = False

    def failed(self, where: str, button: str, exc: Exception) -> None:
        """A failure is shown under its section; every field keeps what was typed."""
        self.query_one("#import-progress").display = False
        self.done(where, button, Text(problem(exc), style="red"), failed=True)

    # --- import ----------------------------------------------------------------------------------------
    @on(Input.Submitted, "#import-path")
    @on(Button.Pressed, "#import-run")
    def start_import(self) -> None:
        raw = self.query_one("#import-path", Input).value.strip()
        if not raw:
            self.refuse("import-report", "Type the path of the file or folder to import.")
            return
        fmt = str(self.query_one("#import-format", Select).value)
        dry = self.query_one("#import-dry", Toggle).value
        self.busy("import-run", True)
        self.say("import-report", Text(f"Reading {raw}…", style="dim"))
        self.run_import(fmt, Path(raw).expanduser(), dry)

    @work(thread=True, exclusive=True, group="import", exit_on_error=False)
    def run_import(self, fmt: str, path: Path, dry: bool) -> None:
        coach = self.coach_app.coach
        try:
            if fmt == "coach":
                from coach.transfer.coach_import import import_coach, load

                done = import_coach(coach.store, load(path), str(path), dry_run=dry)
                report: ImportReport | CoachImportReport = done
                imported = any(done.imported.values())
            else:
                from coach.transfer.entries import import_entries

                items = reader(fmt)(path)
                profile = coach.profile(self.coach_app.profile_name)
                report = import_entries(coach.store, profile, fmt, str(path), items, dry_run=dry)
                imported = report.count("imported") > 0
        except Exception as exc:
            self.app.call_from_thread(self.failed, "import-report", "import-run", exc)
            return
        trouble = ""
        if imported and not dry:
            self.app.call_from_thread(self.indexing)
            try:
                report.indexed_chunks = self.sync()
            except Exception as exc:  # the entries are stored all the same: say so, and how to catch up
                trouble = f"Stored, but not searchable yet ({problem(exc)}): run coach index rebuild."
        self.app.call_from_thread(self.imported, report, trouble)

    def after_warm_up(self) -> None:
        """Block this worker until the start-up warm-up has finished: one writer to the index at a time."""
        while any(w.group == "warm" and w.is_running for w in list(self.app.workers)):
            time.sleep(0.1)

    def sync(self) -> int:
        """Index the new records (as the CLI does after an import), once the start-up warm-up is done."""
        self.after_warm_up()
        coach = self.coach_app.coach
        written = coach.index.sync()
        for notice in coach.index.notices:
            self.app.call_from_thread(self.notify, notice, title="Index", markup=False)
        return written

    def indexing(self) -> None:
        self.query_one("#import-progress").display = True
        self.say("import-report", Text("Stored. Indexing the new entries for search…", style="dim"))

    def imported(self, report: ImportReport | CoachImportReport, trouble: str = "") -> None:
        from coach.transfer.entries import ImportReport

        self.query_one("#import-progress").display = False
        text = journal_report(report) if isinstance(report, ImportReport) else coach_report(report)
        if trouble:
            text.append(trouble + "\n", style="yellow")
        self.done("import-report", "import-run", text)
        if not report.dry_run:
            self.coach_app.refresh_home()

    # --- export ----------------------------------------------------------------------------------------
    @on(Select.Changed, "#export-format")
    def export_format(self, event: Select.Changed) -> None:
        field = self.query_one("#export-out", Input)
        if field.value.startswith("~/coach-export-"):  # still the suggestion: suggest one for this format
            field.value = export_default(str(event.value))

    @on(Input.Submitted, "#export-out")
    @on(Button.Pressed, "#export-run")
    def start_export(self) -> None:
        raw = self.query_one("#export-out", Input).value.strip()
        if not raw:
            self.refuse("export-report", "Type where to write the export.")
            return
        fmt = str(self.query_one("#export-format", Select).value)
        self.busy("export-run", True)
        self.run_export(fmt, Path(raw).expanduser(), self.query_one("#export-all", Toggle).value)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def run_export(self, fmt: str, out: Path, all_profiles: bool) -> None:
        from coach.paths import write_private
        from coach.transfer.exporter import dumps, export_doc
        from coach.transfer.markdown_export import check_target, write_markdown

        coach = self.coach_app.coach
        try:
            if fmt == "json" and out.exists():
                raise InputError(f"{out} already exists; choose another path or remove it first")
            if fmt == "json" and not out.parent.is_dir():
                raise InputError(f"the folder {out.parent} does not exist")
            if fmt == "markdown":
                check_target(out)
            store = coach.store
            profiles = store.profiles.list() if all_profiles else [coach.profile(self.coach_app.profile_name)]
            doc, problems = export_doc(store, profiles)
            if fmt == "json":
                write_private(out, dumps(doc))
            else:
                write_markdown(doc, out)
        except Exception as exc:
            self.app.call_from_thread(self.failed, "export-report", "export-run", exc)
            return
        counts = {
            k: sum(len(p[k]) for p in doc["profiles"])
            for k in ("goals", "commitments", "sessions", "meetings")
        }
        text = Text(f"Exported {len(doc['profiles'])} profile(s) (", style="green")
        text.append(", ".join(f"{n} {k}" for k, n in counts.items()), style="green")
        text.append(f") and {len(doc['notes'])} notes to {out}\n", style="green")
        for skipped in problems:
            text.append(f"  − skipped note {skipped}\n", style="yellow")
        self.app.call_from_thread(self.exported, text)

    def exported(self, text: Text) -> None:
        self.done("export-report", "export-run", text)

    # --- backup ----------------------------------------------------------------------------------------
    @on(Input.Submitted, "#backup-out")
    @on(Button.Pressed, "#backup-run")
    def start_backup(self) -> None:
        raw = self.query_one("#backup-out", Input).value.strip()
        self.busy("backup-run", True)
        self.say("backup-report", Text("Backing up…", style="dim"))
        self.run_backup(Path(raw).expanduser() if raw else None)

    @work(thread=True, exclusive=True, group="backup", exit_on_error=False)
    def run_backup(self, dest: Path | None) -> None:
        from coach.transfer.backup import backup

        try:
            result = backup(self.coach_app.coach.store.home, dest)
        except Exception as exc:
            self.app.call_from_thread(self.failed, "backup-report", "backup-run", exc)
            return
        line = f"Backed up to {result.path} ({result.size:,} bytes, schema {result.schema_version})."
        self.app.call_from_thread(self.backed_up, Text(line, style="green"))

    def backed_up(self, text: Text) -> None:
        self.done("backup-report", "backup-run", text)

    # --- restore ---------------------------------------------------------------------------------------
    @on(Input.Submitted, "#restore-path")
    @on(Button.Pressed, "#restore-run")
    def start_restore(self) -> None:
        raw = self.query_one("#restore-path", Input).value.strip()
        if not raw:
            self.refuse("restore-report", "Type the path of a backup file.")
            return
        self.busy("restore-run", True)
        self.say("restore-report", Text("Restoring…", style="dim"))
        self.run_restore(Path(raw).expanduser())

    @work(thread=True, exclusive=True, group="import", exit_on_error=False)
    def run_restore(self, path: Path) -> None:
        from coach.transfer.backup import restore

        coach = self.coach_app.coach
        try:
            self.after_warm_up()
            counts = restore(coach.store, path)  # refuses a home that holds records, touching nothing
            coach.reset_index()  # a restored home has its own id, which names its collections
            chunks = coach.index.rebuild()
        except Exception as exc:
            self.app.call_from_thread(self.failed, "restore-report", "restore-run", exc)
            return
        held = ", ".join(f"{n} {t}" for t, n in counts.items())
        line = f"Restored {path} ({held}); indexed {chunks} chunks for search."
        self.app.call_from_thread(self.restored, Text(line, style="green"))

    def restored(self, text: Text) -> None:
        self.done("restore-report", "restore-run", text)
        self.coach_app.refresh_home()
