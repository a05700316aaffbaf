"""Stratified k-fold cross-validation, the fair yardstick for a flat table with no time column.

Each fold runs the full procedure on its training part (early stopping and calibration
on a stratified share of it, or for small data an inner cross-validation and one booster on
all of it) and is scored on the held-out fold. Two references run in
the same folds: the logistic-regression baseline and LightGBM with its library defaults
(100 rounds, 31 leaves, no early stopping), the setting most published figures use.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, train_test_split

from training.baselines import fit_logistic, logistic_margin
from training.booster import fit_booster
from training.config import TrainingConfig
from training.cross_fit import FOLDS, cross_fit, fold_splits
from training.dataset import TrainingSet
from training.fitting import EncodedData, fit_calibrated, fit_cross_fitted
from training.metrics import evaluate


def cross_validate(
    training_set: TrainingSet,
    data: EncodedData,
    params: dict[str, Any],
    config: TrainingConfig,
    cross_fitted: bool = False,
) -> pd.DataFrame:
    """One row per fold: rows, the model's metrics, and the ROC-AUC of both references.

    With ``cross_fitted`` (the model was fitted the small-data way, :mod:`training.cross_fit`)
    each fold does the same on its training part: rounds and calibration from an inner
    cross-validation, then one booster on all of it.
    """
    label = data.label
    splitter = StratifiedKFold(n_splits=config.cv_folds, shuffle=True, random_state=config.seed)
    valid_share = config.split.valid_fraction / (1 - config.split.test_fraction)
    rows = []
    for fold, (rest, held) in enumerate(splitter.split(data.matrix, label), start=1):
        if cross_fitted:
            splits = fold_splits(label[rest], None, FOLDS, config.seed)
            lightgbm = config.lightgbm
            inner = cross_fit(
                data, rest, splits, params, lightgbm.max_rounds, lightgbm.early_stopping_rounds
            )
            model = fit_cross_fitted(data, params, config, inner)
        else:
            fit_rows, valid_rows = train_test_split(
                rest, test_size=valid_share, stratify=label[rest], random_state=config.seed
            )
            model = fit_calibrated(data, np.sort(fit_rows), np.sort(valid_rows), params, config)
        probability = model.predict_proba(data.take(held), config.num_threads)
        logistic = fit_logistic(
            training_set.features,
            label[rest],
            training_set.categorical,
            config.baselines.logistic_c,
            config.seed,
            rows=rest,
        )
        logistic_score = logistic_margin(
            logistic, training_set.features, training_set.categorical, rows=held
        )
        rows.append(
            {
                "fold": fold,
                "rows": len(held),
                **evaluate(label[held], probability, bins=config.ece_bins),
                "logistic_roc_auc": float(roc_auc_score(label[held], logistic_score)),
                "lightgbm_defaults_roc_auc": _defaults_auc(data, rest, held, config),
            }
        )
    return pd.DataFrame(rows)


def _defaults_auc(
    data: EncodedData, rest: np.ndarray, held: np.ndarray, config: TrainingConfig
) -> float:
    params = {
        "objective": "binary",
        "seed": config.seed,
        "deterministic": True,
        "force_row_wise": True,
        "num_threads": config.num_threads,
        "verbosity": -1,
    }
    booster = fit_booster(
        data.rows(rest), data.rows(held), data.feature_names, data.categorical, params, 100, None
    )
    return float(
        roc_auc_score(
            data.label[held], booster.predict(data.take(held), num_threads=config.num_threads)
        )
    )
