"""A tiny model on catalogue features (all five dimensions plus contract), trained in a second."""

from __future__ import annotations

from dataclasses import replace

import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest

from training.artifact import Calibration, FeatureReference, HealthScale, ScoringArtifact

SCALE = HealthScale(exponent=3.0, bands=(("healthy", 70.0), ("watch", 40.0), ("at_risk", 0.0)))
NUMERIC = (
    "active_users_30d",
    "active_users_prev_30d",
    "active_users_pct_change_30d",
    "tickets_count_30d",
    "nps_latest",
    "nps_previous",
    "nps_change_since_previous",
    "overdue_invoices_count",
    "max_days_past_due",
    "days_since_last_crm_touch",
    "tenure_days",
)
FEATURES = (*NUMERIC, "segment")
SEGMENTS = ("enterprise", "mid_market", "smb")
HELD_OUT = 1000
"""Rows (not trained on) whose calibrated probabilities are the tiny model's score reference."""


def feature_rows(n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` accounts with plausible catalogue feature values (one row each)."""
    rng = np.random.default_rng(seed)
    before = rng.integers(5, 60, n)
    now = np.maximum(0, before + rng.integers(-30, 15, n))
    nps_previous = np.where(rng.random(n) < 0.2, np.nan, rng.integers(0, 11, n))
    nps_latest = np.where(np.isnan(nps_previous), np.nan, rng.integers(0, 11, n))
    overdue = rng.poisson(0.4, n)
    return pd.DataFrame(
        {
            "account_id": [f"A{i:05d}" for i in range(n)],
            "as_of": pd.Timestamp("2026-06-30"),
            "active_users_30d": now.astype(float),
            "active_users_prev_30d": before.astype(float),
            "active_users_pct_change_30d": 100.0 * (now - before) / before,
            "tickets_count_30d": rng.poisson(2, n).astype(float),
            "nps_latest": nps_latest,
            "nps_previous": nps_previous,
            "nps_change_since_previous": nps_latest - nps_previous,
            "overdue_invoices_count": overdue.astype(float),
            "max_days_past_due": np.where(overdue > 0, rng.integers(1, 90, n), 0).astype(float),
            "days_since_last_crm_touch": rng.integers(0, 365, n).astype(float),
            "tenure_days": rng.integers(30, 3000, n).astype(float),
            "segment": rng.choice(SEGMENTS, n),
            "arr": rng.lognormal(10, 1, n),
        }
    )


def _label(frame: pd.DataFrame, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    risk = (
        -0.03 * frame["active_users_pct_change_30d"]
        + 0.3 * frame["tickets_count_30d"]
        - 0.2 * frame["nps_latest"].fillna(7)
        + 0.8 * frame["overdue_invoices_count"]
        + 0.004 * frame["days_since_last_crm_touch"]
        - 0.0004 * frame["tenure_days"]
        + 0.5 * (frame["segment"] == "smb")
    )
    return (rng.random(len(frame)) < 1 / (1 + np.exp(-(risk - 1.5)))).astype(int)


def tiny_artifact(calibration: Calibration | None = None) -> ScoringArtifact:
    frame = feature_rows(3000, seed=1)
    levels = {"segment": SEGMENTS}
    from training.artifact import encode_features

    x = encode_features(frame, FEATURES, levels)
    booster = lgb.train(
        {
            "objective": "binary",
            "verbosity": -1,
            "num_leaves": 15,
            "learning_rate": 0.1,
            "deterministic": True,
            "num_threads": 1,
            "seed": 0,
        },
        lgb.Dataset(
            x,
            _label(frame, 2),
            feature_name=list(FEATURES),
            categorical_feature=[len(FEATURES) - 1],
        ),
        num_boost_round=60,
    )
    references = tuple(
        FeatureReference.of_categorical(name, x[:, j], SEGMENTS)
        if name == "segment"
        else FeatureReference.of_numeric(name, x[:, j])
        for j, name in enumerate(FEATURES)
    )
    artifact = ScoringArtifact(
        booster=booster,
        features=FEATURES,
        categorical_levels=levels,
        feature_set="tiny",
        feature_set_version="tiny@1",
        calibration=calibration or Calibration("platt", slope=0.9, intercept=-0.2),
        health_scale=SCALE,
        references=references,
        metadata={"score_reference": {"rows": "test", "count": HELD_OUT}},
    )
    held_out = artifact.predict_proba(feature_rows(HELD_OUT, seed=3))
    return replace(
        artifact, score_reference=FeatureReference.of_numeric("churn_probability", held_out)
    )


@pytest.fixture(scope="module")
def artifact() -> ScoringArtifact:
    return tiny_artifact()


@pytest.fixture
def rows() -> pd.DataFrame:
    return feature_rows(400, seed=5)


@pytest.fixture(scope="module")
def make_rows():
    """``make_rows(n, seed)``: feature rows for ``n`` accounts."""
    return feature_rows


@pytest.fixture(scope="module")
def make_artifact():
    """``make_artifact(calibration)``: the tiny model with another calibration."""
    return tiny_artifact
