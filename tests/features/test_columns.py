"""Column-level rules: required columns, stored types that cannot hold a kind, extra and absent columns."""

from __future__ import annotations

from datetime import datetime

import pyarrow as pa
import pytest

from features.data import ColumnTypeError, MissingColumnError, load_dataset


def test_load_dataset_missing_required_column_names_file_column_and_expectation(
    source, good_rows
) -> None:
    renewal = {k: v for k, v in good_rows["renewals"].items() if k != "outcome"}
    with pytest.raises(MissingColumnError) as error:
        load_dataset(source(renewals=[renewal]))
    assert str(error.value).startswith(
        "renewals.csv has no column 'outcome' (required in table renewals); expected renewed or churned; "
        "empty while the renewal is upcoming. Found columns: account_id, renewal_date, arr."
    )
    assert str(error.value).endswith("See docs/data.md")


@pytest.mark.parametrize(
    ("table", "column", "array", "stored"),
    [
        ("usage_events", "timestamp", pa.array([True]), "BOOLEAN"),
        ("usage_events", "timestamp", pa.array([{"t": 1}]), "STRUCT"),
        ("usage_events", "timestamp", pa.array([1700000000]), "BIGINT"),
        ("invoices", "amount", pa.array([[1.0, 2.0]]), "DOUBLE[]"),
        ("usage_events", "quantity", pa.array([True]), "BOOLEAN"),
        ("usage_events", "account_id", pa.array([1.5]), "DOUBLE"),
        ("support_tickets", "escalated", pa.array([2.5]), "DOUBLE"),
        ("support_tickets", "priority", pa.array([1]), "BIGINT"),
        ("surveys", "comment", pa.array([[1]]), "BIGINT[]"),
    ],
)
def test_load_dataset_column_of_an_incompatible_type_stops_the_run(
    files, accounts, good_rows, table, column, array, stored
) -> None:
    files.csv("accounts", accounts)
    row = pa.Table.from_pylist([good_rows[table]])
    row = row.set_column(row.schema.get_field_index(column), column, array)
    files.parquet(table, row)
    with pytest.raises(ColumnTypeError) as error:
        load_dataset(files.directory)
    assert str(error.value).startswith(
        f"{table}.parquet column '{column}' (table {table}) is stored as {stored}"
    )
    assert "; expected " in str(error.value)


def test_load_dataset_column_of_an_incompatible_type_without_values_is_empty(
    files, accounts, good_rows, load, clean
) -> None:
    files.csv("accounts", accounts)
    row = pa.Table.from_pylist([good_rows["support_tickets"]])
    row = row.set_column(row.schema.get_field_index("closed_at"), "closed_at", pa.nulls(1))
    files.parquet("support_tickets", row)
    dataset = load(files.directory)
    assert clean(dataset, "support_tickets")[0]["closed_at"] is None


def test_load_dataset_typed_parquet_columns_pass_through(files, load, clean) -> None:
    files.parquet(
        "accounts",
        pa.table(
            {
                "account_id": pa.array([7, 8], pa.int32()),
                "created_at": pa.array([datetime(2020, 1, 1), None], pa.timestamp("ms")),
                "arr": pa.array([100, 200], pa.int64()),
            }
        ),
    )
    files.parquet(
        "subscriptions",
        pa.table(
            {
                "account_id": ["7"],
                "start_date": pa.array([datetime(2024, 1, 1).date()], pa.date32()),
                "mrr": pa.array([10.5], pa.float32()),
                "seats": pa.array([3], pa.int16()),
                "discount": pa.array([0.25]),
            }
        ),
    )
    dataset = load(files.directory)
    assert sorted(r["account_id"] for r in clean(dataset, "accounts")) == ["7", "8"]
    (sub,) = clean(dataset, "subscriptions")
    assert (sub["start_date"], sub["mrr"], sub["seats"], sub["discount"]) == (
        datetime(2024, 1, 1),
        10.5,
        3,
        0.25,
    )


def test_load_dataset_clean_tables_have_contract_types_then_extra_columns(
    source, load, good_rows
) -> None:
    usage = {**good_rows["usage_events"], "device": "ios", "session_ms": "1200"}
    dataset = load(source(usage_events=[usage]))
    relation = dataset.relation("usage_events")
    assert dict(zip(relation.columns, map(str, relation.types), strict=True)) == {
        "account_id": "VARCHAR",
        "timestamp": "TIMESTAMP",
        "event": "VARCHAR",
        "user_id": "VARCHAR",
        "quantity": "DOUBLE",
        "recorded_at": "TIMESTAMP",
        "device": "VARCHAR",
        "session_ms": "VARCHAR",
    }
    report = dataset.report.table("usage_events")
    assert (report.extra_columns, report.absent_columns) == (
        ("device", "session_ms"),
        ("recorded_at",),
    )


def test_load_dataset_absent_optional_columns_are_empty_or_default(source, load, clean) -> None:
    dataset = load(
        source(usage_events=[{"account_id": "A1", "timestamp": "2024-01-01", "event": "login"}])
    )
    (row,) = clean(dataset, "usage_events")
    assert (row["user_id"], row["quantity"], row["recorded_at"]) == (None, 1.0, None)


def test_load_dataset_column_names_match_case_insensitively(source, load, clean) -> None:
    dataset = load(source(accounts=[{"Account_ID": "A1", "ARR": "5"}]))
    (row,) = clean(dataset, "accounts")
    assert (row["account_id"], row["arr"]) == ("A1", 5.0)
