"""Which registered model a URI means: aliases resolve to the version the scores record."""

import pytest

from serving.scoring import ScoringError
from serving.scoring.registry import resolve_model


def test_an_alias_resolves_to_its_version_number(scored_world):
    name, version, artifact = resolve_model(scored_world.model_uri)
    assert name == "churn-scorecard"
    assert version == "1"
    assert resolve_model("models:/churn-scorecard/1")[1] == "1"
    assert artifact.feature_set == "churn_v1"


def test_an_unknown_alias_says_how_to_get_a_model(scored_world):
    with pytest.raises(ScoringError, match="churn train"):
        resolve_model("models:/churn-scorecard@nobody")
