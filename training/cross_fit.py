"""Boosting rounds and calibration margins from k-fold cross-validation, for small training sets.

One validation split is thin evidence when the data is small: with a few dozen churners
among its rows, validation log loss is noisy from round to round, early stopping can keep
a single tree (a model that gives every account the same score), and the calibration
learns from those few rows. On such data the capacity choice (:mod:`training.capacity`)
cross-validates instead: the training and validation rows together are cut into
:data:`FOLDS` stratified folds (a group, one account's renewal, never split), every
candidate is boosted on each fold's other rows with early stopping on the mean
validation log loss over the folds (LightGBM's ``cv``), and each row gets the margin of the
fold model that did not see it. The final booster is then fitted on all those rows for the
rounds scaled by how many more rows that is, and calibrated on the out-of-fold margins
(every row of the training and validation periods, not a fifth of them). The test rows stay
held out as before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import lightgbm as lgb
import numpy as np
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

from training.fitting import EncodedData

FOLDS = 5
"""Folds of the cross-validation (each fold model learns from four fifths of the rows)."""

SMALL_ROWS = 20_000
"""Training and validation rows below which rounds and calibration come from cross-validation."""

FEW_MINORITY = 200
"""Or: validation rows holding fewer than this many of the rarer outcome."""


def rarer_count(label: np.ndarray) -> int:
    """Rows of the rarer outcome among 0/1 labels."""
    churned = int(np.sum(label))
    return min(churned, len(label) - churned)


def is_small(data: EncodedData, train: np.ndarray, valid: np.ndarray) -> bool:
    """True when one validation split is too thin to stop boosting and calibrate on."""
    small = len(train) + len(valid) < SMALL_ROWS
    return small or rarer_count(data.label[valid]) < FEW_MINORITY


@dataclass(frozen=True)
class CrossFit:
    """One parameter set cross-validated on ``rows``: the best mean rounds and out-of-fold margins.

    ``rounds`` is the number of boosting rounds with the lowest mean validation log loss
    over the folds, each fold model having learned from ``(folds - 1) / folds`` of the rows;
    ``margin[i]`` is the raw score of ``rows[i]`` by the fold model that did not see it,
    after those rounds; ``fold_booster`` is the first fold's model (for its TreeSHAP cost).
    """

    rows: np.ndarray
    rounds: int
    margin: np.ndarray
    folds: int
    fold_booster: lgb.Booster = field(repr=False, compare=False)

    @property
    def final_rounds(self) -> int:
        """Rounds for a booster fitted on all ``rows``: scaled by how many more rows it sees."""
        return self.rounds_for(len(self.rows))

    def rounds_for(self, rows: int) -> int:
        """Rounds for a booster fitted on ``rows`` rows (a fold model saw ``(folds-1)/folds`` of ``rows``)."""
        fold_rows = len(self.rows) * (self.folds - 1) / self.folds
        return max(1, round(self.rounds * rows / fold_rows))

    def probability(self) -> np.ndarray:
        return 1 / (1 + np.exp(-self.margin))


def fold_splits(
    label: np.ndarray, group: np.ndarray | None, folds: int, seed: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stratified folds over positions ``0..len(label)-1``; a group is never on both sides."""
    folds = max(2, min(folds, rarer_count(label)))
    positions = np.zeros(len(label))
    if group is None:
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
        return list(splitter.split(positions, label))
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    return list(splitter.split(positions, label, group))


def cross_fit(
    data: EncodedData,
    rows: np.ndarray,
    splits: list[tuple[np.ndarray, np.ndarray]],
    params: dict[str, Any],
    max_rounds: int,
    early_stopping_rounds: int,
) -> CrossFit:
    """Cross-validate ``params`` on ``rows`` over ``splits`` (positions into ``rows``)."""
    matrix, label = data.rows(rows)
    dataset = lgb.Dataset(
        matrix,
        label=label,
        feature_name=data.feature_names,
        categorical_feature=data.categorical,
        free_raw_data=False,
        params={"verbosity": -1},
    )
    result = lgb.cv(
        params,
        dataset,
        num_boost_round=max_rounds,
        folds=splits,
        callbacks=[lgb.early_stopping(early_stopping_rounds, verbose=False)],
        return_cvbooster=True,
    )
    boosters = result["cvbooster"]
    rounds = int(boosters.best_iteration or len(result["valid binary_logloss-mean"]))
    margin = np.empty(len(rows))
    for booster, (_, held) in zip(boosters.boosters, splits, strict=True):
        margin[held] = booster.predict(
            matrix[held], num_iteration=rounds, raw_score=True, num_threads=params["num_threads"]
        )
    first = boosters.boosters[0]
    fold_booster = lgb.Booster(model_str=first.model_to_string(num_iteration=rounds))
    return CrossFit(rows, rounds, margin, len(splits), fold_booster)
