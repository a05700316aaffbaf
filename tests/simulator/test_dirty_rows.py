"""Dirty rows: injected as recorded, each breaking one contract rule, never touching the clean world."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from features.contract import PRIORITIES, TABLES
from simulator import DIRTY_KINDS, TRUTH_DIR, TRUTH_FILE, simulate_world

FIND = {
    ("usage_events", "unknown_account"): "SELECT count(*) FROM usage_events WHERE account_id NOT IN (SELECT account_id FROM accounts)",
    ("usage_events", "timestamp_before_1990"): "SELECT count(*) FROM usage_events WHERE timestamp < '1990-01-01'",
    ("usage_events", "timestamp_in_future"): "SELECT count(*) FROM usage_events WHERE timestamp > '{end}'",
    ("support_tickets", "unknown_account"): "SELECT count(*) FROM support_tickets WHERE account_id NOT IN (SELECT account_id FROM accounts)",
    ("support_tickets", "duplicate_ticket_id"): "SELECT count(*) - count(DISTINCT ticket_id) FROM support_tickets",
    ("support_tickets", "unknown_priority"): "SELECT count(*) FROM support_tickets WHERE priority NOT IN {priorities}",
    ("support_tickets", "satisfaction_out_of_range"): "SELECT count(*) FROM support_tickets WHERE satisfaction NOT BETWEEN 1 AND 5",
    ("support_tickets", "closed_before_opened"): "SELECT count(*) FROM support_tickets WHERE closed_at < opened_at",
    ("surveys", "score_out_of_range"): "SELECT count(*) FROM surveys WHERE kind = 'nps' AND score NOT BETWEEN 0 AND 10",
    ("invoices", "negative_amount"): "SELECT count(*) FROM invoices WHERE amount < 0",
    ("invoices", "duplicate_invoice_id"): "SELECT count(*) - count(DISTINCT invoice_id) FROM invoices",
    ("interactions", "unknown_account"): "SELECT count(*) FROM interactions WHERE account_id NOT IN (SELECT account_id FROM accounts)",
}  # fmt: skip


def test_dirty_kinds_each_have_a_check():
    assert {(k.table, k.name) for k in DIRTY_KINDS} == set(FIND)


@pytest.mark.parametrize(("table", "kind"), list(FIND))
def test_dirty_rows_found_in_files_equal_the_recorded_count(small_world, table: str, kind: str):
    recorded = small_world.world_json["summary"]["dirty_rows"][table][kind]
    query = FIND[table, kind].format(end=small_world.config.end, priorities=PRIORITIES)
    assert recorded >= 1
    assert small_world.sql(query).fetchone()[0] == recorded


def test_dirty_rows_are_listed_with_descriptions_in_world_json(small_world):
    listed = small_world.world_json["dirty_kinds"]
    assert [(d["table"], d["kind"]) for d in listed] == [(k.table, k.name) for k in DIRTY_KINDS]
    assert all(
        d["description"] and d["rows"] == small_world.summary.dirty_rows[d["table"]][d["kind"]]
        for d in listed
    )


def test_dirty_rows_leave_the_clean_world_and_truth_unchanged(
    tmp_path: Path, small_config, small_world
):
    spotless = simulate_world(
        small_config.model_copy(update={"dirty_fraction": 0.0}), tmp_path / "spotless"
    )
    assert sum(sum(kinds.values()) for kinds in spotless.dirty_rows.values()) == 0
    for table in TABLES:
        assert small_world.clean(table).equals(
            pq.read_table(spotless.out_dir / f"{table}.parquet")
        ), table
    truth = Path(TRUTH_DIR) / TRUTH_FILE
    assert (small_world.path / truth).read_bytes() == (spotless.out_dir / truth).read_bytes()
