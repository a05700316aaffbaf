"""Features that track time: their distribution shifts sharply between training and validation.

In an out-of-time split, a feature whose values move wholesale from one period to the
next (for example a count of renewals that grows with the length of the recorded
history rather than with the account) lets trees learn period-specific thresholds that
do not carry into the future. Such features are found label-free, from the training
and validation rows only (never the test rows), by the population stability index of
the validation rows against the training rows' deciles or levels.
"""

from __future__ import annotations

import numpy as np

from training.artifact import FeatureReference


def shifted_features(
    matrix: np.ndarray,
    names: list[str],
    levels: dict[str, tuple[str, ...]],
    train: np.ndarray,
    valid: np.ndarray,
    max_psi: float,
) -> dict[str, float]:
    """Features whose validation-vs-training PSI exceeds ``max_psi``, with their PSI, largest first."""
    shifted = {}
    for j, name in enumerate(names):
        if name in levels:
            reference = FeatureReference.of_categorical(name, matrix[train, j], levels[name])
        else:
            reference = FeatureReference.of_numeric(name, matrix[train, j])
        psi = reference.psi(matrix[valid, j])
        if psi > max_psi:
            shifted[name] = psi
    return dict(sorted(shifted.items(), key=lambda item: -item[1]))
