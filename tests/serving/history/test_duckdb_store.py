"""The DuckDB history file: where it lives, its schema version, and a file held by another process."""

from __future__ import annotations

import subprocess
import sys

import duckdb
import pytest

from serving.history import (
    DEFAULT_PATH,
    SCHEMA_VERSION,
    HistorySchemaError,
    HistoryUnreachableError,
    open_history,
)
from serving.history.duckdb_store import DuckDBHistory


def test_open_history_without_url_uses_runs_history_duckdb(tmp_path, monkeypatch, score_rows):
    monkeypatch.chdir(tmp_path)

    with open_history() as store:
        store.append_scores(score_rows(["A1"], "2025-01-01"))

    assert isinstance(store, DuckDBHistory)
    assert tmp_path.joinpath("runs/history.duckdb").relative_to(tmp_path) == DEFAULT_PATH
    assert (tmp_path / "runs" / "history.duckdb").is_file()


def test_open_history_reads_the_same_file_by_path_and_by_duckdb_url(tmp_path, score_rows):
    path = tmp_path / "nested" / "h.duckdb"
    with open_history(path) as store:
        store.append_scores(score_rows(["A1"], "2025-01-01"))

    with open_history(f"duckdb://{path}") as store:
        assert store.latest_scores()["account_id"].tolist() == ["A1"]


def test_open_history_records_the_schema_version(tmp_path):
    path = tmp_path / "h.duckdb"
    open_history(path).close()

    with duckdb.connect(str(path)) as connection:
        versions = connection.execute("SELECT version FROM history_schema").fetchall()
        tables = connection.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()

    assert versions == [(SCHEMA_VERSION,)]
    assert tables == [("history_schema",), ("score_alerts",), ("score_history",)]


def test_open_history_refuses_a_file_of_another_schema_version(tmp_path):
    path = tmp_path / "h.duckdb"
    open_history(path).close()
    with duckdb.connect(str(path)) as connection:
        connection.execute("UPDATE history_schema SET version = 99")

    with pytest.raises(HistorySchemaError, match=r"schema version 99; .* reads version 1"):
        open_history(path)


def test_open_history_says_when_another_process_holds_the_file(tmp_path):
    path = tmp_path / "h.duckdb"
    open_history(path).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time; c = duckdb.connect({str(path)!r}); print('ready', flush=True); "
            "time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(HistoryUnreachableError, match=f"{path} cannot be opened.*one process"):
            open_history(path)
    finally:
        holder.kill()
        holder.wait(timeout=10)
