"""``churn train``: learn a calibrated churn model from past renewals (or a flat table), evaluate it
honestly, log it to MLflow and promote it to champion only when it beats the current one."""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import pandas as pd
import typer
from rich.table import Table

from churn_scorecard.console import console, progress_callback
from training.errors import TrainingError

if TYPE_CHECKING:
    from training.dataset import TrainingSet
    from training.pipeline import TrainingResult


def train(
    data_dir: Annotated[
        Path | None,
        typer.Argument(
            help="Data directory, DuckDB file or postgresql:// URL with accounts, renewals and the other contract tables. "
            "Leave out when training from --table."
        ),
    ] = None,
    table: Annotated[
        Path | None,
        typer.Option(
            help="Bring your own features: a CSV or Parquet file, one row per example (needs --label)."
        ),
    ] = None,
    label: Annotated[
        str | None,
        typer.Option(
            help="With --table: the outcome column (yes/no, true/false, 1/0, churned/renewed)."
        ),
    ] = None,
    time: Annotated[
        str | None,
        typer.Option(
            help="With --table: a date column; the split is then out of time and a backtest runs."
        ),
    ] = None,
    id_column: Annotated[
        str | None,
        typer.Option(
            "--id", help="With --table: an identifier column to leave out of the features."
        ),
    ] = None,
    arr: Annotated[
        str | None,
        typer.Option(help="With --table: the ARR column, for the share of churned ARR caught."),
    ] = None,
    segment: Annotated[
        str | None, typer.Option(help="With --table: a column to break the metrics down by.")
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option(help="Training config (YAML); see docs/training.md for every key."),
    ] = None,
    seed: Annotated[
        int | None, typer.Option(help="Seed (overrides the config); same data + seed = same model.")
    ] = None,
    tune: Annotated[
        bool,
        typer.Option("--tune", help="Search LightGBM parameters with Optuna before the final fit."),
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Make this model the champion even if it does not beat the current one."
        ),
    ] = False,
    tracking_uri: Annotated[
        str | None,
        typer.Option(
            help="MLflow tracking URI (default: $MLFLOW_TRACKING_URI, then the config, then sqlite:///models/mlflow.db)."
        ),
    ] = None,
    model_name: Annotated[
        str | None,
        typer.Option(help="Registered model name (default from the config: churn-scorecard)."),
    ] = None,
) -> None:
    """Train, calibrate and evaluate a churn model against baselines; log it to MLflow and maybe promote it."""
    from training.config import load_training_config, resolve_tracking_uri
    from training.pipeline import train_model
    from training.registry import decide_promotion
    from training.table import load_table
    from training.tracking import connect, log_training_run

    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    settings = load_training_config(config)
    updates = {"seed": seed} if seed is not None else {}
    if tune:
        updates["tuning"] = settings.tuning.model_copy(update={"enabled": True})
    settings = settings.model_copy(update=updates)
    name = model_name or settings.mlflow.registered_model
    uri = resolve_tracking_uri(settings, tracking_uri)

    console.rule("[bold]1. Training set")
    if table is not None:
        if data_dir is not None:
            raise TrainingError("give either a data directory or --table, not both")
        if label is None:
            raise TrainingError("--table needs --label COLUMN naming the outcome column")
        training_set = load_table(table, label, time, id_column, arr, segment)
    elif data_dir is not None:
        from training.renewals import load_renewal_training_set

        with progress_callback() as progress:
            training_set = load_renewal_training_set(data_dir, settings, progress)
    else:
        raise TrainingError(
            "give a data directory (churn train DIR) or a flat table (churn train --table FILE --label COLUMN)"
        )
    _print_data(training_set)

    console.rule("[bold]2. Train, calibrate, evaluate")
    with progress_callback() as progress:
        result = train_model(training_set, settings, progress)
    _print_result(result, already_said=set(training_set.notes))

    _warn_if_constant(result)

    console.rule("[bold]3. MLflow")
    experiment_id = connect(uri, settings.mlflow.experiment)
    logged = log_training_run(result, experiment_id, name)
    decision = decide_promotion(result, name, logged.version, settings.promotion, force)
    console.print(f"Tracking store: [bold]{uri}[/bold]")
    console.print(
        f"Run [bold]{logged.run_id}[/bold] (experiment {settings.mlflow.experiment}): config, data summary, "
        "metrics, plots and model card"
    )
    console.print(f"Registered [bold]{name}[/bold] version [bold]{logged.version}[/bold]")
    colour = "green" if decision.promoted else "yellow"
    console.print(f"[bold {colour}]{decision.reason}[/bold {colour}]", markup=True)
    console.print(f"Serving loads [bold]models:/{name}@champion[/bold].")


def _print_data(training_set: TrainingSet) -> None:
    summary = training_set.summary()
    table = Table(show_header=False, box=None)
    for key, value in summary.items():
        table.add_row(key, f"{value:.4f}" if isinstance(value, float) else str(value))
    console.print(table)
    shown = _print_geometry(training_set.geometry)
    for note in training_set.notes:
        if note not in shown:
            console.print(f"[dim]note: {note}[/dim]")


def _print_geometry(geometry: pd.DataFrame | None) -> set[str]:
    """The observation points per kind of contract term, as a table; returns the notes it said."""
    from training.labels import term_days_text, term_note

    if geometry is None or geometry.empty:
        return set()
    table = Table(title="Observation points by contract term")
    for column, justify in (
        ("term", "left"),
        ("length", "left"),
        ("decided renewals", "right"),
        ("points", "right"),
        ("where", "left"),
    ):
        table.add_column(column, justify=justify)
    for row in geometry.itertuples():
        table.add_row(
            row.term,
            term_days_text(row),
            f"{row.renewals:,}",
            f"{row.points:,}",
            row.leads if row.points else "",
        )
    console.print(table)
    return {term_note(row) for row in geometry.itertuples()}


_SCORERS = {
    "model": "LightGBM",
    "model_uncalibrated": "LightGBM raw",
    "scorecard": "Scorecard",
    "logistic": "Logistic",
    "ceiling": "Ceiling",
    "ceiling_hindsight": "Hindsight",
}
"""Short names of the scorers in the printed tables."""

_BASELINES = {"scorecard": "rule scorecard baseline", "logistic": "logistic regression baseline"}

_COLUMNS = {
    "origin": "from T",
    "test_end": "to",
    "fold": "fold",
    "train_rows": "train",
    "test_rows": "test",
    "rows": "rows",
    "churn_rate": "churn",
    "roc_auc": "AUC",
    "pr_auc": "PR-AUC",
    "brier": "Brier",
    "log_loss": "LogLoss",
    "ece": "ECE",
    "top_decile_lift": "Lift@10%",
    "top_decile_arr_recall": "ARR@10%",
    "ceiling_roc_auc": "ceil. AUC",
    "ceiling_hindsight_roc_auc": "hindsight AUC",
    "logistic_roc_auc": "LR AUC",
    "lightgbm_defaults_roc_auc": "defaults AUC",
    "skipped": "skipped",
    "num_leaves": "leaves",
    "max_depth": "depth",
    "min_child_samples": "rows/leaf",
    "lambda_l2": "L2",
    "learning_rate": "rate",
    "rounds": "rounds",
    "valid_log_loss": "LogLoss",
    "valid_roc_auc": "AUC",
    "shap_cost": "SHAP cost",
}
"""Short column headers of the printed tables."""

_BREAKDOWN = (
    "rows",
    "churn_rate",
    "roc_auc",
    "pr_auc",
    "brier",
    "ece",
    "top_decile_lift",
    "ceiling_roc_auc",
    "ceiling_hindsight_roc_auc",
)
_BACKTEST = (
    "origin",
    "train_rows",
    "test_rows",
    "churn_rate",
    "roc_auc",
    "brier",
    "ece",
    "ceiling_roc_auc",
    "skipped",
)
_CV = (
    "fold",
    "rows",
    "roc_auc",
    "pr_auc",
    "brier",
    "ece",
    "logistic_roc_auc",
    "lightgbm_defaults_roc_auc",
)
_CANDIDATES = (
    "candidate",
    "num_leaves",
    "max_depth",
    "min_child_samples",
    "lambda_l2",
    "learning_rate",
    "rounds",
    "valid_log_loss",
    "valid_roc_auc",
    "shap_cost",
    "chosen",
)
"""The columns each printed table shows (MLflow's CSVs have them all)."""


def _print_result(result: TrainingResult, already_said: set[str]) -> None:
    """The evidence: split, calibration, metrics against baselines and ceiling, breakdowns, time."""
    from training.model_card import describe_capacity, describe_rounds

    split = result.split.describe()
    dates = (
        f"; validation from {split['valid_start']}, test from {split['test_start']}"
        if "test_start" in split
        else ""
    )
    console.print(
        f"Split ({split['strategy']}): {split['train_rows']:,} train / {split['valid_rows']:,} validation / "
        f"{split['test_rows']:,} test rows{dates}"
    )
    console.print(f"LightGBM: {describe_rounds(result.artifact)}")
    console.print(f"Capacity: {describe_capacity(result.artifact)}")
    if result.capacity is not None and result.capacity.candidates is not None:
        _print_frame(
            result.capacity.candidates,
            f"Capacity candidates ({result.capacity.evidence})",
            _CANDIDATES,
        )
    for name, choice in result.calibrations.items():
        console.print(f"Calibration of {_SCORERS[name]}: {choice.reason}")

    metrics = result.metrics.rename(index=_SCORERS).rename_axis("scorer").reset_index()
    _print_frame(metrics, f"Test metrics ({len(result.split.test):,} rows)", ("scorer", *_COLUMNS))
    auc = result.metrics["roc_auc"]
    for other in ("scorecard", "logistic"):
        if other in auc:
            console.print(
                f"ROC-AUC {auc['model'] - auc[other]:+.4f} against the {_BASELINES[other]}"
            )
    if "ceiling" in auc:
        console.print(
            f"ROC-AUC at {100 * auc['model'] / auc['ceiling']:.1f}% of the ceiling, the churn "
            f"probability knowable at each as_of: {auc['ceiling']:.4f}"
        )
    if "ceiling_hindsight" in auc:
        console.print(
            f"ROC-AUC at {100 * auc['model'] / auc['ceiling_hindsight']:.1f}% of the ceiling with "
            f"hindsight, the renewal's true churn probability: {auc['ceiling_hindsight']:.4f}"
        )

    for name, breakdown in result.breakdowns.items():
        _print_frame(
            breakdown.reset_index(names=name),
            f"By {name} (LightGBM, test rows)",
            (name, *_BREAKDOWN),
        )
    if result.backtest is not None:
        _print_frame(
            result.backtest,
            "Rolling-origin backtest: trained on outcomes known before T",
            _BACKTEST,
        )
    if result.cross_validation is not None:
        cv = result.cross_validation
        _print_frame(cv, f"Stratified {len(cv)}-fold cross-validation", _CV)
        console.print(
            f"CV ROC-AUC {cv['roc_auc'].mean():.4f} ± {cv['roc_auc'].std():.4f} (logistic regression "
            f"{cv['logistic_roc_auc'].mean():.4f}, LightGBM defaults {cv['lightgbm_defaults_roc_auc'].mean():.4f})"
        )
    for note in result.notes:
        if note not in already_said:
            console.print(f"[dim]note: {note}[/dim]")
    console.print(
        "Time: " + ", ".join(f"{step} {seconds:.1f}s" for step, seconds in result.timings.items())
    )


def _warn_if_constant(result: TrainingResult) -> None:
    """Say so plainly when the model learned nothing, or ranks the test rows hardly better than chance."""
    from training.diagnostics import weak_model_warning

    warning = weak_model_warning(result)
    if warning:
        console.print(f"[bold yellow]warning: {warning}[/bold yellow]")


def _print_frame(frame: pd.DataFrame, title: str, columns: tuple[str, ...]) -> None:
    """The ``columns`` of ``frame`` that it has, under short headers; text left, numbers right."""
    shown = [c for c in columns if c in frame.columns]
    table = Table(title=title)
    for column in shown:
        numeric = pd.api.types.is_numeric_dtype(frame[column])
        table.add_column(_COLUMNS.get(column, column), justify="right" if numeric else "left")
    for values in zip(*(frame[c].tolist() for c in shown), strict=True):
        table.add_row(*(_fmt(value) for value in values))
    console.print(table)


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return "" if math.isnan(value) else f"{value:.3f}"
    return str(value)
