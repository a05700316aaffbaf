"""Rolling-origin backtest: for several origins T, train on what was known before T, test after it.

For origin T the model is fitted on rows whose outcome was known before T
(``label_time < T``) and tested on rows observed in the following period
(``T <= as_of < T + period``), as if it had been deployed at T. Each origin reuses the
final model's parameters and number of boosting rounds (no early stopping, so no patience
rounds are spent) and calibrates on the latest part of its own training rows (a quarter with the
default split fractions). Origins step back one period at a time from the last
observation, so the test periods are consecutive and never overlap.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from churn_scorecard.console import ProgressCallback
from training.config import TrainingConfig
from training.dataset import TrainingSet
from training.errors import SplitError
from training.fitting import EncodedData, fit_calibrated
from training.metrics import evaluate
from training.split import latest_holdout

DEFAULT_PERIOD_DAYS = 90
"""Each test period's length when ``backtest.period_days`` is null and the history is long enough."""

MIN_PERIOD_DAYS = 7

PROGRESS_STEP = "backtest origins"


def period_days(as_of: pd.Series, folds: int, configured: int | None) -> int:
    """The test periods' length: the config's, else 90 days, or half the points' span over ``folds``.

    Three months of a monthly product cannot hold three 90-day test periods: the origins
    would fall before the first observation, with nothing known to train on. The test
    periods then share the later half of the span of observation points, so each origin
    has at least half of it behind it.
    """
    if configured is not None:
        return configured
    times = pd.to_datetime(as_of)
    span = (times.max() - times.min()).total_seconds() / 86_400
    fitting = int(span / (2 * max(folds, 1)))
    return max(MIN_PERIOD_DAYS, min(DEFAULT_PERIOD_DAYS, fitting))


def rolling_origins(as_of: pd.Series, folds: int, period_days: int) -> list[pd.Timestamp]:
    """The ``folds`` origins, oldest first: the last test period ends the day after the last observation."""
    end = pd.Timestamp(pd.to_datetime(as_of).max()).normalize() + pd.Timedelta(days=1)
    period = pd.Timedelta(days=period_days)
    return [end - period * k for k in range(folds, 0, -1)]


def backtest(
    training_set: TrainingSet,
    data: EncodedData,
    params: dict[str, Any],
    rounds: int,
    config: TrainingConfig,
    progress: ProgressCallback | None = None,
) -> pd.DataFrame:
    """One row per origin: its window, row counts, churn rate and test metrics (or why it was skipped).

    ``progress`` is told as each origin is done (``"backtest origins"``): on a large
    training set each one fits two boosters, minutes in all.
    """
    as_of = _naive(training_set.as_of)
    known = _naive(training_set.label_time)
    days = period_days(as_of, config.backtest.folds, config.backtest.period_days)
    period = pd.Timedelta(days=days)
    valid_share = config.split.valid_fraction / (1 - config.split.test_fraction)
    rows: list[dict[str, object]] = []
    origins = rolling_origins(as_of, config.backtest.folds, days)
    for origin in origins:
        if progress is not None:
            progress(PROGRESS_STEP, len(rows), len(origins))
        pool = np.flatnonzero((known < origin).to_numpy())
        test = np.flatnonzero(((as_of >= origin) & (as_of < origin + period)).to_numpy())
        row: dict[str, object] = {
            "origin": origin.date().isoformat(),
            "test_end": (origin + period).date().isoformat(),
            "train_rows": len(pool),
            "test_rows": len(test),
        }
        try:
            fit_rows, valid_rows = _inner_split(training_set, pool, valid_share)
            _require_both_outcomes(data.label, test, "test period")
            model = fit_calibrated(data, fit_rows, valid_rows, params, config, rounds)
        except SplitError as error:
            rows.append({**row, "skipped": str(error)})
            continue
        probability = model.predict_proba(data.take(test), config.num_threads)
        label = data.label[test]
        row.update(
            churn_rate=float(label.mean()), **evaluate(label, probability, bins=config.ece_bins)
        )
        if training_set.ceiling is not None:
            row["ceiling_roc_auc"] = evaluate(label, training_set.ceiling[test])["roc_auc"]
        if training_set.ceiling_hindsight is not None:
            row["ceiling_hindsight_roc_auc"] = evaluate(
                label, training_set.ceiling_hindsight[test]
            )["roc_auc"]
        rows.append(row)
    if progress is not None:
        progress(PROGRESS_STEP, len(rows), len(origins))
    return pd.DataFrame(rows)


def _inner_split(
    training_set: TrainingSet, pool: np.ndarray, valid_share: float
) -> tuple[np.ndarray, np.ndarray]:
    """Time-ordered fit / validation rows inside an origin's training pool."""
    if len(pool) == 0:
        raise SplitError("no outcome was known before this origin")
    group = None if training_set.group is None else training_set.group[pool]
    fit_part, valid_part = latest_holdout(training_set.split_time.iloc[pool], valid_share, group)
    fit_rows, valid_rows = pool[fit_part], pool[valid_part]
    _require_both_outcomes(training_set.label, fit_rows, "training rows")
    _require_both_outcomes(training_set.label, valid_rows, "validation rows")
    return fit_rows, valid_rows


def _require_both_outcomes(label: np.ndarray, rows: np.ndarray, what: str) -> None:
    if len(rows) == 0 or len(np.unique(label[rows])) < 2:
        raise SplitError(f"{len(rows)} rows in the {what}, not both outcomes among them")


def _naive(time: pd.Series) -> pd.Series:
    time = pd.Series(pd.to_datetime(time))
    return time.dt.tz_convert(None) if time.dt.tz is not None else time
