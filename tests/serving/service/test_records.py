"""score_records: feature rows become the JSON records POST /score takes."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from serving.api.records import score_records


def test_score_records_are_json_with_nulls_iso_times_and_every_named_feature() -> None:
    frame = pd.DataFrame(
        {
            "account_id": ["A1", "A2"],
            "as_of": pd.to_datetime(["2026-06-30", "2026-06-01"], utc=True),
            "events_count_30d": np.array([3, 0], dtype=np.int64),
            "nps_latest": [np.nan, 9.0],
            "segment": ["smb", None],
        }
    )
    records = score_records(frame, ["events_count_30d", "tickets_count_30d"])
    assert json.loads(json.dumps(records)) == records
    assert records[0] == {
        "events_count_30d": 3,
        "tickets_count_30d": None,
        "account_id": "A1",
        "as_of": "2026-06-30T00:00:00+00:00",
        "nps_latest": None,
        "segment": "smb",
    }
    assert records[1]["segment"] is None and records[1]["nps_latest"] == 9.0
