"""Drivers: features telling one story merge, sentences carry raw values, never read backwards."""

import numpy as np
import pandas as pd
import pytest

from features.catalogue import CATALOGUE, CHURN_V1
from serving.scoring.attribution import feature_source
from serving.scoring.stories import FeatureRows, Stories, sentence, top_stories


def tell(features, row, points, sign):
    """Tell the (single) story of ``features`` for one account: (lead feature, sentence) or None."""
    stories = Stories(features)
    assert len(stories) == 1
    rows = FeatureRows(pd.DataFrame([row]), features)
    told = stories.tell(0, rows, 0, np.asarray(points, dtype=float), sign)
    return None if told is None else (features[told[0]], told[1])


def _story_of(stories, name):
    j = stories.features.index(name)
    return next(s for s in stories.stories if j in s.members)


def _names(stories, story):
    return {stories.features[j] for j in story.members}


def test_stories_merge_a_count_with_its_change_and_never_mix_dimensions():
    stories = Stories(CHURN_V1.features)
    assert {"active_users_30d", "active_users_prev_30d", "active_users_pct_change_30d"} <= _names(
        stories, _story_of(stories, "active_users_pct_change_30d")
    )
    assert {"events_count_30d", "events_count_prev_30d", "events_pct_change_30d"} <= _names(
        stories, _story_of(stories, "events_pct_change_30d")
    )
    assert {"nps_latest", "nps_previous", "nps_change_since_previous", "nps_detractor"} == _names(
        stories, _story_of(stories, "nps_latest")
    )
    assert {"overdue_invoices_count", "max_days_past_due", "overdue_amount"} == _names(
        stories, _story_of(stories, "max_days_past_due")
    )
    for story in stories.stories:
        assert len({feature_source(stories.features[j]) for j in story.members}) == 1
    assert sorted(j for s in stories.stories for j in s.members) == list(
        range(len(CHURN_V1.features))
    )


def test_story_points_are_the_sum_of_their_features_points():
    stories = Stories(CHURN_V1.features)
    points = np.random.default_rng(0).normal(size=(20, len(CHURN_V1.features)))
    grouped = stories.points(points)
    np.testing.assert_allclose(grouped.sum(axis=1), points.sum(axis=1))


def test_the_change_sentence_tells_the_story_with_raw_values():
    features = ("active_users_30d", "active_users_prev_30d", "active_users_pct_change_30d")
    row = {
        "active_users_30d": 18,
        "active_users_prev_30d": 31,
        "active_users_pct_change_30d": -41.9,
    }
    lead, text = tell(features, row, [0.01, 0.002, 0.03], +1)
    assert lead == "active_users_pct_change_30d"
    assert text == "Active users fell 42% in the last 30 days (31 -> 18)"


@pytest.mark.parametrize(
    ("row", "sign", "expected"),
    [
        (
            {"overdue_invoices_count": 2, "max_days_past_due": 47},
            +1,
            "2 invoices overdue, the oldest 47 days",
        ),
        (
            {"overdue_invoices_count": 0, "max_days_past_due": 0},
            +1,
            None,
        ),  # nothing overdue is no risk
        (
            {"overdue_invoices_count": 0, "max_days_past_due": 0},
            -1,
            "No invoices overdue",
        ),
    ],
)
def test_a_story_that_would_read_backwards_is_not_told(row, sign, expected):
    features = ("overdue_invoices_count", "max_days_past_due")
    told = tell(features, row, np.array([0.02, 0.01]) * sign, sign)
    assert (told and told[1]) == expected


def test_a_rise_alone_is_not_told_as_a_risk():
    row = {"nps_change_since_previous": 2}
    assert tell(("nps_change_since_previous",), row, [0.02], +1) is None


def test_a_detractor_score_is_told_as_a_risk_with_its_rise_for_context():
    features = ("nps_latest", "nps_previous", "nps_change_since_previous")
    row = {"nps_latest": 4, "nps_previous": 2, "nps_change_since_previous": 2}
    lead, text = tell(features, row, [0.01, 0.03, 0.02], +1)
    assert lead == "nps_latest"
    assert text == "Last NPS 4 (detractor), up from 2"


def test_top_stories_picks_the_largest_points_of_each_sign_in_order():
    points = np.array([[0.1, -0.3, 0.5, 0.0, -0.1]])
    top, ok = top_stories(points, 3, +1)
    assert top[0][ok[0]].tolist() == [2, 0]
    top, ok = top_stories(points, 2, -1)
    assert top[0][ok[0]].tolist() == [1, 4]


def test_every_template_renders_without_feature_names_on_real_rows(scored_world):
    from features.catalogue import FeatureSource, active_accounts, build_features
    from features.data import load_dataset

    with load_dataset(scored_world.world) as dataset:
        source = FeatureSource.from_dataset(dataset)
        points = active_accounts(source, scored_world.as_of)
        frame = build_features(source, points, features=CHURN_V1.features)
    sample = frame.sample(min(len(frame), 150), random_state=0)
    for record in sample.to_dict(orient="records"):
        for name in CHURN_V1.features:
            text = sentence(name, record)
            assert text and "{" not in text and "nan" not in text.lower().split(), (name, text)
            assert not any(other in text for other in CATALOGUE if "_" in other), (name, text)


def test_the_same_values_render_the_same_sentence_once():
    features = ("tickets_count_30d",)
    stories = Stories(features)
    rows = FeatureRows(pd.DataFrame({"tickets_count_30d": [3.0, 3.0, 4.0]}), features)
    told = [stories.tell(0, rows, i, np.array([0.1]), +1)[1] for i in range(3)]
    assert told == [
        "3 support tickets opened in the last 30 days",
        "3 support tickets opened in the last 30 days",
        "4 support tickets opened in the last 30 days",
    ]
    assert len(stories._sentences) == 2


def test_a_level_outside_the_feature_labels_is_told_plainly_not_an_error():
    row = {"max_incident_severity_90d": 7.0}
    text = sentence("max_incident_severity_90d", row)
    assert text == "Worst incident severity in the last 90 days: level 7 (outside 0-4)"
    assert sentence("max_incident_severity_90d", {"max_incident_severity_90d": 3.0}).endswith(
        ": high"
    )


def test_stories_quote_what_was_written_when_the_rows_carry_it():
    features = ["negative_texts_count_90d"]
    row = {
        "negative_texts_count_90d": 3,
        "negative_text_theme_90d": "billing",
        "negative_text_example_90d": "'charged twice this month' (survey comment)",
    }
    quotes = ["negative_text_theme_90d", "negative_text_example_90d"]
    rows = FeatureRows(pd.DataFrame([row]), features, quotes=quotes)
    assert Stories(features).sentence(0, rows, 0) == (
        "3 negative comments or notes in the last 90 days, the most negative about billing: "
        "'charged twice this month' (survey comment)"
    )
    # records without the quotes (e.g. POST /score) still read
    bare = FeatureRows(pd.DataFrame([{"negative_texts_count_90d": 3}]), features, quotes=quotes)
    assert Stories(features).sentence(0, bare, 0) == (
        "3 negative comments or notes in the last 90 days"
    )
