"""Indexing a backlog from the shell, with real progress: records done of total, chunks, and a rate."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

if TYPE_CHECKING:
    from rich.progress import Task

    from coach.services import Coach

err = Console(stderr=True, highlight=False)
BIG_BACKLOG = 200  # records: a search that must index this many first says so


class _Rate(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.speed
        return Text(f"{speed:,.0f} records/s" if speed else "", style="dim")


def catch_up(coach: Coach, label: str) -> int:
    """Index what the records have and the index has not, showing progress; chunks written."""
    columns = (
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("records, {task.fields[chunks]:,} chunks"),
        _Rate(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=False) as bar:
        task = bar.add_task(label, total=coach.index.backlog() or None, chunks=0)

        def report(done: int, total: int, chunks: int) -> None:
            bar.update(task, completed=done, total=total, chunks=chunks)

        written = coach.index.sync(report)
        finished = bar.tasks[0]
        bar.update(task, total=finished.total or 1, completed=finished.total or 1)
    return written
