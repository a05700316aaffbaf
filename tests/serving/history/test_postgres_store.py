"""The PostgreSQL history: tables created in the URL's schema, versioned, clear connection errors."""

from __future__ import annotations

import socket
from pathlib import Path

import psycopg
import pytest

from serving.history import (
    SCHEMA_VERSION,
    HistorySchemaError,
    HistoryUnreachableError,
    open_history,
)
from serving.history.postgres_store import PostgresHistory


def test_open_history_creates_the_tables_in_the_urls_schema(postgres_url):
    with open_history(f"{postgres_url}?schema=Team History") as store:
        assert isinstance(store, PostgresHistory)

    with psycopg.connect(postgres_url) as connection:
        tables = connection.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'Team History' ORDER BY 1"
        ).fetchall()
        versions = connection.execute(
            'SELECT version FROM "Team History".history_schema'
        ).fetchall()

    assert tables == [("history_schema",), ("score_alerts",), ("score_history",)]
    assert versions == [(SCHEMA_VERSION,)]


def test_open_history_accepts_a_url_that_went_through_path(postgres_url):
    with open_history(Path(f"{postgres_url}?schema=via_path")) as store:
        assert store.description.endswith("/postgres?schema=via_path")


def test_open_history_defaults_to_the_public_schema(postgres_url, score_rows):
    with open_history(postgres_url) as store:
        store.append_scores(score_rows(["P1"], "2025-01-01"))

    with psycopg.connect(postgres_url) as connection:
        count = connection.execute(
            "SELECT count(*) FROM public.score_history WHERE account_id = 'P1'"
        ).fetchone()
    assert count == (1,)


def test_two_stores_on_one_schema_share_rows_without_duplicates(postgres_url, score_rows):
    url = f"{postgres_url}?schema=shared"
    with open_history(url) as first, open_history(url) as second:
        assert first.append_scores(score_rows(["A1", "A2"], "2025-01-01")) == 2
        assert second.append_scores(score_rows(["A2", "A3"], "2025-01-01")) == 1
        assert first.latest_scores()["account_id"].tolist() == ["A1", "A2", "A3"]


def test_open_history_refuses_a_schema_of_another_version(postgres_url):
    url = f"{postgres_url}?schema=old_history"
    open_history(url).close()
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute("UPDATE old_history.history_schema SET version = 99")

    with pytest.raises(HistorySchemaError, match="schema version 99"):
        open_history(url)


def test_open_history_names_an_unreachable_server_and_how_to_check_it():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens there once closed

    with pytest.raises(HistoryUnreachableError) as raised:
        open_history(f"postgresql://churn:secret@127.0.0.1:{port}/scores?schema=h")

    message = str(raised.value)
    assert (
        f"cannot connect to PostgreSQL at 127.0.0.1:{port} (database scores, user churn)" in message
    )
    assert f"pg_isready -h 127.0.0.1 -p {port}" in message
    assert "secret" not in message


def test_history_description_hides_the_password(postgres_url):
    url = postgres_url.replace("postgres@", "postgres:hunter2@") + "?schema=h2"

    with open_history(url) as store:  # the test server trusts every password
        assert "hunter2" not in repr(store)
        assert store.description.endswith("/postgres?schema=h2")
