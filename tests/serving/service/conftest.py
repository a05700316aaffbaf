"""A real ``churn serve`` process on the scored world, shared by the service tests.

The server runs on a free loopback port with the scored world's data, model and history,
an API key (from ``CHURN_TEST_API_KEY``) and a small max batch so oversized requests are
cheap to send. Tests call it over HTTP with :func:`call`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pandas as pd
import pytest

from serving.api.records import score_records
from serving.api.run import RunningServer, start_server

API_KEY = "test-key-5c1f0e2a9b7d"
API_KEY_ENV = "CHURN_TEST_API_KEY"
MAX_BATCH = 300
RECORD_ACCOUNTS = 20

os.environ.setdefault("BENTOML_DO_NOT_TRACK", "True")


@dataclass
class Served:
    """The running server and what it serves."""

    server: RunningServer
    world: object  # ScoredWorld

    @property
    def url(self) -> str:
        return self.server.url

    def post(self, path: str, body: object, key: str | None = API_KEY) -> httpx.Response:
        headers = {"X-API-Key": key} if key is not None else {}
        return httpx.post(f"{self.url}{path}", json=body, headers=headers, timeout=60)

    def get(self, path: str, key: str | None = API_KEY) -> httpx.Response:
        headers = {"X-API-Key": key} if key is not None else {}
        return httpx.get(f"{self.url}{path}", headers=headers, timeout=60)


@pytest.fixture(scope="session")
def served(scored_world, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("service")
    server = start_server(
        scored_world.world,
        tracking_uri=scored_world.tracking_uri,
        history=scored_world.history_url,
        api_key_env=API_KEY_ENV,
        max_batch=MAX_BATCH,
        env={API_KEY_ENV: API_KEY, "BENTOML_HOME": str(folder / "bentoml")},
        log_path=folder / "serve.log",
    )
    try:
        yield Served(server, scored_world)
    finally:
        server.stop()


@pytest.fixture(scope="session")
def feature_records(scored_world) -> list[dict]:
    """Feature records of a few accounts at the scoring's as_of, built in-process as JSON
    with the champion's catalogue settings (its fitted usage norms and events vocabulary, so
    its per-event features too), as a caller would."""
    from features.catalogue import CHURN_V1, FeatureSource, available_features, build_features
    from features.data import load_dataset
    from serving.scoring import Scorer

    settings = Scorer.from_registry(scored_world.model_uri).artifact.feature_config

    scores = pd.read_csv(scored_world.scores_csv)
    ids = scores["account_id"].astype(str).head(RECORD_ACCOUNTS).tolist()
    points = pd.DataFrame({"account_id": ids, "as_of": scores["as_of"].head(RECORD_ACCOUNTS)})
    with load_dataset(scored_world.world) as dataset:
        source = FeatureSource.from_dataset(dataset)
        names = CHURN_V1.names(settings)
        frame = build_features(source, points, available_features(source, names), settings)
    return score_records(frame, names)
