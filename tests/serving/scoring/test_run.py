"""The scoring run's pieces: the default as_of, the account context, a source with no one to score."""

import pandas as pd
import pytest

from features.data import load_dataset
from serving.scoring import DriftSummary, Scorer, ScoringError, score_source
from serving.scoring.run import account_context, latest_event_time


def test_default_as_of_is_the_latest_clean_event_time(scored_world):
    with load_dataset(scored_world.world) as dataset:
        latest = latest_event_time(dataset)
        usage = dataset.relation("usage_events").aggregate("max(timestamp) AS t").df()["t"].iloc[0]
    assert latest >= pd.Timestamp(usage).to_pydatetime()
    assert latest.year == 2026  # dirty far-future timestamps were quarantined, not used


def test_account_context_has_owner_arr_and_the_next_renewal(scored_world):
    with load_dataset(scored_world.world) as dataset:
        context = account_context(dataset, scored_world.as_of)
    assert {"account_id", "arr", "segment", "owner", "renewal_date"} <= set(context.columns)
    upcoming = context["renewal_date"].dropna()
    assert len(upcoming) and (pd.to_datetime(upcoming) >= pd.Timestamp(scored_world.as_of)).all()


def test_scoring_before_any_account_existed_says_so(scored_world, tmp_path):
    with pytest.raises(ScoringError, match=r"no account .* is active at 2000-01-01"):
        score_source(
            scored_world.world,
            as_of="2000-01-01",
            out=tmp_path,
            history_url=str(tmp_path / "h.duckdb"),
        )


def test_drift_json_reads_back_as_a_drift_summary(scored_world):
    summary = DriftSummary.read(scored_world.drift_json)
    assert summary.rows > 100
    assert set(summary.drifted) <= set(summary.feature_psi)
    assert summary.score_psi is not None


def test_the_champion_carries_a_score_reference_the_run_compares_with(scored_world):
    artifact = Scorer.from_registry(scored_world.model_uri).artifact
    held_out = artifact.metadata["score_reference"]
    assert artifact.score_reference is not None and held_out["rows"] == "test"
    summary = DriftSummary.read(scored_world.drift_json)
    assert summary.score_reference == f"training's {held_out['count']:,} held-out test rows"
    # the accounts were scored 30 days before: that comparison is kept beside
    assert summary.previous_score_psi is not None
    assert summary.previous_score_reference.startswith("the previous scoring of")


def test_days_to_renewal_shifts_by_design_and_is_reported_apart(scored_world):
    summary = DriftSummary.read(scored_world.drift_json)
    assert "days_to_renewal" in summary.feature_psi
    assert set(summary.expected) == {"days_to_renewal", "contract_term_months", "term_left_share"}
    assert "days_to_renewal" not in summary.drifted
    said = " ".join(scored_world.cli_output.split())  # as read, whatever the terminal's width
    assert "expected by design: days_to_renewal" in said


def test_score_files_tell_no_contract_feature_as_a_driver(scored_world):
    scores = pd.read_parquet(scored_world.scores_parquet)
    told = scores[["driver_1", "driver_2", "driver_3", "protective_1", "protective_2"]]
    sentences = told.stack().dropna()
    assert len(sentences) > len(scores)
    contract = sentences.str.match(
        r"Renewal in|No upcoming renewal|Customer for|ARR |Segment |Renewed"
    )
    assert not contract.any(), sentences[contract].head().tolist()


def test_scoring_builds_features_with_the_usage_norms_the_model_was_trained_with(scored_world):
    from features.catalogue import FeatureConfig, FeatureSource, build_features
    from serving.scoring.run import scoring_features

    artifact = Scorer.from_registry(scored_world.model_uri).artifact
    assert artifact.feature_config.event_quantity_norms  # fitted by churn train
    name = "usage_intensity_vs_typical_pct_change_90d"
    with load_dataset(scored_world.world) as dataset:
        scored = scoring_features(dataset, Scorer(artifact), scored_world.as_of)
        points = scored[["account_id", "as_of"]]
        trained_way = build_features(
            FeatureSource.from_dataset(dataset), points, [name], artifact.feature_config
        )
        without = build_features(
            FeatureSource.from_dataset(dataset), points, [name], FeatureConfig()
        )
    assert scored[name].notna().mean() > 0.5
    pd.testing.assert_series_equal(scored[name], trained_way[name])
    assert without[name].isna().all()


def test_scoring_builds_the_quotes_of_the_models_text_features(scored_world):
    from features.catalogue.render import quotes_of
    from serving.scoring.run import scoring_features

    artifact = Scorer.from_registry(scored_world.model_uri).artifact
    assert artifact.feature_config.text_themes  # fitted by churn train from the world's texts
    assert "negative_texts_count_90d" in artifact.features
    quotes = quotes_of(artifact.features)
    assert "negative_text_example_90d" in quotes
    with load_dataset(scored_world.world) as dataset:
        scored = scoring_features(dataset, Scorer(artifact), scored_world.as_of)
    assert set(quotes) <= set(scored.columns)
    negative = scored["negative_texts_count_90d"] > 0
    assert negative.any() and scored.loc[negative, "negative_text_example_90d"].notna().all()
    assert not set(quotes) & set(artifact.features)  # never model inputs
