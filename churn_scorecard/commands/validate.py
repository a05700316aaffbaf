"""``churn validate``: check a data source against the contract, quarantine the bad rows."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from churn_scorecard.commands.arguments import SourceArgument
from churn_scorecard.console import console, progress_callback

if TYPE_CHECKING:
    from features.data import ValidationReport


def validate(
    source: SourceArgument,
    out: Annotated[
        Path,
        typer.Option(
            help="Folder for the quarantine files (<table>.parquet) and validation_report.json."
        ),
    ] = Path("runs/validation"),
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit with code 1 when any row was quarantined.")
    ] = False,
    now: Annotated[
        datetime | None,
        typer.Option(
            help="The time of validation (UTC): timestamps after it count as in the future "
            "(default: the current time).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Validate every contract table in SOURCE; set aside rows that break the contract.

    Prints rows read, kept and quarantined (by reason) per table, and writes each table's quarantined rows with their reasons to OUT. See docs/data.md for the rules.
    """
    from features.data import load_dataset

    with progress_callback() as progress:
        dataset = load_dataset(source, now=now, progress=progress)
    with dataset:
        print_report(dataset.report)
        dataset.write_quarantine(out)
    report = dataset.report
    console.print(f"Quarantine and report written to [bold]{escape(str(out))}[/bold].")
    if strict and report.rows_quarantined:
        console.print(f"[red]--strict: {report.rows_quarantined:,} rows were quarantined.[/red]")
        raise typer.Exit(1)


def print_report(report: ValidationReport) -> None:
    """Print one row per table (rows read, kept, quarantined, time span), one per reason under it."""
    table = Table(
        title=f"Validation of {escape(report.source)}",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        collapse_padding=True,
    )
    table.add_column("table", no_wrap=True)
    table.add_column("read", justify="right", no_wrap=True)
    table.add_column("kept", justify="right", no_wrap=True)
    table.add_column("quarantined", justify="right", no_wrap=True)
    table.add_column("time span (kept rows)", no_wrap=True)
    for entry in report.tables:
        span = "-"
        if entry.time_span:
            span = f"{entry.time_span[0]:%Y-%m-%d}..{entry.time_span[1]:%Y-%m-%d}"
        quarantined = (
            f"[yellow]{entry.rows_quarantined:,}[/yellow]" if entry.rows_quarantined else "0"
        )
        table.add_row(entry.name, f"{entry.rows_read:,}", f"{entry.rows_kept:,}", quarantined, span)
        for code, count in entry.quarantined_by_reason.items():
            table.add_row(f"[dim]  {code}[/dim]", "", "", f"[dim]{count:,}[/dim]", "")
    table.add_section()
    table.add_row(
        "total",
        f"{report.rows_read:,}",
        f"{report.rows_kept:,}",
        f"{report.rows_quarantined:,}",
        "",
    )
    console.print(table)
    if report.absent_tables:
        console.print(f"Tables not present (optional): {', '.join(report.absent_tables)}")
    if report.ignored:
        console.print(f"Ignored (not contract tables): {escape(', '.join(report.ignored))}")
