"""The build from tiles gives the values of the build from rows (hypothesis, random worlds).

Usage rows land on window edges (midnight, one second either side, 7/30/60/90/365 days
back) and are recorded late by random delays (none, hours, days, months), so the on-time
tiles, the late tiles and the bit sets of the distinct counts are all exercised.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from features.catalogue import FeatureConfig, build_features
from features.catalogue.errors import PointsError
from features.catalogue.events import vocabulary_features
from features.catalogue.registry import CATALOGUE

AS_OF = (datetime(2025, 3, 1), datetime(2025, 3, 17), datetime(2025, 7, 1))
ACCOUNTS = ("A1", "A2", "A3")
EVENTS = ("login", "report_run", "api_call", "Page View")
EDGE_DAYS = (0, 1, 7, 14, 30, 31, 60, 61, 90, 91, 364, 365, 366)
USAGE = [name for name, f in CATALOGUE.items() if f.source == "usage"]
CONFIG = FeatureConfig(
    key_events=("report_run", "api_call"),
    event_quantity_norms={"login": 1.5, "report_run": 3.0},
    usage_events_vocabulary=("login", "Page View", "never_seen"),
)
SETTINGS = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@st.composite
def moments(draw: st.DrawFn) -> datetime:
    """A time near a window edge of one of the as_of dates, or anywhere in the last 15 months."""
    anchor = draw(st.sampled_from(AS_OF))
    if draw(st.booleans()):
        edge = anchor - timedelta(days=draw(st.sampled_from(EDGE_DAYS)))
        return edge + timedelta(seconds=draw(st.sampled_from((-1, 0, 1, 3600))))
    return anchor - timedelta(minutes=draw(st.integers(-60 * 24 * 30, 60 * 24 * 460)))


@st.composite
def usage_rows(draw: st.DrawFn) -> dict:
    t = draw(moments())
    delay = draw(
        st.one_of(
            st.none(),
            st.just(timedelta(0)),
            st.integers(1, 72).map(lambda h: timedelta(hours=h)),
            st.integers(1, 120).map(lambda d: timedelta(days=d)),
        )
    )
    return {
        "account_id": draw(st.sampled_from(ACCOUNTS)),
        "timestamp": t,
        "event": draw(st.sampled_from(EVENTS)),
        "user_id": draw(st.sampled_from(("u1", "u2", "u3", "u4"))),
        "quantity": draw(st.none() | st.integers(1, 50)),
        "recorded_at": None if delay is None else t + delay,
    }


def _world(usage: list[dict]) -> dict:
    accounts = [{"account_id": a, "created_at": datetime(2023, 1, 1)} for a in ACCOUNTS]
    return {"accounts": accounts, "usage_events": usage}


POINTS = pd.DataFrame([(a, t) for a in ACCOUNTS for t in AS_OF], columns=["account_id", "as_of"])


def _assert_same(from_rows: pd.DataFrame, from_tiles: pd.DataFrame) -> None:
    assert list(from_rows.columns) == list(from_tiles.columns)
    pd.testing.assert_frame_equal(from_rows, from_tiles, check_exact=False, rtol=1e-12)


@SETTINGS
@given(usage=st.lists(usage_rows(), max_size=40), strategy=st.sampled_from(["dates", "points"]))
def test_features_from_tiles_equal_features_from_rows(make_source, usage, strategy):
    source = make_source(_world(usage))
    names = [*USAGE, *(f.name for f in vocabulary_features(CONFIG.usage_events_vocabulary))]
    from_rows = build_features(source, POINTS, names, CONFIG, strategy=strategy)
    from_tiles = build_features(source, POINTS, names, CONFIG, strategy=strategy, tiles=True)
    _assert_same(from_rows, from_tiles)


@SETTINGS
@given(usage=st.lists(usage_rows(), min_size=1, max_size=30))
def test_features_from_tiles_equal_features_from_rows_without_recorded_at(make_source, usage):
    # without the column every tile is on time: the running totals alone answer
    source = make_source(_world(usage), absent={"usage_events": ("recorded_at",)})
    from_rows = build_features(source, POINTS, USAGE, CONFIG)
    _assert_same(from_rows, build_features(source, POINTS, USAGE, CONFIG, tiles=True))


@st.composite
def future_rows(draw: st.DrawFn) -> dict:
    """A usage row dated at or after the last as_of, or dated before it but recorded after."""
    row = draw(usage_rows())
    later = AS_OF[-1] + timedelta(minutes=draw(st.integers(0, 60 * 24 * 40)))
    if draw(st.booleans()):
        return row | {"timestamp": later, "recorded_at": None}
    return row | {"recorded_at": max(later, row["timestamp"])}


@SETTINGS
@given(
    usage=st.lists(usage_rows(), max_size=30),
    future=st.lists(future_rows(), min_size=1, max_size=10),
)
def test_rows_from_after_the_last_as_of_change_nothing_from_tiles(make_source, usage, future):
    names = [*USAGE, *(f.name for f in vocabulary_features(CONFIG.usage_events_vocabulary))]
    before = build_features(make_source(_world(usage)), POINTS, names, CONFIG, tiles=True)
    after = build_features(make_source(_world(usage + future)), POINTS, names, CONFIG, tiles=True)
    pd.testing.assert_frame_equal(before, after)


def test_features_from_tiles_see_a_late_row_only_once_it_is_recorded(make_source):
    late = {
        "account_id": "A1",
        "timestamp": datetime(2025, 2, 20, 10),
        "event": "report_run",
        "user_id": "u9",
        "quantity": 4,
        "recorded_at": datetime(2025, 3, 10),  # after the first as_of, before the second
    }
    source = make_source(_world([late]))
    built = build_features(source, POINTS, USAGE, CONFIG, tiles=True).set_index(
        ["account_id", "as_of"]
    )
    before, after = built.loc[("A1", AS_OF[0])], built.loc[("A1", AS_OF[1])]
    assert before["events_count_30d"] == 0 and before["active_users_30d"] == 0
    assert before["days_since_last_activity"] == 90
    assert after["events_count_30d"] == 4 and after["active_users_30d"] == 1
    assert after["key_features_used_30d"] == 1 and after["active_days_30d"] == 1
    assert after["days_since_last_activity"] == 24


def test_fractional_quantities_from_tiles_agree_to_rounding(make_source):
    rng = np.random.default_rng(3)
    usage = [
        {
            "account_id": ACCOUNTS[i % 3],
            "timestamp": AS_OF[-1] - timedelta(hours=int(h)),
            "event": EVENTS[i % 4],
            "user_id": f"u{i % 5}",
            "quantity": float(q),
        }
        for i, (h, q) in enumerate(
            zip(rng.integers(1, 24 * 400, 300), rng.random(300) * 7, strict=True)
        )
    ]
    source = make_source(_world(usage))
    from_rows = build_features(source, POINTS, USAGE, CONFIG)
    from_tiles = build_features(source, POINTS, USAGE, CONFIG, tiles=True)
    pd.testing.assert_frame_equal(from_rows, from_tiles, check_exact=False, rtol=1e-9)


def test_tiles_refuse_points_off_midnight_and_say_how_to_build_them(make_source):
    source = make_source(_world([]))
    points = pd.DataFrame({"account_id": ["A1"], "as_of": [datetime(2025, 3, 1, 12, 30)]})
    with pytest.raises(PointsError, match=r"midnight.*tiles=False"):
        build_features(source, points, USAGE, tiles=True)
