"""The audit's figures for one group of renewals, each scored once (by a picked score).

* AUC: ROC-AUC of the churn probability against the outcome (scikit-learn).
* Top-decile lift: churn rate among the ``ceil(n / 10)`` highest probabilities (ties by
  account id, then renewal date) over the group's churn rate, as in training's metrics.
* Churned ARR caught: share of the churned ARR whose score was in a flagged band.
* Calibration per band: renewals, churned, mean probability and churn rate per band.

AUC and lift need ``min_renewals`` renewals and ``min_per_outcome`` of each outcome; below
that they are None and the group's note says why.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from serving.audit.config import AuditConfig
from serving.audit.result import BandFigures, GroupFigures
from training.metrics import top_decile_lift as training_top_decile_lift


def group_figures(
    group: str,
    rows: pd.DataFrame,
    bands: Sequence[str],
    flagged: Collection[str],
    config: AuditConfig,
) -> GroupFigures:
    """The figures of ``rows`` (one picked score per renewal: ``churned``,
    ``churn_probability``, ``band``, ``arr``, ``account_id``, ``renewal_date``)."""
    churned = rows["churned"].to_numpy(dtype=np.int64)
    probability = rows["churn_probability"].to_numpy(dtype=np.float64)
    n, n_churned = len(rows), int(churned.sum())
    note = sample_note(n, n_churned, config)
    auc = lift = None
    if note is None:
        auc = float(roc_auc_score(churned, probability))
        lift = top_decile_lift(rows)
    is_flagged = rows["band"].isin(list(flagged)).to_numpy()
    arr = np.nan_to_num(rows["arr"].to_numpy(dtype=np.float64))
    churned_arr = float(arr[churned == 1].sum())
    flagged_arr = float(arr[(churned == 1) & is_flagged].sum())
    return GroupFigures(
        group=group,
        renewals=n,
        churned=n_churned,
        renewed=n - n_churned,
        churn_rate=n_churned / n if n else math.nan,
        auc=auc,
        top_decile_lift=lift,
        flagged=int(is_flagged.sum()),
        churned_arr=churned_arr,
        churned_arr_flagged=flagged_arr,
        churned_arr_caught=flagged_arr / churned_arr if churned_arr > 0 else None,
        note=note,
        bands=band_figures(rows, bands),
    )


def sample_note(renewals: int, churned: int, config: AuditConfig) -> str | None:
    """Why a group's AUC and lift mean nothing, or None when they can be shown."""
    renewed = renewals - churned
    if renewals < config.min_renewals:
        return (
            f"{renewals} renewal(s): too few for AUC and lift (the audit needs "
            f"{config.min_renewals})"
        )
    if churned == 0:
        return f"no churn among the {renewals} renewals: AUC and lift need both outcomes"
    if renewed == 0:
        return f"all {renewals} renewals churned: AUC and lift need both outcomes"
    if min(churned, renewed) < config.min_per_outcome:
        return (
            f"{churned} churned and {renewed} renewed: too few of one outcome for AUC and "
            f"lift (the audit needs {config.min_per_outcome} of each)"
        )
    return None


def top_decile_lift(rows: pd.DataFrame) -> float:
    """Training's top-decile lift (:func:`training.metrics.top_decile_lift`), with ties in
    probability broken by account id, then renewal date."""
    ordered = rows.sort_values(["account_id", "renewal_date"], kind="mergesort")
    return training_top_decile_lift(
        ordered["churned"].to_numpy(), ordered["churn_probability"].to_numpy()
    )


def band_figures(rows: pd.DataFrame, bands: Sequence[str]) -> list[BandFigures]:
    """Calibration per band present in ``rows``, in the order of ``bands`` (others last)."""
    order = list(bands) + sorted(set(rows["band"].astype(str)) - set(bands))
    out = []
    for band in order:
        in_band = rows[rows["band"].astype(str) == band]
        if in_band.empty:
            continue
        out.append(
            BandFigures(
                band=band,
                renewals=len(in_band),
                churned=int(in_band["churned"].sum()),
                mean_probability=float(in_band["churn_probability"].mean()),
                churn_rate=float(in_band["churned"].mean()),
            )
        )
    return out
