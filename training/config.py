"""Typed training settings: one YAML file, every key documented, unknown keys rejected.

Load with :func:`load_training_config` (a missing path gives the defaults). The MLflow
tracking URI is resolved by :func:`resolve_tracking_uri`: an explicit value wins, then the
``MLFLOW_TRACKING_URI`` environment variable, then ``mlflow.tracking_uri`` from the file,
then a local SQLite store ``models/mlflow.db`` under the current directory.
"""

from __future__ import annotations

import os
from itertools import pairwise
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator

from churn_scorecard.config import StrictModel, load_config

MetricName = Literal["roc_auc", "pr_auc", "brier", "log_loss", "ece"]
"""Metrics a promotion may be decided on."""

LOWER_IS_BETTER = frozenset({"brier", "log_loss", "ece"})
"""Metrics where a smaller value is the better model."""


class SplitConfig(StrictModel):
    """Out-of-time split: the latest rows (by renewal date or time column) are validation and test."""

    valid_fraction: float = Field(
        default=0.2,
        gt=0,
        lt=0.5,
        description="Share of rows for validation (early stopping, calibration).",
    )
    test_fraction: float = Field(
        default=0.2,
        gt=0,
        lt=0.5,
        description="Share of the latest rows held out for the final evaluation.",
    )


class LightGBMConfig(StrictModel):
    """LightGBM parameters; moderate trees keep TreeSHAP explanations fast at serving time."""

    capacity: Literal["auto", "fixed"] = Field(
        default="auto",
        description="auto: leaves, depth, rows per leaf and L2 are chosen by validation log loss among a "
        "few shapes sized to the data (training/capacity.py), those given here staying fixed; fixed: "
        "num_leaves, max_depth, min_child_samples and lambda_l2 as given.",
    )
    learning_rate: float = Field(
        default=0.05, gt=0, le=1, description="Shrinkage per boosting round."
    )
    num_leaves: int = Field(default=15, ge=2, le=255, description="Leaves per tree.")
    max_depth: int = Field(default=5, ge=-1, le=16, description="Depth limit per tree (-1: none).")
    min_child_samples: int = Field(default=50, ge=1, description="Fewest rows in a leaf.")
    feature_fraction: float = Field(
        default=0.8, gt=0, le=1, description="Share of features tried per tree."
    )
    bagging_fraction: float = Field(
        default=0.8, gt=0, le=1, description="Share of rows sampled per tree."
    )
    bagging_freq: int = Field(
        default=1, ge=0, description="Resample rows every this many rounds (0: never)."
    )
    lambda_l2: float = Field(default=1.0, ge=0, description="L2 penalty on leaf values.")
    cat_smooth: float = Field(default=10.0, ge=0, description="Smoothing of categorical splits.")
    max_rounds: int = Field(
        default=2000, ge=1, description="Most boosting rounds before early stopping."
    )
    early_stopping_rounds: int = Field(
        default=50,
        ge=1,
        description="Stop when validation log loss has not improved for this many rounds.",
    )
    refit_on_validation: bool = Field(
        default=True,
        description="After early stopping and calibration, refit the booster on the training and "
        "validation rows together (rounds scaled by the rows' ratio), keeping the calibration.",
    )
    refit_on_test: bool = Field(
        default=True,
        description="Small training sets (cross-validated, training/cross_fit.py): after the evaluation, "
        "refit the saved booster on every row, test rows included (rounds scaled by the rows' ratio); "
        "the reported test metrics are those of the model before this refit, which never saw them.",
    )


class TuningConfig(StrictModel):
    """Optional Optuna search over the LightGBM parameters (``churn train --tune``)."""

    enabled: bool = Field(default=False, description="Search parameters before the final fit.")
    trials: int = Field(default=20, ge=1, description="Parameter sets tried.")


class CalibrationConfig(StrictModel):
    """Probability calibration fitted on the validation rows."""

    method: Literal["auto", "isotonic", "platt"] = Field(
        default="auto",
        description="auto picks isotonic or Platt by cross-validated Brier score on the validation rows.",
    )
    folds: int = Field(
        default=5, ge=2, le=20, description="Folds of the cross-validation that picks the method."
    )


class Band(StrictModel):
    """A named band of the health score: accounts with health at or above ``min_health``."""

    name: str = Field(min_length=1, description="Band name shown to people, e.g. healthy.")
    min_health: float = Field(ge=0, le=100, description="Lowest health score in the band.")


class HealthConfig(StrictModel):
    """Health score ``100 * (1 - p) ** exponent`` of the calibrated probability, and its bands."""

    exponent: float = Field(
        default=3.0,
        gt=0,
        description="Spread of the health score; 3 makes health the chance of renewing three times in a row.",
    )
    bands: list[Band] = Field(
        default_factory=lambda: [
            Band(name="healthy", min_health=70),
            Band(name="watch", min_health=40),
            Band(name="at_risk", min_health=0),
        ],
        description="Bands from healthiest to least healthy; the last must start at 0.",
    )

    @field_validator("bands")
    @classmethod
    def _bands_cover_the_scale(cls, bands: list[Band]) -> list[Band]:
        if not bands:
            raise ValueError("give at least one band")
        names = [band.name for band in bands]
        if len(set(names)) != len(names):
            raise ValueError(f"band names must be unique, got {names}")
        cuts = [band.min_health for band in bands]
        if any(later >= earlier for earlier, later in pairwise(cuts)):
            raise ValueError(
                f"list bands from the highest min_health down, each lower than the last; got {cuts}"
            )
        if cuts[-1] != 0:
            raise ValueError(
                f"the last band must start at min_health 0 so every score has a band; got {cuts[-1]}"
            )
        return bands


class ScorecardRule(StrictModel):
    """One rule of the hand-made scorecard baseline: ``points`` when ``feature`` crosses ``threshold``."""

    feature: str = Field(min_length=1, description="Feature the rule reads.")
    op: Literal[">=", "<="] = Field(description="Direction of the risky side of the threshold.")
    threshold: float = Field(description="The threshold.")
    points: float = Field(gt=0, description="Risk points when the rule fires.")


def _default_scorecard() -> list[ScorecardRule]:
    """Usage drop, many tickets, detractor NPS, overdue invoices, no recent contact: 100 points."""
    return [
        ScorecardRule(feature="events_pct_change_30d", op="<=", threshold=-25, points=30),
        ScorecardRule(feature="tickets_count_30d", op=">=", threshold=3, points=20),
        ScorecardRule(feature="nps_latest", op="<=", threshold=6, points=20),
        ScorecardRule(feature="overdue_invoices_count", op=">=", threshold=1, points=15),
        ScorecardRule(feature="days_since_last_crm_touch", op=">=", threshold=60, points=15),
    ]


class BaselineConfig(StrictModel):
    """The baselines scored beside the model on the same split."""

    scorecard: list[ScorecardRule] = Field(
        default_factory=_default_scorecard,
        description="Rules of the weighted scorecard baseline (renewal path); points sum to 100.",
    )
    logistic_c: float = Field(
        default=1.0, gt=0, description="Inverse L2 strength of the logistic regression."
    )

    @field_validator("scorecard")
    @classmethod
    def _points_sum_to_100(cls, rules: list[ScorecardRule]) -> list[ScorecardRule]:
        total = sum(rule.points for rule in rules)
        if rules and abs(total - 100) > 1e-9:
            raise ValueError(f"scorecard points must sum to 100, got {total:g}")
        return rules


class BacktestConfig(StrictModel):
    """Rolling-origin backtest: train up to T, test on the next period, for several T."""

    folds: int = Field(
        default=3, ge=0, le=12, description="Origins T tried (0 turns the backtest off)."
    )
    period_days: int | None = Field(
        default=None,
        ge=7,
        description="Length of each test period after T; null: 90 days, or less when the observation "
        "points span less than twice the folds' 90 days (the test periods then take half the span, "
        "at least 7 days each).",
    )


class PromotionConfig(StrictModel):
    """When a candidate takes the ``champion`` alias from the current champion."""

    metric: MetricName = Field(
        default="roc_auc", description="Metric compared on the candidate's holdout."
    )
    min_improvement: float = Field(
        default=0.0, ge=0, description="The candidate must beat the champion by more than this."
    )


class MlflowConfig(StrictModel):
    """Where runs and registered models go."""

    tracking_uri: str | None = Field(
        default=None,
        description="MLflow tracking URI; MLFLOW_TRACKING_URI overrides it; default sqlite:///models/mlflow.db.",
    )
    experiment: str = Field(
        default="churn-scorecard", min_length=1, description="Experiment name of the runs."
    )
    registered_model: str = Field(
        default="churn-scorecard", min_length=1, description="Registered model name."
    )


class TrainingConfig(StrictModel):
    """Everything ``churn train`` reads besides the data: same data + config + seed = same model."""

    seed: int = Field(
        default=7, ge=0, description="Seed of every random choice (LightGBM, splits, tuning)."
    )
    num_threads: int = Field(default=2, ge=1, description="Threads LightGBM uses.")
    feature_set: str = Field(
        default="churn_v1", min_length=1, description="Named feature set (renewal path)."
    )
    exclude_features: list[str] = Field(
        default_factory=list,
        description="Features of the set the model must not use (e.g. one that drifts with the length of "
        "the recorded history).",
    )
    max_feature_psi: float | None = Field(
        default=1.0,
        gt=0,
        description="With an out-of-time split, features whose validation rows shift from the training rows "
        "by a population stability index above this are left out (they track time); null keeps all.",
    )
    lead_times_days: list[int] | None = Field(
        default=None,
        description="Observation points before each renewal, in days, for every term (renewal path); "
        "null places them by each renewal's contract term: 30/60/90/180 days inside terms of 120 days "
        "or more, one point per renewal at a sixth, half or five sixths of shorter terms in turn.",
    )
    min_history_days: int | None = Field(
        default=None,
        ge=0,
        description="Days of recorded data an observation point needs behind it (renewal path); null "
        "takes a third of the recorded history, at most 90.",
    )
    cv_folds: int = Field(
        default=5,
        ge=0,
        le=20,
        description="Stratified CV folds reported on a flat table without --time (0: off).",
    )
    ece_bins: int = Field(
        default=10, ge=2, le=100, description="Equal-width bins of the expected calibration error."
    )
    shap_sample: int = Field(
        default=2000, ge=100, description="Test rows explained for the SHAP summary plot."
    )
    split: SplitConfig = Field(default_factory=SplitConfig)
    lightgbm: LightGBMConfig = Field(default_factory=LightGBMConfig)
    tuning: TuningConfig = Field(default_factory=TuningConfig)
    calibration: CalibrationConfig = Field(default_factory=CalibrationConfig)
    health: HealthConfig = Field(default_factory=HealthConfig)
    baselines: BaselineConfig = Field(default_factory=BaselineConfig)
    backtest: BacktestConfig = Field(default_factory=BacktestConfig)
    promotion: PromotionConfig = Field(default_factory=PromotionConfig)
    mlflow: MlflowConfig = Field(default_factory=MlflowConfig)

    @field_validator("lead_times_days")
    @classmethod
    def _positive_unique_leads(cls, leads: list[int] | None) -> list[int] | None:
        if leads is None:
            return None
        if not leads or any(lead <= 0 for lead in leads):
            raise ValueError(f"give one or more lead times above 0 days, got {leads}")
        return sorted(set(leads))

    @model_validator(mode="after")
    def _leaves_room_to_train(self) -> TrainingConfig:
        if self.split.valid_fraction + self.split.test_fraction >= 0.8:
            raise ValueError(
                "split.valid_fraction + split.test_fraction must stay below 0.8 so training keeps rows"
            )
        return self


def load_training_config(path: Path | None) -> TrainingConfig:
    """The settings in the YAML file at ``path``, or the defaults when ``path`` is None."""
    return TrainingConfig() if path is None else load_config(TrainingConfig, path)


def resolve_tracking_uri(config: TrainingConfig, explicit: str | None = None) -> str:
    """The MLflow tracking URI to use: explicit > ``MLFLOW_TRACKING_URI`` > config > local SQLite.

    The local default is ``sqlite:///<cwd>/models/mlflow.db``; its folder is created here.
    """
    for candidate in (explicit, os.environ.get("MLFLOW_TRACKING_URI"), config.mlflow.tracking_uri):
        if candidate:
            return candidate
    folder = Path.cwd() / "models"
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'mlflow.db'}"
