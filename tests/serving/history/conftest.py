"""A history store per test on each backend, and builders of score and alert rows.

Test modules cannot import this file (pytest runs in importlib mode), so the row builders
are fixtures. PostgreSQL stores get a fresh schema of the session's throw-away server.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import datetime

import pandas as pd
import pytest

from serving.history import HistoryStore, open_history

_schemas = itertools.count()


@pytest.fixture
def history_url(request: pytest.FixtureRequest, tmp_path) -> str:
    """A URL of an empty history: a DuckDB file, or a new schema on the test PostgreSQL."""
    if request.param == "duckdb":
        return f"duckdb://{tmp_path / 'history.duckdb'}"
    postgres_url = request.getfixturevalue("postgres_url")
    return f"{postgres_url}?schema=history_{next(_schemas)}"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "history_url" in metafunc.fixturenames:
        backends = getattr(metafunc.module, "BACKENDS", ("duckdb", "postgresql"))
        metafunc.parametrize("history_url", backends, indirect=True)


@pytest.fixture
def store(history_url: str) -> Iterator[HistoryStore]:
    with open_history(history_url) as opened:
        yield opened


ScoreRows = Callable[..., pd.DataFrame]


@pytest.fixture
def score_rows() -> ScoreRows:
    """``score_rows(["A1", "A2"], "2025-01-01", health=[70, 40])``: score rows as scoring makes."""

    def build(
        accounts: list[str],
        as_of: str | datetime,
        model_version: str = "3",
        health: list[int] | int = 60,
        **columns: object,
    ) -> pd.DataFrame:
        n = len(accounts)
        healths = health if isinstance(health, list) else [health] * n
        frame = pd.DataFrame(
            {
                "account_id": accounts,
                "as_of": pd.Timestamp(as_of, tz="UTC"),
                "model_name": "churn-scorecard",
                "model_version": model_version,
                "feature_set_version": "churn_v1",
                "churn_probability": [1 - h / 100 for h in healths],
                "baseline_probability": 0.2,
                "health": healths,
                "band": ["red" if h < 50 else "green" for h in healths],
                "usage_score": healths,
                "support_score": None,
                "survey_score": 50,
                "billing_score": 80,
                "relationship_score": 70,
                "arr": 12_000.0,
                "arr_at_risk": [12_000.0 * (1 - h / 100) for h in healths],
                "segment": "smb",
                "owner": "Dana",
                "renewal_date": pd.Timestamp("2025-06-30"),
                "driver_1": "Active users fell 42% in the last 30 days (31 -> 18)",
                "driver_2": None,
                "driver_3": None,
                "protective_1": "No open support tickets",
                "protective_2": None,
                "plays": "adoption workshop; executive sponsor call",
                "previous_health": None,
                "health_change": None,
                "change_summary": None,
                "scored_at": pd.Timestamp("2025-07-01 12:00", tz="UTC"),
                "explanation": '{"drivers": []}',
            }
        )
        for name, value in columns.items():
            frame[name] = value
        return frame

    return build


@pytest.fixture
def alert_rows() -> Callable[..., pd.DataFrame]:
    """``alert_rows(["A1"], "2025-01-01", kind="band_drop")``: alert rows as scoring makes."""

    def build(
        accounts: list[str], as_of: str, kind: str = "band_drop", model_version: str = "3"
    ) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "account_id": accounts,
                "as_of": pd.Timestamp(as_of, tz="UTC"),
                "model_version": model_version,
                "kind": kind,
                "from_band": "green",
                "to_band": "red",
                "health": 41,
                "previous_health": 72,
                "message": "health 72 -> 41, mostly usage (-14)",
                "created_at": pd.Timestamp("2025-07-01 12:00", tz="UTC"),
            }
        )

    return build
