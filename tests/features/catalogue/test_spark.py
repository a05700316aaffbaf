"""The same feature definitions on Spark (local mode) give the DuckDB result."""

from __future__ import annotations

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
