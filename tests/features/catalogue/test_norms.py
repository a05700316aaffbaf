"""Usage norms fitted from the population: only rows known before the cut, enough rows per event."""

from __future__ import annotations

from datetime import datetime

import pytest
from pydantic import ValidationError

from features.catalogue import FeatureConfig
from features.catalogue.norms import event_quantity_norms, with_fitted_norms

USAGE = [
    {"account_id": "A1", "timestamp": "2025-05-31 23:00", "event": "search", "quantity": 1},
    {"account_id": "A1", "timestamp": "2025-05-15", "event": "login"},  # empty quantity: 1
    {"account_id": "A2", "timestamp": "2025-04-02", "event": "login", "quantity": 4},
    {"account_id": "A2", "timestamp": "2025-04-01", "event": "login", "quantity": 100},
    {"account_id": "A1", "timestamp": "2024-07-01", "event": "report_run", "quantity": 7},
    {"account_id": "A2", "timestamp": "2024-06-30", "event": "report_run", "quantity": 1000},
    {"account_id": "A1", "timestamp": "2025-06-01", "event": "login", "quantity": 50},  # at the cut
    {  # happened before the cut but recorded after it
        "account_id": "A2",
        "timestamp": "2025-05-20",
        "event": "login",
        "quantity": 9,
        "recorded_at": "2025-06-02",
    },
]
WORLD = {
    "accounts": [
        {"account_id": "A1", "created_at": "2024-01-01"},
        {"account_id": "A2", "created_at": "2024-01-01"},
    ],
    "usage_events": USAGE,
}
CUT = datetime(2025, 6, 1)


def test_norms_average_quantity_per_row_of_each_event_known_before_the_cut(make_source):
    norms = event_quantity_norms(make_source(WORLD), CUT, min_rows=2)
    # login: 1, 4 and 100; report_run: 7 and 1000; search has one row, below min_rows
    assert norms == {"login": 35.0, "report_run": 503.5}


def test_norms_are_rounded_to_four_significant_digits(make_source):
    norms = event_quantity_norms(make_source(WORLD), datetime(2025, 4, 2), min_rows=1)
    assert norms == {"login": 100.0, "report_run": 503.5}
    world = {**WORLD, "usage_events": [*USAGE, {**USAGE[4], "quantity": 8}]}
    assert event_quantity_norms(make_source(world), CUT, min_rows=3)["report_run"] == 338.3


def test_norms_are_empty_without_a_usage_table(make_source):
    assert event_quantity_norms(make_source({"accounts": WORLD["accounts"]}), CUT) == {}


def test_fitting_keeps_norms_the_config_already_has(make_source):
    given = FeatureConfig(event_quantity_norms={"login": 3.0})
    assert with_fitted_norms(given, make_source(WORLD), CUT) is given
    nothing = FeatureConfig()
    fitted = with_fitted_norms(nothing, make_source(WORLD), CUT)
    assert fitted.event_quantity_norms == {}  # fewer than MIN_ROWS_PER_EVENT rows per event
    assert fitted is nothing


def test_config_rejects_norms_that_are_not_positive():
    with pytest.raises(ValidationError, match=r"must be above 0; got \{'login': 0\.0\}"):
        FeatureConfig(event_quantity_norms={"login": 0.0})


def test_norms_change_the_feature_set_version():
    from features.catalogue import CHURN_V1

    fitted = FeatureConfig(event_quantity_norms={"login": 2.0})
    assert CHURN_V1.version(fitted) != CHURN_V1.version()
    assert CHURN_V1.version(fitted) == CHURN_V1.version(
        FeatureConfig(event_quantity_norms={"login": 2.0})
    )
