"""Small in-memory tables and fixtures to write them as CSV, Parquet or a DuckDB file.

Test modules cannot import this file (pytest runs in importlib mode), so every helper
is a fixture.
"""

from __future__ import annotations

import copy
import csv
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from features.data import Dataset, load_dataset

NOW = datetime(2025, 1, 1)
"""The time of validation in every test: later timestamps are in the future."""

Rows = list[dict[str, object]]

ACCOUNTS: Rows = [
    {
        "account_id": "A1",
        "name": "Acme",
        "created_at": "2020-01-01",
        "segment": "smb",
        "arr": "1200",
    },
    {
        "account_id": "A2",
        "name": "Beta",
        "created_at": "2021-06-15T08:00:00",
        "segment": "enterprise",
        "arr": "90000",
    },
]

GOOD_ROWS: dict[str, dict[str, object]] = {
    "accounts": ACCOUNTS[0],
    "renewals": {
        "account_id": "A1",
        "renewal_date": "2024-01-01",
        "outcome": "renewed",
        "arr": "1200",
    },
    "usage_events": {
        "account_id": "A1",
        "timestamp": "2024-05-01 10:00:00",
        "event": "login",
        "user_id": "u1",
        "quantity": "3",
    },
    "support_tickets": {
        "account_id": "A1",
        "ticket_id": "T1",
        "opened_at": "2024-02-01",
        "closed_at": "2024-02-03",
        "priority": "high",
        "satisfaction": "4",
        "escalated": "false",
    },
    "surveys": {
        "account_id": "A1",
        "responded_at": "2024-03-01",
        "kind": "nps",
        "score": "9",
        "comment": "good",
    },
    "invoices": {
        "account_id": "A1",
        "invoice_id": "I1",
        "issued_at": "2024-01-01",
        "due_at": "2024-01-31",
        "amount": "1200",
        "paid_at": "2024-01-20",
        "status": "paid",
    },
    "subscriptions": {
        "account_id": "A1",
        "start_date": "2024-01-01",
        "mrr": "100",
        "end_date": "2024-12-31",
        "seats": "10",
        "plan": "team",
        "discount": "0.1",
    },
    "interactions": {
        "account_id": "A1",
        "timestamp": "2024-04-01",
        "kind": "call",
        "sentiment": "positive",
        "note": "qbr",
    },
    "incidents": {
        "account_id": "A1",
        "started_at": "2024-04-02",
        "resolved_at": "2024-04-03",
        "severity": "high",
    },
}


class Files:
    """Writes tables under one directory as CSV, Parquet or a DuckDB database file."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    def csv(self, name: str, rows: Rows | str, columns: list[str] | None = None) -> Path:
        """Write ``<name>.csv`` from rows (None and missing keys become empty cells) or raw text."""
        path = self.directory / f"{name}.csv"
        if isinstance(rows, str):
            path.write_text(rows)
            return path
        columns = columns or list(dict.fromkeys(key for row in rows for key in row))
        with path.open("w", newline="") as file:
            writer = csv.writer(file)
            writer.writerow(columns)
            for row in rows:
                writer.writerow(["" if row.get(c) is None else row[c] for c in columns])
        return path

    def parquet(self, name: str, table: pa.Table | Rows) -> Path:
        """Write ``<name>.parquet`` from an Arrow table (or rows, types inferred)."""
        path = self.directory / f"{name}.parquet"
        pq.write_table(table if isinstance(table, pa.Table) else pa.Table.from_pylist(table), path)
        return path

    def duckdb(self, file_name: str, tables: dict[str, Path]) -> Path:
        """A DuckDB database file holding each table read from its file (CSV as text)."""
        path = self.directory / file_name
        with duckdb.connect(str(path)) as connection:
            for name, file in tables.items():
                reader = (
                    "read_csv(?, all_varchar = true)"
                    if file.suffix == ".csv"
                    else "read_parquet(?)"
                )
                connection.execute(f"CREATE TABLE {name} AS SELECT * FROM {reader}", [str(file)])
        return path


@pytest.fixture
def good_rows() -> dict[str, dict[str, object]]:
    """One row of every table that breaks no rule (account A1); a fresh copy per test."""
    return copy.deepcopy(GOOD_ROWS)


@pytest.fixture
def accounts() -> Rows:
    """Two valid accounts, A1 and A2, as CSV-like text values."""
    return copy.deepcopy(ACCOUNTS)


@pytest.fixture
def files(tmp_path: Path) -> Files:
    """A :class:`Files` writer for ``tmp_path/data``."""
    return Files(tmp_path / "data")


@pytest.fixture
def files_in(tmp_path: Path) -> Callable[[str], Files]:
    """``files_in(name)``: a :class:`Files` writer for ``tmp_path/name`` (several sources per test)."""
    return lambda name: Files(tmp_path / name)


@pytest.fixture
def source(files: Files) -> Callable[..., Path]:
    """``source(usage_events=rows, ...)``: a data directory of CSV files, accounts A1/A2 by default."""

    def make(**tables: Rows | str) -> Path:
        tables.setdefault("accounts", copy.deepcopy(ACCOUNTS))
        for name, rows in tables.items():
            files.csv(name, rows)
        return files.directory

    return make


@pytest.fixture
def load() -> Iterator[Callable[..., Dataset]]:
    """``load(path, **kwargs)``: load a dataset as of :data:`NOW`, closed after the test.

    The clean tables go to an in-memory database (faster); tests of the default temporary
    database file call :func:`load_dataset` themselves.
    """
    opened: list[Dataset] = []

    def _load(path: Path, **kwargs: object) -> Dataset:
        kwargs.setdefault("now", NOW)
        kwargs.setdefault("database", ":memory:")
        dataset = load_dataset(path, **kwargs)  # type: ignore[arg-type]
        opened.append(dataset)
        return dataset

    yield _load
    for dataset in opened:
        dataset.close()


def _rows(relation: duckdb.DuckDBPyRelation) -> list[dict[str, object]]:
    return [dict(zip(relation.columns, row, strict=True)) for row in relation.fetchall()]


@pytest.fixture
def quarantined() -> Callable[[Dataset, str], list[dict[str, object]]]:
    """``quarantined(dataset, table)``: the quarantined rows as dicts, in source order."""
    return lambda dataset, table: _rows(
        dataset.connection.cursor().sql(f"SELECT * FROM quarantine.{table} ORDER BY _source_row")
    )


@pytest.fixture
def clean() -> Callable[[Dataset, str], list[dict[str, object]]]:
    """``clean(dataset, table)``: the clean rows as dicts, in table order."""
    return lambda dataset, table: _rows(dataset.relation(table))
