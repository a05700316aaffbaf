"""Small vectorised helpers shared by the sources: expanding counts, times of day, lags, Arrow columns."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from simulator.timeline import DAY

TIMESTAMP = pa.timestamp("s")
DICTIONARY = pa.dictionary(pa.int32(), pa.string())


def expand(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row and column of every unit in a matrix of counts (a cell with count 3 gives 3 rows)."""
    row, column = np.nonzero(counts)
    repeat = counts[row, column]
    return np.repeat(row, repeat), np.repeat(column, repeat)


def office_seconds(rng: np.random.Generator, size: int) -> np.ndarray:
    """Seconds into the day, mostly in office hours (UTC stands in for local time)."""
    office = rng.integers(8 * 3600, 18 * 3600, size=size)
    anytime = rng.integers(0, DAY, size=size)
    return np.where(rng.random(size) < 0.85, office, anytime)


def lag_seconds(
    rng: np.random.Generator, size: int, quick: float, quick_days: float, slow_days: float
) -> np.ndarray:
    """Late-arrival lags: a share ``quick`` within ``quick_days``, the rest up to ``slow_days``."""
    fast = rng.uniform(60, quick_days * DAY, size=size)
    slow = rng.uniform(quick_days * DAY, slow_days * DAY, size=size)
    return np.where(rng.random(size) < quick, fast, slow).astype(np.int64)


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def categorical(rng: np.random.Generator, weights: np.ndarray, size: int) -> np.ndarray:
    """Codes drawn with the given (unnormalised) weights."""
    cumulative = np.cumsum(weights, dtype=np.float64)
    return np.searchsorted(cumulative / cumulative[-1], rng.random(size), side="right").astype(
        np.int32
    )


def timestamps(seconds: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
    """Naive UTC timestamps (second precision) from epoch seconds; ``missing`` rows are null."""
    return pa.array(seconds.astype(np.int64), type=TIMESTAMP, mask=missing)


def labels(
    codes: np.ndarray, values: tuple[str, ...] | pa.Array, missing: np.ndarray | None = None
) -> pa.Array:
    """A dictionary-encoded string column: ``values[codes]``, null where ``missing``."""
    indices = pa.array(codes.astype(np.int32), type=pa.int32(), mask=missing)
    dictionary = values if isinstance(values, pa.Array) else pa.array(values, type=pa.string())
    return pa.DictionaryArray.from_arrays(indices, dictionary)


def numbered_ids(prefix: str, account_id: pa.Array, sequence: np.ndarray) -> pa.Array:
    """Unique ids like ``T-A0000042-7``: a prefix, the row's account id and its per-account number."""
    number = pc.cast(pa.array(sequence, type=pa.int64()), pa.string())
    return pc.binary_join_element_wise(prefix, account_id, number, "-")


def sequence_within(group: np.ndarray) -> np.ndarray:
    """1, 2, 3... within each run of equal values of a sorted ``group`` array."""
    if len(group) == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.r_[0, np.flatnonzero(np.diff(group)) + 1]
    run_start = np.repeat(starts, np.diff(np.r_[starts, len(group)]))
    return np.arange(len(group)) - run_start + 1
