"""Missing tables and columns give absent features; active accounts and points are point-in-time."""

from __future__ import annotations

import pandas as pd
import pytest

from features.catalogue import (
    CATALOGUE,
    PointsError,
    active_accounts,
    available_features,
    build_features,
    observation_points,
)
from features.catalogue.engines import EngineError, FeatureSource

ACCOUNTS = [
    {"account_id": "A1", "created_at": "2024-01-01", "segment": "smb", "arr": 1200},
    {"account_id": "A2", "created_at": "2025-06-01", "segment": "enterprise", "arr": 50000},
    {"account_id": "A3", "created_at": "2023-01-01", "arr": 300},
    {"account_id": "A4"},
]
POINTS = pd.DataFrame({"account_id": ["A1", "A2"], "as_of": ["2025-03-01", "2025-03-01"]})


def test_build_with_accounts_only_gives_account_features(make_source):
    frame = build_features(make_source({"accounts": ACCOUNTS}), POINTS)
    assert list(frame.columns) == ["account_id", "as_of", "tenure_days", "arr", "segment"]
    assert frame.arr.tolist() == [1200.0, 50000.0]  # the last resort: current ARR


def test_build_without_optional_column_leaves_out_what_needs_it(make_source):
    usage = [{"account_id": "A1", "timestamp": "2025-02-20", "event": "login", "quantity": 2}]
    source = make_source(
        {"accounts": ACCOUNTS, "usage_events": usage}, absent={"usage_events": ("user_id",)}
    )
    frame = build_features(source, POINTS)
    assert "events_count_30d" in frame and "active_users_30d" not in frame
    assert "events_per_active_user_30d" not in frame and "seat_utilisation_30d" not in frame
    assert frame.events_count_30d.tolist() == [2, 0]


def test_build_without_events_gives_numbers_not_nan(make_source):
    tables = {
        name: []
        for name in ("usage_events", "support_tickets", "surveys", "invoices", "interactions")
    }
    tables |= {"subscriptions": [], "incidents": [], "renewals": [], "accounts": ACCOUNTS}
    frame = build_features(make_source(tables), POINTS)
    assert len(frame.columns) == 2 + len(CATALOGUE)
    for name, feature in CATALOGUE.items():
        if feature.empty.value != "missing":
            assert frame[name].notna().all(), f"{name} is NaN for an account without rows"
    assert (frame.days_since_last_activity == 90).all() and (frame.events_count_30d == 0).all()


def test_available_features_follow_tables_and_columns(make_source):
    source = make_source({"accounts": ACCOUNTS}, absent={"accounts": ("created_at", "segment")})
    assert available_features(source) == ["arr"]
    assert available_features(source, ["segment", "tenure_days"]) == []
    bare = make_source(
        {"accounts": ACCOUNTS}, absent={"accounts": ("created_at", "segment", "arr")}
    )
    assert available_features(bare) == []


def test_feature_source_requires_accounts(make_source):
    with pytest.raises(EngineError, match="no accounts table"):
        make_source({"usage_events": []})


def test_feature_source_reads_absent_columns_from_the_dataset_report(small_dataset):
    source = FeatureSource.from_dataset(small_dataset)
    assert set(source.tables) == set(small_dataset.tables)
    for report in small_dataset.report.tables:
        assert not set(report.absent_columns) & source.columns[report.name]


def test_points_bad_input_is_a_clear_error(make_source):
    source = make_source({"accounts": ACCOUNTS})
    with pytest.raises(PointsError, match="lack column"):
        build_features(source, pd.DataFrame({"account_id": ["A1"]}))
    with pytest.raises(PointsError, match="dates or ISO 8601"):
        build_features(source, pd.DataFrame({"account_id": ["A1"], "as_of": ["last tuesday"]}))
    with pytest.raises(PointsError, match="empty"):
        build_features(source, pd.DataFrame({"account_id": [None], "as_of": ["2025-01-01"]}))


def test_active_accounts_excludes_known_churn_and_future_accounts(make_source):
    renewals = [
        {
            "account_id": "A1",
            "renewal_date": "2025-01-01",
            "outcome": "churned",
            "recorded_at": "2025-01-03",
        },
        {
            "account_id": "A3",
            "renewal_date": "2025-02-20",
            "outcome": "churned",
            "recorded_at": "2025-03-05",
        },
        {"account_id": "A4", "renewal_date": "2025-01-01", "outcome": "renewed"},
    ]
    source = make_source({"accounts": ACCOUNTS, "renewals": renewals})
    # A1 churned (known on 3 Jan); A2 created later; A3's churn was not known yet; A4 renewed
    assert active_accounts(source, "2025-03-01").account_id.tolist() == ["A3", "A4"]
    points = observation_points(source, ["2025-07-01", "2024-06-01"])
    assert points.groupby("as_of").account_id.apply(list).to_dict() == {
        pd.Timestamp("2024-06-01"): ["A1", "A3", "A4"],
        pd.Timestamp("2025-07-01"): ["A2", "A4"],
    }


def test_builds_leave_no_in_memory_table_registered_and_repeat_exactly(make_source):
    usage = [
        {"account_id": "A1", "timestamp": "2025-02-20", "event": "login", "user_id": "u1"},
        {"account_id": "A2", "timestamp": "2025-02-25", "event": "export", "user_id": "u2"},
    ]
    source = make_source({"accounts": ACCOUNTS, "usage_events": usage})
    connection = source.backend.con
    registered = "SELECT count(*) FROM duckdb_views() WHERE NOT internal"
    before = connection.execute(registered).fetchone()[0]
    first = build_features(source, POINTS)
    assert connection.execute(registered).fetchone()[0] == before  # points, offsets: dropped
    pd.testing.assert_frame_equal(build_features(source, POINTS), first)
