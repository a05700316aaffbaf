"""The training pipeline: baselines on the same split, calibration, reproducibility, backtest."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

from training.backtest import period_days, rolling_origins
from training.config import BacktestConfig, ScorecardRule, TuningConfig
from training.model_card import describe_rounds
from training.pipeline import MODEL, train_model

RULES = [
    ScorecardRule(feature="usage_drop", op=">=", threshold=1, points=40),
    ScorecardRule(feature="tickets_30d", op=">=", threshold=2, points=30),
    ScorecardRule(feature="nps_last", op="<=", threshold=6, points=30),
]


@pytest.fixture
def config(fast_config):
    return fast_config.model_copy(
        update={"baselines": fast_config.baselines.model_copy(update={"scorecard": RULES})}
    )


def test_train_model_scores_model_and_baselines_on_the_same_test_rows(renewal_set, config):
    result = train_model(renewal_set, config)
    assert {MODEL, "logistic", "scorecard", "ceiling"} <= set(result.metrics.index)
    assert all(len(p) == len(result.split.test) for p in result.test_scores.values())
    assert result.metrics.loc[MODEL, "roc_auc"] > result.metrics.loc["scorecard", "roc_auc"]
    assert result.metrics.loc[MODEL, "roc_auc"] <= result.metrics.loc["ceiling", "roc_auc"] + 0.02


def test_train_model_calibration_improves_brier_and_ece_on_the_test_rows(renewal_set, config):
    metrics = train_model(renewal_set, config).metrics
    raw, calibrated = metrics.loc[f"{MODEL}_uncalibrated"], metrics.loc[MODEL]
    assert calibrated["brier"] <= raw["brier"]
    assert calibrated["ece"] <= raw["ece"]


def test_train_model_is_reproducible_with_the_same_seed(renewal_set, config):
    first, second = train_model(renewal_set, config), train_model(renewal_set, config)
    pd.testing.assert_frame_equal(first.metrics, second.metrics)
    frame = renewal_set.features
    assert np.array_equal(first.artifact.predict_proba(frame), second.artifact.predict_proba(frame))
    pd.testing.assert_frame_equal(first.backtest, second.backtest)


def test_train_model_breaks_metrics_down_by_segment_and_lead_time(renewal_set, config):
    result = train_model(renewal_set, config)
    assert set(result.breakdowns["segment"].index) == {"smb", "mid_market", "enterprise"}
    assert result.breakdowns["lead_days"].index.tolist() == [30, 90, 180]
    assert result.breakdowns["segment"]["rows"].sum() == len(result.split.test)


def test_train_model_artifact_records_what_serving_needs(renewal_set, config):
    artifact = train_model(renewal_set, config).artifact
    assert artifact.features == renewal_set.feature_names
    assert artifact.categorical_levels == {"plan": ("basic", "enterprise", "pro")}
    assert (artifact.feature_set, artifact.feature_set_version) == ("test_set", "1")
    assert [ref.name for ref in artifact.references] == list(renewal_set.feature_names)
    # a small set: the saved booster is refitted on every row after the evaluation
    assert artifact.metadata["trained_until"] == str(renewal_set.split_time.max())


def test_train_model_artifact_carries_the_score_distribution_of_the_test_rows(renewal_set, config):
    result = train_model(renewal_set, config)
    reference = result.artifact.score_reference
    assert reference.name == "churn_probability" and len(reference.edges) >= 5
    assert result.artifact.metadata["score_reference"]["count"] == len(result.split.test)
    # the evaluated model's test scores (the saved one was refitted on them afterwards)
    assert result.artifact.score_drift(result.test_scores[MODEL]) < 1e-6
    train_rows = renewal_set.features.iloc[result.split.train]
    assert result.artifact.score_drift(result.artifact.predict_proba(train_rows)) > 0.01


def test_train_model_skips_scorecard_rules_on_absent_features(renewal_set, fast_config):
    rules = [*RULES[:2], ScorecardRule(feature="not_here", op=">=", threshold=1, points=30)]
    config = fast_config.model_copy(
        update={"baselines": fast_config.baselines.model_copy(update={"scorecard": rules})}
    )
    result = train_model(renewal_set, config)
    assert "scorecard" in result.metrics.index
    assert any("not_here" in note for note in result.notes)


def test_backtest_periods_fit_a_short_history_and_a_configured_length_is_kept():
    long = pd.Series(pd.date_range("2023-01-01", "2026-06-30", freq="D"))
    short = pd.Series(pd.date_range("2023-01-31", "2023-03-26", freq="D"))
    assert period_days(long, folds=3, configured=None) == 90
    assert period_days(short, folds=3, configured=None) == 9
    assert period_days(short, folds=3, configured=30) == 30
    tiny = pd.Series(pd.to_datetime(["2023-01-01", "2023-01-10"]))
    assert period_days(tiny, folds=3, configured=None) == 7
    origins = rolling_origins(short, folds=3, period_days=9)
    assert origins[0] > short.min() + (short.max() - short.min()) / 2


def test_rolling_origins_are_consecutive_periods_ending_after_the_last_observation():
    as_of = pd.Series(pd.to_datetime(["2024-01-01", "2024-12-30"]))
    origins = rolling_origins(as_of, folds=3, period_days=30)
    assert [o.date().isoformat() for o in origins] == ["2024-10-02", "2024-11-01", "2024-12-01"]


def test_backtest_trains_only_on_outcomes_known_before_each_origin(renewal_set, config):
    table = train_model(renewal_set, config).backtest
    known = pd.to_datetime(renewal_set.label_time)
    for row in table.itertuples():
        assert row.train_rows == int((known < pd.Timestamp(row.origin)).sum())
        observed = pd.to_datetime(renewal_set.as_of)
        in_window = (observed >= pd.Timestamp(row.origin)) & (observed < pd.Timestamp(row.test_end))
        assert row.test_rows == int(in_window.sum())


def test_train_model_leaves_out_a_feature_that_tracks_time(renewal_set, config):
    start = renewal_set.split_time.min()
    with_clock = renewal_set.features.assign(
        history_months=(renewal_set.split_time - start).dt.days // 30
    )
    result = train_model(dataclasses.replace(renewal_set, features=with_clock), config)
    assert "history_months" not in result.artifact.features
    assert any("history_months (PSI" in note for note in result.notes)
    kept = train_model(
        dataclasses.replace(renewal_set, features=with_clock),
        config.model_copy(update={"max_feature_psi": None}),
    )
    assert "history_months" in kept.artifact.features


def test_train_model_tuning_is_seeded_and_keeps_trees_moderate(renewal_set, config):
    tuned = config.model_copy(
        update={"tuning": TuningConfig(enabled=True, trials=3), "backtest": BacktestConfig(folds=0)}
    )
    first, second = train_model(renewal_set, tuned), train_model(renewal_set, tuned)
    assert len(first.tuning_trials) == 3
    assert first.params == second.params
    assert first.params["num_leaves"] <= 31
    assert first.params["max_depth"] <= 6
    assert "tune" in first.timings


def test_final_booster_is_refitted_on_training_and_validation_rows(renewal_set, config):
    # the validation-split procedure (a large training set, or capacity fixed)
    lightgbm = config.lightgbm.model_copy(update={"capacity": "fixed"})
    config = config.model_copy(update={"lightgbm": lightgbm})
    result = train_model(renewal_set, config)
    metadata = result.artifact.metadata
    train, valid = len(result.split.train), len(result.split.valid)
    stopped = metadata["boosting_rounds_before_refit"]
    assert metadata["boosting_rounds"] == round(stopped * (train + valid) / train) > stopped
    assert f"kept {stopped} on the training rows alone" in describe_rounds(result.artifact)

    alone = train_model(renewal_set, _without_refit(config))
    assert alone.artifact.metadata["boosting_rounds"] == stopped
    assert (
        describe_rounds(alone.artifact)
        == f"{stopped} boosting rounds (early stopping on validation log loss)"
    )
    # same early stopping and calibration; a different booster behind them
    assert alone.artifact.calibration == result.artifact.calibration
    test = renewal_set.features.iloc[result.split.test]
    assert not np.allclose(
        alone.artifact.predict_margin(test), result.artifact.predict_margin(test)
    )


def test_backtest_refits_from_the_rounds_early_stopping_kept(renewal_set, config):
    refitted = train_model(renewal_set, config).backtest
    alone = train_model(renewal_set, _without_refit(config)).backtest
    assert refitted["train_rows"].tolist() == alone["train_rows"].tolist()
    assert not np.allclose(refitted["roc_auc"], alone["roc_auc"])


def _without_refit(config):
    lightgbm = config.lightgbm.model_copy(update={"refit_on_validation": False})
    return config.model_copy(update={"lightgbm": lightgbm})


def test_small_data_model_is_refitted_on_every_row_after_an_evaluation_it_does_not_change(
    renewal_set, config
):
    saved = train_model(renewal_set, config)
    lightgbm = config.lightgbm.model_copy(update={"refit_on_test": False})
    evaluated = train_model(renewal_set, config.model_copy(update={"lightgbm": lightgbm}))
    # the same evaluation: the test rows were scored before the refit
    pd.testing.assert_frame_equal(saved.metrics, evaluated.metrics)
    assert saved.artifact.calibration == evaluated.artifact.calibration
    fitted = saved.capacity.cross_fitted
    rows = len(renewal_set.label)
    assert saved.artifact.booster.current_iteration() == fitted.rounds_for(rows)
    assert evaluated.artifact.booster.current_iteration() == fitted.final_rounds
    assert saved.artifact.metadata["refit_on_test"] == {
        "rows": rows,
        "boosting_rounds_evaluated": fitted.final_rounds,
    }
    assert evaluated.artifact.metadata["refit_on_test"] is None
    assert "test rows included, after the evaluation" in describe_rounds(saved.artifact)
    test = renewal_set.features.iloc[saved.split.test]
    assert not np.allclose(
        saved.artifact.predict_margin(test), evaluated.artifact.predict_margin(test)
    )


def test_small_out_of_time_set_is_calibrated_on_the_latest_rows_out_of_fold(renewal_set, config):
    result = train_model(renewal_set, config)
    assert result.capacity.cross_fitted is not None
    assert f"on {len(result.split.valid):,} held-out rows" in result.calibrations[MODEL].reason


def test_training_reports_each_step_and_each_backtest_origin_as_it_ends(renewal_set, config):
    reports = []
    result = train_model(renewal_set, config, lambda *report: reports.append(report))
    origins = [done for step, done, total in reports if step == "backtest origins"]
    assert (
        origins == list(range(config.backtest.folds + 1)) == list(range(len(result.backtest) + 1))
    )
    steps = [report for report in reports if report[0] == "training"]
    assert steps[-1][1] == steps[-1][2] == len(result.timings)
