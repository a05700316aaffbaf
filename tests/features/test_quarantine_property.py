"""Quarantine completeness: whatever the corruption, every row ends up clean or quarantined, once."""

from __future__ import annotations

import csv
import io
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from features.data import load_dataset

NOW = datetime(2025, 1, 1)
ACCOUNT_COLUMNS = ["account_id", "created_at", "arr", "tag"]
TICKET_COLUMNS = [
    "account_id",
    "ticket_id",
    "opened_at",
    "closed_at",
    "priority",
    "satisfaction",
    "escalated",
    "tag",
]

ACCOUNT_CORRUPTIONS = {
    "empty_id": "missing_value",
    "negative_arr": "out_of_range",
    "bad_created_at": "bad_timestamp",
    "future_created_at": "timestamp_in_future",
    "duplicate": "duplicate_key",
}
TICKET_CORRUPTIONS = {
    "empty_ticket_id": "missing_value",
    "bad_opened_at": "bad_timestamp",
    "ancient_opened_at": "timestamp_too_early",
    "unknown_priority": "unknown_value",
    "satisfaction_out_of_range": "out_of_range",
    "bad_escalated": "bad_boolean",
    "closed_before_opened": "out_of_order",
    "unknown_account": "unknown_account",
    "duplicate": "duplicate_key",
    "malformed": "malformed_line",
}


@dataclass
class Row:
    """A generated row: its values, the corruption applied (or None) and its 1-based position."""

    values: dict[str, str]
    corruption: str | None
    position: int


@st.composite
def accounts(draw: st.DrawFn) -> list[Row]:
    rows = []
    for position in range(1, draw(st.integers(1, 6)) + 1):
        values = {
            "account_id": f"A{position}",
            "created_at": (
                date(2020, 1, 1) + timedelta(days=draw(st.integers(0, 1000)))
            ).isoformat(),
            "arr": str(draw(st.integers(0, 10_000))),
            "tag": str(position),
        }
        corruption = draw(st.one_of(st.none(), st.sampled_from(sorted(ACCOUNT_CORRUPTIONS))))
        if corruption == "duplicate" and position == 1:
            corruption = None
        match corruption:
            case "empty_id":
                values["account_id"] = " "
            case "negative_arr":
                values["arr"] = "-1"
            case "bad_created_at":
                values["created_at"] = "last year"
            case "future_created_at":
                values["created_at"] = "2030-01-01"
            case "duplicate":
                values["account_id"] = f"A{draw(st.integers(1, position - 1))}"
        rows.append(Row(values, corruption, position))
    return rows


@st.composite
def tickets(draw: st.DrawFn, account_ids: list[str]) -> list[Row]:
    rows = []
    for position in range(1, draw(st.integers(0, 12)) + 1):
        opened = datetime(2023, 1, 1) + timedelta(hours=draw(st.integers(0, 8000)))
        closed = draw(st.one_of(st.none(), st.integers(0, 500)))
        values = {
            "account_id": draw(st.sampled_from(account_ids)),
            "ticket_id": f"T{position}",
            "opened_at": opened.isoformat(),
            "closed_at": "" if closed is None else (opened + timedelta(hours=closed)).isoformat(),
            "priority": draw(st.sampled_from(["low", "Normal", " high", "URGENT", ""])),
            "satisfaction": draw(st.sampled_from(["", "1", "3", "5", "4.5"])),
            "escalated": draw(st.sampled_from(["", "true", "no", "1"])),
            "tag": str(position),
        }
        corruption = draw(st.one_of(st.none(), st.sampled_from(sorted(TICKET_CORRUPTIONS))))
        if corruption == "duplicate" and position == 1:
            corruption = None
        match corruption:
            case "empty_ticket_id":
                values["ticket_id"] = ""
            case "bad_opened_at":
                values["opened_at"] = "2023-13-45"
            case "ancient_opened_at":
                values["opened_at"], values["closed_at"] = "1970-01-01", ""
            case "unknown_priority":
                values["priority"] = "asap"
            case "satisfaction_out_of_range":
                values["satisfaction"] = "7"
            case "bad_escalated":
                values["escalated"] = "perhaps"
            case "closed_before_opened":
                values["closed_at"] = (opened - timedelta(days=1)).isoformat()
            case "unknown_account":
                values["account_id"] = "NOPE"
            case "duplicate":
                values["ticket_id"] = f"T{draw(st.integers(1, position - 1))}"
        rows.append(Row(values, corruption, position))
    return rows


def _write_csv(path: Path, columns: list[str], rows: list[Row]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        cells = [row.values[c] for c in columns]
        writer.writerow([*cells, "surplus"] if row.corruption == "malformed" else cells)
    path.write_text(buffer.getvalue())


@st.composite
def worlds(draw: st.DrawFn) -> tuple[list[Row], list[Row]]:
    account_rows = draw(accounts())
    return account_rows, draw(
        tickets([r.values["account_id"].strip() or "A1" for r in account_rows])
    )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds())
def test_load_dataset_every_row_is_kept_or_quarantined_exactly_once(
    world: tuple[list[Row], list[Row]],
) -> None:
    account_rows, ticket_rows = world
    with tempfile.TemporaryDirectory() as directory:
        _write_csv(Path(directory) / "accounts.csv", ACCOUNT_COLUMNS, account_rows)
        _write_csv(Path(directory) / "support_tickets.csv", TICKET_COLUMNS, ticket_rows)
        with load_dataset(directory, now=NOW, database=":memory:") as dataset:
            cursor = dataset.connection.cursor()
            outcome = {}
            for table, rows in (("accounts", account_rows), ("support_tickets", ticket_rows)):
                kept = [int(tag) for (tag,) in cursor.sql(f"SELECT tag FROM {table}").fetchall()]
                set_aside = dict(
                    cursor.sql(
                        f"SELECT _source_row, _reason_code FROM quarantine.{table}"
                    ).fetchall()
                )
                report = dataset.report.table(table)
                assert report.rows_read == len(rows)
                assert report.rows_kept + report.rows_quarantined == report.rows_read
                assert (len(kept), len(set_aside)) == (report.rows_kept, report.rows_quarantined)
                assert sorted(kept + list(set_aside)) == list(range(1, len(rows) + 1))
                tags = cursor.sql(
                    f"SELECT _source_row, tag FROM quarantine.{table} WHERE tag IS NOT NULL"
                ).fetchall()
                assert all(str(position) == tag for position, tag in tags)
                outcome[table] = set_aside
            _assert_clean_rows_obey_the_rules(cursor)
            _assert_corruptions_are_caught(account_rows, ticket_rows, outcome)


def _assert_clean_rows_obey_the_rules(cursor) -> None:
    accounts = cursor.sql("SELECT account_id, created_at, arr FROM accounts").fetchall()
    assert len({a[0] for a in accounts}) == len(accounts)
    for account_id, created_at, arr in accounts:
        assert account_id and account_id == account_id.strip()
        assert datetime(1990, 1, 1) <= created_at <= NOW and arr >= 0
    known = {a[0] for a in accounts}
    tickets = cursor.sql(
        "SELECT account_id, ticket_id, opened_at, closed_at, priority, satisfaction, escalated FROM support_tickets"
    ).fetchall()
    assert len({t[1] for t in tickets}) == len(tickets)
    for account_id, ticket_id, opened_at, closed_at, priority, satisfaction, escalated in tickets:
        assert account_id in known and ticket_id
        assert datetime(1990, 1, 1) <= opened_at <= NOW
        assert closed_at is None or opened_at <= closed_at <= NOW
        assert priority in (None, "low", "normal", "high", "urgent")
        assert satisfaction is None or 1 <= satisfaction <= 5
        assert escalated in (None, True, False)


def _assert_corruptions_are_caught(
    account_rows: list[Row], ticket_rows: list[Row], outcome: dict[str, dict[int, str]]
) -> None:
    kept_accounts = {
        r.values["account_id"] for r in account_rows if r.position not in outcome["accounts"]
    }
    trusted = {r.values["account_id"] for r in account_rows if r.corruption is None}
    for row in account_rows:
        if row.corruption is None:
            assert row.position not in outcome["accounts"]
        elif row.corruption != "duplicate":
            assert outcome["accounts"][row.position] == ACCOUNT_CORRUPTIONS[row.corruption]
    for row in ticket_rows:
        account_ok = (
            row.values["account_id"] in trusted and row.values["account_id"] in kept_accounts
        )
        if row.corruption is None and account_ok:
            assert row.position not in outcome["support_tickets"]
        elif row.corruption not in (None, "duplicate") and (
            account_ok or row.corruption in ("unknown_account", "malformed")
        ):
            assert outcome["support_tickets"][row.position] == TICKET_CORRUPTIONS[row.corruption]
