"""Plain words for a model that learned nothing, or hardly anything: said by ``churn train``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from training.pipeline import TrainingResult

WEAK_AUC = 0.6
"""A test ROC-AUC below this ranks accounts hardly better than chance: ``churn train`` warns."""


def weak_model_warning(result: TrainingResult) -> str | None:
    """Why the model is not worth trusting yet, or None: a constant score, or a test AUC under 0.6."""
    scores = result.test_scores["model"]
    if not len(scores):
        return None
    train_label = result.training_set.label[result.split.train]
    test_label = result.test_label
    counts = f"Its training rows hold {int(train_label.sum()):,} churned of {len(train_label):,}"
    more = "; more history or more renewals would give it something to learn from."
    if np.unique(np.round(scores, 12)).size == 1:
        return (
            f"the model gives every test row the same churn probability ({scores[0]:.3f}): it "
            f"learned nothing from these rows. {counts}{more}"
        )
    auc = float(result.metrics.loc["model", "roc_auc"])
    if np.isnan(auc) or auc >= WEAK_AUC:
        return None
    return (
        f"the model ranks the test rows hardly better than chance (ROC-AUC {auc:.3f} on "
        f"{len(test_label):,} rows, {int(test_label.sum()):,} churned): treat its scores as a weak "
        f"signal. {counts}{more}"
    )
