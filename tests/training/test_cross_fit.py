"""Small training sets: folds that keep a renewal whole, out-of-fold margins, rounds scaled to the rows."""

import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest

from training.booster import lightgbm_params
from training.config import LightGBMConfig, TrainingConfig
from training.cross_fit import FOLDS, cross_fit, fold_splits, is_small
from training.fitting import EncodedData, fit_cross_fitted
from training.pipeline import train_model
from training.table import load_table


def _data(rows: int, churn: float, seed: int = 0) -> EncodedData:
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 1, (rows, 4))
    logit = np.log(churn / (1 - churn)) + 1.5 * x[:, 0]
    label = (rng.random(rows) < 1 / (1 + np.exp(-logit))).astype(np.int8)
    group = np.repeat(np.arange(rows // 3 + 1), 3)[:rows]
    return EncodedData(x, label, [f"x{j}" for j in range(4)], [], group)


def test_small_means_few_rows_or_few_of_the_rarer_outcome_among_the_validation_rows():
    data = _data(30_000, 0.3)
    train, valid = np.arange(18_000), np.arange(18_000, 24_000)
    assert not is_small(data, train, valid)
    assert is_small(data, train[:9_000], valid[:3_000])
    rare = _data(30_000, 0.01)
    assert is_small(rare, train, valid)


def test_folds_stratify_and_never_split_a_group():
    data = _data(3_000, 0.2)
    splits = fold_splits(data.label, data.group, FOLDS, seed=7)
    assert len(splits) == FOLDS
    held = np.concatenate([h for _, h in splits])
    assert np.array_equal(np.sort(held), np.arange(3_000))
    for fit, out in splits:
        assert not set(data.group[fit]) & set(data.group[out])
        assert data.label[out].mean() == pytest.approx(data.label.mean(), abs=0.03)


def test_folds_are_fewer_when_the_rarer_outcome_has_fewer_rows_than_folds():
    label = np.array([1, 1, 1] + [0] * 50)
    assert len(fold_splits(label, None, FOLDS, seed=7)) == 3


def test_cross_fit_margins_are_out_of_fold_and_rounds_scale_with_the_rows():
    data = _data(2_000, 0.2)
    rows = np.arange(1_500)
    splits = fold_splits(data.label[rows], data.group[rows], FOLDS, seed=7)
    params = lightgbm_params(LightGBMConfig(), 7, 1)
    fitted = cross_fit(data, rows, splits, params, 500, 20)
    assert fitted.rounds >= 2 and len(fitted.margin) == len(rows)
    # a row's margin comes from the fold model that did not see it: refit that fold by hand
    fit, held = splits[0]
    matrix, label = data.rows(rows)
    binned = lgb.Dataset(matrix, label, params={"verbosity": -1}, free_raw_data=False)
    alone = lgb.train(params, binned.subset(fit), num_boost_round=fitted.rounds)
    np.testing.assert_allclose(
        alone.predict(matrix[held], raw_score=True), fitted.margin[held], rtol=1e-6
    )
    assert fitted.final_rounds == round(fitted.rounds * 5 / 4)
    assert fitted.rounds_for(2_000) == round(fitted.rounds * 2_000 / 1_200)


def test_fit_from_a_cross_fit_boosts_on_all_its_rows_and_calibrates_out_of_fold():
    data = _data(2_000, 0.2)
    valid = np.arange(1_200, 1_600)  # the latest rows of an out-of-time split
    rows = np.arange(1_600)
    splits = fold_splits(data.label[rows], data.group[rows], FOLDS, seed=7)
    config = TrainingConfig(num_threads=1)
    params = lightgbm_params(config.lightgbm, 7, 1)
    fitted = cross_fit(data, rows, splits, params, 500, 20)
    every = fit_cross_fitted(data, params, config, fitted)
    latest = fit_cross_fitted(data, params, config, fitted, calibration_rows=valid)
    assert every.booster.current_iteration() == fitted.final_rounds
    assert every.stopped_at == fitted.rounds
    assert "on 1,600 held-out rows" in every.choice.reason
    assert "on 400 held-out rows" in latest.choice.reason


def test_a_small_flat_table_trains_the_small_data_way_and_its_cv_table_does_too(telco_path):
    training_set = load_table(telco_path, "Churn", id_column="customerID")
    config = TrainingConfig(num_threads=1, cv_folds=2, shap_sample=100)
    result = train_model(training_set, config)
    assert result.capacity.cross_fitted is not None
    assert "cross-validated because the data is small" in result.capacity.reason
    assert result.artifact.metadata["refit_on_test"]["rows"] == len(training_set.label)
    table = result.cross_validation
    assert len(table) == 2
    assert (table["roc_auc"] > table["lightgbm_defaults_roc_auc"] - 0.02).all()
    assert isinstance(table, pd.DataFrame)
