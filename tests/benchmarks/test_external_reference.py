"""The quick reference of bench_external (benchmarks/external/reference.py): its counts and rows."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
reference = importlib.import_module("benchmarks.external.reference")
churnsim = importlib.import_module("benchmarks.external.churnsim")


def test_event_counts_see_only_the_28_days_before_the_point() -> None:
    as_of = pd.Timestamp("2023-03-01")
    usage = pd.DataFrame(
        {
            "account_id": ["A", "A", "A", "A", "B"],
            "timestamp": [
                as_of - pd.Timedelta(days=28),  # first instant of the window: in
                as_of - pd.Timedelta(days=28, seconds=1),  # just before it: out
                as_of - pd.Timedelta(seconds=1),  # in
                as_of,  # at the point itself: out
                as_of - pd.Timedelta(days=1),
            ],
            "event": ["search", "search", "meeting", "search", "meeting"],
        }
    )
    points = pd.DataFrame({"account_id": ["A", "B", "C"], "as_of": as_of})
    counts = reference.event_counts(usage, points, ["meeting", "search", "unused"])
    assert counts[["meeting", "search", "unused"]].to_numpy().tolist() == [
        [1.0, 1.0, 0.0],
        [1.0, 0.0, 0.0],
        [0.0, 0.0, 0.0],  # no events: zeros, not missing
    ]


def _world(n: int = 60) -> churnsim.ContractWorld:
    rng = np.random.default_rng(3)
    created = pd.Timestamp("2023-01-01")
    accounts = pd.DataFrame(
        {"account_id": [f"A{i}" for i in range(n)], "created_at": [created] * n}
    )
    busy = rng.random(n) < 0.5
    rows = []
    for i, account in enumerate(accounts["account_id"]):
        per_day = 3 if busy[i] else 0.3
        for day in range(90):
            for _ in range(rng.poisson(per_day)):
                rows.append((account, created + pd.Timedelta(days=day, hours=10), "search"))
    usage = pd.DataFrame(rows, columns=["account_id", "timestamp", "event"])
    renewal = pd.Timestamp("2023-03-01")
    churned = ~busy  # idle accounts churn: the counts must rank them first
    renewals = pd.DataFrame(
        {
            "account_id": accounts["account_id"],
            "renewal_date": renewal,
            "outcome": pd.array(np.where(churned, "churned", "renewed"), dtype="string"),
            "arr": 1000.0,
        }
    )
    return churnsim.ContractWorld(accounts, usage, pd.DataFrame(), renewals, renewal)


def test_reference_trains_before_renewals_and_ranks_idle_accounts_first() -> None:
    world = _world()
    points = reference.training_points(world)
    assert len(points) == len(world.accounts)
    assert (points["as_of"] == pd.Timestamp("2023-03-01") - pd.Timedelta(days=14)).all()
    scores = reference.reference_scores(
        world, world.accounts["account_id"].tolist(), pd.Timestamp("2023-03-31")
    )
    idle = (world.renewals["outcome"] == "churned").to_numpy()
    for name in ("lightgbm", "logistic"):
        assert roc_auc_score(idle, scores[name]) > 0.9, name
    assert scores["rows"] == len(world.accounts)
