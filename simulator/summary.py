"""What a simulated world holds: row counts, churn rates and the ceiling a model can reach."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from simulator.config import SEGMENTS
from simulator.lifecycle import CAUSES, TERMS


def roc_auc(churned: np.ndarray, probability: np.ndarray) -> float | None:
    """ROC-AUC of ``probability`` for the labels ``churned`` (ties count half); None with one class."""
    churned = np.asarray(churned, dtype=bool)
    positives = int(churned.sum())
    negatives = len(churned) - positives
    if positives == 0 or negatives == 0:
        return None
    order = np.argsort(probability, kind="stable")
    ranked = np.asarray(probability)[order]
    first = np.r_[0, np.flatnonzero(np.diff(ranked)) + 1]
    last = np.r_[first[1:], len(ranked)]
    average_rank = (first + last + 1) / 2.0  # 1-based mean rank of each run of ties
    ranks = np.empty(len(ranked))
    ranks[order] = np.repeat(average_rank, last - first)
    return float((ranks[churned].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def _rate(churned: np.ndarray, mask: np.ndarray) -> float | None:
    return float(churned[mask].mean()) if mask.any() else None


@dataclass(frozen=True)
class WorldSummary:
    """The figures of one simulated world (rates are over renewals whose outcome is known)."""

    out_dir: Path
    fmt: str
    seed: int
    n_accounts: int
    rows: dict[str, int]  # rows written per table, dirty rows included
    dirty_rows: dict[str, dict[str, int]]  # injected contract-breaking rows per table and kind
    decided_renewals: int
    upcoming_renewals: int  # renewals without an outcome: one per account still a customer
    overall_churn_rate: float | None
    churn_rate_by_segment: dict[str, float | None]
    churn_rate_by_term: dict[str, dict[str, float | None]]  # term -> segment -> rate per decision
    churn_causes: dict[str, int]  # decided renewals by cause (none, health, shock)
    ceiling_auc: float | None  # ROC-AUC of the true probabilities over all decided renewals
    ceiling_auc_by_term: dict[str, float | None]
    elapsed_seconds: float

    def to_dict(self) -> dict:
        """Plain JSON-ready values (the folder as a string)."""
        values = asdict(self)
        values["out_dir"] = str(self.out_dir)
        return values


def churn_figures(truth: pa.Table) -> dict:
    """The churn fields of :class:`WorldSummary` from the truth table."""
    churned = truth["churned"].to_numpy(zero_copy_only=False)
    probability = truth["true_churn_probability"].to_numpy()
    segment = np.asarray(truth["segment"].to_pylist())
    term = np.asarray(truth["term"].to_pylist())
    cause = np.asarray(truth["cause"].to_pylist())
    return {
        "decided_renewals": len(churned),
        "overall_churn_rate": _rate(churned, np.ones(len(churned), dtype=bool)),
        "churn_rate_by_segment": {s: _rate(churned, segment == s) for s in SEGMENTS},
        "churn_rate_by_term": {
            t: {s: _rate(churned, (term == t) & (segment == s)) for s in SEGMENTS} for t in TERMS
        },
        "churn_causes": {c: int((cause == c).sum()) for c in CAUSES},
        "ceiling_auc": roc_auc(churned, probability),
        "ceiling_auc_by_term": {
            t: roc_auc(churned[term == t], probability[term == t]) for t in TERMS
        },
    }
