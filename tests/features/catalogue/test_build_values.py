"""Hand-computed feature values on a tiny world, at least one test per source.

Every date below is relative to AS_OF = 2025-07-01 00:00; the comments give each row's
age and why it counts or not.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from features.catalogue import FeatureConfig, build_features

AS_OF = "2025-07-01"

USAGE = [
    {
        "account_id": "A1",
        "timestamp": "2025-06-30 10:00",
        "event": "login",
        "user_id": "u1",
        "quantity": 2,
    },  # 14 h
    {
        "account_id": "A1",
        "timestamp": "2025-06-25",
        "event": "report_run",
        "user_id": "u2",
        "quantity": 3,
    },  # 6 d, key
    {
        "account_id": "A1",
        "timestamp": "2025-06-01",
        "event": "api_call",
        "user_id": "u1",
        "quantity": 5,
    },  # 30 d: in
    {
        "account_id": "A1",
        "timestamp": "2025-05-31 23:00",
        "event": "search",
        "user_id": "u3",
        "quantity": 1,
    },  # prev
    {
        "account_id": "A1",
        "timestamp": "2025-05-15",
        "event": "login",
        "user_id": "u3",
    },  # prev, quantity 1
    {
        "account_id": "A1",
        "timestamp": "2025-04-02",
        "event": "login",
        "user_id": "u4",
        "quantity": 4,
    },  # 90 d: in
    {
        "account_id": "A1",
        "timestamp": "2025-04-01",
        "event": "login",
        "user_id": "u5",
        "quantity": 100,
    },  # 91 d: out of 90 days, in the year
    {
        "account_id": "A1",
        "timestamp": "2024-07-01",
        "event": "report_run",
        "user_id": "u9",
        "quantity": 7,
    },  # 365 d: the year's first moment, key
    {
        "account_id": "A1",
        "timestamp": "2024-06-30 23:59",
        "event": "report_run",
        "user_id": "u9",
        "quantity": 1000,
    },  # over a year: out of every window
    {
        "account_id": "A1",
        "timestamp": "2025-07-01",
        "event": "login",
        "user_id": "u6",
        "quantity": 50,
    },  # at as_of
    {
        "account_id": "A1",
        "timestamp": "2025-06-20",
        "event": "login",
        "user_id": "u7",
        "quantity": 9,
        "recorded_at": "2025-07-02",
    },
    {
        "account_id": "A1",
        "timestamp": "2025-06-20",
        "event": "login",
        "user_id": "u8",
        "quantity": 1,
        "recorded_at": "2025-06-21",
    },
]
TICKETS = [
    {
        "account_id": "A1",
        "ticket_id": "T1",
        "opened_at": "2025-06-10",
        "closed_at": "2025-06-12",
        "priority": "high",
        "satisfaction": 4,
        "escalated": True,
    },
    {
        "account_id": "A1",
        "ticket_id": "T2",
        "opened_at": "2025-06-20",
        "closed_at": "2025-07-05",
        "priority": "urgent",
        "satisfaction": 1,
        "escalated": False,
    },
    {
        "account_id": "A1",
        "ticket_id": "T3",
        "opened_at": "2025-04-15",
        "closed_at": "2025-04-15 06:00",
        "priority": "low",
        "satisfaction": 2,
    },
    {
        "account_id": "A1",
        "ticket_id": "T4",
        "opened_at": "2025-01-01",
        "priority": "normal",
    },  # open, 181 days old
    {
        "account_id": "A1",
        "ticket_id": "T5",
        "opened_at": "2025-06-28",
        "recorded_at": "2025-07-03",
        "priority": "urgent",
    },
    {
        "account_id": "A1",
        "ticket_id": "T6",
        "opened_at": "2024-05-01",
        "priority": "urgent",
    },  # beyond the 365-day horizon
]
SURVEYS = [
    {"account_id": "A1", "responded_at": "2025-01-10", "kind": "nps", "score": 8},
    {"account_id": "A1", "responded_at": "2025-06-01", "kind": "nps", "score": 3},
    {
        "account_id": "A1",
        "responded_at": "2025-06-15",
        "kind": "nps",
        "score": 10,
        "recorded_at": "2025-07-02",
    },
    {"account_id": "A1", "responded_at": "2025-03-01", "kind": "csat", "score": 4},
    {
        "account_id": "A1",
        "responded_at": "2023-01-01",
        "kind": "nps",
        "score": 9,
    },  # beyond the two-year horizon
]
INVOICES = [
    {
        "account_id": "A1",
        "invoice_id": "I1",
        "issued_at": "2025-05-01",
        "due_at": "2025-05-15",
        "amount": 100,
        "status": "open",
    },
    {
        "account_id": "A1",
        "invoice_id": "I2",
        "issued_at": "2025-06-01",
        "due_at": "2025-06-15",
        "amount": 50,
        "paid_at": "2025-07-03",
        "status": "paid",
    },
    {
        "account_id": "A1",
        "invoice_id": "I3",
        "issued_at": "2025-03-01",
        "due_at": "2025-03-15",
        "amount": 70,
        "paid_at": "2025-03-20",
        "status": "paid",
    },
    {
        "account_id": "A1",
        "invoice_id": "I4",
        "issued_at": "2025-06-05",
        "due_at": "2025-06-12",
        "amount": 30,
        "status": "failed",
    },
    {
        "account_id": "A1",
        "invoice_id": "I5",
        "issued_at": "2025-06-10",
        "due_at": "2025-06-20",
        "amount": 40,
        "status": "void",
    },
    {
        "account_id": "A1",
        "invoice_id": "I6",
        "issued_at": "2025-06-25",
        "due_at": "2025-07-25",
        "amount": 60,
        "status": "open",
    },
]
SUBSCRIPTIONS = [
    {
        "account_id": "A1",
        "start_date": "2024-05-01",
        "end_date": "2025-04-30",
        "mrr": 100,
        "seats": 8,
        "discount": 0.1,
    },
    {"account_id": "A1", "start_date": "2025-05-01", "mrr": 120, "seats": 10, "discount": 0.2},
    {"account_id": "A1", "start_date": "2025-08-01", "mrr": 200, "seats": 20},  # starts after as_of
    {
        "account_id": "A3",
        "start_date": "2024-07-01",
        "end_date": "2025-06-30",
        "mrr": 50,
        "seats": 5,
    },  # last day before as_of
    {
        "account_id": "A4",
        "start_date": "2024-07-01",
        "end_date": "2025-06-29",
        "mrr": 60,
        "seats": 6,
    },  # ended
]
INTERACTIONS = [
    {"account_id": "A1", "timestamp": "2025-06-21", "kind": "call", "sentiment": "negative"},
    {"account_id": "A1", "timestamp": "2025-05-01", "kind": "email", "sentiment": "positive"},
    {
        "account_id": "A1",
        "timestamp": "2025-03-01",
        "kind": "meeting",
        "sentiment": "negative",
    },  # 122 days ago
    {
        "account_id": "A1",
        "timestamp": "2025-06-28",
        "kind": "note",
        "sentiment": "neutral",
        "recorded_at": "2025-07-02",
    },
]
INCIDENTS = [
    {
        "account_id": "A1",
        "started_at": "2025-06-29 10:00",
        "resolved_at": "2025-07-02",
        "severity": "high",
    },
    {
        "account_id": "A1",
        "started_at": "2025-05-01",
        "resolved_at": "2025-05-01 05:00",
        "severity": "critical",
    },
    {"account_id": "A1", "started_at": "2025-06-30", "severity": "low"},
    {
        "account_id": "A1",
        "started_at": "2024-11-01",
        "severity": "medium",
    },  # 242 days ago, still ongoing
]
ACCOUNTS = [
    {"account_id": "A1", "created_at": "2023-07-01", "segment": "smb", "arr": 999},
    {"account_id": "A2", "created_at": "2025-01-01", "segment": "enterprise", "arr": 5000},
    {"account_id": "A3", "segment": "mid_market", "arr": 700},
    {"account_id": "A4", "created_at": "2024-07-01", "arr": 720},
]
RENEWALS = [
    {  # more than 365 days before as_of: outside renewals_count_365d
        "account_id": "A1",
        "renewal_date": "2023-12-31",
        "outcome": "renewed",
        "arr": 1000,
        "recorded_at": "2024-01-02",
    },
    {  # exactly 365 days before as_of: inside
        "account_id": "A1",
        "renewal_date": "2024-07-01",
        "outcome": "renewed",
        "arr": 1200,
        "recorded_at": "2024-07-05",
    },
    {"account_id": "A1", "renewal_date": "2025-07-15"},  # upcoming
    {
        "account_id": "A2",
        "renewal_date": "2025-01-01",
        "outcome": "renewed",
        "arr": 4800,
        "recorded_at": "2025-01-02",
    },
    {
        "account_id": "A2",
        "renewal_date": "2025-06-01",
        "outcome": "renewed",
        "arr": 6000,
        "recorded_at": "2025-07-10",
    },
]
WORLD = {
    "accounts": ACCOUNTS,
    "renewals": RENEWALS,
    "usage_events": USAGE,
    "support_tickets": TICKETS,
    "surveys": SURVEYS,
    "invoices": INVOICES,
    "subscriptions": SUBSCRIPTIONS,
    "interactions": INTERACTIONS,
    "incidents": INCIDENTS,
}


@pytest.fixture(scope="module")
def built(make_source_module) -> pd.DataFrame:
    source = make_source_module(WORLD)
    points = pd.DataFrame({"account_id": ["A1", "A2", "A3", "A4"], "as_of": AS_OF})
    return build_features(source, points).set_index("account_id")


def check(built: pd.DataFrame, account: str, expected: dict[str, float | None]) -> None:
    row = built.loc[account]
    for name, value in expected.items():
        got = row[name]
        if value is None:
            assert pd.isna(got), f"{name}: expected missing, got {got}"
        else:
            assert not pd.isna(got) and math.isclose(got, value, rel_tol=1e-9), (
                f"{name}: expected {value}, got {got}"
            )


def test_usage_features_count_windows_users_and_recency(built):
    check(
        built,
        "A1",
        {
            "events_count_7d": 5,
            "events_count_30d": 11,
            "events_count_prev_30d": 2,
            "events_count_90d": 17,
            "events_pct_change_30d": 450.0,
            "active_users_30d": 3,
            "active_users_prev_30d": 1,
            "active_users_pct_change_30d": 200.0,
            "events_per_active_user_30d": 11 / 3,
            "active_days_30d": 4,
            "features_used_30d": 3,
            "key_features_used_30d": 2,
            "key_events_count_30d": 8,
            "key_events_share_30d": 8 / 11,
            "key_events_count_90d": 8,
            "key_events_share_90d": 8 / 17,
            # rows, not quantity: 3 rows in 14 days (1 key), 4 in 30 (2 key), 7 in 90 (2 key)
            "key_event_rows_share_14d": 1 / 3,
            "key_event_rows_share_30d": 2 / 4,
            "key_event_rows_share_90d": 2 / 7,
            "quantity_per_usage_row_30d": 11 / 4,
            "quantity_per_usage_row_90d": 17 / 7,
            "events_vs_90d_avg_pct_change_30d": 100 * (12 / (1 + 17 / 3) - 1),
            # the year adds the 91-day row and the row of exactly 365 days: 9 rows, 3 key, 124
            "key_event_rows_share_365d": 3 / 9,
            "quantity_per_usage_row_365d": 124 / 9,
            "usage_rows_vs_365d_avg_pct_change_30d": 100 * ((1 + 4) / (1 + 9 * 30 / 365) - 1),
            "quantity_per_usage_row_vs_365d_pct_change_30d": 100 * (11 / 4 - 124 / 9) / (124 / 9),
            # each row against its event's mean over the year: login 108 / 5 rows = 21.6,
            # report_run (3 + 7) / 2 = 5, api_call 5, search 1
            "usage_intensity_vs_365d_pct_change_30d": 100 * (11 / (21.6 + 5 + 5 + 21.6) - 1),
            "usage_intensity_vs_365d_pct_change_90d": 100
            * (17 / (21.6 + 5 + 5 + 21.6 + 1 + 21.6 + 21.6) - 1),
            "seat_utilisation_30d": 0.3,
            "days_since_last_activity": 0,
            "days_since_key_feature_use": 6,
        },
    )


def test_support_features_count_backlog_resolution_and_csat(built):
    check(
        built,
        "A1",
        {
            "tickets_count_30d": 2,
            "tickets_count_90d": 3,
            "high_priority_ticket_share_90d": 2 / 3,
            "urgent_tickets_count_90d": 1,
            "open_tickets_count": 2,
            "oldest_open_ticket_days": 181,
            "median_resolution_hours_90d": 27.0,
            "escalations_count_90d": 1,
            "ticket_csat_avg_90d": 3.0,
        },
    )


def test_survey_features_take_latest_previous_and_non_response(built):
    check(
        built,
        "A1",
        {
            "nps_latest": 3,
            "nps_previous": 8,
            "nps_change_since_previous": -5,
            "nps_detractor": 1,
            "csat_latest": 4,
            "csat_previous": None,
            "csat_change_since_previous": None,
            "survey_responses_count_365d": 3,
            "no_survey_response_365d": 0,
            "days_since_last_survey_response": 30,
        },
    )


def test_billing_features_see_invoices_and_subscriptions_as_of(built):
    check(
        built,
        "A1",
        {
            "overdue_invoices_count": 3,
            "overdue_amount": 180.0,
            "max_days_past_due": 47,
            "failed_payments_count_90d": 1,
            "late_payments_count_365d": 1,
            "mrr": 120.0,
            "mrr_90d_ago": 100.0,
            "mrr_pct_change_90d": 20.0,
            "seats": 10,
            "seats_90d_ago": 8,
            "seats_change_90d": 2,
            "discount_rate": 0.2,
        },
    )


def test_billing_period_covers_as_of_through_its_last_day(built):
    check(built, "A3", {"mrr": 50.0, "seats": 5})
    check(
        built,
        "A4",
        {
            "mrr": 0.0,
            "seats": 0,
            "mrr_90d_ago": 60.0,
            "mrr_pct_change_90d": -100.0,
            "seats_change_90d": -6,
        },
    )


def test_relationship_features_count_touches_and_incidents(built):
    check(
        built,
        "A1",
        {
            "days_since_last_crm_touch": 10,
            "interactions_count_90d": 2,
            "negative_interactions_count_90d": 1,
            "positive_interactions_count_90d": 1,
            "incidents_count_90d": 3,
            "severe_incidents_count_90d": 2,
            "max_incident_severity_90d": 4,
            "ongoing_incidents_count": 3,
        },
    )


def test_contract_features_use_only_known_renewals_and_no_current_arr(built):
    check(
        built,
        "A1",
        {"tenure_days": 731, "days_to_renewal": 14, "renewals_count_365d": 1, "arr": 1440.0},
    )
    # A2: no subscription; the 2025-06-01 renewal was recorded after as_of, so the one before counts
    check(
        built,
        "A2",
        {"tenure_days": 181, "days_to_renewal": None, "renewals_count_365d": 1, "arr": 4800.0},
    )
    # A3: a subscription covers as_of; A4: its subscription ended, so ARR is 0, not accounts.arr
    check(built, "A3", {"tenure_days": None, "arr": 600.0})
    # the term the next renewal closes: 365 days since the 2024-07-01 renewal + 14 to 2025-07-15
    check(built, "A1", {"contract_term_months": 12, "term_left_share": 0.0})  # 379 days, 14/379
    # no upcoming renewal (A2), no renewal at all (A3, A4): the term is unknown
    for account in ("A2", "A3", "A4"):
        check(built, account, {"contract_term_months": None, "term_left_share": None})
    check(built, "A4", {"arr": 0.0})
    assert built.loc["A1", "segment"] == "smb" and pd.isna(built.loc["A4", "segment"])


def test_build_account_without_rows_gets_zeros_and_never_values(built):
    check(
        built,
        "A2",
        {
            "events_count_30d": 0,
            "active_users_30d": 0,
            "events_pct_change_30d": 0.0,
            "events_per_active_user_30d": 0.0,
            "usage_intensity_vs_365d_pct_change_30d": None,
            "days_since_last_activity": 90,
            "open_tickets_count": 0,
            "median_resolution_hours_90d": None,
            "nps_latest": None,
            "nps_detractor": 0,
            "no_survey_response_365d": 1,
            "days_since_last_survey_response": 730,
            "overdue_invoices_count": 0,
            "mrr": 0.0,
            "seat_utilisation_30d": None,
            "days_since_last_crm_touch": 365,
            "max_incident_severity_90d": 0,
        },
    )


def test_build_returns_one_row_per_distinct_point_sorted(make_source_module):
    source = make_source_module(WORLD)
    points = pd.DataFrame(
        {"account_id": ["A2", "A1", "A2", "A9"], "as_of": [AS_OF, AS_OF, AS_OF, "2025-01-01"]}
    )
    frame = build_features(source, points, ["events_count_30d", "segment"])
    assert list(frame.columns) == ["account_id", "as_of", "events_count_30d", "segment"]
    assert list(frame.account_id) == ["A1", "A2", "A9"]
    assert frame.loc[2, "events_count_30d"] == 0 and pd.isna(frame.loc[2, "segment"])


def test_build_strategies_give_equal_frames(make_source_module):
    source = make_source_module(WORLD)
    dates = ["2025-03-01", "2025-05-17 12:30", AS_OF, "2025-07-20"]
    points = pd.DataFrame(
        [(a, d) for a in ("A1", "A2", "A3", "A4") for d in dates], columns=["account_id", "as_of"]
    )
    by_dates = build_features(source, points, strategy="dates")
    by_points = build_features(source, points, strategy="points")
    pd.testing.assert_frame_equal(by_dates, by_points)


@pytest.mark.parametrize("as_of", ["2025-05-17 12:30", AS_OF])
def test_single_date_build_without_a_join_equals_the_joined_builds(make_source_module, as_of):
    source = make_source_module(WORLD)
    points = pd.DataFrame({"account_id": ["A1", "A2", "A3", "A4"], "as_of": as_of})
    single = build_features(source, points, strategy="dates")  # one date: no join
    by_points = build_features(source, points, strategy="points")
    pd.testing.assert_frame_equal(single, by_points)


NORMS = FeatureConfig(event_quantity_norms={"login": 2.0, "report_run": 4.0, "api_call": 10.0})


def test_usage_intensity_against_typical_quantities_weighs_each_row_by_its_event_norm(
    make_source_module,
):
    source = make_source_module(WORLD)
    points = pd.DataFrame({"account_id": ["A1", "A2"], "as_of": AS_OF})
    built = build_features(source, points, config=NORMS).set_index("account_id")
    # 30 days: 2 login rows (2 + 1), report_run 3, api_call 5 against 2 x 2 + 4 + 10;
    # 90 days adds logins of 1 and 4 and a search row, which has no norm and is left out
    check(
        built,
        "A1",
        {
            "usage_intensity_vs_typical_pct_change_30d": 100 * (11 / 18 - 1),
            "usage_intensity_vs_typical_pct_change_90d": 100 * (16 / 22 - 1),
        },
    )
    check(built, "A2", {"usage_intensity_vs_typical_pct_change_30d": None})


def test_usage_intensity_against_typical_quantities_is_missing_without_norms(built):
    check(
        built,
        "A1",
        {
            "usage_intensity_vs_typical_pct_change_30d": None,
            "usage_intensity_vs_typical_pct_change_90d": None,
        },
    )


def test_build_strategies_give_equal_frames_with_norms(make_source_module):
    source = make_source_module(WORLD)
    points = pd.DataFrame(
        [(a, d) for a in ("A1", "A2") for d in ("2025-05-17 12:30", AS_OF)],
        columns=["account_id", "as_of"],
    )
    names = [
        "usage_intensity_vs_typical_pct_change_30d",
        "usage_intensity_vs_typical_pct_change_90d",
    ]
    by_dates = build_features(source, points, names, NORMS, strategy="dates")
    by_points = build_features(source, points, names, NORMS, strategy="points")
    pd.testing.assert_frame_equal(by_dates, by_points)
    assert by_dates[names].notna().any().all()
