"""Train, calibrate and evaluate: from a :class:`TrainingSet` to a scoring artifact and its report.

Steps, each timed: split; encode; (tune, or choose the trees' capacity on the validation rows,
see :mod:`training.capacity`); fit LightGBM with early stopping; calibrate on
the validation rows; fit and calibrate the baselines on the same rows; score the test
rows; metrics overall, per segment and per lead time; rolling backtest (rows with a
time) or stratified cross-validation (rows without). On a small training set the capacity,
rounds and calibration come from cross-validation over the training and validation rows
instead (:mod:`training.cross_fit`), and after the evaluation the saved booster is
refitted on every row (``lightgbm.refit_on_test``). Nothing here talks to MLflow: see
:mod:`training.tracking` and :mod:`training.registry` for that.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from churn_scorecard.console import ProgressCallback
from features.catalogue.config import FeatureConfig
from training.artifact import FeatureReference, HealthScale, ScoringArtifact, encode_features
from training.backtest import backtest
from training.baselines import ScorecardBaseline, fit_logistic, logistic_margin
from training.booster import lightgbm_params
from training.calibration import CalibrationChoice, fit_calibration
from training.capacity import CapacityChoice, choose_capacity, fixed_capacity
from training.config import TrainingConfig
from training.crossval import cross_validate
from training.dataset import TrainingSet
from training.drift import shifted_features
from training.fitting import (
    CalibratedBooster,
    EncodedData,
    fit_calibrated,
    fit_cross_fitted,
    refit_on_every_row,
)
from training.memory import release_freed_memory
from training.metrics import evaluate, evaluate_by
from training.split import Split, out_of_time_split, stratified_split
from training.tuning import tune_lightgbm

MODEL = "model"
"""Name of the calibrated LightGBM in result tables; baselines are ``logistic`` and ``scorecard``."""
CEILINGS = ("ceiling", "ceiling_hindsight")
"""Simulated worlds only: the fair ceiling (knowable at ``as_of``) and the one with hindsight."""


@dataclass
class TrainingResult:
    """What one training run produced: the artifact, the evidence, and how long each step took.

    ``training_set`` is the set as trained on (features that track time left out);
    ``test_scores`` and ``metrics`` hold every scorer (``model``, ``model_uncalibrated``,
    ``scorecard``, ``logistic``, ``ceiling``, ``ceiling_hindsight``) on the test rows; ``breakdowns`` the model's
    metrics by ``segment`` and ``lead_days``; ``test_contributions`` TreeSHAP log-odds of a
    seeded sample of test rows, indexed by row position; ``capacity`` the tree shape the
    model uses and how it was chosen; ``timings`` seconds per step.
    """

    training_set: TrainingSet
    config: TrainingConfig
    split: Split
    artifact: ScoringArtifact
    params: dict[str, Any]
    calibrations: dict[str, CalibrationChoice]
    test_scores: dict[str, np.ndarray]
    metrics: pd.DataFrame
    breakdowns: dict[str, pd.DataFrame] = field(default_factory=dict)
    backtest: pd.DataFrame | None = None
    cross_validation: pd.DataFrame | None = None
    tuning_trials: pd.DataFrame | None = None
    capacity: CapacityChoice | None = None
    test_contributions: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def test_label(self) -> np.ndarray:
        return self.training_set.label[self.split.test]

    def test_frame(self) -> pd.DataFrame:
        """The test rows' features, as the artifact reads them (for the champion comparison)."""
        return self.training_set.features.iloc[self.split.test]


class _Clock:
    """Times named steps and reports them to a progress callback; the memory a step freed goes back to the system."""

    def __init__(self, steps: list[str], progress: ProgressCallback | None) -> None:
        self.steps, self.progress, self.timings = steps, progress, {}

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        release_freed_memory()
        self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - start
        if self.progress is not None:
            self.progress("training", len(self.timings), len(self.steps))


def train_model(
    training_set: TrainingSet, config: TrainingConfig, progress: ProgressCallback | None = None
) -> TrainingResult:
    """Fit the calibrated model and the baselines on one split and evaluate them on its test rows."""
    has_time = training_set.split_time is not None
    steps = ["split", "encode", "fit", "baselines", "evaluate"]
    auto_capacity = not config.tuning.enabled and config.lightgbm.capacity == "auto"
    steps += ["tune"] if config.tuning.enabled else ["capacity"] if auto_capacity else []
    steps += (
        ["backtest"]
        if has_time and training_set.as_of is not None and config.backtest.folds
        else []
    )
    steps += ["cross-validation"] if not has_time and config.cv_folds else []
    clock = _Clock(steps, progress)
    ts = training_set

    with clock.step("split"):
        if has_time:
            split = out_of_time_split(
                ts.split_time,
                ts.label,
                config.split.valid_fraction,
                config.split.test_fraction,
                ts.group,
            )
        else:
            split = stratified_split(
                ts.label, config.split.valid_fraction, config.split.test_fraction, config.seed
            )
    with clock.step("encode"):
        ts, data, levels = _encode(ts, split, config)
    tuning_trials = None
    lgb_config = config.lightgbm
    if config.tuning.enabled:
        with clock.step("tune"):
            lgb_config, tuning_trials = tune_lightgbm(data, split.train, split.valid, config)
        capacity = fixed_capacity(
            lgb_config,
            "tuned",
            f"{lgb_config.num_leaves} leaves, depth {lgb_config.max_depth}, "
            f"{lgb_config.min_child_samples} rows per leaf, L2 {lgb_config.lambda_l2:.3g} chosen by "
            f"the Optuna search (--tune, {config.tuning.trials} trials on validation log loss)",
        )
    elif auto_capacity:
        with clock.step("capacity"):
            capacity = choose_capacity(data, split.train, split.valid, config)
        lgb_config = capacity.config
    else:
        capacity = choose_capacity(data, split.train, split.valid, config)
    params = lightgbm_params(lgb_config, config.seed, config.num_threads)
    fit_config = config.model_copy(update={"lightgbm": lgb_config})
    with clock.step("fit"):
        if capacity.cross_fitted is None:
            model = fit_calibrated(
                data, split.train, split.valid, params, fit_config, fitted=capacity.booster
            )
        else:
            latest = split.valid if split.strategy == "out_of_time" else None
            model = fit_cross_fitted(data, params, fit_config, capacity.cross_fitted, latest)
    with clock.step("baselines"):
        scores, calibrations, notes = _baselines(ts, split, config)
    with clock.step("evaluate"):
        test_margin = model.margin(data.take(split.test), config.num_threads)
        scores[MODEL] = model.calibration.apply(test_margin)
        scores[f"{MODEL}_uncalibrated"] = 1 / (1 + np.exp(-test_margin))
        calibrations[MODEL] = model.choice
        if ts.ceiling is not None:
            scores["ceiling"] = ts.ceiling[split.test]
        if ts.ceiling_hindsight is not None:
            scores["ceiling_hindsight"] = ts.ceiling_hindsight[split.test]
        metrics, breakdowns = _evaluate(ts, split, scores, config)
        contributions = _contributions(model, data, split, config)
    saved = model
    if capacity.cross_fitted is not None and lgb_config.refit_on_test:
        with clock.step("fit"):
            saved = refit_on_every_row(data, model, params, capacity.cross_fitted)
    artifact = _artifact(
        ts, split, data, levels, saved, params, config, scores[MODEL], capacity, model
    )
    backtest_table = cv_table = None
    if "backtest" in steps:
        with clock.step("backtest"):
            backtest_table = backtest(ts, data, params, model.stopped_at, fit_config, progress)
    if "cross-validation" in steps:
        with clock.step("cross-validation"):
            cv_table = cross_validate(
                ts, data, params, fit_config, cross_fitted=capacity.cross_fitted is not None
            )
    return TrainingResult(
        training_set=ts,
        config=fit_config,
        split=split,
        artifact=artifact,
        params=params,
        calibrations=calibrations,
        test_scores=scores,
        metrics=metrics,
        breakdowns=breakdowns,
        backtest=backtest_table,
        cross_validation=cv_table,
        tuning_trials=tuning_trials,
        capacity=capacity,
        test_contributions=contributions,
        notes=[*ts.notes, *notes],
        timings=clock.timings,
    )


def _encode(
    ts: TrainingSet, split: Split, config: TrainingConfig
) -> tuple[TrainingSet, EncodedData, dict[str, tuple[str, ...]]]:
    """The booster's matrix, after leaving out features that track time (out-of-time splits only).

    Returns the training set without those features, the encoded data and the levels of
    each categorical feature (learned from the training rows).
    """
    levels = _categorical_levels(ts.features.iloc[split.train], ts.categorical)
    matrix = encode_features(ts.features, ts.feature_names, levels)
    if split.strategy == "out_of_time" and config.max_feature_psi is not None:
        names = list(ts.feature_names)
        shifted = shifted_features(
            matrix, names, levels, split.train, split.valid, config.max_feature_psi
        )
        if shifted:
            matrix = matrix[:, [j for j, name in enumerate(names) if name not in shifted]]
            ts = ts.without(list(shifted), _shift_note(shifted, config.max_feature_psi))
            levels = {name: levels[name] for name in ts.categorical}
    names = list(ts.feature_names)
    return (
        ts,
        EncodedData(matrix, ts.label, names, [names.index(n) for n in ts.categorical], ts.group),
        levels,
    )


def _contributions(
    model: CalibratedBooster, data: EncodedData, split: Split, config: TrainingConfig
) -> pd.DataFrame:
    """TreeSHAP values (log-odds) of a seeded sample of test rows, indexed by row position."""
    rng = np.random.default_rng(config.seed)
    sample = np.sort(
        rng.choice(split.test, size=min(config.shap_sample, len(split.test)), replace=False)
    )
    values = model.booster.predict(
        data.take(sample), pred_contrib=True, num_threads=config.num_threads
    )
    return pd.DataFrame(values[:, :-1], columns=data.feature_names, index=sample)


def _shift_note(shifted: dict[str, float], max_psi: float) -> str:
    listed = ", ".join(f"{name} (PSI {psi:.2f})" for name, psi in shifted.items())
    return (
        f"left out, as their distribution shifts between the training and validation periods by more than "
        f"max_feature_psi {max_psi:g}: {listed}"
    )


def _categorical_levels(
    frame: pd.DataFrame, categorical: tuple[str, ...]
) -> dict[str, tuple[str, ...]]:
    """Sorted distinct values (as text) of each categorical feature in the training rows."""
    return {
        name: tuple(sorted(frame[name].dropna().astype("string").unique().tolist()))
        for name in categorical
    }


def _baselines(
    ts: TrainingSet, split: Split, config: TrainingConfig
) -> tuple[dict[str, np.ndarray], dict[str, CalibrationChoice], list[str]]:
    """Calibrated test probabilities of the logistic regression and (when its features exist) the scorecard."""
    scores: dict[str, np.ndarray] = {}
    calibrations: dict[str, CalibrationChoice] = {}
    notes: list[str] = []
    features = ts.features
    valid_label = ts.label[split.valid]
    logistic = fit_logistic(
        features,
        ts.label[split.train],
        ts.categorical,
        config.baselines.logistic_c,
        config.seed,
        rows=split.train,
    )
    margins = {
        "logistic": (
            logistic_margin(logistic, features, ts.categorical, rows=split.valid),
            logistic_margin(logistic, features, ts.categorical, rows=split.test),
        )
    }
    scorecard = ScorecardBaseline.for_features(config.baselines.scorecard, ts.feature_names)
    absent = [rule.feature for rule in config.baselines.scorecard if rule not in scorecard.rules]
    if scorecard.rules:
        margins["scorecard"] = (
            scorecard.points(features, rows=split.valid),
            scorecard.points(features, rows=split.test),
        )
        if absent:
            notes.append(
                f"scorecard baseline: rules on absent features skipped: {', '.join(absent)}"
            )
    else:
        notes.append(
            "scorecard baseline: none of its features are in this data, so it is not reported"
        )
    for name, (valid_margin, test_margin) in margins.items():
        choice = fit_calibration(
            valid_margin,
            valid_label,
            config.calibration.method,
            config.calibration.folds,
            config.seed,
        )
        calibrations[name] = choice
        scores[name] = choice.calibration.apply(test_margin)
    return scores, calibrations, notes


def _evaluate(
    ts: TrainingSet, split: Split, scores: dict[str, np.ndarray], config: TrainingConfig
) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """Test metrics of every scorer, and the model's (and ceiling's) metrics per segment and lead time."""
    label = ts.label[split.test]
    arr = None if ts.arr is None else ts.arr[split.test]
    order = [MODEL, f"{MODEL}_uncalibrated", "scorecard", "logistic", *CEILINGS]
    metrics = pd.DataFrame(
        {
            name: evaluate(label, scores[name], arr, config.ece_bins)
            for name in order
            if name in scores
        }
    ).T
    breakdowns = {}
    by = {"segment": ts.segment}
    if ts.keys is not None and "lead_days" in ts.keys:
        by["lead_days"] = ts.keys["lead_days"]
    for name, groups in by.items():
        if groups is None:
            continue
        test_groups = pd.Series(groups).iloc[split.test].to_numpy()
        table = evaluate_by(test_groups, label, scores[MODEL], arr, config.ece_bins)
        for ceiling in CEILINGS:
            if ceiling in scores:
                table[f"{ceiling}_roc_auc"] = evaluate_by(
                    test_groups, label, scores[ceiling], None
                )["roc_auc"]
        breakdowns[name] = table
    return metrics, breakdowns


def _artifact(
    ts: TrainingSet,
    split: Split,
    data: EncodedData,
    levels: dict[str, tuple[str, ...]],
    model: CalibratedBooster,
    params: dict[str, Any],
    config: TrainingConfig,
    test_probability: np.ndarray,
    capacity: CapacityChoice,
    evaluated: CalibratedBooster,
) -> ScoringArtifact:
    """The scoring artifact: booster, calibration, features, health scale and training distributions.

    The score reference is the deciles of the calibrated churn probability on the test
    rows: held out from both fitting and calibration, the latest rows of an out-of-time
    split, and the rows the reported metrics describe. ``model`` is the booster saved;
    ``evaluated`` the one the metrics describe (the same, unless ``model`` was refitted on
    every row after the evaluation, ``lightgbm.refit_on_test``).
    """
    train_matrix = data.take(split.train)
    references = tuple(
        FeatureReference.of_categorical(name, train_matrix[:, j], levels[name])
        if name in levels
        else FeatureReference.of_numeric(name, train_matrix[:, j])
        for j, name in enumerate(data.feature_names)
    )
    refitted = model is not evaluated
    known = np.arange(len(ts.label)) if refitted else np.concatenate([split.train, split.valid])
    metadata: dict[str, Any] = {
        "label": ts.label_name,
        "source": ts.source,
        "train_rows": len(split.train),
        "train_churn_rate": float(ts.label[split.train].mean()),
        "split": split.describe(),
        "boosting_rounds": model.booster.current_iteration(),
        "boosting_rounds_before_refit": model.stopped_at,
        "refit_on_test": (
            {
                "rows": len(ts.label),
                "boosting_rounds_evaluated": evaluated.booster.current_iteration(),
            }
            if refitted
            else None
        ),
        "lightgbm_params": params,
        "capacity": capacity.metadata(),
        "calibration_reason": model.choice.reason,
        "seed": config.seed,
    }
    score_reference = None
    if len(test_probability):
        score_reference = FeatureReference.of_numeric("churn_probability", test_probability)
        metadata["score_reference"] = {
            "rows": "test",
            "count": len(test_probability),
            "mean": float(np.mean(test_probability)),
        }
    if ts.split_time is not None:
        metadata["trained_until"] = str(pd.to_datetime(ts.split_time.iloc[known]).max())
    return ScoringArtifact(
        booster=model.booster,
        features=ts.feature_names,
        categorical_levels=levels,
        feature_set=ts.feature_set,
        feature_set_version=ts.feature_set_version,
        feature_config=ts.feature_config or FeatureConfig(),
        calibration=model.calibration,
        health_scale=HealthScale(
            exponent=config.health.exponent,
            bands=tuple((band.name, band.min_health) for band in config.health.bands),
        ),
        references=references,
        metadata=metadata,
        score_reference=score_reference,
    )
