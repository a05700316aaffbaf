"""Train / validation / test splits: out-of-time when rows have a time, stratified otherwise."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from training.errors import SplitError


@dataclass(frozen=True)
class Split:
    """Row positions of each part, how they were chosen, and the time boundaries if any."""

    train: np.ndarray
    valid: np.ndarray
    test: np.ndarray
    strategy: str
    boundaries: dict[str, str] = field(default_factory=dict)

    def describe(self) -> dict[str, object]:
        """Sizes and boundaries, for reports and MLflow params."""
        return {
            "strategy": self.strategy,
            "train_rows": len(self.train),
            "valid_rows": len(self.valid),
            "test_rows": len(self.test),
            **self.boundaries,
        }


def out_of_time_split(
    time: pd.Series,
    label: np.ndarray,
    valid_fraction: float,
    test_fraction: float,
    group: np.ndarray | None = None,
) -> Split:
    """Earliest rows train, later rows validate, latest rows test.

    Rows are ordered by ``time``; cuts fall between distinct times so rows at one time stay
    together, and every ``group`` (one account's renewal) is placed by its latest time, so
    no group is ever on both sides. About ``valid_fraction`` and ``test_fraction`` of the
    rows go to validation and test.
    """
    values = _group_times(time, group)
    valid_start = _cut(values, valid_fraction + test_fraction)
    test_start = _cut(values, test_fraction)
    train = np.flatnonzero(values < valid_start)
    valid = np.flatnonzero((values >= valid_start) & (values < test_start))
    test = np.flatnonzero(values >= test_start)
    split = Split(
        train,
        valid,
        test,
        "out_of_time",
        {
            "valid_start": str(pd.Timestamp(valid_start).date()),
            "test_start": str(pd.Timestamp(test_start).date()),
        },
    )
    _check_parts(split, label)
    return split


def latest_holdout(
    time: pd.Series, fraction: float, group: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the earlier rows and of about ``fraction`` latest rows, groups kept whole."""
    values = _group_times(time, group)
    start = _cut(values, fraction)
    return np.flatnonzero(values < start), np.flatnonzero(values >= start)


def _group_times(time: pd.Series, group: np.ndarray | None) -> np.ndarray:
    """Each row's time, or the latest time of its group (so a group is placed as one)."""
    time = pd.Series(pd.to_datetime(time)).reset_index(drop=True)
    if time.dt.tz is not None:
        time = time.dt.tz_convert(None)
    if time.isna().any():
        raise SplitError(
            f"{int(time.isna().sum())} rows have no time; an out-of-time split needs a time on every row"
        )
    if group is not None:
        time = time.groupby(pd.Series(np.asarray(group))).transform("max")
    return time.to_numpy()


def _cut(values: np.ndarray, share_after: float) -> np.datetime64:
    """The time from which about ``share_after`` of the rows are at or after it."""
    ordered = np.sort(values)
    return ordered[min(len(ordered) - 1, int(np.floor(len(ordered) * (1 - share_after))))]


def stratified_split(
    label: np.ndarray, valid_fraction: float, test_fraction: float, seed: int
) -> Split:
    """A random split that keeps the churn rate equal in each part (for rows with no time)."""
    positions = np.arange(len(label))
    rest, test = train_test_split(
        positions, test_size=test_fraction, stratify=label, random_state=seed
    )
    train, valid = train_test_split(
        rest,
        test_size=valid_fraction / (1 - test_fraction),
        stratify=label[rest],
        random_state=seed,
    )
    split = Split(np.sort(train), np.sort(valid), np.sort(test), "stratified_random")
    _check_parts(split, label)
    return split


def _check_parts(split: Split, label: np.ndarray) -> None:
    for name in ("train", "valid", "test"):
        part = getattr(split, name)
        if len(part) == 0 or len(np.unique(label[part])) < 2:
            raise SplitError(
                f"the {name} part of the {split.strategy} split has {len(part)} rows and "
                f"{int(label[part].sum()) if len(part) else 0} churned; each part needs both outcomes. "
                "Add more history, or change split.valid_fraction / split.test_fraction in the config"
            )
