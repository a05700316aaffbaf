"""Benchmark of scoring with full explanations for 100k accounts (target: < 60 s on 2 cores).

Simulates a world (2,000 accounts), trains the champion on it with ``churn train`` (default
model shape, no cross-validation or backtest) in a throw-away MLflow store, builds the
features of every account active at 12 monthly as_of dates up to the latest event time,
then *resamples those real feature rows to 100k accounts* (rows drawn with replacement, new
account ids): the simulator cannot make 100k accounts quickly. Resampled rows repeat
values, so sentences repeat more than across 100k distinct accounts; the number of
distinct sentences rendered is printed.

Timed on the same 100k rows:

- reference: the raw booster, ``predict`` plus ``predict(pred_contrib=True)`` (TreeSHAP);
- ``Scorer.score``: one TreeSHAP call, probability points, sub-scores, top drivers with
  sentences, plays, alerts against a previous scoring, drift, the score columns and one
  ``AccountExplanation`` per account;
- ``ScoredBatch.history_rows``: every explanation as JSON, as stored in the history.

    uv run python benchmarks/bench_score.py [--rows 100000] [--accounts 2000] [--threads 2]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--accounts", type=int, default=2_000)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")

    with tempfile.TemporaryDirectory(prefix="bench-score-") as folder:
        root = Path(folder)
        scorer, features = _setup(root, args.accounts, args.threads)
        rows = _resample(features, args.rows)
        artifact = scorer.artifact
        print(
            f"model: {artifact.booster.current_iteration()} trees, "
            f"{artifact.booster.params.get('num_leaves', '?')} leaves max, "
            f"{len(artifact.features)} features; {len(features):,} real feature rows resampled to "
            f"{len(rows):,} rows"
        )

        matrix = artifact.encode(rows)
        start = time.perf_counter()
        artifact.booster.predict(matrix, num_threads=args.threads)
        artifact.booster.predict(matrix, pred_contrib=True, num_threads=args.threads)
        reference = time.perf_counter() - start

        first = scorer.score(rows.assign(as_of=rows["as_of"] - pd.Timedelta(days=30)))
        previous = first.frame.assign(explanation=None)  # change via stored sub-scores
        scorer.stories._sentences.clear()  # no sentence rendered before the timed run
        start = time.perf_counter()
        batch = scorer.score(rows, previous=previous, num_threads=args.threads)
        _ = (batch.alerts, batch.drift)  # computed when first read; `churn score` reads both
        scoring = time.perf_counter() - start
        start = time.perf_counter()
        history = batch.history_rows()
        as_json = time.perf_counter() - start

    total = scoring + as_json
    print(f"raw booster predict + pred_contrib: {reference:6.2f} s")
    print(
        f"Scorer.score with explanations:     {scoring:6.2f} s  ({len(rows) / scoring:,.0f} accounts/s, "
        f"{scoring / reference:.1f}x the raw booster)"
    )
    print(f"explanations as JSON for history:   {as_json:6.2f} s")
    print(
        f"total:                              {total:6.2f} s  ({total / reference:.1f}x the raw booster); "
        f"target < 60 s: {'met' if total < 60 else 'NOT met'}"
    )
    told = batch.frame["driver_1"].notna().mean()
    print(
        f"{len(scorer.stories._sentences):,} distinct sentences rendered for "
        f"{batch.frame[['driver_1', 'driver_2', 'driver_3', 'protective_1', 'protective_2']].count().sum():,} shown"
    )
    print(
        f"{len(batch.explanations):,} explanations, {told:.0%} with a first driver, "
        f"{len(batch.alerts):,} alerts, {len(batch.drift.drifted)} drifted features, "
        f"{history['explanation'].str.len().mean():,.0f} JSON characters per account"
    )


def _setup(root: Path, accounts: int, threads: int):
    from typer.testing import CliRunner

    from churn_scorecard.cli import app
    from features.data import load_dataset
    from serving.scoring import Scorer
    from serving.scoring.run import latest_event_time, scoring_features
    from simulator import SimulationConfig, simulate_world

    world = root / "world"
    start = time.perf_counter()
    simulate_world(SimulationConfig(seed=11, n_accounts=accounts), world, overwrite=True)
    os.environ["MLFLOW_TRACKING_URI"] = f"sqlite:///{root / 'mlflow.db'}"
    config = root / "train.yaml"
    config.write_text(f"num_threads: {threads}\ncv_folds: 0\nbacktest:\n  folds: 0\n")
    trained = CliRunner().invoke(app, ["train", str(world), "--config", str(config)])
    if trained.exit_code != 0:
        raise SystemExit(f"churn train failed:\n{trained.output}")
    scorer = Scorer.from_registry()
    with load_dataset(world) as dataset:
        latest = latest_event_time(dataset)
        features = pd.concat(
            [
                scoring_features(dataset, scorer, latest - pd.DateOffset(months=m))
                for m in range(12)
            ],
            ignore_index=True,
        )
    print(f"setup (simulate, train, build features): {time.perf_counter() - start:.1f} s")
    return scorer, features


def _resample(features: pd.DataFrame, rows: int) -> pd.DataFrame:
    picked = np.random.default_rng(0).integers(0, len(features), rows)
    sample = features.iloc[picked].reset_index(drop=True)
    sample["account_id"] = [f"B{i:07d}" for i in range(rows)]
    return sample


if __name__ == "__main__":
    main()
