"""The training set: feature rows, their labels, and the times and keys that keep evaluation honest."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from features.catalogue.config import FeatureConfig
from training.errors import TrainingDataError


@dataclass
class TrainingSet:
    """One row per observation: features, a 0/1 label (1 = churned) and how the row sits in time.

    ``split_time`` orders rows for the out-of-time split (the renewal date, or the table's
    time column); rows sharing a ``group`` (one account's renewal) always land on the same
    side. ``as_of`` is when the observation was made and ``label_time`` when its outcome
    became known; the rolling backtest trains on rows known before its origin and tests on
    rows observed after it. ``keys`` identify the rows (account, renewal, as_of...) for
    reports; they are never features. On simulated data ``ceiling`` is the fair ceiling,
    the churn probability knowable at ``as_of`` from the world's latent state (the best any
    model can do), and ``ceiling_hindsight`` the renewal's true churn probability, which
    also knows the health between ``as_of`` and the renewal. ``notes`` say what was done to the
    input on the way (columns dropped or converted, rows without an outcome left out).
    """

    features: pd.DataFrame
    label: np.ndarray
    categorical: tuple[str, ...]
    source: str
    label_name: str
    feature_set: str
    feature_set_version: str
    split_time: pd.Series | None = None
    group: np.ndarray | None = None
    as_of: pd.Series | None = None
    label_time: pd.Series | None = None
    arr: np.ndarray | None = None
    segment: pd.Series | None = None
    keys: pd.DataFrame | None = None
    ceiling: np.ndarray | None = None
    ceiling_hindsight: np.ndarray | None = None
    notes: list[str] = field(default_factory=list)
    feature_config: FeatureConfig | None = None
    """The catalogue settings the features were built with (norms fitted from the data
    included); the model carries them so scoring builds the same features. None for a flat table."""
    geometry: pd.DataFrame | None = None
    """Renewal path: one row per kind of contract term, its renewals and where their points fell
    (:attr:`training.labels.ObservationPoints.geometry`); its lines are in ``notes`` too."""

    def __post_init__(self) -> None:
        self.features = self.features.reset_index(drop=True)
        self.label = np.asarray(self.label, dtype=np.int8)
        n = len(self.features)
        for name in (
            "label",
            "split_time",
            "group",
            "as_of",
            "label_time",
            "arr",
            "segment",
            "keys",
            "ceiling",
            "ceiling_hindsight",
        ):
            value = getattr(self, name)
            if value is not None and len(value) != n:
                raise TrainingDataError(
                    f"training set from {self.source}: {name} has {len(value)} rows, features have {n}"
                )
            if isinstance(value, pd.Series | pd.DataFrame):
                setattr(self, name, value.reset_index(drop=True))
        if n == 0:
            raise TrainingDataError(
                f"training set from {self.source} has no rows; nothing to learn from"
            )
        classes = set(np.unique(self.label).tolist())
        if classes != {0, 1}:
            raise TrainingDataError(
                f"training set from {self.source}: label {self.label_name!r} must hold both outcomes "
                f"(churned and not churned), found only {sorted(classes)}; add more history"
            )

    def without(self, names: list[str], note: str) -> TrainingSet:
        """A copy without the features ``names``, saying why in its notes."""
        return dataclasses.replace(
            self,
            features=self.features.drop(columns=names),
            categorical=tuple(name for name in self.categorical if name not in names),
            notes=[*self.notes, note],
        )

    @property
    def feature_names(self) -> tuple[str, ...]:
        return tuple(self.features.columns)

    @property
    def churn_rate(self) -> float:
        return float(self.label.mean())

    def summary(self) -> dict[str, object]:
        """Rows, span, churn rate and feature set: the data summary logged with every run."""
        summary: dict[str, object] = {
            "source": self.source,
            "rows": len(self.features),
            "features": len(self.feature_names),
            "categorical_features": len(self.categorical),
            "churn_rate": round(self.churn_rate, 6),
            "label": self.label_name,
            "feature_set": self.feature_set,
            "feature_set_version": self.feature_set_version,
        }
        if self.split_time is not None:
            summary["span_start"] = str(self.split_time.min())
            summary["span_end"] = str(self.split_time.max())
        if self.group is not None:
            summary["groups"] = int(pd.Series(self.group).nunique())
        return summary
