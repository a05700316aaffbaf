"""Promoting a new champion while requests run: none fails and answers switch version."""

from __future__ import annotations

import shutil
import threading
import time

import httpx
import pytest
from mlflow import MlflowClient

from serving.api.run import start_server
from serving.api.schemas import SERVED_FEATURE_SET, example_record

pytestmark = pytest.mark.slow

NAME = "churn-scorecard"


def test_a_new_champion_is_served_without_dropping_a_request(scored_world, tmp_path) -> None:
    # A copy of the registry, so promoting here changes nothing for the other tests.
    shutil.copy(scored_world.tracking_uri.removeprefix("sqlite:///"), tmp_path / "mlflow.db")
    tracking_uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    server = start_server(
        tracking_uri=tracking_uri,
        reload_interval=1.0,
        env={"BENTOML_HOME": str(tmp_path / "bentoml")},
        log_path=tmp_path / "serve.log",
    )
    versions: list[str] = []
    answered: list[tuple[float, float, str]] = []  # (sent, received, version)
    failures: list[str] = []
    stop = threading.Event()
    record: dict = {}

    def keep_scoring() -> None:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            while not stop.is_set():
                sent = time.monotonic()
                response = client.post("/score", json={"records": [record]})
                if response.status_code == 200:
                    version = response.json()["model_version"]
                    versions.append(version)
                    answered.append((sent, time.monotonic(), version))
                else:
                    failures.append(f"{response.status_code} {response.text[:200]}")

    clients = [threading.Thread(target=keep_scoring) for _ in range(3)]
    try:
        # the example record, plus the model's per-event features (unknown: null)
        model_features = httpx.get(f"{server.url}/model", timeout=30).json()["features"]
        record.update(example_record())
        record.update({n: None for n in model_features if n not in SERVED_FEATURE_SET.features})
        for thread in clients:
            thread.start()
        time.sleep(2)
        registry = MlflowClient(tracking_uri)
        champion = registry.get_model_version_by_alias(NAME, "champion")
        new = registry.create_model_version(NAME, champion.source, run_id=champion.run_id)
        registry.set_registered_model_alias(NAME, "champion", new.version)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (not versions or versions[-1] != str(new.version)):
            time.sleep(0.2)
        time.sleep(1)
    finally:
        stop.set()
        for thread in clients:
            thread.join()
        server.stop()
    assert failures == []
    assert versions[0] == str(champion.version)
    assert versions[-1] == str(new.version)
    first_new = min(received for _, received, v in answered if v == str(new.version))
    assert {v for sent, _, v in answered if sent > first_new} == {str(new.version)}
