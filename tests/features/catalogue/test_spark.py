"""The same feature definitions on Spark (local mode) give the DuckDB result."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from features.catalogue import (
    FeatureConfig,
    FeatureSource,
    build_features,
    export_parquet,
    observation_points,
    register_parquet,
)
from features.catalogue.events import vocabulary_features
from features.catalogue.registry import CATALOGUE

pytestmark = pytest.mark.slow


def test_spark_build_equals_duckdb_on_the_simulated_world(small_dataset, spark, tmp_path):
    duckdb_source = FeatureSource.from_dataset(small_dataset)
    points = observation_points(duckdb_source, ["2024-11-30", "2025-06-15 12:00"])
    # per-event features too: a unicode name, and an event the world does not hold
    # and text themes, with the quotes of the sentences (the texts table is scored in Python)
    config = FeatureConfig(
        usage_events_vocabulary=("api_call", "login", "Événement 注文"),
        text_themes={"invoice": ("invoice", "billing"), "sponsor": ("sponsor", "reorg")},
    )
    expected = build_features(duckdb_source, points, config=config, quotes=True)
    assert expected["texts_count_90d"].gt(0).mean() > 0.3
    assert expected["negative_text_example_90d"].notna().any()

    export_parquet(small_dataset.connection, small_dataset.tables, tmp_path)
    assert register_parquet(spark, tmp_path) == small_dataset.tables
    spark_source = FeatureSource.from_spark(spark, small_dataset.tables)
    # the Parquet files carry every contract column; which ones held data is the dataset's knowledge
    spark_source = FeatureSource(spark_source.backend, duckdb_source.columns)
    for strategy in ("dates", "points"):
        got = build_features(spark_source, points, config=config, strategy=strategy, quotes=True)
        pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-6)
    numbers = expected.select_dtypes("number")  # not the segment, nor the quotes
    assert len(expected) > 300 and numbers.notna().mean().mean() > 0.9


def test_spark_build_from_tiles_equals_duckdb_from_rows_with_late_rows(
    make_source, spark, tmp_path
):
    rng = np.random.default_rng(5)
    as_of = pd.Timestamp("2025-07-01")
    times = as_of - pd.to_timedelta(rng.integers(-5 * 24, 400 * 24, 400), unit="h")
    late = rng.random(400) < 0.3  # a third recorded days after their event
    recorded = times + pd.to_timedelta(np.where(late, rng.integers(1, 40, 400), 0), unit="D")
    usage = [
        {
            "account_id": f"A{i % 7}",
            "timestamp": t.to_pydatetime(),
            "event": ("login", "report_run", "api_call", "Page View")[i % 4],
            "user_id": f"u{rng.integers(0, 6)}",
            "quantity": int(rng.integers(1, 9)),
            "recorded_at": r.to_pydatetime() if i % 5 else None,
        }
        for i, (t, r) in enumerate(zip(times, recorded, strict=True))
    ]
    accounts = [{"account_id": f"A{i}", "created_at": "2023-01-01"} for i in range(7)]
    source = make_source({"accounts": accounts, "usage_events": usage})
    config = FeatureConfig(usage_events_vocabulary=("login", "Page View"))
    points = observation_points(source, ["2025-03-01", "2025-05-17", "2025-07-01"])
    events = vocabulary_features(config.usage_events_vocabulary)
    names = [*(n for n, f in CATALOGUE.items() if f.source == "usage"), *(f.name for f in events)]
    expected = build_features(source, points, names, config)

    export_parquet(source.backend.con, source.tables, tmp_path)
    register_parquet(spark, tmp_path)
    spark_source = FeatureSource(
        FeatureSource.from_spark(spark, source.tables).backend, source.columns
    )
    got = build_features(spark_source, points, names, config, tiles=True)
    pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-9)
    assert expected["events_count_30d"].gt(0).any() and expected["active_users_30d"].gt(0).any()


def test_spark_counts_key_features_beyond_the_32nd_as_duckdb_does(make_source, spark, tmp_path):
    # a literal 1 is a 32-bit INT in Spark SQL: 1 << 33 wrapped to 1 << 1 before bit64
    key_events = tuple(f"feature_{i:02d}" for i in range(40))
    usage = [
        {
            "account_id": "A1",
            "timestamp": f"2025-06-{day:02d} 10:00:00",
            "event": key_events[index],
            "user_id": "u1",
            "quantity": 1,
        }
        for day, index in ((2, 1), (3, 33), (4, 35), (5, 39), (6, 1))
    ]
    source = make_source({"accounts": [{"account_id": "A1"}], "usage_events": usage})
    config = FeatureConfig(key_events=key_events)
    points = pd.DataFrame({"account_id": ["A1"], "as_of": [pd.Timestamp("2025-07-01")]})
    names = ["key_features_used_30d", "active_days_30d"]
    expected = build_features(source, points, names, config)
    assert expected["key_features_used_30d"].tolist() == [4]

    export_parquet(source.backend.con, source.tables, tmp_path)
    register_parquet(spark, tmp_path)
    spark_source = FeatureSource(
        FeatureSource.from_spark(spark, source.tables).backend, source.columns
    )
    pd.testing.assert_frame_equal(build_features(spark_source, points, names, config), expected)
