"""Drift of a scoring run: how far its features and scores moved from what the model knows.

The population stability index (PSI) of each feature compares this run's rows with the
training distribution stored in the model (``ScoringArtifact.drift``): below 0.1 stable,
0.1-0.25 moving, above 0.25 drifted. The calibrated churn probabilities are compared with
the model's score reference (``ScoringArtifact.score_drift``: deciles of the probability
on the held-out test rows of training); models saved without one fall back to the
previous scoring run of the same accounts. When both exist, the PSI against the previous
run is kept as extra information.

Some features shift by design between training and scoring: :data:`EXPECTED_SHIFTS`
declares them with the reason. Their PSI is still reported, but under ``expected``, not
among the drifted features the run summary warns about.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

from training.artifact import FeatureReference, ScoringArtifact

DRIFT_THRESHOLD = 0.25
"""PSI above which a feature (or the score) counts as drifted."""

EXPECTED_SHIFTS: dict[str, str] = {
    "days_to_renewal": (
        "training observes accounts at chosen lead times before a renewal (by default 30-180 days "
        "on long terms, a sixth to five sixths of short ones), "
        "scoring covers every active account anywhere in its term"
    ),
    "contract_term_months": (
        "training has one observation point per monthly renewal and up to four per annual one, "
        "scoring one row per active account, so the mix of terms differs"
    ),
    "term_left_share": (
        "training observes accounts at chosen points of their terms, scoring covers every active "
        "account anywhere in its term"
    ),
}
"""Features whose distribution differs between training and scoring by design, and why."""


class DriftSummary(BaseModel):
    """PSI per feature and of the scores, for one scoring run (JSON-serialisable)."""

    rows: int
    threshold: float = DRIFT_THRESHOLD
    feature_psi: dict[str, float] = Field(description="PSI of each feature vs training")
    expected: dict[str, str] = Field(
        default_factory=dict,
        description="features of this model that shift by design, with the reason (their PSI "
        "stays in feature_psi but they are not counted as drifted)",
    )
    score_psi: float | None = Field(
        default=None,
        description="PSI of churn probabilities vs score_reference (training's held-out rows, "
        "or the previous run for models saved without a score reference)",
    )
    score_reference: str | None = Field(
        default=None, description="what the scores were compared with"
    )
    previous_score_psi: float | None = Field(
        default=None,
        description="PSI of churn probabilities vs the previous scoring of the same accounts, "
        "when score_psi is against training",
    )
    previous_score_reference: str | None = Field(
        default=None, description="which previous scoring previous_score_psi compares with"
    )

    @property
    def drifted(self) -> dict[str, float]:
        """Features not expected to shift whose PSI exceeds the threshold, largest first."""
        above = {
            k: v
            for k, v in self.feature_psi.items()
            if v > self.threshold and k not in self.expected
        }
        return dict(sorted(above.items(), key=lambda item: -item[1]))

    @property
    def expected_drift(self) -> dict[str, float]:
        """Features expected to shift (:data:`EXPECTED_SHIFTS`) with their PSI, whatever it is."""
        return {k: self.feature_psi[k] for k in self.expected if k in self.feature_psi}

    @property
    def scores_drifted(self) -> bool:
        return self.score_psi is not None and self.score_psi > self.threshold

    def describe(self) -> str:
        """One line for the run summary."""
        drifted = self.drifted
        checked = len(self.feature_psi) - len(self.expected_drift)
        text = f"{len(drifted)} of {checked} features drifted (PSI > {self.threshold:g})"
        if drifted:
            text += ": " + ", ".join(f"{k} {v:.2f}" for k, v in list(drifted.items())[:8])
            if len(drifted) > 8:
                text += f" and {len(drifted) - 8} more"
        expected = self.expected_drift
        if expected:
            text += "; expected by design: " + ", ".join(
                f"{k} {v:.2f}" for k, v in expected.items()
            )
        if self.score_psi is not None:
            text += f"; score PSI {self.score_psi:.3f} vs {self.score_reference}"
            if self.scores_drifted:
                text += " (drifted)"
        if self.previous_score_psi is not None:
            text += f", {self.previous_score_psi:.3f} vs {self.previous_score_reference}"
        return text

    @classmethod
    def read(cls, path: Path) -> DriftSummary:
        """The summary a scoring run wrote to ``path`` (``drift.json``)."""
        return cls.model_validate_json(Path(path).read_text())

    def write(self, path: Path) -> Path:
        """Write the figures as JSON (with the drifted and expected lists) to ``path``."""
        document = {
            **self.model_dump(),
            "drifted": self.drifted,
            "expected_drift": self.expected_drift,
        }
        path.write_text(json.dumps(document, indent=1))
        return path


def drift_summary(
    artifact: ScoringArtifact,
    features: pd.DataFrame,
    probability: np.ndarray,
    previous_probability: np.ndarray | None = None,
    matrix: np.ndarray | None = None,
) -> DriftSummary:
    """PSI of ``features`` against training and of ``probability`` against the model's score
    reference (and the previous run's probabilities, when given).

    ``matrix``: ``features`` already encoded for the booster (the scorer passes its own),
    so they are not encoded a second time.
    """
    if not len(features):
        psi = pd.Series(dtype=float)
    elif matrix is None:
        psi = artifact.drift(features)
    else:
        position = {name: j for j, name in enumerate(artifact.features)}
        psi = pd.Series(
            {ref.name: ref.psi(matrix[:, position[ref.name]]) for ref in artifact.references},
            name="psi",
            dtype=float,
        )
    probability = np.asarray(probability, dtype=np.float64)
    previous_psi = previous_reference = None
    if previous_probability is not None:
        previous = np.asarray(previous_probability, dtype=np.float64)
        previous = previous[~np.isnan(previous)]
        if previous.size:
            baseline = FeatureReference.of_numeric("churn_probability", previous)
            previous_psi = baseline.psi(probability)
            previous_reference = f"the previous scoring of {previous.size:,} of these accounts"
    training_psi = artifact.score_drift(probability) if len(probability) else None
    if training_psi is not None:
        score_psi, reference = training_psi, _training_reference(artifact)
    else:
        score_psi, reference = previous_psi, previous_reference
        previous_psi = previous_reference = None
    return DriftSummary(
        rows=len(features),
        feature_psi={str(k): round(float(v), 6) for k, v in psi.items()},
        expected={k: v for k, v in EXPECTED_SHIFTS.items() if k in psi.index},
        score_psi=score_psi,
        score_reference=reference,
        previous_score_psi=previous_psi,
        previous_score_reference=previous_reference,
    )


def _training_reference(artifact: ScoringArtifact) -> str:
    about = artifact.metadata.get("score_reference")
    if isinstance(about, dict) and about.get("count"):
        return f"training's {about['count']:,} held-out {about.get('rows', 'test')} rows"
    return "training's held-out rows"
