"""``scored_world``: a small simulated world, a champion model and scoring runs, shared by the
serving tests (scoring, history, pages, service). Read it, reuse it, do not edit it.

Built once per test session (about a minute): 600 simulated accounts (seed 7), ``churn
train`` into a throw-away MLflow SQLite store (``MLFLOW_TRACKING_URI`` points at it for the
session and is restored afterwards), then two scorings into one DuckDB history: one 30 days
before the latest event (history only) and one ``churn score`` run at the latest event
time, whose score files carry the change since the first.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from churn_scorecard.cli import app
from simulator import SimulationConfig, simulate_world

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")

WORLD_SEED = 7
WORLD_ACCOUNTS = 600
MODEL_NAME = "churn-scorecard"
FIRST_SCORING_DAYS_BEFORE = 30


@dataclass(frozen=True)
class ScoredWorld:
    """Where everything of the scored world lives."""

    world: Path
    """The simulated data directory (contract tables; truth under ``_truth/``)."""
    tracking_uri: str
    """MLflow store holding the registered champion."""
    model_uri: str
    """``models:/churn-scorecard@champion``."""
    history_url: str
    """``duckdb:///<path>``: the history with both scorings."""
    history_path: Path
    out_dir: Path
    """Folder of the ``churn score`` run's files."""
    scores_csv: Path
    scores_parquet: Path
    drift_json: Path
    as_of: datetime
    """as_of of the ``churn score`` run (the latest event time)."""
    previous_as_of: datetime
    """as_of of the earlier scoring stored in the history."""
    cli_output: str
    """What ``churn score`` printed."""


@pytest.fixture(scope="session")
def scored_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScoredWorld]:
    root = tmp_path_factory.mktemp("scored_world")
    world = root / "world"
    simulate_world(
        SimulationConfig(seed=WORLD_SEED, n_accounts=WORLD_ACCOUNTS),
        world,
        overwrite=True,
        workers=0,
    )
    tracking_uri = f"sqlite:///{root / 'mlflow.db'}"
    saved = os.environ.get("MLFLOW_TRACKING_URI")
    os.environ["MLFLOW_TRACKING_URI"] = tracking_uri
    try:
        config = root / "train.yaml"
        config.write_text("num_threads: 1\ncv_folds: 0\nshap_sample: 100\nbacktest:\n  folds: 0\n")
        runner = CliRunner()
        trained = runner.invoke(
            app, ["train", str(world), "--config", str(config), "--model-name", MODEL_NAME]
        )
        assert trained.exit_code == 0, trained.output
        history_path = root / "history.duckdb"
        history_url = f"duckdb://{history_path}"
        yield _score_twice(runner, world, tracking_uri, history_path, history_url, root)
    finally:
        if saved is None:
            os.environ.pop("MLFLOW_TRACKING_URI", None)
        else:
            os.environ["MLFLOW_TRACKING_URI"] = saved


def _score_twice(
    runner: CliRunner,
    world: Path,
    tracking_uri: str,
    history_path: Path,
    history_url: str,
    root: Path,
) -> ScoredWorld:
    from features.data import load_dataset
    from serving.scoring import Scorer, score_source
    from serving.scoring.run import latest_event_time

    model_uri = f"models:/{MODEL_NAME}@champion"
    with load_dataset(world) as dataset:
        latest = latest_event_time(dataset)
    earlier = latest - timedelta(days=FIRST_SCORING_DAYS_BEFORE)
    score_source(
        world,
        as_of=earlier,
        out=root / "first_scoring",
        history_url=history_url,
        scorer=Scorer.from_registry(model_uri),
    )
    out_dir = root / "scores"
    result = runner.invoke(
        app, ["score", str(world), "--out", str(out_dir), "--history", history_url]
    )
    assert result.exit_code == 0, result.output
    return ScoredWorld(
        world=world,
        tracking_uri=tracking_uri,
        model_uri=model_uri,
        history_url=history_url,
        history_path=history_path,
        out_dir=out_dir,
        scores_csv=out_dir / "scores.csv",
        scores_parquet=out_dir / "scores.parquet",
        drift_json=out_dir / "drift.json",
        as_of=latest,
        previous_as_of=earlier,
        cli_output=result.output,
    )
