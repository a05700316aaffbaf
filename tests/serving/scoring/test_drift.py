"""Drift: PSI per feature against training, score PSI against the model's score reference
(or the previous run), expected shifts, drift.json."""

import json
from dataclasses import replace

import numpy as np

from serving.scoring import DriftSummary, Scorer, drift_summary
from serving.scoring.drift import EXPECTED_SHIFTS

DRIFTED = 0.25


def test_a_shifted_feature_is_reported_as_drifted_and_others_are_not(artifact, rows, tmp_path):
    shifted = rows.copy()
    shifted["tickets_count_30d"] = shifted["tickets_count_30d"] + 8
    summary = drift_summary(artifact, shifted, artifact.predict_proba(shifted))
    assert list(summary.drifted) == ["tickets_count_30d"]
    assert summary.feature_psi["tickets_count_30d"] > 1
    assert summary.previous_score_psi is None
    assert "1 of 12 features drifted" in summary.describe()
    document = json.loads(summary.write(tmp_path / "drift.json").read_text())
    assert document["drifted"] == {"tickets_count_30d": summary.feature_psi["tickets_count_30d"]}


def test_scores_like_the_held_out_rows_do_not_drift_from_the_score_reference(artifact, rows):
    summary = Scorer(artifact).score(rows).drift
    assert summary.score_psi < 0.1
    assert not summary.scores_drifted
    assert summary.score_reference == "training's 1,000 held-out test rows"


def test_a_scoring_run_on_shifted_data_reports_score_drift_against_training(artifact, rows):
    worse = rows.assign(overdue_invoices_count=4.0, max_days_past_due=80.0, tickets_count_30d=9.0)
    summary = Scorer(artifact).score(worse).drift
    assert summary.score_psi > DRIFTED
    assert summary.scores_drifted
    assert f"score PSI {summary.score_psi:.3f} vs training's" in summary.describe()
    assert "(drifted)" in summary.describe()


def test_the_previous_run_is_kept_as_extra_information_beside_training(artifact, rows):
    scorer = Scorer(artifact)
    first = scorer.score(rows)
    second = scorer.score(rows, previous=first.history_rows()).drift
    assert second.score_reference.startswith("training's")
    assert second.previous_score_psi == 0.0  # the same rows scored again
    assert (
        second.previous_score_reference == f"the previous scoring of {len(rows)} of these accounts"
    )
    assert second.score_psi == first.drift.score_psi


def test_without_a_score_reference_the_scores_are_compared_with_the_previous_run(artifact, rows):
    old_model = replace(artifact, score_reference=None)
    rng = np.random.default_rng(0)
    before = rng.beta(2, 10, len(rows))
    same = drift_summary(old_model, rows, rng.beta(2, 10, len(rows)), before)
    moved = drift_summary(old_model, rows, rng.beta(6, 6, len(rows)), before)
    assert same.score_psi < 0.1 < DRIFTED < moved.score_psi
    assert moved.scores_drifted and not same.scores_drifted
    assert moved.score_reference.startswith("the previous scoring")
    assert moved.previous_score_psi is None
    assert drift_summary(old_model, rows, before).score_psi is None


def test_expected_shifts_are_reported_apart_and_not_counted_as_drifted(artifact, rows, tmp_path):
    assert set(EXPECTED_SHIFTS) == {"days_to_renewal", "contract_term_months", "term_left_share"}
    summary = DriftSummary(
        rows=10,
        feature_psi={"days_to_renewal": 2.5, "tickets_count_30d": 0.9, "nps_latest": 0.01},
        expected={"days_to_renewal": EXPECTED_SHIFTS["days_to_renewal"]},
    )
    assert summary.drifted == {"tickets_count_30d": 0.9}
    assert summary.expected_drift == {"days_to_renewal": 2.5}
    assert summary.describe().startswith(
        "1 of 2 features drifted (PSI > 0.25): tickets_count_30d 0.90; "
        "expected by design: days_to_renewal 2.50"
    )
    document = json.loads(summary.write(tmp_path / "drift.json").read_text())
    assert document["expected_drift"] == {"days_to_renewal": 2.5}
    assert document["feature_psi"]["days_to_renewal"] == 2.5
    assert DriftSummary.read(tmp_path / "drift.json") == summary


def test_expected_shifts_are_declared_only_for_features_the_model_has(artifact, rows):
    assert "days_to_renewal" not in artifact.features
    assert drift_summary(artifact, rows, artifact.predict_proba(rows)).expected == {}


def test_a_batch_drift_uses_the_scored_matrix_and_matches_encoding_the_rows_again(artifact, rows):
    batch = Scorer(artifact).score(rows)
    again = drift_summary(artifact, rows, batch.frame["churn_probability"].to_numpy())
    assert batch.drift == again
