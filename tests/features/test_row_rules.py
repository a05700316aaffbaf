"""Row-level rules: a row that breaks one goes to quarantine with a reason naming column and value."""

from __future__ import annotations

import math

import pyarrow as pa
import pytest

_DISTINCT = {
    "accounts": {"account_id": "A3"},
    "renewals": {"renewal_date": "2024-06-01"},
    "support_tickets": {"ticket_id": "T2"},
    "invoices": {"invoice_id": "I2"},
    "subscriptions": {"start_date": "2024-02-01"},
}
"""Changes that give a second row of a table its own unique key."""

ROW_CASES = [
    ("accounts", {"account_id": ""}, "missing_value", "account_id is empty (a value is required)"),
    ("accounts", {"account_id": "  "}, "missing_value", "account_id is empty"),
    ("renewals", {"renewal_date": ""}, "missing_value", "renewal_date is empty"),
    ("surveys", {"score": ""}, "missing_value", "score is empty"),
    (
        "accounts",
        {"created_at": "yesterday"},
        "bad_timestamp",
        "created_at 'yesterday' is not a timestamp (expected ISO 8601",
    ),
    (
        "support_tickets",
        {"opened_at": "2024-02-30"},
        "bad_timestamp",
        "opened_at '2024-02-30' is not a timestamp",
    ),
    ("accounts", {"arr": "lots"}, "bad_number", "arr 'lots' is not a number"),
    ("usage_events", {"quantity": "NaN"}, "bad_number", "quantity 'NaN' is not a number"),
    (
        "subscriptions",
        {"seats": "ten"},
        "bad_integer",
        "seats 'ten' is not a number (expected a whole number)",
    ),
    (
        "support_tickets",
        {"escalated": "maybe"},
        "bad_boolean",
        "escalated 'maybe' is not a boolean",
    ),
    (
        "usage_events",
        {"timestamp": "1989-12-31"},
        "timestamp_too_early",
        "timestamp '1989-12-31' is before 1990-01-01",
    ),
    (
        "usage_events",
        {"timestamp": "2099-01-01"},
        "timestamp_in_future",
        "timestamp '2099-01-01' is after the time of validation (2025-01-01 00:00:00)",
    ),
    (
        "surveys",
        {"recorded_at": "2030-01-01"},
        "timestamp_in_future",
        "recorded_at '2030-01-01' is after the time of validation",
    ),
    ("accounts", {"arr": "-5"}, "out_of_range", "arr '-5' is below the minimum 0"),
    ("usage_events", {"quantity": "-1"}, "out_of_range", "quantity '-1' is below the minimum 0"),
    ("invoices", {"amount": "-0.01"}, "out_of_range", "amount '-0.01' is below the minimum 0"),
    ("subscriptions", {"mrr": "-1"}, "out_of_range", "mrr '-1' is below the minimum 0"),
    ("subscriptions", {"discount": "1.5"}, "out_of_range", "discount '1.5' is above the maximum 1"),
    (
        "support_tickets",
        {"satisfaction": "6"},
        "out_of_range",
        "satisfaction '6' is above the maximum 5",
    ),
    (
        "support_tickets",
        {"satisfaction": "0"},
        "out_of_range",
        "satisfaction '0' is below the minimum 1",
    ),
    (
        "surveys",
        {"kind": "nps", "score": "11"},
        "score_out_of_range",
        "score '11' is outside 0-10 for kind nps",
    ),
    (
        "surveys",
        {"kind": "csat", "score": "0"},
        "score_out_of_range",
        "score '0' is outside 1-5 for kind csat",
    ),
    (
        "surveys",
        {"kind": "CSAT", "score": "6"},
        "score_out_of_range",
        "score '6' is outside 1-5 for kind csat",
    ),
    ("subscriptions", {"seats": "2.5"}, "not_whole_number", "seats '2.5' is not a whole number"),
    (
        "support_tickets",
        {"priority": "asap"},
        "unknown_value",
        "priority 'asap' is not one of low/normal/high/urgent",
    ),
    (
        "renewals",
        {"outcome": "lost"},
        "unknown_value",
        "outcome 'lost' is not one of renewed/churned",
    ),
    ("surveys", {"kind": "ces"}, "unknown_value", "kind 'ces' is not one of nps/csat"),
    (
        "invoices",
        {"status": "refunded"},
        "unknown_value",
        "status 'refunded' is not one of paid/open/void/failed",
    ),
    (
        "interactions",
        {"sentiment": "angry"},
        "unknown_value",
        "sentiment 'angry' is not one of positive/neutral/negative",
    ),
    (
        "incidents",
        {"severity": "sev1"},
        "unknown_value",
        "severity 'sev1' is not one of low/medium/high/critical",
    ),
    (
        "usage_events",
        {"account_id": "ZZZ"},
        "unknown_account",
        "account_id 'ZZZ' matches no kept row of accounts",
    ),
    (
        "support_tickets",
        {"closed_at": "2024-01-01"},
        "out_of_order",
        "closed_at '2024-01-01 00:00:00' is before opened_at '2024-02-01 00:00:00'",
    ),
    (
        "invoices",
        {"due_at": "2023-12-01"},
        "out_of_order",
        "due_at '2023-12-01 00:00:00' is before issued_at",
    ),
    (
        "invoices",
        {"paid_at": "2023-12-01"},
        "out_of_order",
        "paid_at '2023-12-01 00:00:00' is before issued_at",
    ),
    (
        "subscriptions",
        {"end_date": "2024-01-15"},
        "out_of_order",
        "end_date '2024-01-15 00:00:00' is before start_date '2024-02-01 00:00:00'",
    ),
    (
        "incidents",
        {"resolved_at": "2024-04-01"},
        "out_of_order",
        "resolved_at '2024-04-01 00:00:00' is before started_at",
    ),
]


@pytest.mark.parametrize(
    ("table", "changes", "code", "message"),
    ROW_CASES,
    ids=[f"{c[0]}-{c[2]}-{i}" for i, c in enumerate(ROW_CASES)],
)
def test_load_dataset_bad_row_is_quarantined_with_its_reason(
    source, load, quarantined, good_rows, accounts, table, changes, code, message
) -> None:
    bad = {**good_rows[table], **_DISTINCT.get(table, {}), **changes}
    rows = [*accounts, bad] if table == "accounts" else [good_rows[table], bad]
    dataset = load(source(**{table: rows}))
    report = dataset.report.table(table)
    assert (report.rows_read, report.quarantined_by_reason) == (len(rows), {code: 1})
    assert report.rows_kept == len(rows) - 1
    (row,) = quarantined(dataset, table)
    assert (row["_source_row"], row["_reason_code"]) == (len(rows), code)
    assert message in row["_reason"]


def test_load_dataset_duplicate_key_keeps_the_first_row(
    source, load, quarantined, clean, good_rows
) -> None:
    first, other = good_rows["support_tickets"], {**good_rows["support_tickets"], "ticket_id": "T2"}
    again = {**first, "priority": "low"}
    dataset = load(source(support_tickets=[first, other, again]))
    (row,) = quarantined(dataset, "support_tickets")
    assert (row["_source_row"], row["_reason_code"]) == (3, "duplicate_key")
    assert row["_reason"] == "duplicate ticket_id 'T1', first seen at row 1"
    assert {(r["ticket_id"], r["priority"]) for r in clean(dataset, "support_tickets")} == {
        ("T1", "high"),
        ("T2", "high"),
    }


def test_load_dataset_duplicate_composite_key_names_every_key_column(
    source, load, quarantined, good_rows
) -> None:
    renewal = good_rows["renewals"]
    dataset = load(
        source(
            renewals=[renewal, {**renewal, "account_id": "A2"}, {**renewal, "outcome": "churned"}]
        )
    )
    (row,) = quarantined(dataset, "renewals")
    assert (
        row["_reason"]
        == "duplicate (account_id, renewal_date) 'A1', '2024-01-01 00:00:00', first seen at row 1"
    )


def test_load_dataset_duplicate_of_a_quarantined_row_is_kept(
    source, load, quarantined, clean, good_rows
) -> None:
    ticket = good_rows["support_tickets"]
    dataset = load(source(support_tickets=[{**ticket, "priority": "asap"}, ticket]))
    assert [r["_reason_code"] for r in quarantined(dataset, "support_tickets")] == ["unknown_value"]
    assert [r["ticket_id"] for r in clean(dataset, "support_tickets")] == ["T1"]


def test_load_dataset_duplicate_accounts_keep_the_first(
    source, load, quarantined, clean, accounts
) -> None:
    dataset = load(source(accounts=[*accounts, {**accounts[0], "name": "Acme again"}]))
    (row,) = quarantined(dataset, "accounts")
    assert row["_reason"] == "duplicate account_id 'A1', first seen at row 1"
    assert {r["name"] for r in clean(dataset, "accounts")} == {"Acme", "Beta"}


def test_load_dataset_rows_of_a_quarantined_account_are_unknown(
    source, load, quarantined, good_rows, accounts
) -> None:
    dataset = load(
        source(
            accounts=[accounts[0], {**accounts[1], "arr": "-1"}],
            usage_events=[{**good_rows["usage_events"], "account_id": "A2"}],
        )
    )
    (row,) = quarantined(dataset, "usage_events")
    assert row["_reason"] == "account_id 'A2' matches no kept row of accounts"


def test_load_dataset_row_breaking_several_rules_lists_every_reason(
    source, load, quarantined, good_rows
) -> None:
    bad = {
        **good_rows["support_tickets"],
        "ticket_id": "T2",
        "account_id": "ZZZ",
        "satisfaction": "9",
        "closed_at": "2024-01-01",
    }
    dataset = load(source(support_tickets=[good_rows["support_tickets"], bad]))
    (row,) = quarantined(dataset, "support_tickets")
    assert row["_reason_code"] == "unknown_account"
    assert row["_reason"].split("; ") == [
        "account_id 'ZZZ' matches no kept row of accounts",
        "satisfaction '9' is above the maximum 5",
        "closed_at '2024-01-01 00:00:00' is before opened_at '2024-02-01 00:00:00'",
    ]
    assert dataset.report.table("support_tickets").quarantined_by_reason == {"unknown_account": 1}


def test_load_dataset_long_values_are_cut_in_reasons(source, load, quarantined, accounts) -> None:
    dataset = load(source(accounts=[*accounts, {"account_id": "A3", "arr": "x" * 500}]))
    (row,) = quarantined(dataset, "accounts")
    assert row["_reason"] == f"arr '{'x' * 60}...' is not a number"
    assert row["arr"] == "x" * 500


@pytest.mark.parametrize(
    ("table", "column", "value"),
    [
        ("renewals", "renewal_date", "2099-01-01"),
        ("invoices", "due_at", "2099-01-01"),
        ("subscriptions", "end_date", "2099-01-01"),
    ],
)
def test_load_dataset_future_ok_columns_keep_future_timestamps(
    source, load, good_rows, table, column, value
) -> None:
    dataset = load(source(**{table: [{**good_rows[table], column: value}]}))
    assert dataset.report.table(table).rows_quarantined == 0


def test_load_dataset_empty_optional_values_are_kept_as_null(
    source, load, clean, good_rows
) -> None:
    upcoming = {**good_rows["renewals"], "outcome": "", "arr": ""}
    (row,) = clean(load(source(renewals=[upcoming])), "renewals")
    assert (row["outcome"], row["arr"]) == (None, None)


def test_load_dataset_enums_are_normalised_to_lower_case(source, load, clean, good_rows) -> None:
    dataset = load(
        source(support_tickets=[{**good_rows["support_tickets"], "priority": "  URGENT "}])
    )
    assert clean(dataset, "support_tickets")[0]["priority"] == "urgent"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("true", True),
        ("Yes", True),
        ("Y", True),
        ("1", True),
        ("FALSE", False),
        ("no", False),
        ("0", False),
        ("f", False),
    ],
)
def test_load_dataset_booleans_accept_common_spellings(
    source, load, clean, good_rows, text, value
) -> None:
    dataset = load(source(support_tickets=[{**good_rows["support_tickets"], "escalated": text}]))
    assert clean(dataset, "support_tickets")[0]["escalated"] is value


def test_load_dataset_missing_quantity_means_one(source, load, clean, good_rows) -> None:
    usage = good_rows["usage_events"]
    dataset = load(source(usage_events=[{**usage, "quantity": ""}, {**usage, "quantity": " 2.5 "}]))
    assert sorted(r["quantity"] for r in clean(dataset, "usage_events")) == [1.0, 2.5]


def test_load_dataset_whole_numbers_written_with_a_fraction_are_integers(
    source, load, clean, good_rows
) -> None:
    dataset = load(source(subscriptions=[{**good_rows["subscriptions"], "seats": "12.0"}]))
    assert clean(dataset, "subscriptions")[0]["seats"] == 12


def test_load_dataset_ids_are_trimmed(source, load, clean, good_rows) -> None:
    dataset = load(source(usage_events=[{**good_rows["usage_events"], "account_id": " A1 "}]))
    assert clean(dataset, "usage_events")[0]["account_id"] == "A1"


def test_load_dataset_parquet_typed_values_are_checked_too(
    files, load, quarantined, accounts
) -> None:
    files.parquet(
        "accounts", pa.table({"account_id": ["A1", "A2", "A3"], "arr": [1.0, math.nan, -2.0]})
    )
    dataset = load(files.directory)
    assert [(r["_source_row"], r["_reason_code"]) for r in quarantined(dataset, "accounts")] == [
        (2, "bad_number"),
        (3, "out_of_range"),
    ]
    assert quarantined(dataset, "accounts")[1]["arr"] == -2.0
