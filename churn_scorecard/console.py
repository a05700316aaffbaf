"""The terminal: one rich console for output and progress bars for long work."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

console = Console(highlight=False)
errors = Console(stderr=True, highlight=False)


@contextmanager
def progress_bar() -> Iterator[Progress]:
    """A progress bar on stderr; quiet when stderr is not a terminal (CI, pipes)."""
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=errors,
        transient=False,
        disable=not sys.stderr.isatty(),
    )
    with progress:
        yield progress


ProgressCallback = Callable[[str, int, int], None]
"""``report(step, done, total)``: how library code tells the CLI how far a long step is."""


@contextmanager
def progress_callback() -> Iterator[ProgressCallback]:
    """A :data:`ProgressCallback` that drives one rich progress bar per step."""
    with progress_bar() as progress:
        tasks: dict[str, TaskID] = {}

        def report(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = progress.add_task(step, total=total)
            progress.update(tasks[step], completed=done, total=total)

        yield report
