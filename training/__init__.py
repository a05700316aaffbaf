"""Training from past renewals (or a flat table): calibrated LightGBM, baselines, evaluation, MLflow.

Public names are listed in ``__all__`` and imported on first use, so that loading the
scoring artifact (``from training import ScoringArtifact``) does not pull in the
training-only libraries (MLflow, Optuna, matplotlib, shap).

Importing the package sets ``OMP_WAIT_POLICY=PASSIVE`` unless it is already set: by
default LightGBM's OpenMP threads spin while waiting, and on a busy 2-core machine two
spinning threads made boosting five times slower than one thread (measured; passive
waiting made two threads as fast as one there). It must be set before LightGBM loads.
"""

from __future__ import annotations

import importlib
import os
from typing import Any

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

_EXPORTS = {
    "ArtifactError": "training.errors",
    "RegistryError": "training.errors",
    "SplitError": "training.errors",
    "TrainingDataError": "training.errors",
    "TrainingError": "training.errors",
    "Calibration": "training.artifact",
    "FeatureReference": "training.artifact",
    "HealthScale": "training.artifact",
    "ScoringArtifact": "training.artifact",
    "TrainingConfig": "training.config",
    "load_training_config": "training.config",
    "resolve_tracking_uri": "training.config",
    "TrainingSet": "training.dataset",
    "load_table": "training.table",
    "Split": "training.split",
    "out_of_time_split": "training.split",
    "stratified_split": "training.split",
    "fit_calibration": "training.calibration",
    "ScorecardBaseline": "training.baselines",
    "evaluate": "training.metrics",
    "expected_calibration_error": "training.metrics",
    "TrainingResult": "training.pipeline",
    "train_model": "training.pipeline",
    "backtest": "training.backtest",
    "cross_validate": "training.crossval",
    "write_plots": "training.plots",
    "model_card": "training.model_card",
    "ChurnScorecardModel": "training.pyfunc",
    "LoggedRun": "training.tracking",
    "connect": "training.tracking",
    "log_training_run": "training.tracking",
    "CHAMPION": "training.registry",
    "PromotionDecision": "training.registry",
    "decide_promotion": "training.registry",
    "load_artifact": "training.registry",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'training' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)


def __dir__() -> list[str]:
    return __all__
