"""Benchmark of the service over loopback against the same work in-process.

Simulates a world (default 1,200 accounts), trains a champion into a throw-away MLflow
store with ``churn train``, builds every account's features at the latest event time,
starts ``churn serve`` on a free loopback port and measures:

- single-account score + explain (one ``POST /explain`` with a feature record, which
  answers the score and the full explanation): p50 / p99 latency (target p99 < 25 ms);
- ``POST /score`` with 1,000 records: time per request (target < 1 s each);
- the same work in-process (``Scorer.explain`` on one row, which is what /explain runs;
  ``Scorer.score`` on 1,000 rows), and the ratio HTTP / in-process; and, apart, the
  service's own step before scoring a record (its validation and the frame it becomes).

The client runs on the same machine (2 cores shared with the server).

    uv run python benchmarks/bench_service.py [--accounts 1200] [--single 300] [--batches 10]
    uv run python benchmarks/bench_service.py --world DIR --tracking-uri URI   # reuse a trained world
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np
import pandas as pd

from serving.api.records import score_records

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("BENTOML_DO_NOT_TRACK", "True")

MODEL_URI = "models:/churn-scorecard@champion"


def prepare(args: argparse.Namespace, scratch: Path) -> tuple[Path, str]:
    """A world and a tracking store with a champion: given, or simulated and trained here."""
    if args.world and args.tracking_uri:
        return Path(args.world), args.tracking_uri
    from simulator import SimulationConfig, simulate_world

    world = scratch / "world"
    started = time.perf_counter()
    simulate_world(SimulationConfig(seed=11, n_accounts=args.accounts), world, overwrite=True)
    tracking_uri = f"sqlite:///{scratch / 'mlflow.db'}"
    config = scratch / "train.yaml"
    config.write_text("cv_folds: 0\nshap_sample: 100\nbacktest:\n  folds: 0\n")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "churn_scorecard",
            "train",
            str(world),
            "--config",
            str(config),
            "--tracking-uri",
            tracking_uri,
        ],
        check=True,
        capture_output=True,
    )
    print(
        f"world of {args.accounts:,} accounts simulated and trained in "
        f"{time.perf_counter() - started:.0f} s"
    )
    return world, tracking_uri


def feature_frame(world: Path) -> pd.DataFrame:
    """Every account's churn_v1 features at the latest event time, built as the champion reads them."""
    from features.catalogue import CHURN_V1, FeatureSource, available_features, build_features
    from features.data import load_dataset
    from serving.scoring import Scorer
    from serving.scoring.run import latest_event_time

    settings = Scorer.from_registry(MODEL_URI).artifact.feature_config
    with load_dataset(world) as dataset:
        source = FeatureSource.from_dataset(dataset)
        as_of = latest_event_time(dataset)
        accounts = source.execute(source.table("accounts").select("account_id"))
        points = pd.DataFrame({"account_id": accounts["account_id"].astype(str), "as_of": as_of})
        names = CHURN_V1.names(settings)  # with the per-event features of its vocabulary
        frame = build_features(source, points, available_features(source, names), settings)
    for name in names:
        if name not in frame:
            frame[name] = np.nan
    return frame


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1200)
    parser.add_argument("--single", type=int, default=300, help="single-account requests")
    parser.add_argument("--batches", type=int, default=10, help="1,000-record requests")
    parser.add_argument("--world", help="existing data directory (with --tracking-uri)")
    parser.add_argument("--tracking-uri", help="MLflow store holding the champion")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-service-") as scratch_dir:
        scratch = Path(scratch_dir)
        world, tracking_uri = prepare(args, scratch)
        os.environ["MLFLOW_TRACKING_URI"] = tracking_uri
        frame = feature_frame(world)
        payload = score_records(frame)
        batch = payload[:1000]
        if len(batch) < 1000:
            raise SystemExit(f"the world has {len(batch)} accounts; use --accounts 1000 or more")

        from serving.api.run import start_server
        from serving.scoring import Scorer

        # In-process reference: the same scorer the service builds.
        scorer = Scorer.from_registry(MODEL_URI)
        thousand = frame.iloc[:1000].reset_index(drop=True)
        local_single = []
        for i in range(args.single):
            row = frame.iloc[[i % len(frame)]].reset_index(drop=True)
            started = time.perf_counter()
            scorer.explain(row)
            local_single.append(time.perf_counter() - started)
        # what the service does to a request's record before scoring it (validation, frame)
        from serving.api.schemas import ExplainRequest
        from serving.api.state import _records_frame

        local_frame = []
        for i in range(args.single):
            started = time.perf_counter()
            request = ExplainRequest.model_validate({"record": payload[i % len(payload)]})
            _records_frame([request.record], scorer.artifact.features, "record")
            local_frame.append(time.perf_counter() - started)
        local_batch = []
        for _ in range(args.batches):
            started = time.perf_counter()
            scorer.score(thousand)
            local_batch.append(time.perf_counter() - started)

        server = start_server(
            tracking_uri=tracking_uri,
            env={"BENTOML_HOME": str(scratch / "bentoml")},
            log_path=scratch / "serve.log",
        )
        try:
            with httpx.Client(base_url=server.url, timeout=60) as client:
                for record in payload[:20]:  # warm up
                    client.post("/explain", json={"record": record}).raise_for_status()
                http_single = []
                for i in range(args.single):
                    started = time.perf_counter()
                    response = client.post("/explain", json={"record": payload[i % len(payload)]})
                    http_single.append(time.perf_counter() - started)
                    response.raise_for_status()
                http_batch = []
                for _ in range(args.batches):
                    started = time.perf_counter()
                    response = client.post("/score", json={"records": batch})
                    http_batch.append(time.perf_counter() - started)
                    response.raise_for_status()
        finally:
            server.stop()

    ms = 1000.0
    print(f"\nsingle-account score + explain ({args.single} requests, POST /explain with a record)")
    print(
        f"  HTTP        p50 {percentile(http_single, 50) * ms:6.1f} ms   "
        f"p99 {percentile(http_single, 99) * ms:6.1f} ms   (target p99 < 25 ms)"
    )
    print(
        f"  in-process  p50 {percentile(local_single, 50) * ms:6.1f} ms   "
        f"p99 {percentile(local_single, 99) * ms:6.1f} ms"
    )
    print(
        f"  record -> frame (in-process, not in the line above)  p50 "
        f"{percentile(local_frame, 50) * ms:5.2f} ms"
    )
    print(
        f"  ratio HTTP / in-process (p50): "
        f"{percentile(http_single, 50) / percentile(local_single, 50):.1f}x"
    )
    print(f"\n1,000-record POST /score ({args.batches} requests)")
    print(
        f"  HTTP        median {statistics.median(http_batch):.2f} s   "
        f"max {max(http_batch):.2f} s   (target < 1 s each)"
    )
    print(
        f"  in-process  median {statistics.median(local_batch):.2f} s   "
        f"max {max(local_batch):.2f} s"
    )
    print(
        f"  ratio HTTP / in-process (median): "
        f"{statistics.median(http_batch) / statistics.median(local_batch):.2f}x"
    )


if __name__ == "__main__":
    main()
