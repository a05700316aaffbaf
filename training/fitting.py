"""One model fit: LightGBM with early stopping on validation rows, calibration on them, a refit on both.

The main run, each backtest origin and each cross-validation fold all go through
:func:`fit_calibrated`, so they are the same procedure on different rows. A small training
set's main run and CV folds go through :func:`fit_cross_fitted` instead (rounds and
calibration from a cross-validation, :mod:`training.cross_fit`); its backtest origins keep
:func:`fit_calibrated` with the cross-validated rounds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import lightgbm as lgb
import numpy as np

from training.artifact import Calibration
from training.booster import fit_booster
from training.calibration import CalibrationChoice, fit_calibration
from training.config import TrainingConfig

if TYPE_CHECKING:
    from training.cross_fit import CrossFit


@dataclass(frozen=True)
class EncodedData:
    """The whole training set as the booster reads it: a float matrix and 0/1 labels."""

    matrix: np.ndarray
    label: np.ndarray
    feature_names: list[str]
    categorical: list[int]
    group: np.ndarray | None = None
    """Rows sharing a group (one account's renewal) stay together in cross-validation folds."""

    def take(self, positions: np.ndarray) -> np.ndarray:
        """The matrix rows at ``positions``: a read-only view when they are consecutive, else a copy.

        The renewal path's training set is in renewal order, so a time-ordered split's
        training and validation rows are one run of rows: a view saves a copy of them for
        every booster (1.3 GB for the refit on the 100k-account world's 949,401 training and
        validation rows), and LightGBM reads the same values. (A backtest origin's rows,
        known before its origin, are not one run, and are copied.)
        """
        run = len(positions) and positions[-1] - positions[0] == len(positions) - 1
        if not (run and (np.diff(positions) == 1).all()):
            return self.matrix[positions]
        view = self.matrix[positions[0] : positions[-1] + 1]
        view.flags.writeable = False  # a write through it would change the training set
        return view

    def rows(self, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self.take(positions), self.label[positions]


@dataclass(frozen=True)
class CalibratedBooster:
    """A booster, its calibration and the reason the calibration method was chosen."""

    booster: lgb.Booster
    choice: CalibrationChoice
    stopped_at: int
    """Boosting rounds kept by early stopping on the training rows alone (before any refit)."""

    @property
    def calibration(self) -> Calibration:
        return self.choice.calibration

    def margin(self, matrix: np.ndarray, num_threads: int) -> np.ndarray:
        return self.booster.predict(matrix, raw_score=True, num_threads=num_threads)

    def predict_proba(self, matrix: np.ndarray, num_threads: int) -> np.ndarray:
        return self.calibration.apply(self.margin(matrix, num_threads))


def fit_calibrated(
    data: EncodedData,
    train: np.ndarray,
    valid: np.ndarray,
    params: dict[str, Any],
    config: TrainingConfig,
    rounds: int | None = None,
    fitted: lgb.Booster | None = None,
) -> CalibratedBooster:
    """Fit on ``train`` rows, calibrate on ``valid`` rows, then (by default) refit on both.

    Boosting stops early on ``valid`` rows, or runs exactly ``rounds`` rounds when given
    (the backtest reuses the final model's :attr:`CalibratedBooster.stopped_at`). The
    calibration is fitted on the margins of ``valid`` rows that booster never saw. With
    ``lightgbm.refit_on_validation`` the booster is then refitted on ``train`` and ``valid``
    rows together, for its rounds scaled by how many more rows that is, and keeps that
    calibration: on an out-of-time split the validation rows are the latest before the
    test period, and the final model learns from them too.

    ``fitted`` is a booster already boosted on ``train`` with early stopping on ``valid``
    with these ``params`` (the capacity choice fits each candidate that way): it is used
    as the first booster instead of fitting the same trees again. Small training sets go
    through :func:`fit_cross_fitted` instead.
    """
    booster = fitted
    if booster is None:
        booster = fit_booster(
            data.rows(train),
            data.rows(valid),
            data.feature_names,
            data.categorical,
            params,
            rounds or config.lightgbm.max_rounds,
            None if rounds else config.lightgbm.early_stopping_rounds,
        )
    stopped_at = booster.current_iteration()
    margin = booster.predict(data.take(valid), raw_score=True, num_threads=config.num_threads)
    choice = fit_calibration(
        margin, data.label[valid], config.calibration.method, config.calibration.folds, config.seed
    )
    if config.lightgbm.refit_on_validation:
        both = np.sort(np.concatenate([train, valid]))
        scaled = max(1, round(stopped_at * len(both) / len(train)))
        booster = fit_booster(
            data.rows(both),
            data.rows(valid),
            data.feature_names,
            data.categorical,
            params,
            scaled,
            None,
        )
    return CalibratedBooster(booster, choice, stopped_at)


def fit_cross_fitted(
    data: EncodedData,
    params: dict[str, Any],
    config: TrainingConfig,
    cross_fitted: CrossFit,
    calibration_rows: np.ndarray | None = None,
) -> CalibratedBooster:
    """A small training set's model (see :mod:`training.cross_fit`): one booster on the cross-validated rows.

    The booster is fitted on ``cross_fitted.rows`` (training and validation together) for
    its rounds scaled to those rows, and calibrated on the out-of-fold margins: those of
    every row, or those of ``calibration_rows`` only (on an out-of-time split, the
    validation rows, the latest before the test period, so that the calibration follows
    the churn rate of the latest period as it does without cross-validation).
    """
    rows = cross_fitted.rows
    calibrate = slice(None) if calibration_rows is None else np.isin(rows, calibration_rows)
    choice = fit_calibration(
        cross_fitted.margin[calibrate],
        data.label[rows][calibrate],
        config.calibration.method,
        config.calibration.folds,
        config.seed,
    )
    booster = _boost(data, rows, params, cross_fitted.final_rounds)
    return CalibratedBooster(booster, choice, cross_fitted.rounds)


def refit_on_every_row(
    data: EncodedData, model: CalibratedBooster, params: dict[str, Any], cross_fitted: CrossFit
) -> CalibratedBooster:
    """``model`` refitted on every row of ``data`` (test rows too), its calibration kept.

    For small training sets after their evaluation (``lightgbm.refit_on_test``): the test
    rows are labels the saved model should learn from; the metrics reported stay those of
    ``model``, which never saw them.
    """
    every = np.arange(len(data.label))
    booster = _boost(data, every, params, cross_fitted.rounds_for(len(every)))
    return CalibratedBooster(booster, model.choice, model.stopped_at)


def _boost(data: EncodedData, rows: np.ndarray, params: dict[str, Any], rounds: int) -> lgb.Booster:
    """Exactly ``rounds`` boosting rounds on ``rows`` (no early stopping, so no validation rows)."""
    return fit_booster(
        data.rows(rows), data.rows(rows), data.feature_names, data.categorical, params, rounds, None
    )
