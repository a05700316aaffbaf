"""Score change: the health change shared out by dimension, as one sentence."""

import json
import warnings

import numpy as np
import pandas as pd
import pytest

from serving.scoring import ScoreChange, change_summary
from serving.scoring.change import score_changes
from training.artifact import HealthScale

SCALE = HealthScale(exponent=3.0, bands=(("healthy", 70.0), ("watch", 40.0), ("at_risk", 0.0)))


def test_change_summary_names_the_two_biggest_movers_in_the_direction_of_the_change():
    text = change_summary(72, 51, {"usage": -14, "billing": -6, "survey": 1, "support": -1})
    assert text == "health 72 -> 51, mostly usage (-14) and billing (-6)"
    assert change_summary(50, 50, {"usage": 0}) == "health unchanged at 50"
    assert change_summary(40, 55, {"contract": 15}) == "health 40 -> 55, mostly contract (+15)"


def _previous(points, probability, baseline, health):
    explanation = {
        "dimensions": [
            {"name": k, "score": None, "points": v} for k, v in points.items() if k != "contract"
        ],
        "context_points": points["contract"],
    }
    return pd.DataFrame(
        {
            "account_id": ["A1"],
            "as_of": [pd.Timestamp("2026-05-31")],
            "health": [health],
            "churn_probability": [probability],
            "baseline_probability": [baseline],
            "explanation": [json.dumps(explanation)],
        }
    )


def test_health_change_is_shared_out_in_proportion_to_the_change_in_points():
    baseline = 0.08
    before = {"usage": -0.02, "billing": 0.0, "contract": 0.01}
    after = {"usage": 0.10, "billing": 0.04, "contract": 0.01}
    p_before = baseline + sum(before.values())
    p_after = baseline + sum(after.values())
    h_before, h_after = SCALE.health(np.array([p_before, p_after]))
    [record] = score_changes(
        ["A1"],
        np.array([h_after]),
        np.array([p_after]),
        np.array([baseline]),
        {k: np.array([v]) for k, v in after.items()},
        _previous(before, p_before, baseline, int(h_before)),
        SCALE,
    )
    change = ScoreChange.model_validate(record)
    assert change.previous_health == h_before
    assert change.health_change == h_after - h_before
    assert change.by_dimension["contract"] == 0
    assert abs(change.by_dimension["usage"] - (h_after - h_before) * 0.12 / 0.16) <= 0.5
    assert change.summary.startswith(f"health {h_before} -> {h_after}, mostly usage")


def test_accounts_never_scored_before_have_no_change():
    changes = score_changes(
        ["A2"],
        np.array([50]),
        np.array([0.2]),
        np.array([0.1]),
        {"usage": np.array([0.1])},
        _previous({"usage": 0.0, "contract": 0.0}, 0.1, 0.1, 73),
        SCALE,
    )
    assert changes == [None]


def test_rows_stored_without_explanation_fall_back_to_their_sub_scores():
    baseline = 0.08
    p_before, p_after = 0.08 + 0.06, 0.08 + 0.16
    h_before, h_after = SCALE.health(np.array([p_before, p_after]))
    usage_score = int(SCALE.health(np.array([baseline + 0.06]))[0])
    previous = pd.DataFrame(
        {
            "account_id": ["A1"],
            "health": [h_before],
            "churn_probability": [p_before],
            "baseline_probability": [baseline],
            "usage_score": [usage_score],
            "explanation": [None],
        }
    )
    [record] = score_changes(
        ["A1"],
        np.array([h_after]),
        np.array([p_after]),
        np.array([baseline]),
        {"usage": np.array([0.16]), "contract": np.array([0.0])},
        previous,
        SCALE,
    )
    assert record["by_dimension"]["usage"] == pytest.approx(h_after - h_before, abs=1)
    assert record["summary"].startswith(f"health {h_before} -> {h_after}, mostly usage")


def test_a_batch_mixing_new_and_rescored_accounts_warns_of_nothing():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's "invalid value encountered in cast" included
        changes = score_changes(
            ["A1", "A2"],
            np.array([50, 60]),
            np.array([0.2, 0.15]),
            np.array([0.1, 0.1]),
            {"usage": np.array([0.1, 0.05]), "contract": np.array([0.0, 0.0])},
            _previous({"usage": 0.0, "contract": 0.0}, 0.1, 0.1, 73),
            SCALE,
        )
    assert changes[1] is None
    assert changes[0]["health_change"] == 50 - 73
    assert changes[0]["previous_as_of"] == pd.Timestamp("2026-05-31", tz="UTC")
