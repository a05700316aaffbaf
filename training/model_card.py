"""The model card: a Markdown page logged with every run saying what the model is and how good it is."""

from __future__ import annotations

import numpy as np
import pandas as pd

from training.artifact import ScoringArtifact
from training.metrics import METRIC_LABELS
from training.pipeline import TrainingResult


def markdown_table(frame: pd.DataFrame, digits: int = 4) -> str:
    """``frame`` as a GitHub Markdown table (index as the first column)."""
    header = [str(frame.index.name or ""), *map(str, frame.columns)]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for index, row in frame.iterrows():
        cells = [_cell(value, digits) for value in row]
        lines.append("| " + " | ".join([str(index), *cells]) + " |")
    return "\n".join(lines)


def metrics_table(result: TrainingResult) -> pd.DataFrame:
    """Test metrics with display names as columns, scorers as rows."""
    columns = [name for name in METRIC_LABELS if name in result.metrics.columns]
    table = result.metrics[columns].rename(columns=METRIC_LABELS)
    table.index.name = "scorer"
    return table


def model_card(result: TrainingResult, title: str) -> str:
    """The model card of ``result`` as Markdown."""
    ts, split, artifact, config = result.training_set, result.split, result.artifact, result.config
    summary = ts.summary()
    bands = ", ".join(f"{name} (health >= {cut:g})" for name, cut in artifact.health_scale.bands)
    sections = [
        f"# Model card: {title}",
        "## Intended use\nRank accounts by churn risk ahead of their renewal and give each a calibrated "
        "churn probability, a 0-100 health score and a band. Not for decisions about individuals outside "
        "a customer-success context; retrain when the feature drift report shows shifted features.",
        "## Data\n"
        + "\n".join(f"- **{key}**: {value}" for key, value in summary.items())
        + "\n"
        + "\n".join(f"- note: {note}" for note in result.notes),
        "## Split\n"
        + "\n".join(f"- **{key}**: {value}" for key, value in split.describe().items()),
        "## Model\n"
        f"- LightGBM, {describe_rounds(artifact)}\n"
        f"- capacity: {describe_capacity(artifact)}\n"
        + "\n".join(
            f"- `{key}` = {value}" for key, value in result.params.items() if key != "verbosity"
        )
        + "\n"
        + "\n".join(
            f"- calibration of {name}: {choice.reason}"
            for name, choice in result.calibrations.items()
        ),
        *_capacity_section(result),
        f"## Health score and bands\nhealth = round(100 * (1 - p) ** {artifact.health_scale.exponent:g}) of the "
        f"calibrated churn probability p; bands: {bands}.",
        "## Test metrics\n" + markdown_table(metrics_table(result)),
    ]
    for name, table in result.breakdowns.items():
        sections.append(f"## By {name} (calibrated model, test rows)\n" + markdown_table(table))
    if result.backtest is not None:
        sections.append(
            "## Rolling-origin backtest\n" + markdown_table(result.backtest.set_index("origin"))
        )
    if result.cross_validation is not None:
        cv = result.cross_validation.set_index("fold")
        sections.append(
            f"## Stratified {len(cv)}-fold cross-validation\n"
            + markdown_table(cv)
            + f"\n\nMean ROC-AUC {cv['roc_auc'].mean():.4f} (std {cv['roc_auc'].std():.4f}); logistic regression "
            f"{cv['logistic_roc_auc'].mean():.4f}; LightGBM defaults {cv['lightgbm_defaults_roc_auc'].mean():.4f}."
        )
    sections.append(
        "## Limitations\n- Metrics are measured on the latest rows of the history (out of time) when rows have a "
        "time; future periods can differ.\n- Calibration is fitted on the validation rows; a shift in the churn "
        "rate after training makes probabilities drift even when the ranking holds.\n"
        f"- Seed {config.seed}: the same data and config give the same model."
    )
    return "\n\n".join(sections) + "\n"


def _cell(value: object, digits: int) -> str:
    if isinstance(value, float | np.floating):
        return "" if np.isnan(value) else f"{value:.{digits}f}"
    return str(value)


def describe_capacity(artifact: ScoringArtifact) -> str:
    """The trees' shape and how it was chosen (``lightgbm.capacity``, see :mod:`training.capacity`)."""
    capacity = artifact.metadata.get("capacity")
    if not capacity:
        return "as configured (chosen before capacity was recorded)"
    return capacity["reason"]


def _capacity_section(result: TrainingResult) -> list[str]:
    """The capacity candidates fitted on the validation rows, when there was a choice."""
    if result.capacity is None or result.capacity.candidates is None:
        return []
    table = result.capacity.candidates.set_index("candidate")
    how = (
        "Each boosted on the training rows with early stopping on the validation rows; the lowest "
        "validation log loss"
        if result.capacity.cross_fitted is None
        else "Small data: each cross-validated over the training and validation rows together "
        "(early stopping on the folds' mean log loss; `rounds` per fold model, log loss and "
        "ROC-AUC out of fold); the lowest out-of-fold log loss"
    )
    return [
        f"## Capacity candidates ({result.capacity.evidence})\n"
        f"{how} is chosen when it beats `default` by more than one standard error and "
        "its TreeSHAP cost (sum of squared leaf depths, about 9-13 ns per unit per explained row) "
        "fits the budget.\n\n" + markdown_table(table)
    ]


def describe_rounds(artifact: ScoringArtifact) -> str:
    """How many boosting rounds the model has and how they were chosen."""
    rounds = artifact.booster.current_iteration()
    stopped = artifact.metadata.get("boosting_rounds_before_refit")
    capacity = artifact.metadata.get("capacity") or {}
    if capacity.get("cross_validation_folds"):
        refit = artifact.metadata.get("refit_on_test")
        rows = (
            f"every row, test rows included, after the evaluation (the evaluated model had "
            f"{refit['boosting_rounds_evaluated']})"
            if refit
            else "the training and validation rows"
        )
        return (
            f"{rounds} boosting rounds on {rows}; cross-validation over the training and "
            f"validation rows kept {stopped} per fold model"
        )
    if stopped is None or stopped == rounds:
        return f"{rounds} boosting rounds (early stopping on validation log loss)"
    return (
        f"{rounds} boosting rounds, refitted on the training and validation rows (early "
        f"stopping on validation log loss kept {stopped} on the training rows alone)"
    )
