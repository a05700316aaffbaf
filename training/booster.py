"""The LightGBM fit: deterministic parameters and early stopping on the validation rows."""

from __future__ import annotations

from typing import Any

import lightgbm as lgb
import numpy as np

from training.config import LightGBMConfig


def lightgbm_params(config: LightGBMConfig, seed: int, num_threads: int) -> dict[str, Any]:
    """LightGBM parameters for a reproducible binary model: same data + seed = same trees."""
    return {
        "objective": "binary",
        "metric": "binary_logloss",
        "learning_rate": config.learning_rate,
        "num_leaves": config.num_leaves,
        "max_depth": config.max_depth,
        "min_child_samples": config.min_child_samples,
        "feature_fraction": config.feature_fraction,
        "bagging_fraction": config.bagging_fraction,
        "bagging_freq": config.bagging_freq,
        "lambda_l2": config.lambda_l2,
        "cat_smooth": config.cat_smooth,
        "seed": seed,
        "deterministic": True,
        "force_row_wise": True,
        "num_threads": num_threads,
        "verbosity": -1,
    }


def fit_booster(
    train: tuple[np.ndarray, np.ndarray],
    valid: tuple[np.ndarray, np.ndarray],
    feature_names: list[str],
    categorical: list[int],
    params: dict[str, Any],
    max_rounds: int,
    early_stopping_rounds: int | None,
) -> lgb.Booster:
    """Boost on ``train`` until validation log loss stops improving; trees after the best are dropped.

    ``train`` and ``valid`` are ``(matrix, label)`` pairs; ``categorical`` lists the
    positions of categorical columns (level codes, NaN for missing). With
    ``early_stopping_rounds`` None, exactly ``max_rounds`` rounds are boosted.
    """
    train_set = lgb.Dataset(
        train[0],
        label=train[1],
        feature_name=feature_names,
        categorical_feature=categorical,
        free_raw_data=True,
        params={"verbosity": -1},
    )
    if early_stopping_rounds is None:
        return lgb.train(params, train_set, num_boost_round=max_rounds)
    valid_set = lgb.Dataset(valid[0], label=valid[1], reference=train_set)
    booster = lgb.train(
        params,
        train_set,
        num_boost_round=max_rounds,
        valid_sets=[valid_set],
        valid_names=["valid"],
        callbacks=[lgb.early_stopping(early_stopping_rounds, verbose=False)],
    )
    best = booster.best_iteration or booster.current_iteration()
    return lgb.Booster(model_str=booster.model_to_string(num_iteration=best))
