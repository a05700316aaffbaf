"""``churn score``: score every active account with the champion model and explain each score."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from churn_scorecard.commands.arguments import SourceArgument
from churn_scorecard.console import console, progress_callback

if TYPE_CHECKING:
    from serving.scoring import ScoringRun


def score(
    source: SourceArgument,
    as_of: Annotated[
        datetime | None,
        typer.Option(
            "--as-of",
            help="Score as of this date or time (UTC); default: the latest event time in the data.",
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Folder for scores.csv, scores.parquet and drift.json (default runs/scores/<as_of date>).",
            show_default=False,
        ),
    ] = None,
    model: Annotated[
        str, typer.Option("--model", help="MLflow model URI to score with.")
    ] = "models:/churn-scorecard@champion",
    plays: Annotated[
        Path | None,
        typer.Option(
            help="Playbook YAML: plays per driver and band, alert thresholds (default: the shipped one).",
            show_default=False,
        ),
    ] = None,
    history: Annotated[
        str | None,
        typer.Option(
            help="Score history: a DuckDB path, duckdb:///path or postgresql://... (default runs/history.duckdb).",
            show_default=False,
        ),
    ] = None,
    webhook: Annotated[
        str | None,
        typer.Option(
            help="POST new alerts as JSON to this URL (with retries).", show_default=False
        ),
    ] = None,
) -> None:
    """Score, explain and record every account active in SOURCE; print a run summary.

    Uses the model's tracking store from $MLFLOW_TRACKING_URI (default sqlite:///models/mlflow.db).
    See docs/scoring.md for the score columns, explanations, plays, alerts and drift.
    """
    import mlflow

    from serving.scoring import score_source
    from training.config import TrainingConfig, resolve_tracking_uri

    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    mlflow.set_tracking_uri(resolve_tracking_uri(TrainingConfig()))
    with progress_callback() as progress:
        run = score_source(
            source,
            as_of=as_of,
            out=out,
            model_uri=model,
            plays=plays,
            history_url=history,
            webhook=webhook,
            progress=progress,
        )
    _summary(run)


def _summary(run: ScoringRun) -> None:
    frame = run.batch.frame
    console.print(escape(run.as_of_note))
    console.print(
        f"Scored [bold]{len(frame):,}[/bold] active accounts with "
        f"{frame['model_name'].iloc[0]} v{frame['model_version'].iloc[0]} "
        f"({frame['feature_set_version'].iloc[0]})"
    )
    table = Table(title="Bands")
    for column in ("band", "accounts", "ARR", "ARR at risk", "mean health"):
        table.add_column(column, justify="left" if column == "band" else "right")
    grouped = frame.groupby("band", sort=False)
    for band in [b for b in run.bands if b in grouped.groups]:
        rows = grouped.get_group(band)
        table.add_row(
            band,
            f"{len(rows):,}",
            f"{rows['arr'].sum():,.0f}",
            f"{rows['arr_at_risk'].sum():,.0f}",
            f"{rows['health'].mean():.0f}",
        )
    console.print(table)
    console.print(
        f"ARR at risk: [bold]{frame['arr_at_risk'].sum():,.0f}[/bold] of {frame['arr'].sum():,.0f} "
        f"({frame['arr_at_risk'].sum() / max(frame['arr'].sum(), 1e-9):.1%})"
    )
    _quadrants(run)
    changed = frame.dropna(subset=["health_change"])
    if len(changed):
        console.print(f"{len(changed):,} accounts were scored before; the biggest drops:")
        for row in changed.nsmallest(3, "health_change").itertuples():
            if row.health_change < 0:
                console.print(f"  {escape(row.account_id)}: {escape(row.change_summary)}")
    console.print(f"Drift: {escape(run.batch.drift.describe())}")
    alerts = run.new_alerts
    already = len(run.batch.alerts) - len(alerts)
    text = f"Alerts: {len(alerts):,} new"
    if already:
        text += f" ({already:,} already recorded)"
    if len(alerts):
        text += ": " + ", ".join(f"{k} {v}" for k, v in alerts["kind"].value_counts().items())
    console.print(text)
    if run.webhook_attempts is not None:
        console.print(
            f"Posted {len(alerts):,} alert(s) to the webhook ({run.webhook_attempts} attempt(s))"
        )
    if run.webhook_problem:
        console.print(f"[bold yellow]warning:[/bold yellow] {escape(run.webhook_problem)}")
    console.print(
        f"History: {run.history_rows:,} new rows in {escape(run.history)}"
        + ("" if run.history_rows else " (this scoring was stored before)")
    )
    for kind, path in run.files.items():
        console.print(f"Wrote {kind}: [bold]{escape(str(path))}[/bold]")


def _quadrants(run: ScoringRun) -> None:
    """Accounts and subscription ARR per quadrant, the cuts, and how many disagree."""
    from serving.scoring.quadrants import Quadrant

    frame, cuts = run.batch.frame, run.batch.cuts
    if cuts is None:
        return
    arr_cut = "none" if cuts.arr is None else f"{cuts.arr:,.0f}"
    console.print(
        f"Quadrants: health cut {cuts.health:g}, ARR cut {arr_cut} ({escape(cuts.basis)})"
    )
    table = Table(title="Quadrants")
    for column in ("quadrant", "accounts", "subscription ARR", "mean health"):
        table.add_column(column, justify="left" if column == "quadrant" else "right")
    grouped = frame.groupby("quadrant", sort=False)
    for quadrant in [q.value for q in Quadrant if q.value in grouped.groups]:
        rows = grouped.get_group(quadrant)
        table.add_row(
            quadrant,
            f"{len(rows):,}",
            f"{rows['subscription_arr'].sum():,.0f}",
            f"{rows['health'].mean():.0f}",
        )
    console.print(table)
    disagree = frame["disagreement"].notna()
    if disagree.any():
        falling = int((disagree & (frame["subscription_arr_pct_change_90d"] < 0)).sum())
        console.print(
            f"Health and money disagree on {int(disagree.sum()):,} accounts ({falling:,} healthy "
            f"but contracting, {int(disagree.sum()) - falling:,} at risk but expanding): "
            "see the disagreement column"
        )
