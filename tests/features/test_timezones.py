"""Timestamps: naive values are UTC, offsets and time-zone-aware Parquet are converted to naive UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pyarrow as pa


def test_load_dataset_offset_timestamps_become_naive_utc(source, load, clean, good_rows) -> None:
    usage = good_rows["usage_events"]
    stamps = [
        "2024-05-01T10:00:00+02:00",
        "2024-05-01T10:00:00Z",
        "2024-05-01 10:00:00",
        "2024-05-01T03:00:00-0500",
        "2024-05-01",
    ]
    dataset = load(
        source(
            usage_events=[{**usage, "timestamp": s, "event": str(i)} for i, s in enumerate(stamps)]
        )
    )
    by_event = {r["event"]: r["timestamp"] for r in clean(dataset, "usage_events")}
    assert [by_event[str(i)] for i in range(len(stamps))] == [
        datetime(2024, 5, 1, 8),
        datetime(2024, 5, 1, 10),
        datetime(2024, 5, 1, 10),
        datetime(2024, 5, 1, 8),
        datetime(2024, 5, 1),
    ]


def test_load_dataset_zoned_parquet_timestamps_become_naive_utc(
    files, accounts, load, clean
) -> None:
    files.csv("accounts", accounts)
    paris = timezone(timedelta(hours=1))
    files.parquet(
        "usage_events",
        pa.table(
            {
                "account_id": ["A1"],
                "timestamp": pa.array(
                    [datetime(2024, 1, 1, 12, tzinfo=paris)], pa.timestamp("us", tz="Europe/Paris")
                ),
                "event": ["login"],
            }
        ),
    )
    (row,) = clean(load(files.directory), "usage_events")
    assert row["timestamp"] == datetime(2024, 1, 1, 11)


def test_load_dataset_future_is_judged_in_utc(source, load, quarantined, good_rows) -> None:
    usage = good_rows["usage_events"]
    rows = [
        {**usage, "timestamp": "2025-01-01T01:00:00+02:00"},
        {**usage, "timestamp": "2024-12-31T23:30:00-01:00"},
    ]
    dataset = load(source(usage_events=rows))
    assert [r["_source_row"] for r in quarantined(dataset, "usage_events")] == [2]


def test_load_dataset_aware_now_is_converted_to_utc(source, load, good_rows) -> None:
    now = datetime(2024, 5, 1, 12, tzinfo=timezone(timedelta(hours=2)))
    usage = good_rows["usage_events"]
    dataset = load(source(usage_events=[{**usage, "timestamp": "2024-05-01T10:30:00"}]), now=now)
    assert dataset.report.now == datetime(2024, 5, 1, 10)
    assert dataset.report.table("usage_events").quarantined_by_reason == {"timestamp_in_future": 1}


def test_load_dataset_default_now_is_the_current_utc_time(source, load) -> None:
    dataset = load(source(), now=None)
    assert abs(dataset.report.now - datetime.now(UTC).replace(tzinfo=None)) < timedelta(minutes=1)
