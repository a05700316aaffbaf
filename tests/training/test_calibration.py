"""Calibration: fitted on held-out rows, it improves (or keeps) Brier and ECE on other held-out rows."""

import numpy as np
import pytest

from training.calibration import fit_calibration, fit_isotonic, fit_platt
from training.metrics import expected_calibration_error


def _miscalibrated(n: int, seed: int, bend: bool) -> tuple[np.ndarray, np.ndarray]:
    """Margins of an over-confident model whose true log-odds are (a bent function of) margin / 2 - 1."""
    rng = np.random.default_rng(seed)
    margin = rng.normal(0, 2, n)
    true_logit = margin / 2 - 1 + (0.8 * np.sin(margin) if bend else 0)
    label = (rng.random(n) < 1 / (1 + np.exp(-true_logit))).astype(int)
    return margin, label


@pytest.mark.parametrize("bend", [False, True])
def test_fit_calibration_improves_brier_and_ece_on_held_out_rows(bend):
    margin, label = _miscalibrated(26000, seed=1, bend=bend)
    fit, held = slice(0, 6000), slice(6000, None)
    choice = fit_calibration(margin[fit], label[fit], "auto", folds=5, seed=0)
    raw = 1 / (1 + np.exp(-margin[held]))
    calibrated = choice.calibration.apply(margin[held])
    assert np.mean((calibrated - label[held]) ** 2) < np.mean((raw - label[held]) ** 2)
    assert expected_calibration_error(label[held], calibrated) < expected_calibration_error(
        label[held], raw
    )
    assert expected_calibration_error(label[held], calibrated) < 0.02


def test_fit_calibration_prefers_platt_when_the_miscalibration_is_a_straight_line():
    margin, label = _miscalibrated(3000, seed=2, bend=False)
    choice = fit_calibration(margin, label, "auto", folds=5, seed=0)
    assert choice.calibration.method == "platt"
    assert choice.calibration.slope == pytest.approx(0.5, abs=0.1)
    assert "platt chosen" in choice.reason


def test_fit_calibration_picks_isotonic_for_a_bent_miscalibration_with_enough_rows():
    margin, label = _miscalibrated(40000, seed=3, bend=True)
    choice = fit_calibration(margin, label, "auto", folds=5, seed=0)
    assert choice.calibration.method == "isotonic"
    assert choice.cv_brier["isotonic"] < choice.cv_brier["platt"]


def test_fit_calibration_honours_a_method_set_in_the_config():
    margin, label = _miscalibrated(2000, seed=4, bend=False)
    choice = fit_calibration(margin, label, "isotonic", folds=3, seed=0)
    assert choice.calibration.method == "isotonic"
    assert "set in the config" in choice.reason


def test_calibration_maps_are_monotone_and_bounded():
    margin, label = _miscalibrated(2000, seed=5, bend=True)
    grid = np.linspace(-20, 20, 401)
    for calibration in (fit_platt(margin, label), fit_isotonic(margin, label)):
        p = calibration.apply(grid)
        assert np.all(np.diff(p) >= 0)
        assert p.min() > 0
        assert p.max() < 1


def test_isotonic_calibration_keeps_the_boosters_ranking_inside_its_steps():
    margin, label = _miscalibrated(2000, seed=6, bend=True)
    calibration = fit_isotonic(margin, label)
    inside = np.sort(margin[(margin > calibration.x[0]) & (margin < calibration.x[-1])])
    p = calibration.apply(inside)
    assert np.all(np.diff(p) > 0)
    plain = np.interp(inside, calibration.x, np.round(calibration.y, 6))
    assert np.max(np.abs(p - plain)) < 1e-5


def test_one_held_out_row_of_the_rarer_outcome_gets_platt_without_a_comparison():
    margin = np.linspace(-3, 3, 60)
    label = np.zeros(60, dtype=int)
    label[-1] = 1
    choice = fit_calibration(margin, label, "auto", folds=5, seed=0)
    assert choice.calibration.method == "platt"
    assert "hold 1 of the rarer outcome, too few to compare the methods" in choice.reason
    assert np.all(np.diff(choice.calibration.apply(margin)) >= 0)
