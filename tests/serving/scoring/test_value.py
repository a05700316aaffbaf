"""Value figures from real subscription tables: ARR now and 90 days before, trend, seats,
point in time, and a clear no-value state for accounts without a subscription."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from features.catalogue import FeatureSource, available_features, build_features
from features.data import load_dataset
from serving.scoring.value import VALUE_FEATURES, account_values

AS_OF = datetime(2026, 6, 30)
ACCOUNTS = ("A1", "A2", "A3", "A4")
SUBSCRIPTIONS = [
    # A1 contracted: 1,000 MRR and 40 seats until April, then 700 and 28
    {"account_id": "A1", "start_date": "2025-05-01", "end_date": "2026-04-30", "mrr": 1000, "seats": 40},
    {"account_id": "A1", "start_date": "2026-05-01", "end_date": "", "mrr": 700, "seats": 28},
    # A2 has no subscription at all; A3 a steady one; A4's ended in May
    {"account_id": "A3", "start_date": "2025-01-01", "end_date": "", "mrr": 2000, "seats": 10},
    {"account_id": "A4", "start_date": "2025-06-01", "end_date": "2026-05-31", "mrr": 500, "seats": 5},
]  # fmt: skip


def _values(tmp_path: Path, subscriptions: list[dict] | None) -> pd.DataFrame:
    """The value figures of ACCOUNTS at AS_OF, built by the catalogue from CSV tables."""
    folder = tmp_path / "world"
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame({"account_id": ACCOUNTS}).to_csv(folder / "accounts.csv", index=False)
    if subscriptions is not None:
        pd.DataFrame(subscriptions).to_csv(folder / "subscriptions.csv", index=False)
    with load_dataset(folder, now=datetime(2027, 1, 1)) as dataset:
        source = FeatureSource.from_dataset(dataset)
        points = pd.DataFrame({"account_id": ACCOUNTS, "as_of": AS_OF})
        rows = build_features(source, points, available_features(source, VALUE_FEATURES))
    values = account_values(rows)
    return pd.DataFrame(
        [{**values.record(i), "known": bool(values.known[i])} for i in range(len(values))],
        index=rows["account_id"].tolist(),
    )


def test_arr_is_twelve_times_mrr_now_and_90_days_before_with_its_trend_and_seats(tmp_path):
    values = _values(tmp_path, SUBSCRIPTIONS)
    assert values.loc["A1"].to_dict() == {
        "arr": 8400.0,
        "arr_90d_ago": 12000.0,
        "arr_pct_change_90d": pytest.approx(-30.0),
        "seats": 28.0,
        "seats_90d_ago": 40.0,
        "known": True,
    }
    assert values.loc["A3", ["arr", "arr_90d_ago", "arr_pct_change_90d"]].tolist() == [
        24000.0,
        24000.0,
        0.0,
    ]


def test_an_ended_subscription_is_value_data_with_arr_zero_fallen_100_percent(tmp_path):
    a4 = _values(tmp_path, SUBSCRIPTIONS).loc["A4"]
    assert a4["known"] and a4["arr"] == 0 and a4["arr_90d_ago"] == 6000
    assert a4["arr_pct_change_90d"] == pytest.approx(-100.0)


def test_an_account_without_subscription_has_no_value_data(tmp_path):
    a2 = _values(tmp_path, SUBSCRIPTIONS).loc["A2"]
    assert not a2["known"]
    assert all(a2[key] is None or np.isnan(a2[key]) for key in ("arr", "arr_90d_ago", "seats"))


def test_without_a_subscriptions_table_no_account_has_value_data(tmp_path):
    values = _values(tmp_path, None)
    assert not values["known"].any()
    assert values["arr"].isna().all()


def test_a_subscription_recorded_after_as_of_changes_no_value_figure(tmp_path):
    """Point in time: a price rise that started before as_of but was only recorded after it
    (late-arriving billing data) is not known at as_of."""
    before = _values(tmp_path / "before", SUBSCRIPTIONS)
    late = {
        "account_id": "A1",
        "start_date": "2026-06-01",
        "end_date": "",
        "mrr": 5000,
        "seats": 90,
        "recorded_at": "2026-07-15",
    }
    on_time = dict(late, recorded_at="2026-06-01")
    after = _values(tmp_path / "after", [*SUBSCRIPTIONS, late])
    pd.testing.assert_frame_equal(after, before)
    known = _values(tmp_path / "known", [*SUBSCRIPTIONS, on_time])  # the test can fail
    assert known.loc["A1", "arr"] == 60000.0
