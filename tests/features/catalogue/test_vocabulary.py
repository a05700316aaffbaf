"""Per-event usage features from the customer's own event vocabulary.

The vocabulary is fitted from usage known before a cut; each of its events gets counts,
a trend, a per-user rate and a recency, with valid names and readable sentences for any
event name. Dates are relative to AS_OF = 2025-07-01 00:00.
"""

from __future__ import annotations

import math
import re
from datetime import datetime

import pandas as pd
import pytest
from pydantic import ValidationError

from features.catalogue import CHURN_V1, FeatureConfig, build_features, get_feature, render
from features.catalogue.events import (
    event_feature_names,
    event_features,
    event_label,
    event_slug,
)
from features.catalogue.norms import (
    fit_feature_settings,
    usage_events_vocabulary,
)

AS_OF = datetime(2025, 7, 1)
NAME = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


def _usage(account, timestamp, event, user="u1", quantity=None, recorded_at=None):
    row = {"account_id": account, "timestamp": timestamp, "event": event, "user_id": user}
    if quantity is not None:
        row["quantity"] = quantity
    if recorded_at is not None:
        row["recorded_at"] = recorded_at
    return row


USAGE = [
    _usage("A1", "2025-06-30 12:00", "Page View", "u1", 2),  # 12 h
    _usage("A1", "2025-06-10", "Page View", "u2"),  # 21 d, empty quantity: 1
    _usage("A1", "2025-05-20", "Page View", "u1", 3),  # 42 d: the 30 days before
    _usage("A1", "2025-05-01", "Page View", "u3", 4),  # 61 d: 90 days only
    _usage("A1", "2025-05-25", "post", "u1", 5),  # 37 d: the 30 days before
    _usage("A1", "2025-03-01", "post", "u1", 6),  # 122 d: outside every window
    _usage("A1", "2025-06-15", "login", "u4"),  # 16 d: outside the vocabulary, an active user
    _usage("A1", "2025-06-25", "Page View", "u1", 100, recorded_at="2025-07-02"),  # not known yet
    _usage("A1", "2025-07-01", "Page View", "u1", 100),  # at as_of: not before it
]
WORLD = {
    "accounts": [
        {"account_id": "A1", "created_at": "2024-01-01"},
        {"account_id": "A2", "created_at": "2024-01-01"},
    ],
    "usage_events": USAGE,
}
VOCABULARY = FeatureConfig(usage_events_vocabulary=("Page View", "post", "gone"))


def _names(event: str) -> dict[str, str]:
    """``count_30d``, ..., ``days_since`` -> the event's feature names."""
    keys = ("count_30d", "count_90d", "count_prev_30d", "pct_change_30d", "per_user", "days_since")
    return dict(zip(keys, event_feature_names(event), strict=True))


@pytest.fixture
def built(make_source) -> pd.DataFrame:
    points = pd.DataFrame({"account_id": ["A1", "A2"], "as_of": [AS_OF, AS_OF]})
    return build_features(make_source(WORLD), points, config=VOCABULARY).set_index("account_id")


def _values(built: pd.DataFrame, account: str, event: str) -> dict[str, float]:
    return {key: built.loc[account, name] for key, name in _names(event).items()}


def test_event_features_count_windows_trend_users_and_recency(built):
    # Page View: 2 + 1 in 30 days; + 3 (42 d) + 4 (61 d) in 90; 3 in the 30 before;
    # active users in 30 days: u1, u2 and u4 (login counts as activity)
    assert _values(built, "A1", "Page View") == {
        "count_30d": 3,
        "count_90d": 10,
        "count_prev_30d": 3,
        "pct_change_30d": 0.0,
        "per_user": 1.0,
        "days_since": 0,
    }
    # post: nothing in 30 days, 5 in the 30 before (37 d), the 122-day row in no window
    assert _values(built, "A1", "post") == {
        "count_30d": 0,
        "count_90d": 5,
        "count_prev_30d": 5,
        "pct_change_30d": -100.0,
        "per_user": 0.0,
        "days_since": 37,
    }


def test_event_missing_from_the_data_gives_zeros_and_the_never_cap(built):
    expected = {
        "count_30d": 0,
        "count_90d": 0,
        "count_prev_30d": 0,
        "pct_change_30d": 0.0,
        "per_user": 0.0,
        "days_since": 90,
    }
    assert _values(built, "A1", "gone") == expected
    assert _values(built, "A2", "post") == expected  # an account without usage


def test_event_features_follow_the_catalogue_without_user_ids(make_source):
    source = make_source(WORLD, absent={"usage_events": ("user_id",)})
    points = pd.DataFrame({"account_id": ["A1"], "as_of": [AS_OF]})
    built = build_features(source, points, config=VOCABULARY)
    names = _names("post")
    assert names["per_user"] not in built and "active_users_30d" not in built
    assert built[names["count_90d"]].tolist() == [5]


def test_churn_v1_adds_six_features_per_event_in_vocabulary_order():
    assert CHURN_V1.names(FeatureConfig()) == CHURN_V1.features
    names = CHURN_V1.names(VOCABULARY)
    added = names[len(CHURN_V1.features) :]
    assert added == tuple(n for e in ("Page View", "post", "gone") for n in event_feature_names(e))
    assert len(added) == 18 and len(set(names)) == len(names)
    assert CHURN_V1.version(VOCABULARY) != CHURN_V1.version()


def test_event_sentences_read_with_the_event_name(built):
    row = built.loc["A1"].to_dict()
    post, page = _names("post"), _names("Page View")
    assert render(post["pct_change_30d"], row) == "Post fell 100% in the last 30 days (5 -> 0)"
    assert render(post["count_30d"], row) == "No post in the last 30 days"
    assert render(post["days_since"], row) == "Last post 37 days ago"
    assert render(page["count_90d"], row) == "Page View: 10 in the last 90 days"
    assert render(page["per_user"], row) == "Page View: 1 per active user in the last 30 days"
    assert render(page["days_since"], row) == "Last Page View less than a day ago"
    assert render(_names("gone")["days_since"], row) == "No gone in the last 90 days"


def test_event_pct_change_sentence_with_a_fall_like_the_issue_example():
    names = _names("Posts")
    FeatureConfig(usage_events_vocabulary=("Posts",))
    row = {names["count_30d"]: 72, names["count_prev_30d"]: 120, names["pct_change_30d"]: -40.0}
    assert render(names["pct_change_30d"], row) == "Posts fell 40% in the last 30 days (120 -> 72)"


ODD_EVENTS = [
    "report_run",
    "Page View",
    "page_view",
    "page view",
    "PAGE-VIEW",
    "  leading and trailing  ",
    "Rechnung erstellt ✓",
    "ünïcödé",
    "注文",
    "emoji 🚀 launch",
    "[beta] {export}: csv/xlsx",
    "tab\tand\nnewline",
    "x" * 500,
    "x" * 501,
    "1_starts_with_a_digit",
    "___",
    "a" * 32 + "_b",
]


def test_odd_event_names_give_valid_distinct_stable_feature_names():
    rare = [f"rare event #{i}" for i in range(300)]
    names = [n for event in ODD_EVENTS + rare for n in event_feature_names(event)]
    assert len(set(names)) == len(names) == 6 * (len(ODD_EVENTS) + 300)
    for name in names:
        assert NAME.match(name) and len(name) <= 70, name
    assert event_slug("report_run") == "report_run"  # already a clean name: kept as it is
    assert event_slug("Page View") == "page_view_" + event_slug("Page View")[-8:] != "page_view"
    assert event_slug("注文") == event_slug("注文")  # a pure function of the event
    assert re.fullmatch(r"[0-9a-f]{8}", event_slug("注文"))


@pytest.mark.parametrize("event", ODD_EVENTS)
def test_odd_event_names_give_readable_sentences(event):
    FeatureConfig(usage_events_vocabulary=(event,))
    names = _names(event)
    label = event_label(event)
    row = {names["count_30d"]: 72, names["count_prev_30d"]: 120, names["pct_change_30d"]: -40.0}
    text = render(names["pct_change_30d"], row)
    assert text.endswith(" fell 40% in the last 30 days (120 -> 72)")
    assert text.lower().startswith(label.lower())
    assert len(label) <= 40 and "\n" not in label and "{" not in label and "[" not in label
    assert (
        render(names["count_30d"], row) == f"{label[:1].upper()}{label[1:]}: 72 in the last 30 days"
    )
    assert get_feature(names["days_since"]).never_value == 90


def test_vocabulary_names_that_would_collide_are_rejected():
    with pytest.raises(ValidationError, match="empty event name"):
        FeatureConfig(usage_events_vocabulary=("post", "  "))
    slug = event_slug("Page View")
    with pytest.raises(ValidationError, match="which another feature has"):
        FeatureConfig(usage_events_vocabulary=("Page View", slug))


# -- fitting ----------------------------------------------------------------------------------

CUT = datetime(2025, 6, 1)


def _rows(event: str, n: int, **extra) -> list[dict]:
    return [
        {"account_id": "A1", "timestamp": f"2025-05-{1 + i % 28:02d}", "event": event, **extra}
        for i in range(n)
    ]


FIT_WORLD = {
    "accounts": [{"account_id": "A1", "created_at": "2024-01-01"}],
    "usage_events": [
        *_rows("zeta", 5),
        *_rows("Beta", 3),
        *_rows("alpha", 3),
        *_rows("rare", 1),
        # after the cut, or recorded after it: these would make "rare" the top event
        *[{**r, "timestamp": "2025-06-01"} for r in _rows("rare", 10)],
        *_rows("rare", 10, recorded_at="2025-06-02"),
    ],
}


def test_vocabulary_takes_the_events_with_most_rows_before_the_cut(make_source):
    source = make_source(FIT_WORLD)
    # zeta 5 rows, then a tie of 3 between alpha and Beta (the first by code point wins), rare 1
    assert usage_events_vocabulary(source, CUT, min_rows=2, max_events=2) == ("Beta", "zeta")
    assert usage_events_vocabulary(source, CUT, min_rows=2, max_events=12) == (
        "Beta",
        "alpha",
        "zeta",
    )  # sorted by name, so the feature order does not turn on near-equal counts
    assert usage_events_vocabulary(source, CUT, min_rows=4) == ("zeta",)
    assert usage_events_vocabulary(source, CUT, min_rows=100) == ()
    assert usage_events_vocabulary(source, datetime(2025, 7, 1), min_rows=12) == ("rare",)


def test_vocabulary_is_empty_without_usage(make_source):
    source = make_source({"accounts": FIT_WORLD["accounts"]})
    assert usage_events_vocabulary(source, CUT) == ()
    assert fit_feature_settings(FeatureConfig(), source, CUT) == FeatureConfig()


def test_fitting_settings_keeps_what_the_config_has_and_fits_the_rest(make_source):
    world = {**FIT_WORLD, "usage_events": FIT_WORLD["usage_events"] * 40}  # 120+ rows per event
    source = make_source(world)
    fitted = fit_feature_settings(FeatureConfig(), source, CUT)
    assert fitted.usage_events_vocabulary == ("Beta", "alpha", "zeta")
    assert set(fitted.event_quantity_norms) == {"Beta", "alpha", "zeta"}
    given = FeatureConfig(usage_events_vocabulary=("post",), event_quantity_norms={"x": 2.0})
    assert fit_feature_settings(given, source, CUT) is given
    nothing = FeatureConfig()
    assert fit_feature_settings(nothing, make_source(FIT_WORLD), CUT) is nothing  # too few rows


def test_fitted_vocabulary_is_part_of_the_config_json_round_trip():
    again = FeatureConfig.model_validate_json(VOCABULARY.model_dump_json())
    assert again == VOCABULARY and CHURN_V1.version(again) == CHURN_V1.version(VOCABULARY)


def test_event_counts_are_whole_numbers_and_trend_finite(built):
    for event in ("Page View", "post", "gone"):
        names = _names(event)
        assert str(built[names["count_30d"]].dtype) == "int64"
        assert str(built[names["days_since"]].dtype) == "int64"
        assert all(math.isfinite(v) for v in built[names["pct_change_30d"]])


@pytest.mark.parametrize("event", ["report_run", "Page View", "注文", "x" * 500])
def test_event_features_have_the_catalogues_metadata(event):
    from features.catalogue.registry import HELPERS, TABLE_SPECS
    from features.catalogue.render import SPECIAL_FIELDS, template_fields
    from features.catalogue.spec import Empty

    FeatureConfig(usage_events_vocabulary=(event,))  # registers the event's features
    for feature in event_features(event):
        assert NAME.match(feature.name)
        assert feature.description.endswith(".") and len(feature.description) > 20
        assert feature.window.strip() and feature.template.strip()
        assert (feature.aggregate is None) != (feature.derive is None)
        if feature.empty is Empty.NEVER:
            assert feature.template_empty and feature.name.startswith("days_since_")
        if feature.is_derived:
            assert all(get_feature(n) for n in feature.inputs if n not in HELPERS)
        else:
            assert feature.table in TABLE_SPECS
        for name in template_fields(feature.template):
            assert name in SPECIAL_FIELDS or get_feature(name).name in feature.inputs
