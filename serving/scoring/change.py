"""Score change: what moved an account's health since its previous scoring.

The probability change splits exactly into the change of each dimension's points (plus
contract features and, when the model changed, the baseline)::

    p_now - p_before = sum over groups of (points_now - points_before) + (p0_now - p0_before)

The health change is shared out in the same proportions, so the health points per
dimension add up to the health change (before rounding): "health 72 -> 51, mostly usage
(-14) and billing (-6)". When the probability did not move, the health scale's slope
stands in for the ratio. Previous points come from the stored explanation; rows stored
without one fall back to inverting their sub-scores.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from serving.scoring.explanation import utc_time
from training.artifact import HealthScale

CONTEXT = "contract"
MODEL = "model"
_LABELS = {MODEL: "the model update"}


def score_changes(
    account_ids: Sequence[str],
    health: np.ndarray,
    probability: np.ndarray,
    baseline: np.ndarray,
    group_points: Mapping[str, np.ndarray],
    previous: pd.DataFrame | None,
    scale: HealthScale,
) -> list[dict[str, Any] | None]:
    """Per account, its change since its row in ``previous`` (fields of
    :class:`~serving.scoring.explanation.ScoreChange`), or None when never scored before.

    ``group_points`` maps each dimension name and ``contract`` to per-account points.
    """
    n = len(account_ids)
    if previous is None or previous.empty:
        return [None] * n
    before = previous.assign(account_id=previous["account_id"].astype(str))
    before = before.drop_duplicates("account_id", keep="last").set_index("account_id")
    before = before.reindex(pd.Index(list(account_ids), dtype=object))
    old_health = _numbers(before, "health")
    old_p = _numbers(before, "churn_probability")
    old_baseline = _numbers(before, "baseline_probability")
    seen = ~np.isnan(old_health) & ~np.isnan(old_p)
    if not seen.any():
        return [None] * n

    names = list(group_points)
    now = np.column_stack([group_points[name] for name in names])
    old = _previous_points(before, names, old_p, old_baseline, seen, scale)
    moved = now - old
    shift = np.where(np.isnan(old_baseline), 0.0, baseline - old_baseline)
    with_model = bool(np.any(np.abs(shift[seen]) > 1e-12))
    if with_model:
        names, moved = [*names, MODEL], np.column_stack([moved, shift])

    delta_health = health - np.nan_to_num(old_health).astype(np.int64)
    delta_p = probability - old_p
    flat = np.abs(delta_p) <= 1e-9
    slope = -100.0 * scale.exponent * (1.0 - probability) ** (scale.exponent - 1.0)
    ratio = np.where(flat, slope, delta_health / np.where(flat, 1.0, delta_p))
    shares = np.zeros(moved.shape, dtype=np.int64)  # rows never scored before stay 0 (not NaN)
    shares[seen] = np.rint(moved[seen] * ratio[seen, None])

    as_of = before["as_of"] if "as_of" in before else pd.Series([None] * n)
    changes: list[dict[str, Any] | None] = [None] * n
    for i in np.flatnonzero(seen):
        by_dimension = dict(zip(names, shares[i].tolist(), strict=True))
        previous_as_of = as_of.iloc[i]
        changes[i] = {
            "previous_health": int(old_health[i]),
            "health_change": int(delta_health[i]),
            "previous_as_of": None if pd.isna(previous_as_of) else utc_time(previous_as_of),
            "by_dimension": by_dimension,
            "summary": change_summary(int(old_health[i]), int(health[i]), by_dimension),
        }
    return changes


def change_summary(old_health: int, new_health: int, by_dimension: Mapping[str, int]) -> str:
    """``"health 72 -> 51, mostly usage (-14) and billing (-6)"``."""
    if new_health == old_health:
        return f"health unchanged at {new_health}"
    direction = 1 if new_health > old_health else -1
    movers = sorted(
        ((k, v) for k, v in by_dimension.items() if v * direction > 0),
        key=lambda item: -abs(item[1]),
    )[:2]
    text = f"health {old_health} -> {new_health}"
    if movers:
        text += ", mostly " + " and ".join(f"{_LABELS.get(k, k)} ({v:+d})" for k, v in movers)
    return text


def _previous_points(
    before: pd.DataFrame,
    names: list[str],
    old_p: np.ndarray,
    old_baseline: np.ndarray,
    seen: np.ndarray,
    scale: HealthScale,
) -> np.ndarray:
    """Previous points per group: from stored explanations, else from stored sub-scores."""
    old = np.zeros((len(before), len(names)))
    position = {name: k for k, name in enumerate(names)}
    texts = before["explanation"] if "explanation" in before else pd.Series([None] * len(before))
    stored = seen & texts.notna().to_numpy()
    for i in np.flatnonzero(stored):
        document = json.loads(texts.iloc[i])
        for dimension in document.get("dimensions", []):
            if dimension["name"] in position:
                old[i, position[dimension["name"]]] = float(dimension["points"])
        if CONTEXT in position:
            old[i, position[CONTEXT]] = float(document.get("context_points", 0.0))
    fallback = seen & ~stored & ~np.isnan(old_baseline)
    if fallback.any():
        for name, k in position.items():
            column = f"{name}_score"
            if name == CONTEXT or column not in before:
                continue
            score = _numbers(before, column)
            p = 1.0 - (np.clip(score, 0, 100) / 100.0) ** (1.0 / scale.exponent)
            old[fallback, k] = np.nan_to_num(p - old_baseline)[fallback]
        if CONTEXT in position:
            others = old.sum(axis=1) - old[:, position[CONTEXT]]
            old[fallback, position[CONTEXT]] = (old_p - old_baseline - others)[fallback]
    return old


def _numbers(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
