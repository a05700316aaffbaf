"""Small, seeded training sets and a throw-away MLflow store shared by the training tests."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from training.config import BacktestConfig, LightGBMConfig, TrainingConfig
from training.dataset import TrainingSet

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")

TELCO = Path(__file__).resolve().parents[1] / "fixtures" / "telco" / "Telco-Customer-Churn.csv"


def make_renewal_like_set(n_renewals: int = 900, seed: int = 0) -> TrainingSet:
    """Renewals over three years, each seen at 3 lead times; churn driven by a few features.

    The churn rate rises over time, so a model fitted on early rows is miscalibrated on
    later ones until it is calibrated on the (later) validation rows.
    """
    rng = np.random.default_rng(seed)
    renewal = pd.Timestamp("2022-01-01") + pd.to_timedelta(
        rng.integers(0, 3 * 365, n_renewals), unit="D"
    )
    segment = rng.choice(["smb", "mid_market", "enterprise"], n_renewals, p=[0.6, 0.3, 0.1])
    risk = rng.normal(0, 1, n_renewals)
    drift = (renewal - renewal.min()).days.to_numpy() / 365.0
    rows = []
    for lead in (30, 90, 180):
        noise = rng.normal(0, 0.4 + lead / 300, n_renewals)
        rows.append(
            pd.DataFrame(
                {
                    "renewal_id": np.arange(n_renewals),
                    "renewal_date": renewal,
                    "as_of": renewal - pd.Timedelta(days=lead),
                    "lead_days": lead,
                    "usage_drop": risk + noise,
                    "tickets_30d": rng.poisson(np.exp(0.5 * risk).clip(0.1, 5)),
                    "nps_last": np.where(
                        rng.random(n_renewals) < 0.3, np.nan, np.clip(7 - 2 * risk + noise, 0, 10)
                    ),
                    "seats": rng.lognormal(3, 1, n_renewals),
                    "plan": np.where(
                        risk + noise > 1,
                        "basic",
                        rng.choice(["pro", "basic", "enterprise"], n_renewals),
                    ),
                    "segment": segment,
                    "true_p": 1 / (1 + np.exp(-(1.6 * risk - 2.2 + 0.6 * drift))),
                    "arr": rng.lognormal(9, 1, n_renewals),
                }
            )
        )
    frame = pd.concat(rows, ignore_index=True)
    label = (
        np.random.default_rng(seed + 1).random(n_renewals) < frame["true_p"].to_numpy()[:n_renewals]
    ).astype(int)
    label = np.tile(label, 3)
    return TrainingSet(
        features=frame[["usage_drop", "tickets_30d", "nps_last", "seats", "plan", "lead_days"]],
        label=label,
        categorical=("plan",),
        source="synthetic renewals",
        label_name="churned",
        feature_set="test_set",
        feature_set_version="1",
        split_time=frame["renewal_date"],
        group=frame["renewal_id"].to_numpy(),
        as_of=frame["as_of"],
        label_time=frame["renewal_date"],
        arr=frame["arr"].to_numpy(),
        segment=frame["segment"],
        keys=frame[["renewal_id", "renewal_date", "as_of", "lead_days"]],
        ceiling=frame["true_p"].to_numpy(),
    )


@pytest.fixture
def renewal_set() -> TrainingSet:
    return make_renewal_like_set()


@pytest.fixture
def fast_config() -> TrainingConfig:
    """Defaults, but one thread, fewer rounds and a two-origin backtest: seconds, not minutes."""
    return TrainingConfig(
        num_threads=1,
        cv_folds=0,
        shap_sample=200,
        lightgbm=LightGBMConfig(max_rounds=300, early_stopping_rounds=20, min_child_samples=20),
        backtest=BacktestConfig(folds=2, period_days=120),
    )


@pytest.fixture(scope="session")
def telco_path() -> Path:
    return TELCO


@pytest.fixture(scope="session")
def tracking_uri(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One SQLite MLflow store for the session (creating its tables takes seconds)."""
    return f"sqlite:///{tmp_path_factory.mktemp('mlflow') / 'mlflow.db'}"
