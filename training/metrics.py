"""Evaluation metrics of churn probabilities, overall and per segment.

* ``roc_auc``: chance a random churner is scored above a random renewer.
* ``pr_auc``: average precision (area under precision-recall); compare to the churn rate.
* ``brier``: mean squared error of the probability against the 0/1 outcome.
* ``log_loss``: mean negative log-likelihood of the outcomes.
* ``ece``: expected calibration error: rows binned by predicted probability into equal-width
  bins; the row-weighted mean of |mean predicted - observed churn rate| per bin.
* ``top_decile_lift``: churn rate among the 10% highest-scored rows over the overall rate.
* ``top_decile_arr_recall``: share of churned ARR found in those 10% (when ARR is known).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, brier_score_loss, log_loss, roc_auc_score

METRIC_LABELS = {
    "roc_auc": "ROC-AUC",
    "pr_auc": "PR-AUC",
    "brier": "Brier",
    "log_loss": "Log loss",
    "ece": "ECE",
    "top_decile_lift": "Top-decile lift",
    "top_decile_arr_recall": "Churned ARR in top decile",
}
"""Display names of the metrics, in report order."""


def expected_calibration_error(label: np.ndarray, probability: np.ndarray, bins: int = 10) -> float:
    """Row-weighted mean gap between predicted and observed churn rate over equal-width bins."""
    label = np.asarray(label, dtype=np.float64)
    probability = np.asarray(probability, dtype=np.float64)
    index = np.minimum((probability * bins).astype(np.int64), bins - 1)
    predicted = np.bincount(index, weights=probability, minlength=bins)
    observed = np.bincount(index, weights=label, minlength=bins)
    return float(np.abs(predicted - observed).sum() / len(label))


def top_decile_rows(score: np.ndarray) -> np.ndarray:
    """Positions of the 10% highest scores (at least one row; ties broken by position)."""
    n_top = max(1, int(np.ceil(len(score) / 10)))
    return np.argsort(-np.asarray(score, dtype=np.float64), kind="stable")[:n_top]


def top_decile_lift(label: np.ndarray, score: np.ndarray) -> float:
    """Churn rate in the top-scored 10% divided by the overall churn rate."""
    label = np.asarray(label, dtype=np.float64)
    return float(label[top_decile_rows(score)].mean() / label.mean())


def top_decile_arr_recall(label: np.ndarray, score: np.ndarray, arr: np.ndarray) -> float:
    """Share of all churned ARR that sits in the top-scored 10% of rows."""
    churned_arr = np.where(
        np.asarray(label) == 1, np.nan_to_num(np.asarray(arr, dtype=np.float64)), 0.0
    )
    total = churned_arr.sum()
    return float(churned_arr[top_decile_rows(score)].sum() / total) if total > 0 else float("nan")


def evaluate(
    label: np.ndarray, probability: np.ndarray, arr: np.ndarray | None = None, bins: int = 10
) -> dict[str, float]:
    """Every metric of :data:`METRIC_LABELS` (NaN where undefined, e.g. one class only)."""
    label = np.asarray(label)
    probability = np.asarray(probability, dtype=np.float64)
    both = len(np.unique(label)) == 2
    metrics = {
        "roc_auc": float(roc_auc_score(label, probability)) if both else float("nan"),
        "pr_auc": float(average_precision_score(label, probability)) if both else float("nan"),
        "brier": float(brier_score_loss(label, probability, labels=[0, 1])),
        "log_loss": float(log_loss(label, np.clip(probability, 1e-6, 1 - 1e-6), labels=[0, 1])),
        "ece": expected_calibration_error(label, probability, bins),
        "top_decile_lift": top_decile_lift(label, probability) if label.any() else float("nan"),
    }
    if arr is not None:
        metrics["top_decile_arr_recall"] = top_decile_arr_recall(label, probability, arr)
    return metrics


def evaluate_by(
    groups: pd.Series,
    label: np.ndarray,
    probability: np.ndarray,
    arr: np.ndarray | None = None,
    bins: int = 10,
) -> pd.DataFrame:
    """One row of metrics per value of ``groups`` (e.g. segment), with its row count and churn rate."""
    groups = pd.Series(np.asarray(groups, dtype=object)).fillna("(missing)")
    rows = []
    for value, positions in groups.groupby(groups, sort=True).indices.items():
        rows.append(
            {
                "group": value,
                "rows": len(positions),
                "churn_rate": float(np.mean(label[positions])),
                **evaluate(
                    label[positions],
                    probability[positions],
                    None if arr is None else arr[positions],
                    bins,
                ),
            }
        )
    return pd.DataFrame(rows).set_index("group")
