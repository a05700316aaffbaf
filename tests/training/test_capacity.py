"""Model capacity chosen by the validation rows: the grid, the choice, fixed mode, and where it is used."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

import training.backtest
import training.cross_fit
import training.crossval
import training.pipeline
from training.artifact import ScoringArtifact
from training.booster import lightgbm_params
from training.capacity import (
    SHAP_BUDGET,
    CapacityChoice,
    capacity_grid,
    choose_capacity,
    shap_cost,
)
from training.config import BacktestConfig, LightGBMConfig, TrainingConfig
from training.dataset import TrainingSet
from training.fitting import EncodedData
from training.model_card import model_card
from training.pipeline import train_model
from training.split import stratified_split


def _flat_set(rows: int, signal: bool, seed: int = 0) -> TrainingSet:
    """A flat table: with ``signal``, churn is an interaction (XOR of two thresholds, in bands)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 1, (rows, 6))
    if signal:
        logit = 3.0 * np.sign(x[:, 0] * x[:, 1]) * (np.abs(x[:, 2]) < 1.0) - 1.2 + x[:, 3]
    else:
        logit = np.full(rows, -0.85)
    label = (rng.random(rows) < 1 / (1 + np.exp(-logit))).astype(np.int8)
    return TrainingSet(
        features=pd.DataFrame(x, columns=[f"x{j}" for j in range(6)]),
        label=label,
        categorical=(),
        source="synthetic flat table",
        label_name="churned",
        feature_set="flat",
        feature_set_version="1",
    )


def _encoded(ts: TrainingSet, seed: int = 7):
    split = stratified_split(ts.label, 0.2, 0.2, seed)
    data = EncodedData(ts.features.to_numpy(np.float64), ts.label, list(ts.feature_names), [])
    return data, split


@pytest.fixture
def validation_path(monkeypatch):
    """Choose on one validation split, as on a large training set (no cross-validation)."""
    monkeypatch.setattr(training.cross_fit, "SMALL_ROWS", 0)
    monkeypatch.setattr(training.cross_fit, "FEW_MINORITY", 0)


def _config(**lightgbm) -> TrainingConfig:
    return TrainingConfig(
        num_threads=1,
        cv_folds=0,
        shap_sample=100,
        lightgbm=LightGBMConfig(max_rounds=400, early_stopping_rounds=20, **lightgbm),
    )


def test_capacity_grid_depends_on_rows_and_churners():
    config = LightGBMConfig()
    small = capacity_grid(config, train_rows=3_000, minority_rows=800)
    few_churners = capacity_grid(config, train_rows=3_000, minority_rows=120)
    large = capacity_grid(config, train_rows=400_000, minority_rows=50_000)
    assert [c.name for c in small] == [
        "default",
        "smaller",
        "shallow",
        "additive",
        "finer",
        "wider",
        "wider_l2",
    ]
    assert [c.name for c in few_churners] == ["default", "smaller", "shallow", "additive"]
    assert [c.name for c in large] == ["default"]
    assert (small[0].num_leaves, small[0].max_depth, small[0].min_child_samples) == (15, 5, 50)
    assert max(c.num_leaves for c in small) > 15 > min(c.num_leaves for c in small)
    rates = {c.name: c.learning_rate for c in small}
    assert rates == {
        "default": 0.05,
        "smaller": 0.05,
        "shallow": 0.05,
        "additive": 0.1,
        "finer": 0.05,
        "wider": 0.1,
        "wider_l2": 0.1,
    }


def test_capacity_grid_keeps_the_settings_given_in_the_config():
    grid = capacity_grid(LightGBMConfig(num_leaves=9), train_rows=3_000, minority_rows=800)
    assert {c.num_leaves for c in grid} == {9}
    assert len(grid) > 1
    every = LightGBMConfig(num_leaves=9, max_depth=4, min_child_samples=30, lambda_l2=2.0)
    assert [c.name for c in capacity_grid(every, 3_000, 800)] == ["default"]
    rate = capacity_grid(LightGBMConfig(learning_rate=0.03), train_rows=3_000, minority_rows=800)
    assert {c.learning_rate for c in rate} == {0.03}


@pytest.mark.parametrize("path", ["validation", "cross-validation"])
def test_choose_capacity_gives_strong_interactions_more_leaves_than_the_default(path, request):
    if path == "validation":
        request.getfixturevalue("validation_path")
    data, split = _encoded(_flat_set(3_000, signal=True))
    choice = choose_capacity(data, split.train, split.valid, _config())
    table = choice.candidates
    assert choice.mode == "auto"
    assert choice.config.num_leaves > LightGBMConfig().num_leaves
    affordable = table[table["shap_cost"] <= SHAP_BUDGET]
    assert table.loc[table["chosen"], "valid_log_loss"].item() == affordable["valid_log_loss"].min()
    words = {
        "validation": "chosen by validation log loss among 7 candidates",
        "cross-validation": "chosen by out-of-fold log loss among 7 candidates in 5-fold cross-validation",
    }
    assert words[path] in choice.reason
    assert table.loc[table["chosen"], "shap_cost"].item() <= SHAP_BUDGET


def test_choose_capacity_does_not_widen_the_trees_on_a_noise_table():
    data, split = _encoded(_flat_set(3_000, signal=False))
    choice = choose_capacity(data, split.train, split.valid, _config())
    assert "wider" in set(choice.candidates["candidate"])
    assert choice.config.num_leaves <= LightGBMConfig().num_leaves


def test_choose_capacity_returns_the_chosen_candidates_booster(validation_path):
    data, split = _encoded(_flat_set(3_000, signal=True))
    choice = choose_capacity(data, split.train, split.valid, _config())
    chosen = choice.candidates[choice.candidates["chosen"]].iloc[0]
    assert choice.booster.current_iteration() == chosen["rounds"]
    assert shap_cost(choice.booster) == chosen["shap_cost"]
    assert choice.cross_fitted is None and choice.evidence == "validation rows"


def test_choose_capacity_cross_validates_small_data_and_returns_the_chosen_fit():
    data, split = _encoded(_flat_set(3_000, signal=True))
    choice = choose_capacity(data, split.train, split.valid, _config())
    chosen = choice.candidates[choice.candidates["chosen"]].iloc[0]
    fitted = choice.cross_fitted
    assert choice.booster is None and fitted is not None
    assert fitted.rounds == chosen["rounds"] and fitted.folds == 5
    assert np.array_equal(fitted.rows, np.sort(np.concatenate([split.train, split.valid])))
    # out of fold: each margin is from the fold model that did not see the row
    loss = -np.mean(
        data.label[fitted.rows] * np.log(fitted.probability())
        + (1 - data.label[fitted.rows]) * np.log(1 - fitted.probability())
    )
    assert loss == pytest.approx(chosen["valid_log_loss"])
    assert "cross-validated because the data is small (2,400 rows" in choice.reason


def test_capacity_fixed_fits_todays_parameters_exactly(renewal_set):
    config = TrainingConfig(
        num_threads=1,
        shap_sample=100,
        lightgbm=LightGBMConfig(capacity="fixed"),
        backtest=BacktestConfig(folds=0),
    )
    result = train_model(renewal_set, config)
    expected = {
        "objective": "binary",
        "metric": "binary_logloss",
        "learning_rate": 0.05,
        "num_leaves": 15,
        "max_depth": 5,
        "min_child_samples": 50,
        "feature_fraction": 0.8,
        "bagging_fraction": 0.8,
        "bagging_freq": 1,
        "lambda_l2": 1.0,
        "cat_smooth": 10.0,
        "seed": 7,
        "deterministic": True,
        "force_row_wise": True,
        "num_threads": 1,
        "verbosity": -1,
    }
    assert result.params == expected
    assert result.capacity.mode == "fixed" and result.capacity.candidates is None
    assert "capacity" not in result.timings


def test_capacity_choice_is_recorded_in_the_artifact_and_the_model_card(tmp_path):
    result = train_model(_flat_set(3_000, signal=True), _config())
    recorded = result.artifact.metadata["capacity"]
    assert recorded["mode"] == "auto"
    assert recorded["num_leaves"] == result.params["num_leaves"]
    assert len(recorded["candidates"]) == 7
    loaded = ScoringArtifact.load(result.artifact.save(tmp_path / "artifact"))
    assert loaded.metadata["capacity"]["reason"] == recorded["reason"]
    card = model_card(result, "test")
    assert f"- capacity: {recorded['reason']}" in card
    assert (
        "## Capacity candidates (5-fold cross-validation over the training and validation rows)"
        in card
    )


@pytest.mark.parametrize(
    ("lightgbm", "message"),
    [
        ({"capacity": "large"}, "capacity"),
        ({"capacty": "auto"}, "capacty"),
    ],
)
def test_capacity_config_rejects_bad_values_and_unknown_keys(lightgbm, message):
    with pytest.raises(ValidationError, match=message):
        TrainingConfig.model_validate({"lightgbm": lightgbm})


def _forced(config: TrainingConfig) -> CapacityChoice:
    chosen = config.lightgbm.model_copy(update={"num_leaves": 9, "min_child_samples": 25})
    return CapacityChoice(chosen, "auto", "forced", "forced by the test")


def _recording(monkeypatch, module) -> list[tuple[int, int, int | None]]:
    """Replaces ``module.fit_calibrated`` by a spy recording leaves, rows per leaf and rounds."""
    seen: list[tuple[int, int, int | None]] = []
    original = module.fit_calibrated

    def spy(data, train, valid, params, config, rounds=None, fitted=None, **small_data):
        seen.append((params["num_leaves"], params["min_child_samples"], rounds))
        return original(data, train, valid, params, config, rounds, fitted, **small_data)

    monkeypatch.setattr(module, "fit_calibrated", spy)
    return seen


def test_cross_validation_folds_use_the_chosen_capacity(monkeypatch):
    monkeypatch.setattr(
        training.pipeline, "choose_capacity", lambda data, train, valid, config: _forced(config)
    )
    seen = _recording(monkeypatch, training.crossval)
    result = train_model(
        _flat_set(1_500, signal=True), _config().model_copy(update={"cv_folds": 2})
    )
    assert (result.params["num_leaves"], result.params["min_child_samples"]) == (9, 25)
    assert [(leaves, rows) for leaves, rows, _ in seen] == [(9, 25), (9, 25)]


def test_backtest_uses_the_chosen_capacity_and_its_rounds(monkeypatch, renewal_set, fast_config):
    monkeypatch.setattr(
        training.pipeline, "choose_capacity", lambda data, train, valid, config: _forced(config)
    )
    seen = _recording(monkeypatch, training.backtest)
    result = train_model(renewal_set, fast_config)
    stopped = result.artifact.metadata["boosting_rounds_before_refit"]
    assert seen and all(entry == (9, 25, stopped) for entry in seen)
    assert result.params == lightgbm_params(result.config.lightgbm, 7, 1)


def test_choose_capacity_keeps_trees_within_the_treeshap_budget():
    data, split = _encoded(_flat_set(2_000, signal=True))
    # the configured learning rate for every shape: the wider trees need twice as many
    choice = choose_capacity(data, split.train, split.valid, _config(learning_rate=0.05))
    table = choice.candidates.set_index("candidate")
    assert table.loc["wider", "shap_cost"] > SHAP_BUDGET
    assert table.loc["wider", "valid_log_loss"] < table.loc["default", "valid_log_loss"]
    assert choice.chosen != "wider"
    assert "over the TreeSHAP budget" in choice.reason
