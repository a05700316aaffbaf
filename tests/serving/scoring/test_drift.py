"""Drift: PSI per feature against training, score PSI against the previous run, drift.json."""

import json

import numpy as np

from serving.scoring import drift_summary


def test_a_shifted_feature_is_reported_as_drifted_and_others_are_not(artifact, rows, tmp_path):
    shifted = rows.copy()
    shifted["tickets_count_30d"] = shifted["tickets_count_30d"] + 8
    summary = drift_summary(artifact, shifted, np.full(len(rows), 0.1))
    assert list(summary.drifted) == ["tickets_count_30d"]
    assert summary.feature_psi["tickets_count_30d"] > 1
    assert summary.score_psi is None
    assert "1 of 12 features drifted" in summary.describe()
    document = json.loads(summary.write(tmp_path / "drift.json").read_text())
    assert document["drifted"] == {"tickets_count_30d": summary.feature_psi["tickets_count_30d"]}


def test_score_psi_compares_with_the_previous_run(artifact, rows):
    rng = np.random.default_rng(0)
    before = rng.beta(2, 10, len(rows))
    same = drift_summary(artifact, rows, rng.beta(2, 10, len(rows)), before)
    moved = drift_summary(artifact, rows, rng.beta(6, 6, len(rows)), before)
    assert same.score_psi < 0.1 < DRIFTED_SCORE < moved.score_psi
    assert moved.scores_drifted and not same.scores_drifted


DRIFTED_SCORE = 0.25
