"""Splits: out of time, no renewal on both sides, both outcomes in every part."""

import numpy as np
import pandas as pd
import pytest

from training.errors import SplitError
from training.split import latest_holdout, out_of_time_split, stratified_split


def test_out_of_time_split_keeps_each_renewal_on_one_side(renewal_set):
    split = out_of_time_split(
        renewal_set.split_time, renewal_set.label, 0.2, 0.2, renewal_set.group
    )
    sides = [set(renewal_set.group[part]) for part in (split.train, split.valid, split.test)]
    assert not sides[0] & sides[1]
    assert not sides[0] & sides[2]
    assert not sides[1] & sides[2]
    assert len(split.train) + len(split.valid) + len(split.test) == len(renewal_set.label)


def test_out_of_time_split_is_time_ordered(renewal_set):
    split = out_of_time_split(
        renewal_set.split_time, renewal_set.label, 0.2, 0.2, renewal_set.group
    )
    time = renewal_set.split_time
    assert time.iloc[split.train].max() < time.iloc[split.valid].min()
    assert time.iloc[split.valid].max() < time.iloc[split.test].min()
    assert split.boundaries["test_start"] == str(time.iloc[split.test].min().date())


def test_out_of_time_split_places_a_group_by_its_latest_time():
    time = pd.Series(
        pd.to_datetime(["2024-01-01", "2024-06-01", "2024-02-01", "2024-03-01", "2024-04-01"] * 4)
    )
    group = np.array([0, 0, 1, 2, 3] * 4) + np.repeat(np.arange(4) * 10, 5)
    label = np.array([0, 1] * 10)
    split = out_of_time_split(time, label, 0.25, 0.25, group)
    for g in np.unique(group):
        parts = {
            name
            for name in ("train", "valid", "test")
            if np.isin(np.flatnonzero(group == g), getattr(split, name)).any()
        }
        assert len(parts) == 1


def test_latest_holdout_takes_the_latest_rows():
    time = pd.Series(pd.date_range("2024-01-01", periods=100, freq="D"))
    earlier, latest = latest_holdout(time, 0.25)
    assert len(latest) == 25
    assert time.iloc[earlier].max() < time.iloc[latest].min()


def test_stratified_split_keeps_the_churn_rate():
    label = np.array([1] * 200 + [0] * 800)
    split = stratified_split(label, 0.2, 0.2, seed=3)
    for part in (split.train, split.valid, split.test):
        assert label[part].mean() == pytest.approx(0.2, abs=0.01)
    assert len(np.intersect1d(split.train, split.test)) == 0


def test_out_of_time_split_without_churners_in_test_says_what_to_do():
    time = pd.Series(pd.date_range("2024-01-01", periods=100, freq="D"))
    label = np.array([1, 0] * 40 + [0] * 20)
    with pytest.raises(SplitError, match=r"test part .* needs both outcomes.*test_fraction"):
        out_of_time_split(time, label, 0.2, 0.2)


def test_out_of_time_split_rejects_rows_without_time():
    time = pd.Series(pd.to_datetime(["2024-01-01", None, "2024-01-03"]))
    with pytest.raises(SplitError, match="1 rows have no time"):
        out_of_time_split(time, np.array([0, 1, 0]), 0.3, 0.3)
