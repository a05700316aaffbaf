"""Metrics: ECE, top-decile lift and churned-ARR recall on hand-checked cases."""

import numpy as np
import pandas as pd
import pytest

from training.metrics import (
    evaluate,
    evaluate_by,
    expected_calibration_error,
    top_decile_arr_recall,
    top_decile_lift,
)


def test_expected_calibration_error_is_zero_when_each_bin_matches():
    p = np.array([0.25] * 4 + [0.75] * 4)
    y = np.array([1, 0, 0, 0, 1, 1, 1, 0])
    assert expected_calibration_error(y, p) == pytest.approx(0.0)


def test_expected_calibration_error_weights_bins_by_rows():
    p = np.array([0.1] * 10 + [0.9] * 10)
    y = np.array([0] * 10 + [1] * 10)
    assert expected_calibration_error(y, p) == pytest.approx(0.1)


def test_top_decile_lift_and_arr_recall():
    score = np.arange(20)[::-1].astype(float)  # rows 0 and 1 are the top decile
    label = np.array([1, 0] + [1, 0, 0, 0] * 4 + [0, 0])
    arr = np.array([100.0, 5] + [10.0] * 18)
    assert top_decile_lift(label, score) == pytest.approx(0.5 / label.mean())
    assert top_decile_arr_recall(label, score, arr) == pytest.approx(100 / (100 + 4 * 10))


def test_evaluate_reports_every_metric_and_nan_for_one_class():
    rng = np.random.default_rng(0)
    p = rng.random(200)
    y = (rng.random(200) < p).astype(int)
    metrics = evaluate(y, p, arr=np.ones(200))
    assert set(metrics) == {
        "roc_auc",
        "pr_auc",
        "brier",
        "log_loss",
        "ece",
        "top_decile_lift",
        "top_decile_arr_recall",
    }
    assert 0.6 < metrics["roc_auc"] < 1
    assert np.isnan(evaluate(np.zeros(5, int), p[:5])["roc_auc"])


def test_evaluate_by_gives_one_row_per_group():
    y = np.array([0, 1, 0, 1, 0, 0])
    p = np.array([0.1, 0.9, 0.2, 0.8, 0.3, 0.4])
    table = evaluate_by(pd.Series(["a", "a", "b", "b", None, None]), y, p)
    assert table.index.tolist() == ["(missing)", "a", "b"]
    assert table.loc["a", "roc_auc"] == 1.0
    assert table.loc["(missing)", "rows"] == 2
