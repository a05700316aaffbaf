"""The Dataset: clean relations, quarantine files, the JSON report, progress and clean-up."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from features.data import (
    MissingTableError,
    QuarantineTargetError,
    UnreadableTableError,
    load_dataset,
)


def test_dataset_write_quarantine_writes_rows_as_read_with_reasons(
    source, load, good_rows, tmp_path
) -> None:
    usage = good_rows["usage_events"]
    dataset = load(source(usage_events=[usage, {**usage, "quantity": "many", "extra": "kept"}]))
    out = tmp_path / "out"
    written = dataset.write_quarantine(out)
    assert written == [out / "usage_events.parquet", out / "validation_report.json"]
    (row,) = duckdb.sql(f"SELECT * FROM read_parquet('{written[0]}')").fetchall()
    columns = duckdb.sql(f"SELECT * FROM read_parquet('{written[0]}')").columns
    assert dict(zip(columns, row, strict=True)) == {
        "account_id": "A1",
        "timestamp": "2024-05-01 10:00:00",
        "event": "login",
        "user_id": "u1",
        "quantity": "many",
        "extra": "kept",
        "_source_row": 2,
        "_reason_code": "bad_number",
        "_reason": "quantity 'many' is not a number",
    }


def test_dataset_write_quarantine_writes_the_report_as_json(source, load, tmp_path) -> None:
    dataset = load(source())
    dataset.write_quarantine(tmp_path)
    report = json.loads((tmp_path / "validation_report.json").read_text())
    assert report == dataset.report.to_dict()
    assert report["tables"][0] == {
        "name": "accounts",
        "path": "accounts.csv",
        "rows_read": 2,
        "rows_kept": 2,
        "rows_quarantined": 0,
        "quarantined_by_reason": {},
        "time_span": None,
        "extra_columns": [],
        "absent_columns": ["industry", "region", "owner"],
    }


def test_dataset_write_quarantine_removes_stale_files_of_clean_tables(
    source, load, tmp_path
) -> None:
    (tmp_path / "accounts.parquet").write_text("from an earlier run")
    (tmp_path / "notes.txt").write_text("mine")
    assert load(source()).write_quarantine(tmp_path) == [tmp_path / "validation_report.json"]
    assert not (tmp_path / "accounts.parquet").exists()
    assert (tmp_path / "notes.txt").exists()


def test_dataset_report_time_span_is_that_of_kept_rows(source, load, good_rows) -> None:
    usage = good_rows["usage_events"]
    times = ["2024-03-01", "2024-01-01T06:00:00", "2099-01-01", "2024-02-01"]
    dataset = load(source(usage_events=[{**usage, "timestamp": t} for t in times]))
    report = dataset.report.table("usage_events")
    assert report.time_span == (datetime(2024, 1, 1, 6), datetime(2024, 3, 1))
    assert (
        dataset.report.rows_read,
        dataset.report.rows_kept,
        dataset.report.rows_quarantined,
    ) == (6, 5, 1)


def test_dataset_relation_of_an_absent_table_says_so(source, load) -> None:
    with pytest.raises(
        MissingTableError,
        match=r"has no renewals table; expected renewals\.parquet or renewals\.csv",
    ):
        load(source()).relation("renewals")


def test_dataset_relations_read_side_by_side(source, load, good_rows) -> None:
    dataset = load(source(usage_events=[good_rows["usage_events"]] * 3))
    accounts, usage = dataset.relation("accounts"), dataset.relation("usage_events")
    assert (len(accounts.fetchall()), len(usage.fetchall())) == (2, 3)
    joined = dataset.connection.sql(
        "SELECT count(*) FROM usage_events JOIN accounts USING (account_id)"
    )
    assert joined.fetchall() == [(3,)]


def test_dataset_progress_is_reported_per_table(source, load, good_rows) -> None:
    calls = []
    load(
        source(usage_events=[good_rows["usage_events"]]), progress=lambda *call: calls.append(call)
    )
    assert calls == [("validate", 0, 2), ("validate", 1, 2), ("validate", 2, 2)]


def test_dataset_close_removes_its_temporary_database(source) -> None:
    dataset = load_dataset(source())
    (path,) = dataset.connection.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchone()
    assert Path(path).exists()
    dataset.close()
    assert not Path(path).parent.exists()


def test_dataset_can_be_kept_in_a_given_database_file(source, tmp_path) -> None:
    database = tmp_path / "clean.duckdb"
    with load_dataset(source(), database=database) as dataset:
        assert dataset.report.rows_kept == 2
    with duckdb.connect(str(database), read_only=True) as connection:
        assert connection.sql("SELECT count(*) FROM accounts").fetchall() == [(2,)]
    with load_dataset(source(), database=database) as dataset:
        assert dataset.report.rows_kept == 2


def test_dataset_failed_load_leaves_no_temporary_database(source, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    directory = source(usage_events="")
    with pytest.raises(UnreadableTableError):
        load_dataset(directory)
    assert not list(tmp_path.glob("churn-dataset-*"))


def test_dataset_write_quarantine_refuses_the_source_folder(source, load) -> None:
    directory = source()
    dataset = load(directory)
    with pytest.raises(QuarantineTargetError, match="is the data source itself"):
        dataset.write_quarantine(directory / ".." / directory.name)
    assert (directory / "accounts.csv").exists()


def test_dataset_relation_of_an_absent_table_in_a_duckdb_file_names_a_table(
    files, good_rows, load
) -> None:
    database = files.duckdb(
        "only-accounts.duckdb", {"accounts": files.csv("accounts", [good_rows["accounts"]])}
    )
    with pytest.raises(
        MissingTableError,
        match=r"has no renewals table; expected a table named renewals .*Found: accounts\.",
    ):
        load(database).relation("renewals")
