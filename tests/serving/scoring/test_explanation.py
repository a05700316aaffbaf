"""Explanations: plain records read as validated AccountExplanation objects, or as JSON."""

import json

import pytest

from serving.scoring import AccountExplanation, Scorer


@pytest.fixture(scope="module")
def batch(artifact, make_rows):
    return Scorer(artifact, "tiny", "3").score(make_rows(20, seed=9))


def test_explanations_are_validated_objects_in_row_order(batch):
    assert len(batch.explanations) == 20
    first = batch.explanations[0]
    assert isinstance(first, AccountExplanation)
    assert first.account_id == batch.frame["account_id"].iloc[0]
    assert first.health == batch.frame["health"].iloc[0]
    assert [e.account_id for e in batch.explanations[-2:]] == batch.frame["account_id"].iloc[
        -2:
    ].tolist()
    with pytest.raises(IndexError):
        batch.explanations[20]


def test_explanation_json_matches_the_object(batch):
    document = json.loads(batch.explanations.json(3))
    assert AccountExplanation.model_validate(document) == batch.explanations[3]
    assert document["drivers"][0]["sentence"] == batch.frame["driver_1"].iloc[3]
