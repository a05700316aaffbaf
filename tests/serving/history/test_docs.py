"""docs/history.md matches the store: its example queries run on both backends, every error listed."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import psycopg
import pytest

import serving.history as history
from features.data.postgres import parse_postgres_url
from serving.history import SCORE_COLUMNS, HistoryError, open_history

DOCS = (Path(__file__).parents[3] / "docs" / "history.md").read_text()
QUERIES = re.findall(r"```sql\n(.*?)```", DOCS, flags=re.DOTALL)


def _run(url: str, query: str) -> list[tuple]:
    if url.startswith("duckdb://"):
        with duckdb.connect(url.removeprefix("duckdb://")) as connection:
            rows = connection.execute(query).arrow().read_all().to_pylist()  # no pytz needed
            return [tuple(row.values()) for row in rows]
    location = parse_postgres_url(url)
    options = f"-c search_path={location.schema}"
    with psycopg.connect(location.conninfo, options=options) as connection:
        return connection.execute(query).fetchall()


def test_docs_example_queries_run_on_every_backend(history_url, score_rows, alert_rows):
    assert len(QUERIES) == 4
    with open_history(history_url) as store:
        store.append_scores(score_rows(["A0000042", "A2"], "2026-05-01", model_version="7"))
        store.append_scores(
            score_rows(["A0000042"], "2026-06-01", model_version="7", health=40, health_change=-20)
        )
        alerts = alert_rows(["A0000042"], "2026-06-01", model_version="7")
        store.append_alerts(alerts.drop(columns=["created_at"]))

    trend, fallen, at_risk, recent = (_run(history_url, query) for query in QUERIES)

    assert [row[2] for row in trend] == [60, 40]
    assert [row[0] for row in fallen] == ["A0000042"]
    assert [row[1:3] for row in at_risk] == [("green", 2), ("red", 1)]  # May, then June
    assert [row[1:3] for row in recent] == [("A0000042", "Dana")]


def test_docs_list_every_score_column_and_error():
    for column in SCORE_COLUMNS:
        assert f"`{column}`" in DOCS
    errors = [
        name
        for name in history.__all__
        if isinstance(getattr(history, name), type)
        and issubclass(getattr(history, name), HistoryError)
    ]
    assert len(errors) == 4
    for name in errors:
        if name != "HistoryError":
            assert f"| `{name}` |" in DOCS


@pytest.mark.parametrize("example", ["runs/history.duckdb", "duckdb:///abs/file.duckdb"])
def test_docs_name_the_default_and_url_forms(example):
    assert example in DOCS
