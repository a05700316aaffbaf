"""A year of monthly scorings of the shared ``scored_world``, issued as a real team would.

``monthly_history``: the scored world's champion scores every active account every 30
days for a year up to the latest event, each scoring stored with ``scored_at`` an hour
after its ``as_of`` (issued at the time, not backfilled), in a DuckDB history; a copy of
the same rows in a PostgreSQL schema of the session's throw-away server. Built once per
session. The browser fixtures are the page tests' own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from tests.serving.pages.conftest import browser_context, watched  # noqa: F401  (fixtures)

SCORINGS = 12
EVERY = timedelta(days=30)
ISSUED_AFTER = timedelta(hours=1)
"""How long after its as_of each monthly scoring is stored (scored_at)."""


@dataclass(frozen=True)
class MonthlyHistory:
    """Where the monthly history lives and what went into it."""

    world: Path
    history_path: Path
    history_url: str
    """``duckdb://<path>``."""
    as_of: list[datetime]
    renewals: pd.DataFrame
    """The world's clean renewals (after validation), as the audit reads them."""

    def copy(self, folder: Path) -> str:
        """A ``duckdb://`` URL of a copy of the history in ``folder`` (to add rows to)."""
        target = folder / "history.duckdb"
        target.write_bytes(self.history_path.read_bytes())
        return f"duckdb://{target}"


@pytest.fixture(scope="session")
def monthly_history(scored_world, tmp_path_factory: pytest.TempPathFactory) -> MonthlyHistory:
    from features.data import load_dataset
    from serving.history import open_history
    from serving.scoring import Scorer
    from serving.scoring.run import account_context, latest_event_time, scoring_features

    path = tmp_path_factory.mktemp("monthly") / "history.duckdb"
    url = f"duckdb://{path}"
    scorer = Scorer.from_registry(scored_world.model_uri)
    moments = []
    with load_dataset(scored_world.world) as dataset, open_history(url) as store:
        latest = latest_event_time(dataset)
        for back in range(SCORINGS - 1, -1, -1):
            as_of = latest - back * EVERY
            features = scoring_features(dataset, scorer, as_of)
            previous = store.previous_scores(features["account_id"].tolist(), before=as_of)
            batch = scorer.score(features, account_context(dataset, as_of), previous)
            store.append_scores(batch.history_rows(scored_at=as_of + ISSUED_AFTER))
            moments.append(as_of)
        renewals = dataset.relation("renewals").df()
    return MonthlyHistory(scored_world.world, path, url, moments, renewals)


@pytest.fixture(scope="session")
def monthly_postgres_url(monthly_history: MonthlyHistory, postgres_url: str) -> str:
    """The same stored rows, copied into a fresh schema of the test PostgreSQL."""
    from serving.history import open_history

    url = f"{postgres_url}?schema=audit_monthly"
    with open_history(monthly_history.history_url) as source, open_history(url) as target:
        target.append_scores(source.scores())
    return url


@pytest.fixture(params=["duckdb", "postgresql"])
def monthly_url(request: pytest.FixtureRequest, monthly_history: MonthlyHistory) -> str:
    """The monthly history on each backend."""
    if request.param == "duckdb":
        return monthly_history.history_url
    return request.getfixturevalue("monthly_postgres_url")


ScoreRows = Callable[..., pd.DataFrame]


@pytest.fixture
def stored() -> ScoreRows:
    """``stored([("A1", "2025-05-01", 0.3, "watch"), ...], model_version="1")``: stored
    score rows as the audit reads them (scored_at an hour after as_of unless given)."""

    def build(rows: list[tuple], model_version: str = "1", **columns: object) -> pd.DataFrame:
        frame = pd.DataFrame(
            [
                {
                    "account_id": account,
                    "as_of": pd.Timestamp(as_of, tz="UTC"),
                    "scored_at": pd.Timestamp(as_of, tz="UTC") + ISSUED_AFTER,
                    "model_name": "churn-scorecard",
                    "model_version": model_version,
                    "churn_probability": probability,
                    "health": {"healthy": 85, "watch": 55, "at_risk": 20}[band],
                    "band": band,
                    "segment": "smb",
                    "arr": 10_000.0,
                    "driver_1": f"driver of {account} as of {as_of}",
                    "driver_2": None,
                    "driver_3": None,
                }
                for account, as_of, probability, band in rows
            ]
        )
        for name, value in columns.items():
            frame[name] = value
        return frame

    return build


@pytest.fixture
def renewals_of() -> Callable[..., pd.DataFrame]:
    """``renewals_of([("A1", "2025-06-30", "churned", 12000.0), ...])``: checked renewals."""
    from serving.audit import checked_renewals

    def build(rows: list[tuple]) -> pd.DataFrame:
        frame = pd.DataFrame(rows, columns=["account_id", "renewal_date", "outcome", "arr"])
        return checked_renewals(frame)

    return build
