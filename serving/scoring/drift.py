"""Drift of a scoring run: how far its features (and scores) moved from what the model knows.

The population stability index (PSI) of each feature compares this run's rows with the
training distribution stored in the model (``ScoringArtifact.drift``): below 0.1 stable,
0.1-0.25 moving, above 0.25 drifted. The score distribution is compared with the
previous scoring run of the same accounts when there is one (the model stores no
training score distribution), on the previous run's probability deciles.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

from training.artifact import FeatureReference, ScoringArtifact

DRIFT_THRESHOLD = 0.25
"""PSI above which a feature counts as drifted."""


class DriftSummary(BaseModel):
    """PSI per feature and of the scores, for one scoring run (JSON-serialisable)."""

    rows: int
    threshold: float = DRIFT_THRESHOLD
    feature_psi: dict[str, float] = Field(description="PSI of each feature vs training")
    score_psi: float | None = Field(
        default=None, description="PSI of churn probabilities vs the previous scoring run"
    )
    score_reference: str | None = Field(
        default=None, description="what the scores were compared with"
    )

    @property
    def drifted(self) -> dict[str, float]:
        """Features whose PSI exceeds the threshold, largest first."""
        above = {k: v for k, v in self.feature_psi.items() if v > self.threshold}
        return dict(sorted(above.items(), key=lambda item: -item[1]))

    @property
    def scores_drifted(self) -> bool:
        return self.score_psi is not None and self.score_psi > self.threshold

    def describe(self) -> str:
        """One line for the run summary."""
        drifted = self.drifted
        text = (
            f"{len(drifted)} of {len(self.feature_psi)} features drifted (PSI > {self.threshold:g})"
        )
        if drifted:
            text += ": " + ", ".join(f"{k} {v:.2f}" for k, v in list(drifted.items())[:8])
            if len(drifted) > 8:
                text += f" and {len(drifted) - 8} more"
        if self.score_psi is not None:
            text += f"; score PSI {self.score_psi:.3f} vs {self.score_reference}"
        return text

    @classmethod
    def read(cls, path: Path) -> DriftSummary:
        """The summary a scoring run wrote to ``path`` (``drift.json``)."""
        return cls.model_validate_json(Path(path).read_text())

    def write(self, path: Path) -> Path:
        """Write the figures as JSON (with the drifted list) to ``path``."""
        document = {**self.model_dump(), "drifted": self.drifted}
        path.write_text(json.dumps(document, indent=1))
        return path


def drift_summary(
    artifact: ScoringArtifact,
    features: pd.DataFrame,
    probability: np.ndarray,
    previous_probability: np.ndarray | None = None,
) -> DriftSummary:
    """PSI of ``features`` against training and of ``probability`` against the previous run."""
    psi = artifact.drift(features) if len(features) else pd.Series(dtype=float)
    score_psi = reference = None
    if previous_probability is not None:
        previous = np.asarray(previous_probability, dtype=np.float64)
        previous = previous[~np.isnan(previous)]
        if previous.size:
            baseline = FeatureReference.of_numeric("churn_probability", previous)
            score_psi = baseline.psi(np.asarray(probability, dtype=np.float64))
            reference = f"the previous scoring of {previous.size:,} of these accounts"
    return DriftSummary(
        rows=len(features),
        feature_psi={str(k): round(float(v), 6) for k, v in psi.items()},
        score_psi=score_psi,
        score_reference=reference,
    )
