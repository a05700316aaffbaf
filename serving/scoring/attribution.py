"""TreeSHAP log-odds contributions turned into probability points, and dimension sub-scores.

The booster explains its margin (log-odds) exactly: ``margin = base_value + sum(phi)``.
People read probabilities, so each row's contributions are rescaled to probability
points that add up exactly to ``churn_probability - baseline_probability``, where the
baseline is the calibrated probability of ``base_value`` (the model's average margin):

    points_j = phi_j * (p - p0) / sum(phi)

Each feature keeps its share of the log-odds movement. When ``sum(phi)`` is (nearly)
zero the ratio is replaced by the calibration's slope at the base value, so points stay
proportional to the contributions and still sum to ``p - p0`` (which is then ~0).

A dimension's sub-score is the health the account would have if only that dimension's
features differed from the baseline account::

    score_d = health(p0 + sum of points of d's features)

so a sub-score equal to the baseline health means "neutral", below it "pulls the score
down", above it "holds it up"; when one dimension carries all the points, its sub-score
equals the overall health.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from features.catalogue import Source, find_feature
from serving.scoring.columns import DIMENSIONS
from training.artifact import PROBABILITY_FLOOR, Calibration, HealthScale

ZERO_MARGIN = 1e-9
"""Below this total log-odds movement the calibration's slope replaces the ratio."""

_SLOPE_STEP = 1e-4


@dataclass(frozen=True)
class ProbabilityPoints:
    """Per-row probabilities and per-feature probability points (rows x features)."""

    probability: np.ndarray
    baseline: np.ndarray
    points: np.ndarray
    margin: np.ndarray


def probability_points(
    contributions: np.ndarray, base_value: np.ndarray, calibration: Calibration
) -> ProbabilityPoints:
    """Rescale log-odds ``contributions`` (rows x features) to points summing to ``p - p0``."""
    contributions = np.asarray(contributions, dtype=np.float64)
    base_value = np.broadcast_to(np.asarray(base_value, dtype=np.float64), (len(contributions),))
    moved = contributions.sum(axis=1)
    margin = base_value + moved
    probability = calibration.apply(margin)
    baseline = calibration.apply(base_value)
    slope = (
        calibration.apply(base_value + _SLOPE_STEP) - calibration.apply(base_value - _SLOPE_STEP)
    ) / (2 * _SLOPE_STEP)
    small = np.abs(moved) < ZERO_MARGIN
    ratio = np.where(small, slope, (probability - baseline) / np.where(small, 1.0, moved))
    return ProbabilityPoints(probability, baseline, contributions * ratio[:, None], margin)


def source_matrix(features: Sequence[str], sources: Sequence[Source]) -> np.ndarray:
    """A (features x sources) 0/1 matrix: which source each feature belongs to."""
    position = {source: i for i, source in enumerate(sources)}
    matrix = np.zeros((len(features), len(sources)))
    for j, name in enumerate(features):
        source = feature_source(name)
        if source in position:
            matrix[j, position[source]] = 1.0
    return matrix


def feature_source(name: str) -> Source:
    """The catalogue source of a feature; features outside the catalogue count as contract."""
    feature = find_feature(name)
    return feature.source if feature is not None else Source.CONTRACT


def sub_scores(
    dimension_points: np.ndarray, baseline: np.ndarray, scale: HealthScale
) -> np.ndarray:
    """Health 0-100 each row would have if only one dimension (column) moved from the baseline."""
    p = np.clip(baseline[:, None] + dimension_points, PROBABILITY_FLOOR, 1 - PROBABILITY_FLOOR)
    return scale.health(p.ravel()).reshape(p.shape)


def present_dimensions(features: Sequence[str]) -> list[Source]:
    """The dimensions that have at least one of ``features`` (others get a null sub-score)."""
    found = {feature_source(name) for name in features}
    return [d for d in DIMENSIONS if d in found]
