"""Baselines scored beside the model on the same split.

* :class:`ScorecardBaseline`: the hand-made weighted health rules CS platforms ship
  (usage drop, many tickets, detractor NPS, overdue invoices, no recent contact), each
  worth some risk points, 100 in all. Nothing is learned; only its calibration is fitted.
* :func:`fit_logistic`: a logistic regression on the same features (numeric features
  imputed with the median plus a missing flag and mapped to normal scores by rank,
  categoricals one-hot encoded, missing as its own level).

The logistic regression runs with one BLAS thread: its matrices are small, and
threaded OpenBLAS on a busy 2-core machine made the fit twenty times slower (measured).

Both give a risk score per row; :mod:`training.calibration` turns it into a probability on
the same validation rows as the model, so Brier and calibration compare like for like.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import MissingIndicator, SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, QuantileTransformer
from threadpoolctl import threadpool_limits

from training.config import ScorecardRule


@dataclass(frozen=True)
class ScorecardBaseline:
    """Risk points from fixed rules; a rule whose feature is missing in a row does not fire."""

    rules: tuple[ScorecardRule, ...]

    @classmethod
    def for_features(
        cls, rules: list[ScorecardRule], features: tuple[str, ...]
    ) -> ScorecardBaseline:
        """The rules whose feature exists in ``features`` (others cannot fire on this data)."""
        return cls(tuple(rule for rule in rules if rule.feature in features))

    def points(self, frame: pd.DataFrame) -> np.ndarray:
        """Total risk points (0-100) of each row."""
        total = np.zeros(len(frame))
        for rule in self.rules:
            values = pd.to_numeric(frame[rule.feature], errors="coerce").to_numpy(
                dtype=np.float64, na_value=np.nan
            )
            fired = values >= rule.threshold if rule.op == ">=" else values <= rule.threshold
            total += np.where(np.isnan(values), 0.0, fired * rule.points)
        return total


def fit_logistic(
    frame: pd.DataFrame, label: np.ndarray, categorical: tuple[str, ...], c: float, seed: int
) -> Pipeline:
    """A logistic regression on ``frame``'s features; ``decision_function`` gives its log-odds."""
    numeric = [name for name in frame.columns if name not in categorical]
    prepare = ColumnTransformer(
        [
            (
                "numeric",
                make_pipeline(
                    SimpleImputer(strategy="median", keep_empty_features=True),
                    QuantileTransformer(
                        n_quantiles=100, output_distribution="normal", random_state=seed
                    ),
                ),
                numeric,
            ),
            ("missing", MissingIndicator(error_on_new=False), numeric),
            (
                "categorical",
                OneHotEncoder(handle_unknown="ignore", min_frequency=20, sparse_output=False),
                list(categorical),
            ),
        ],
        sparse_threshold=0.0,
    )
    model = Pipeline([("prepare", prepare), ("logistic", LogisticRegression(C=c, max_iter=2000))])
    with threadpool_limits(limits=1, user_api="blas"):
        return model.fit(_as_model_input(frame, categorical), label)


def logistic_margin(
    model: Pipeline, frame: pd.DataFrame, categorical: tuple[str, ...]
) -> np.ndarray:
    """Log-odds of churn from a fitted :func:`fit_logistic` model."""
    with threadpool_limits(limits=1, user_api="blas"):
        return model.decision_function(_as_model_input(frame, categorical))


def _as_model_input(frame: pd.DataFrame, categorical: tuple[str, ...]) -> pd.DataFrame:
    out = frame.copy()
    for name in out.columns:
        if name in categorical:
            out[name] = out[name].astype("string").fillna("(missing)").astype(object)
        else:
            out[name] = pd.to_numeric(out[name], errors="coerce").to_numpy(
                dtype=np.float64, na_value=np.nan
            )
    return out
