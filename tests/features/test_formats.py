"""The same rows as CSV, Parquet or a DuckDB file give the same clean tables and the same report."""

from __future__ import annotations

from datetime import datetime

import pyarrow as pa

_ACCOUNTS = pa.table(
    {
        "account_id": ["A1", "A2", "A3", "A1"],
        "created_at": pa.array(
            [datetime(2020, 1, 1), datetime(2021, 3, 4, 5, 6, 7), None, datetime(2020, 1, 1)],
            pa.timestamp("s"),
        ),
        "segment": ["smb", "enterprise", "smb", "smb"],
        "arr": [100.0, -1.0, 2.5, 9.0],
        "crm_id": ["x1", "x2", "x3", "x4"],
    }
)
_TICKETS = pa.table(
    {
        "account_id": ["A1", "A1", "A3", "A2", "A1"],
        "ticket_id": ["T1", "T2", "T3", "T4", "T1"],
        "opened_at": pa.array([datetime(2024, 1, d) for d in (1, 2, 3, 4, 5)], pa.timestamp("s")),
        "closed_at": pa.array(
            [datetime(2024, 1, 9), datetime(2024, 1, 1), None, None, None], pa.timestamp("s")
        ),
        "priority": ["high", "low", "urgent", "normal", "low"],
        "satisfaction": pa.array([5, None, 3, 1, 2], pa.int16()),
        "escalated": [True, False, None, True, False],
    }
)


def _source(files, fmt: str):
    paths = {}
    for name, table in (("accounts", _ACCOUNTS), ("support_tickets", _TICKETS)):
        paths[name] = (
            files.parquet(name, table) if fmt != "csv" else files.csv(name, table.to_pylist())
        )
    if fmt == "duckdb":
        database = files.duckdb("source.duckdb", paths)
        for path in paths.values():
            path.unlink()
        return database
    return files.directory


def _snapshot(dataset) -> tuple:
    tables = {name: sorted(dataset.relation(name).fetchall(), key=repr) for name in dataset.tables}
    report = dataset.report.to_dict()
    for table in report["tables"]:
        del table["path"]
    del report["source"]
    return tables, report


def test_load_dataset_csv_parquet_and_duckdb_give_the_same_result(files_in, load) -> None:
    csv, parquet, database = (
        _snapshot(load(_source(files_in(fmt), fmt))) for fmt in ("csv", "parquet", "duckdb")
    )
    assert csv == parquet
    assert database == parquet
    tables, report = parquet
    assert (report["rows_read"], report["rows_kept"]) == (9, 4)
    assert [t["quarantined_by_reason"] for t in report["tables"]] == [
        {"duplicate_key": 1, "out_of_range": 1},
        {"duplicate_key": 1, "out_of_order": 1, "unknown_account": 1},
    ]
    assert tables["accounts"][0] == (
        "A1",
        None,
        datetime(2020, 1, 1),
        "smb",
        None,
        None,
        None,
        100.0,
        "x1",
    )
