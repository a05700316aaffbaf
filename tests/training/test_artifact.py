"""The scoring artifact: health and bands, encoding, save/load, drift."""

import json
import subprocess
import sys

import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from features.catalogue import FeatureConfig
from training.artifact import Calibration, FeatureReference, HealthScale, ScoringArtifact
from training.config import HealthConfig
from training.errors import ArtifactError

SCALE = HealthScale(exponent=3.0, bands=(("healthy", 70.0), ("watch", 40.0), ("at_risk", 0.0)))


@given(st.lists(st.floats(min_value=0, max_value=1), min_size=2, max_size=50))
def test_health_is_monotone_and_bounded(probabilities):
    p = np.sort(np.array(probabilities))
    health = SCALE.health(p)
    assert np.all(np.diff(health) <= 0)
    assert health.min() >= 0
    assert health.max() <= 100


def test_health_ends_and_documented_points():
    assert SCALE.health(np.array([0.0, 1.0])).tolist() == [100, 0]
    assert SCALE.health(np.array([0.1])).tolist() == [73]  # 100 * 0.9 ** 3 = 72.9


def test_band_uses_the_cutoffs_from_config():
    bands = HealthConfig().bands
    scale = HealthScale(3.0, tuple((band.name, band.min_health) for band in bands))
    assert scale.band(np.array([100, 70, 69, 40, 39, 0])).tolist() == [
        "healthy",
        "healthy",
        "watch",
        "watch",
        "at_risk",
        "at_risk",
    ]


def _artifact() -> ScoringArtifact:
    rng = np.random.default_rng(0)
    x = np.column_stack([rng.normal(size=500), rng.integers(0, 3, 500).astype(float)])
    y = (x[:, 0] + (x[:, 1] == 2) + rng.normal(size=500) > 0.5).astype(int)
    booster = lgb.train(
        {
            "objective": "binary",
            "verbosity": -1,
            "num_leaves": 7,
            "deterministic": True,
            "num_threads": 1,
        },
        lgb.Dataset(x, y, feature_name=["usage", "plan"], categorical_feature=[1]),
        num_boost_round=20,
    )
    return ScoringArtifact(
        booster=booster,
        features=("usage", "plan"),
        categorical_levels={"plan": ("basic", "enterprise", "pro")},
        feature_set="test",
        feature_set_version="1",
        calibration=Calibration("platt", slope=0.8, intercept=-0.1),
        health_scale=SCALE,
        references=(
            FeatureReference.of_numeric("usage", x[:, 0]),
            FeatureReference.of_categorical("plan", x[:, 1], ("basic", "enterprise", "pro")),
        ),
        metadata={"label": "churned"},
        score_reference=FeatureReference.of_numeric("churn_probability", rng.beta(2, 8, 500)),
        feature_config=FeatureConfig(
            event_quantity_norms={"login": 1.9, "api_call": 42.2},
            usage_events_vocabulary=("Page View", "login", "注文"),
        ),
    )


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {"plan": ["pro", "basic", None, "brand-new"], "usage": [1.5, -0.3, 0.0, None], "extra": 1}
    )


def test_artifact_encodes_categoricals_by_level_and_unseen_as_missing():
    matrix = _artifact().encode(_frame())
    assert matrix[:, 1].tolist()[:2] == [2.0, 0.0]
    assert np.isnan(matrix[2:, 1]).all()
    assert np.isnan(matrix[3, 0])


def test_artifact_score_gives_probability_health_and_band():
    artifact = _artifact()
    scores = artifact.score(_frame())
    assert list(scores.columns) == ["churn_probability", "health", "band"]
    assert np.allclose(scores["churn_probability"], artifact.predict_proba(_frame()))
    assert (
        scores["health"].tolist()
        == artifact.health(scores["churn_probability"].to_numpy()).tolist()
    )
    assert set(scores["band"]) <= {"healthy", "watch", "at_risk"}


def test_artifact_contributions_add_up_to_the_margin():
    artifact = _artifact()
    contributions = artifact.contributions(_frame())
    assert np.allclose(contributions.sum(axis=1), artifact.predict_margin(_frame()))


def test_artifact_save_and_load_round_trip(tmp_path):
    artifact = _artifact()
    loaded = ScoringArtifact.load(artifact.save(tmp_path / "a"))
    assert np.array_equal(loaded.predict_proba(_frame()), artifact.predict_proba(_frame()))
    assert loaded.categorical_levels == artifact.categorical_levels
    assert loaded.health_scale == artifact.health_scale
    assert loaded.references == artifact.references
    assert loaded.score_reference == artifact.score_reference
    assert len(loaded.score_reference.edges) == 9
    assert loaded.metadata == {"label": "churned"}
    assert loaded.feature_config == artifact.feature_config
    assert loaded.feature_config.usage_events_vocabulary == ("Page View", "login", "注文")


def test_artifact_saved_before_score_references_loads_without_one(tmp_path):
    folder = _artifact().save(tmp_path / "a")
    state = json.loads((folder / "scorecard.json").read_text())
    del state["score_reference"]
    (folder / "scorecard.json").write_text(json.dumps(state))
    loaded = ScoringArtifact.load(folder)
    assert loaded.score_reference is None
    assert loaded.score_drift(np.array([0.1, 0.2])) is None


def test_artifact_saved_before_feature_configs_loads_with_the_default_one(tmp_path):
    folder = _artifact().save(tmp_path / "a")
    state = json.loads((folder / "scorecard.json").read_text())
    del state["feature_config"]
    (folder / "scorecard.json").write_text(json.dumps(state))
    assert ScoringArtifact.load(folder).feature_config == FeatureConfig()


def test_score_drift_is_small_for_like_scores_and_large_for_shifted_ones():
    artifact = _artifact()
    rng = np.random.default_rng(2)
    assert artifact.score_drift(rng.beta(2, 8, 2000)) < 0.05
    assert artifact.score_drift(rng.beta(6, 4, 2000)) > 0.25


def test_artifact_names_missing_features():
    with pytest.raises(ArtifactError, match=r"lack 1 feature\(s\).*\['usage'\].*feature set test"):
        _artifact().predict_proba(pd.DataFrame({"plan": ["pro"]}))


def test_artifact_rejects_text_in_a_numeric_feature():
    with pytest.raises(ArtifactError, match="feature 'usage' must be numeric but holds 'lots'"):
        _artifact().predict_proba(pd.DataFrame({"plan": ["pro"], "usage": ["lots"]}))


def test_artifact_load_refuses_another_format_version(tmp_path):
    folder = _artifact().save(tmp_path / "a")
    state = json.loads((folder / "scorecard.json").read_text())
    (folder / "scorecard.json").write_text(json.dumps({**state, "format_version": 99}))
    with pytest.raises(ArtifactError, match="format version 99"):
        ScoringArtifact.load(folder)


def test_artifact_load_names_a_folder_that_is_not_an_artifact(tmp_path):
    with pytest.raises(ArtifactError, match="cannot read a scoring artifact"):
        ScoringArtifact.load(tmp_path)


def test_drift_is_small_on_training_like_rows_and_large_on_shifted_ones():
    artifact = _artifact()
    rng = np.random.default_rng(1)
    same = pd.DataFrame(
        {"usage": rng.normal(size=2000), "plan": rng.choice(["basic", "enterprise", "pro"], 2000)}
    )
    shifted = same.assign(usage=same["usage"] + 2, plan="pro")
    assert artifact.drift(same).max() < 0.05
    assert (artifact.drift(shifted) > 0.25).all()


def test_loading_the_artifact_class_leaves_training_only_libraries_unloaded():
    code = (
        "import sys\n"
        "from training import ScoringArtifact\n"
        "heavy = ('mlflow', 'optuna', 'matplotlib', 'shap')\n"
        "print(','.join(name for name in heavy if name in sys.modules))\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == ""
