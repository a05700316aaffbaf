"""Explanation sentences: the examples issue 5 shows, plurals, zero forms, units, edge values."""

from __future__ import annotations

import dataclasses
import math
import re

import pytest

from features.catalogue import CATALOGUE, CHURN_V1, Empty, Unit, format_value, get_feature, render


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
        ("segment", "mid_market", "mid market"),
        ("mrr", 371.0, "371"),
        ("tenure_days", None, "unknown"),
    ],
)
def test_format_value_prints_each_unit(name, value, text):
    assert format_value(get_feature(name), value) == text


def test_render_nps_compares_with_the_previous_response():
    row = {"nps_latest": 3, "nps_previous": 8, "nps_change_since_previous": -5}
    assert render("nps_latest", row) == "Last NPS 3 (detractor), down from 8"
    assert render("nps_previous", row) == "Previous NPS 8 (passive), now 3"
    rose = {"nps_latest": 9, "nps_previous": 7, "nps_change_since_previous": 2}
    assert render("nps_latest", rose) == "Last NPS 9 (promoter), up from 7"
    same = {"nps_latest": 7, "nps_previous": 7, "nps_change_since_previous": 0}
    assert render("nps_latest", same) == "Last NPS 7 (passive), the same as 7"


def test_render_score_without_a_previous_response_drops_the_comparison():
    row = {"nps_latest": 9, "nps_previous": None, "nps_change_since_previous": None}
    assert render("nps_latest", row) == "Last NPS 9 (promoter)"
    assert render("csat_latest", {"csat_latest": 4.0}) == "Last CSAT 4 out of 5"


def test_render_previous_csat_says_where_it_went():
    row = {"csat_latest": 4.0, "csat_previous": 2.0, "csat_change_since_previous": 2.0}
    assert render("csat_previous", row) == "Previous CSAT 2 out of 5, now 4"
    assert render("csat_latest", row) == "Last CSAT 4 out of 5, up from 2"


@pytest.mark.parametrize(
    ("name", "row", "text"),
    [
        ("days_since_last_activity", {}, "Last product activity 1 day ago"),
        ("days_to_renewal", {}, "Renewal in 1 day"),
        ("escalations_count_90d", {}, "1 escalated ticket in the last 90 days"),
        ("renewals_count_365d", {}, "Renewed 1 time in the last 365 days"),
        (
            "overdue_invoices_count",
            {"max_days_past_due": 1},
            "1 invoice overdue, the oldest 1 day",
        ),
        (
            "seat_utilisation_30d",
            {"active_users_30d": 1, "seats": 1},
            "100% of seats active in the last 30 days (1 active user of 1 seat)",
        ),
    ],
)
def test_render_singular_for_one(name, row, text):
    assert render(name, {name: 1, **row}) == text


def test_render_plural_for_many_and_for_fractions():
    assert render("days_to_renewal", {"days_to_renewal": 45}) == "Renewal in 45 days"
    row = {"events_per_active_user_30d": 1.5}
    assert (
        render("events_per_active_user_30d", row)
        == "1.5 product events per active user in the last 30 days"
    )


def test_render_irregular_plural_and_word_by_sign():
    feature = dataclasses.replace(
        CATALOGUE["tickets_count_30d"],
        template="{value:reply|replies}; seats {seats_change_90d:fell|held|grew}",
        template_zero=None,
    )
    assert (
        render(feature, {"tickets_count_30d": 1, "seats_change_90d": -2}) == "1 reply; seats fell"
    )
    assert (
        render(feature, {"tickets_count_30d": 3, "seats_change_90d": 0}) == "3 replies; seats held"
    )
    assert (
        render(feature, {"tickets_count_30d": 0, "seats_change_90d": 4}) == "0 replies; seats grew"
    )


def test_render_zero_form_instead_of_a_sentence_about_nothing():
    row = {"overdue_invoices_count": 0, "max_days_past_due": 0, "overdue_amount": 0.0}
    assert render("overdue_invoices_count", row) == "No invoices overdue"
    assert render("overdue_amount", row) == "Nothing overdue"
    assert render("days_since_last_activity", {"days_since_last_activity": 0}) == (
        "Last product activity less than a day ago"
    )


def test_render_category_without_underscores():
    assert render("segment", {"segment": "mid_market"}) == "In the mid market segment"


def test_render_money_with_a_configurable_symbol_defaulting_to_none():
    row = {"mrr": 371.0, "mrr_90d_ago": 400.0, "mrr_pct_change_90d": -7.25}
    assert render("mrr", row) == "MRR of 371"
    assert render("mrr", row, currency="$") == "MRR of $371"
    assert (
        render("mrr_pct_change_90d", row, currency="€")
        == "MRR fell 7% over the last 90 days (€400 -> €371)"
    )
    assert format_value(get_feature("overdue_amount"), -1234.5, currency="$") == "-$1,234"


# Edge rows: every feature at once at 0, at 1, large, missing (where it can be) and at
# the "never" cap, the way a built row holds them.
_LARGE = {
    Unit.COUNT: 123_456,
    Unit.DAYS: 1_234,
    Unit.HOURS: 512.5,
    Unit.PERCENT: 250.0,
    Unit.RATIO: 0.97,
    Unit.RATE: 1_234.5,
    Unit.CURRENCY: 1_234_567.8,
    Unit.SCORE: 10.0,
    Unit.POINTS: 9.0,
    Unit.FLAG: 1,
    Unit.LEVEL: 4,
}


def _edge_row(edge: str) -> dict[str, object]:
    row: dict[str, object] = {}
    for feature in CATALOGUE.values():
        if feature.unit is Unit.CATEGORY:
            row[feature.name] = "mid_market"
        elif edge == "large":
            row[feature.name] = _LARGE[feature.unit]
        elif edge == "missing" and feature.empty is Empty.MISSING:
            row[feature.name] = None
        elif edge == "never" and feature.empty is Empty.NEVER:
            row[feature.name] = feature.never_value
        else:
            row[feature.name] = 0 if edge == "zero" else 1
    return row


_RAW_NAME = re.compile(  # single-word names are words ("seats"), but not in lower case
    "|".join(rf"\b{re.escape(n)}\b" for n in CATALOGUE if "_" in n or n in ("mrr", "arr"))
)
_PLURAL_AFTER_ONE = re.compile(
    r"(?<![\d.,])1 (?:(?!in |of |the |over )[A-Za-z-]+ ){0,3}?(?:days|hours|invoices|tickets|events|users|features|"
    r"payments|seats|touchpoints|interactions|incidents|responses|times|records)\b"
)


@pytest.mark.parametrize("edge", ["zero", "one", "large", "missing", "never"])
def test_render_every_churn_v1_feature_on_edge_values(edge):
    row = _edge_row(edge)
    for name in CHURN_V1.features:
        sentence = render(name, row)
        assert sentence and "{" not in sentence and "[" not in sentence, (name, sentence)
        assert "_" not in sentence, f"{name}: {sentence!r} shows an underscore"
        assert not _RAW_NAME.search(sentence), f"{name}: {sentence!r} shows a feature name"
        assert not _PLURAL_AFTER_ONE.search(sentence), f"{name}: {sentence!r}"
        assert "1 days" not in sentence and "the oldest 0" not in sentence, (name, sentence)
        if edge == "zero":
            assert not re.match(r"0 \D", sentence), f"{name} needs a zero form: {sentence!r}"
        if edge != "missing" or CATALOGUE[name].empty is not Empty.MISSING:
            assert "unknown" not in sentence, (name, sentence)
