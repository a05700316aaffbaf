"""Probability points add up exactly to churn_probability - baseline_probability; sub-scores."""

import numpy as np
import pytest

from serving.scoring import probability_points, sub_scores
from serving.scoring.attribution import present_dimensions
from training.artifact import Calibration, HealthScale

SCALE = HealthScale(exponent=3.0, bands=(("healthy", 70.0), ("watch", 40.0), ("at_risk", 0.0)))
CALIBRATIONS = [
    Calibration("platt", slope=1.2, intercept=-0.4),
    Calibration("identity"),
    Calibration("isotonic", x=(-4.0, -1.0, 0.0, 2.0), y=(0.01, 0.1, 0.3, 0.9)),
]


def _contributions(seed: int, rows: int = 500, features: int = 60) -> np.ndarray:
    rng = np.random.default_rng(seed)
    values = rng.normal(0, 0.3, (rows, features)) * (rng.random((rows, features)) < 0.5)
    values[0] = 0.0  # nothing moved
    values[1, :2] = [0.7, -0.7]  # moves that cancel out: zero margin difference
    values[2, :2] = [0.7, -0.7 + 1e-12]  # nearly cancel
    values[3, 0] = 12.0  # saturates at the probability floor
    return values


@pytest.mark.parametrize("calibration", CALIBRATIONS, ids=lambda c: c.method)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_points_add_up_exactly_to_probability_minus_baseline(calibration, seed):
    contributions = _contributions(seed)
    result = probability_points(contributions, np.array(-2.1), calibration)
    expected = calibration.apply(-2.1 + contributions.sum(axis=1))
    np.testing.assert_allclose(result.probability, expected, rtol=0, atol=1e-15)
    np.testing.assert_allclose(result.baseline, calibration.apply(np.array([-2.1]))[0])
    np.testing.assert_allclose(
        result.points.sum(axis=1), result.probability - result.baseline, rtol=0, atol=1e-12
    )


@pytest.mark.parametrize("calibration", CALIBRATIONS, ids=lambda c: c.method)
def test_points_keep_each_features_share_of_the_log_odds(calibration):
    contributions = _contributions(3)
    result = probability_points(contributions, np.array(-2.1), calibration)
    moved = np.abs(contributions.sum(axis=1)) > 1e-6
    ratio = result.points[moved] / np.where(contributions[moved] == 0, np.nan, contributions[moved])
    spread = np.nanmax(ratio, axis=1) - np.nanmin(ratio, axis=1)
    assert np.nanmax(spread) < 1e-9
    assert (
        np.sign(result.points) == np.sign(contributions)
    ).all() or calibration.method == "isotonic"


def test_cancelling_contributions_get_points_of_the_calibration_slope_that_sum_to_zero():
    contributions = np.array([[0.7, -0.7, 0.0]])
    calibration = Calibration("platt", slope=1.0, intercept=0.0)
    result = probability_points(contributions, np.array(0.0), calibration)
    assert result.points[0, 2] == 0.0
    assert result.points[0, 0] == pytest.approx(0.7 * 0.25, rel=1e-6)  # sigmoid'(0) = 1/4
    assert result.points.sum() == pytest.approx(0.0, abs=1e-15)


def test_sub_score_of_the_only_moving_dimension_equals_health():
    baseline = np.array([0.1, 0.1, 0.1])
    points = np.array([[0.2, 0.0], [-0.05, 0.0], [0.0, 0.0]])
    scores = sub_scores(points, baseline, SCALE)
    health = SCALE.health(baseline + points.sum(axis=1))
    np.testing.assert_array_equal(scores[:, 0], health)
    neutral = SCALE.health(baseline)[0]
    assert (scores[:, 1] == neutral).all()
    assert scores[0, 0] < neutral < scores[1, 0]


def test_sub_scores_fall_as_a_dimensions_points_rise():
    baseline = np.full(50, 0.08)
    points = np.linspace(-0.07, 0.8, 50)[:, None]
    scores = sub_scores(points, baseline, SCALE)[:, 0]
    assert (np.diff(scores) <= 0).all()
    assert scores.min() >= 0 and scores.max() <= 100


def test_dimensions_without_features_are_not_present():
    found = present_dimensions(["active_users_30d", "tenure_days", "nps_latest"])
    assert [d.value for d in found] == ["usage", "survey"]
