"""Feature rows as the JSON records ``POST /score`` takes: what a client sends."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd


def score_records(frame: pd.DataFrame, features: Iterable[str] = ()) -> list[dict[str, Any]]:
    """One JSON-ready dict per row of ``frame``: missing values as null, ``as_of`` as ISO text.

    ``features`` are always present in each record (null when ``frame`` lacks them), so a
    record names every feature the model reads.
    """
    template = dict.fromkeys(features)
    out = []
    for row in frame.to_dict("records"):
        record = dict(template)
        for key, value in row.items():
            if key == "as_of":
                record[key] = pd.Timestamp(value).isoformat()
            elif value is None or (not isinstance(value, str) and pd.isna(value)):
                record[key] = None
            else:
                record[key] = value.item() if hasattr(value, "item") else value
        out.append(record)
    return out
