"""Optional parameter search (``churn train --tune``): Optuna TPE on validation log loss.

The search space keeps trees moderate (at most 31 leaves, depth 6) because serving
explains every score with TreeSHAP, whose cost grows with tree size. The sampler is
seeded and trials run one at a time, so the same data and seed give the same choice.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import optuna
import pandas as pd
from sklearn.metrics import log_loss

from training.booster import fit_booster, lightgbm_params
from training.config import LightGBMConfig, TrainingConfig
from training.fitting import EncodedData


def _suggest(trial: optuna.Trial) -> dict[str, Any]:
    return {
        "learning_rate": trial.suggest_float("learning_rate", 0.02, 0.2, log=True),
        "num_leaves": trial.suggest_int("num_leaves", 7, 31),
        "max_depth": trial.suggest_int("max_depth", 3, 6),
        "min_child_samples": trial.suggest_int("min_child_samples", 10, 300, log=True),
        "feature_fraction": trial.suggest_float("feature_fraction", 0.5, 1.0),
        "lambda_l2": trial.suggest_float("lambda_l2", 1e-3, 30.0, log=True),
    }


def tune_lightgbm(
    data: EncodedData, train: np.ndarray, valid: np.ndarray, config: TrainingConfig
) -> tuple[LightGBMConfig, pd.DataFrame]:
    """The best LightGBM settings found in ``config.tuning.trials`` trials, and every trial's result."""
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    valid_label = data.label[valid]

    def objective(trial: optuna.Trial) -> float:
        candidate = config.lightgbm.model_copy(update=_suggest(trial))
        booster = fit_booster(
            data.rows(train),
            data.rows(valid),
            data.feature_names,
            data.categorical,
            lightgbm_params(candidate, config.seed, config.num_threads),
            candidate.max_rounds,
            candidate.early_stopping_rounds,
        )
        probability = booster.predict(data.take(valid), num_threads=config.num_threads)
        return float(log_loss(valid_label, probability, labels=[0, 1]))

    study = optuna.create_study(
        direction="minimize", sampler=optuna.samplers.TPESampler(seed=config.seed)
    )
    study.optimize(objective, n_trials=config.tuning.trials, n_jobs=1)
    trials = study.trials_dataframe(attrs=("number", "value", "params"))
    return config.lightgbm.model_copy(update=study.best_params), trials
