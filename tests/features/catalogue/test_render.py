"""Explanation sentences: the examples issue 5 will show, and how units print."""

from __future__ import annotations

import math

import pytest

from features.catalogue import format_value, get_feature, render


def test_render_active_users_trend_with_previous_window():
    row = {
        "active_users_pct_change_30d": -41.9,
        "active_users_prev_30d": 31,
        "active_users_30d": 18,
    }
    assert (
        render("active_users_pct_change_30d", row)
        == "Active users fell 42% in the last 30 days (31 -> 18)"
    )


def test_render_overdue_invoices_with_the_oldest():
    row = {"overdue_invoices_count": 2, "max_days_past_due": 47}
    assert render("overdue_invoices_count", row) == "2 invoices overdue, the oldest 47 days"


def test_render_nps_change_and_detractor():
    row = {"nps_change_since_previous": -5, "nps_previous": 8, "nps_latest": 3, "nps_detractor": 1}
    assert (
        render("nps_change_since_previous", row)
        == "NPS fell 5 points since the previous response (8 -> 3)"
    )
    assert render("nps_detractor", row) == "Last NPS 3 is a detractor score (0-6)"
    assert (
        render("nps_detractor", {**row, "nps_latest": 9, "nps_detractor": 0})
        == "Last NPS 9 is not a detractor score (0-6)"
    )


def test_render_uses_template_empty_for_never_and_missing():
    assert (
        render("days_since_last_activity", {"days_since_last_activity": 90})
        == "No product activity in the last 90 days"
    )
    assert (
        render("days_since_last_activity", {"days_since_last_activity": 12})
        == "Last product activity 12 days ago"
    )
    assert render("nps_latest", {"nps_latest": math.nan}) == "No NPS response in the last two years"
    assert (
        render("nps_detractor", {"nps_detractor": 0, "nps_latest": None})
        == "No NPS response in the last two years"
    )


def test_render_change_that_did_not_move():
    row = {"seats_change_90d": 0, "seats_90d_ago": 12, "seats": 12}
    assert (
        render("seats_change_90d", row) == "Seats did not change over the last 90 days (12 -> 12)"
    )


@pytest.mark.parametrize(
    ("name", "value", "text"),
    [
        ("events_count_30d", 12345, "12,345"),
        ("seat_utilisation_30d", 0.734, "73%"),
        ("events_pct_change_30d", -41.6, "-42%"),
        ("overdue_amount", 1234.5, "1,234"),
        ("nps_latest", 7.0, "7"),
        ("ticket_csat_avg_90d", 3.25, "3.2"),
        ("max_incident_severity_90d", 4, "critical"),
        ("nps_detractor", 1, "yes"),
        ("segment", "smb", "smb"),
        ("tenure_days", None, "unknown"),
    ],
)
def test_format_value_prints_each_unit(name, value, text):
    assert format_value(get_feature(name), value) == text
