"""The scoring run's pieces: the default as_of, the account context, a source with no one to score."""

import pandas as pd
import pytest

from features.data import load_dataset
from serving.scoring import DriftSummary, ScoringError, score_source
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
    assert summary.score_psi is not None  # the accounts were scored 30 days before
