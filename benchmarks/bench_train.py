"""Benchmark of ``churn train``'s work on 200k observation rows x 80 features (target: < 2 minutes, 2 cores).

Builds a synthetic renewal-shaped training set (75 numeric features with skewed and
missing values, 5 categorical ones, four lead times per renewal, three years of renewal
dates, churn driven by a handful of features), then runs exactly what ``churn train``
runs after the features are built: split, LightGBM with early stopping, calibration,
both baselines, test metrics per segment and lead time, the rolling backtest, then the
MLflow run (plots incl. SHAP summary, model card, registered pyfunc model) in a
throw-away store. Prints the time of each step, then what serving will pay per row for
the trained model's TreeSHAP explanations (``predict(pred_contrib=True)`` on 10,000 test
rows, one thread; budget about 0.4 ms/row) against plain ``predict`` measured in the same run.

    uv run python benchmarks/bench_train.py [--rows 200000] [--features 80] [--threads 2]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from training.artifact import encode_features
from training.config import TrainingConfig
from training.dataset import TrainingSet
from training.pipeline import MODEL, TrainingResult, train_model
from training.registry import decide_promotion
from training.tracking import connect, log_training_run

LEADS = (30, 60, 90, 180)
CATEGORICAL = 5
SHAP_ROWS = 10_000
SHAP_BUDGET_MS = 0.4


def synthetic_set(rows: int, features: int, seed: int = 0) -> TrainingSet:
    """``rows`` observation points (4 per renewal) with ``features`` features, ~12% churn."""
    rng = np.random.default_rng(seed)
    renewals = rows // len(LEADS)
    renewal_date = pd.Timestamp("2023-03-01") + pd.to_timedelta(
        rng.integers(0, 3 * 365, renewals), unit="D"
    )
    risk = rng.normal(0, 1, renewals)
    lead = np.repeat(np.array(LEADS), renewals)
    latent = np.tile(risk, len(LEADS)) + rng.normal(0, 0.3 + lead / 400)
    numeric = features - CATEGORICAL
    columns: dict[str, np.ndarray] = {}
    for j in range(numeric):
        weight = 1.0 if j < 8 else 0.0
        value = weight * latent + rng.normal(0, 1, len(lead))
        if j % 3 == 0:
            value = np.exp(value)  # skewed, count-like
        if j % 7 == 0:
            value[rng.random(len(lead)) < 0.2] = np.nan
        columns[f"feature_{j:02d}"] = value
    columns["days_to_renewal"] = lead.astype(float)
    for j in range(CATEGORICAL - 1):
        columns[f"category_{j}"] = rng.choice([f"level_{k}" for k in range(3 + 4 * j)], len(lead))
    segment = np.tile(
        rng.choice(["smb", "mid_market", "enterprise"], renewals, p=[0.6, 0.3, 0.1]), len(LEADS)
    )
    true_p = 1 / (1 + np.exp(-(1.5 * np.tile(risk, len(LEADS)) - 2.5)))
    label = np.tile((rng.random(renewals) < true_p[:renewals]).astype(np.int8), len(LEADS))
    frame = pd.DataFrame(columns)
    frame["segment"] = segment
    dates = pd.Series(np.tile(renewal_date, len(LEADS)))
    return TrainingSet(
        features=frame,
        label=label,
        categorical=tuple(c for c in frame.columns if c.startswith("category_") or c == "segment"),
        source="synthetic benchmark",
        label_name="churned",
        feature_set="bench",
        feature_set_version="1",
        split_time=dates,
        group=np.tile(np.arange(renewals), len(LEADS)),
        as_of=dates - pd.to_timedelta(lead, unit="D"),
        label_time=dates + pd.Timedelta(days=3),
        arr=rng.lognormal(9, 1, len(lead)),
        segment=pd.Series(segment),
        keys=pd.DataFrame({"lead_days": lead}),
        ceiling=true_p,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--features", type=int, default=80)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")

    started = time.perf_counter()
    training_set = synthetic_set(args.rows, args.features)
    built = time.perf_counter() - started
    config = TrainingConfig(num_threads=args.threads)
    print(
        f"training set: {len(training_set.features):,} rows x {len(training_set.feature_names)} features "
        f"(churn {training_set.churn_rate:.1%}), generated in {built:.1f}s (not counted)"
    )

    started = time.perf_counter()
    result = train_model(training_set, config)
    train_seconds = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as store:
        started = time.perf_counter()
        experiment = connect(f"sqlite:///{Path(store) / 'mlflow.db'}", "bench")
        connect_seconds = time.perf_counter() - started
        started = time.perf_counter()
        logged = log_training_run(result, experiment, "bench")
        decide_promotion(result, "bench", logged.version, config.promotion)
        log_seconds = time.perf_counter() - started

    print(
        f"\nLightGBM: {result.artifact.booster.current_iteration()} rounds; "
        f"test ROC-AUC {result.metrics.loc[MODEL, 'roc_auc']:.4f} "
        f"(logistic {result.metrics.loc['logistic', 'roc_auc']:.4f}, ceiling {result.metrics.loc['ceiling', 'roc_auc']:.4f}), "
        f"ECE {result.metrics.loc[MODEL, 'ece']:.4f}"
    )
    print("\nstep                               seconds")
    for step, seconds in result.timings.items():
        print(f"  {step:<32} {seconds:7.1f}")
    print(f"  {'MLflow store (create, one-off)':<32} {connect_seconds:7.1f}")
    print(f"  {'MLflow run: plots, card, model':<32} {log_seconds:7.1f}")
    total = train_seconds + log_seconds
    print(
        f"  {'total (without store creation)':<32} {total:7.1f}   target < 120: {'OK' if total < 120 else 'MISSED'}"
    )
    explain_cost(result)


def explain_cost(result: TrainingResult) -> None:
    """TreeSHAP milliseconds per row of the trained booster, against plain prediction."""
    artifact = result.artifact
    rows = result.test_frame().iloc[:SHAP_ROWS]
    matrix = encode_features(rows, artifact.features, artifact.categorical_levels)
    timings = {}
    for name, contrib in (("predict", False), ("TreeSHAP", True)):
        started = time.perf_counter()
        artifact.booster.predict(matrix, pred_contrib=contrib, num_threads=1)
        timings[name] = (time.perf_counter() - started) * 1000 / len(rows)
    verdict = "OK" if timings["TreeSHAP"] <= SHAP_BUDGET_MS else "OVER"
    print(
        f"\nexplanations ({len(rows):,} rows, 1 thread, {artifact.booster.current_iteration()} trees): "
        f"TreeSHAP {timings['TreeSHAP']:.3f} ms/row, predict {timings['predict']:.4f} ms/row "
        f"(x{timings['TreeSHAP'] / timings['predict']:.0f}); budget {SHAP_BUDGET_MS} ms/row: {verdict}"
    )


if __name__ == "__main__":
    main()
