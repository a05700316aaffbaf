"""``churn audit``: how the scores issued before renewal decisions did, once outcomes arrived."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from churn_scorecard.commands.arguments import HistoryOption, SourceArgument
from churn_scorecard.console import console, progress_callback

if TYPE_CHECKING:
    from serving.audit import AuditResult, GroupFigures, VersionAudit

DEFAULT_PAGES = Path("runs/report")
SHOWN = 3
"""Renewals of each list printed on the terminal (the files hold them all)."""


def audit(
    source: SourceArgument,
    history: HistoryOption = None,
    out: Annotated[
        Path,
        typer.Option(help="Folder for audit.json and the CSV files."),
    ] = Path("runs/audit"),
    pages: Annotated[
        Path,
        typer.Option(
            help="Folder of the portfolio (churn report --out): audit.html goes beside it."
        ),
    ] = DEFAULT_PAGES,
    config: Annotated[
        Path | None,
        typer.Option(
            help="YAML of audit settings: lead_buckets_days, flagged_bands, healthy_bands, "
            "min_renewals, min_per_outcome, include_backfilled.",
            show_default=False,
        ),
    ] = None,
    flagged_band: Annotated[
        list[str] | None,
        typer.Option(
            "--flagged-band",
            help="A band that counts as flagged at risk; repeat for several (default: the worst band).",
            show_default=False,
        ),
    ] = None,
    include_backfilled: Annotated[
        bool,
        typer.Option(
            "--include-backfilled",
            help="Also count scores computed after the decision from older data (a backtest).",
        ),
    ] = False,
    currency: Annotated[str, typer.Option(help="Symbol printed before amounts.")] = "$",
) -> None:
    """Join renewal outcomes in SOURCE to the scores issued before each decision; print and
    write AUC, lift, churned ARR caught and calibration per model version, segment and lead.

    Scores are read from the history as stored, never recomputed. See docs/audit.md.
    """
    from churn_scorecard.config import build_config, load_config
    from serving.audit import AuditConfig, audit_source, write_audit
    from serving.pages import write_audit_page

    started = time.perf_counter()
    settings = load_config(AuditConfig, config) if config is not None else AuditConfig()
    overrides: dict[str, object] = {}
    if flagged_band:
        overrides["flagged_bands"] = list(flagged_band)
    if include_backfilled:
        overrides["include_backfilled"] = True
    if overrides:
        values = {**settings.model_dump(exclude_unset=True), **overrides}
        settings = build_config(AuditConfig, values, "churn audit options")
    with progress_callback() as progress:
        done = audit_source(source, history, settings, progress=progress)
    result = done.result
    _summary(result, currency)
    files = write_audit(done, out)
    page = write_audit_page(result, pages, currency=currency)
    for name, path in files.items():
        console.print(f"Wrote {name}: [bold]{escape(str(path))}[/bold]")
    console.print(f"Audit page in {time.perf_counter() - started:.1f} s: {page.resolve().as_uri()}")


def _summary(result: AuditResult, currency: str) -> None:
    console.print(
        f"Audit of [bold]{result.decided_renewals:,}[/bold] decided renewals after the first "
        f"stored score ({escape(result.history)}, renewals from {escape(result.source)}): "
        f"{result.renewals_with_scores:,} judged by a score issued before the decision."
    )
    console.print(escape(result.rule), style="dim")
    if result.backfilled_scores:
        verdict = (
            "count (--include-backfilled): read this as a backtest"
            if result.include_backfilled
            else "do not count (--include-backfilled audits them as a backtest)"
        )
        console.print(
            f"note: {result.backfilled_scores:,} stored scores were computed after their "
            f"renewal's decision (backfilled) and {verdict}"
        )
    for version in result.versions:
        console.print(_figures_table(version, currency))
        _notes(version, currency)
        console.print(_bands_table(version))
        _lists(version, currency)


def _figures_table(version: VersionAudit, currency: str) -> Table:
    table = Table(
        title=f"{version.model_name or 'model'} v{version.model_version}: {version.renewals:,} "
        f"renewals decided {version.first_decision:%Y-%m-%d}..{version.last_decision:%Y-%m-%d}",
        caption="lead: each renewal's last score issued that many days before the decision",
    )
    for column in ("group", "renewals", "churned", "churn", "AUC", "lift@10%", "ARR caught"):
        table.add_column(column, justify="left" if column == "group" else "right")
    _add(table, "all", version.overall)
    table.add_section()
    for figures in version.by_lead:
        _add(table, f"lead {figures.group} days", figures)
    table.add_section()
    for figures in version.by_segment:
        _add(table, figures.group, figures)
    return table


def _add(table: Table, label: str, figures: GroupFigures) -> None:
    caught = figures.churned_arr_caught
    table.add_row(
        escape(label),
        f"{figures.renewals:,}",
        f"{figures.churned:,}",
        f"{figures.churn_rate:.1%}",
        "-" if figures.auc is None else f"{figures.auc:.3f}",
        "-" if figures.top_decile_lift is None else f"{figures.top_decile_lift:.2f}",
        "-" if caught is None else f"{caught:.1%}",
    )


def _notes(version: VersionAudit, currency: str) -> None:
    overall = version.overall
    flagged = ", ".join(version.flagged_bands)
    if overall.churned_arr_caught is not None:
        console.print(
            f"Churned ARR: {currency}{overall.churned_arr:,.0f}, of which "
            f"{currency}{overall.churned_arr_flagged:,.0f} ({overall.churned_arr_caught:.1%}) "
            f"was scored {escape(flagged)} beforehand (ARR caught)."
        )
    for breakdown, groups in (
        ("", [overall]),
        ("lead ", version.by_lead),
        ("", version.by_segment),
    ):
        for figures in groups:
            if figures.note:
                console.print(f"  {escape(breakdown + figures.group)}: {escape(figures.note)}")


def _bands_table(version: VersionAudit) -> Table:
    table = Table(
        title=f"Calibration per band, v{version.model_version} (last score before each decision)"
    )
    for column in ("band", "renewals", "churned", "predicted", "observed"):
        table.add_column(column, justify="left" if column == "band" else "right")
    for band in version.overall.bands:
        table.add_row(
            escape(band.band),
            f"{band.renewals:,}",
            f"{band.churned:,}",
            f"{band.mean_probability:.1%}",
            f"{band.churn_rate:.1%}",
        )
    return table


def _lists(version: VersionAudit, currency: str) -> None:
    healthy = ", ".join(version.healthy_bands)
    flagged = ", ".join(version.flagged_bands)
    console.print(
        f"Healthy before churn: [bold]{len(version.healthy_before_churn):,}[/bold] renewals "
        f"churned while their last score was {escape(healthy)}"
        + (", the biggest:" if version.healthy_before_churn else "")
    )
    for item in version.healthy_before_churn[:SHOWN]:
        drivers = item.drivers[0] if item.drivers else "no driver shown"
        console.print(
            f"  {escape(item.account_id)}: {currency}{item.arr or 0:,.0f} on "
            f"{item.renewal_date:%Y-%m-%d}, health {item.health} {item.lead_days} days before; "
            f"{escape(drivers)}"
        )
    console.print(
        f"Flagged but renewed: [bold]{len(version.flagged_but_renewed):,}[/bold] renewals "
        f"renewed while their last score was {escape(flagged)}"
        + (", the biggest:" if version.flagged_but_renewed else "")
    )
    for item in version.flagged_but_renewed[:SHOWN]:
        console.print(
            f"  {escape(item.account_id)}: {currency}{item.arr or 0:,.0f} on "
            f"{item.renewal_date:%Y-%m-%d}, health {item.health}, churn probability "
            f"{item.churn_probability:.0%} {item.lead_days} days before"
        )
