"""Probability calibration on held-out rows: isotonic or Platt, whichever has the lower Brier score.

The choice is made by cross-validation *within* the held-out rows (each method is fitted
on k-1 folds and scored on the fold it did not see), so isotonic regression, which can
fit its own data almost perfectly, gets no unfair advantage. Isotonic (a step function
with many parameters) is chosen only when its Brier score is lower than Platt's (two
parameters) by more than one standard error of the paired difference; otherwise the
simpler Platt map wins. The chosen method is then refitted on all held-out rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from training.artifact import PROBABILITY_FLOOR, Calibration

METHODS = ("isotonic", "platt")


@dataclass(frozen=True)
class CalibrationChoice:
    """The fitted calibration and the cross-validated Brier score of each candidate method."""

    calibration: Calibration
    cv_brier: dict[str, float]
    reason: str


def fit_platt(margin: np.ndarray, label: np.ndarray) -> Calibration:
    """Platt scaling: a logistic regression of the label on the margin."""
    model = LogisticRegression(C=1e6, max_iter=1000).fit(margin.reshape(-1, 1), label)
    return Calibration(
        "platt", slope=float(model.coef_[0, 0]), intercept=float(model.intercept_[0])
    )


TIE_BREAK = 1e-9
"""Added per threshold to the isotonic map's values so that it rises strictly between them."""


def fit_isotonic(margin: np.ndarray, label: np.ndarray) -> Calibration:
    """Isotonic regression: the best non-decreasing step map from margin to churn rate.

    Its flat steps would give whole ranges of margins the same probability, and so lose
    the booster's ranking inside them (ROC-AUC, the top of a risk list); each threshold's
    value (kept inside the probability floor) gets :data:`TIE_BREAK` times its rank added,
    so the map rises strictly (by at most a few millionths of a percentage point) and the
    ranking is the booster's.
    """
    model = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(margin, label)
    steps = TIE_BREAK * np.arange(len(model.y_thresholds_))
    room = (PROBABILITY_FLOOR, 1 - PROBABILITY_FLOOR - steps[-1])
    y = np.clip(np.asarray(model.y_thresholds_, dtype=np.float64), *room) + steps
    return Calibration(
        "isotonic",
        x=tuple(float(v) for v in model.X_thresholds_),
        y=tuple(float(v) for v in y),
    )


_FITTERS = {"isotonic": fit_isotonic, "platt": fit_platt}


def fit_calibration(
    margin: np.ndarray, label: np.ndarray, method: str, folds: int, seed: int
) -> CalibrationChoice:
    """Calibrate ``margin`` (log-odds, or any score where higher means riskier) on held-out rows.

    ``method`` is ``isotonic``, ``platt`` or ``auto`` (pick by cross-validated Brier, see above).
    """
    margin = np.asarray(margin, dtype=np.float64)
    label = np.asarray(label)
    rarer = int(np.bincount(label, minlength=2).min())
    if rarer < 2:
        # no two folds can each hold the rarer outcome: nothing to compare the methods on
        chosen = method if method != "auto" else "platt"
        reason = (
            f"{chosen}: the {len(label):,} held-out rows hold {rarer} of the rarer outcome, too few "
            "to compare the methods by cross-validation"
        )
        return CalibrationChoice(_FITTERS[chosen](margin, label), {}, reason)
    folds = max(2, min(folds, rarer))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    out_of_fold = {name: np.empty(len(label)) for name in METHODS}
    for fit_rows, held_rows in splitter.split(margin, label):
        for name in METHODS:
            calibration = _FITTERS[name](margin[fit_rows], label[fit_rows])
            out_of_fold[name][held_rows] = calibration.apply(margin[held_rows])
    errors = {name: (p - label) ** 2 for name, p in out_of_fold.items()}
    cv_brier = {name: float(error.mean()) for name, error in errors.items()}
    if method != "auto":
        reason = f"{method} set in the config (cross-validated Brier {cv_brier[method]:.5f})"
        return CalibrationChoice(_FITTERS[method](margin, label), cv_brier, reason)
    gain = errors["platt"] - errors["isotonic"]
    standard_error = float(gain.std(ddof=1) / np.sqrt(len(gain)))
    chosen = "isotonic" if gain.mean() > standard_error else "platt"
    reason = (
        f"{chosen} chosen: cross-validated Brier isotonic {cv_brier['isotonic']:.5f}, platt "
        f"{cv_brier['platt']:.5f} on {len(label):,} held-out rows"
        + (
            ""
            if chosen == "isotonic"
            else " (isotonic is kept only when better by more than one standard error)"
        )
    )
    return CalibrationChoice(_FITTERS[chosen](margin, label), cv_brier, reason)
