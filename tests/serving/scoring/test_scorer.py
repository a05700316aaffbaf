"""The scorer on a tiny model: score columns, exact points, sub-scores, plays, changes, alerts."""

import json

import numpy as np
import pandas as pd
import pytest

from features.catalogue import CATALOGUE
from serving.scoring import DIMENSIONS, SCORE_COLUMNS, FeatureRowsError, Scorer
from serving.scoring.attribution import probability_points
from training.artifact import Calibration

CONTRACT = ("tenure_days", "segment")
"""The tiny model's contract features."""


@pytest.fixture(scope="module")
def scorer(artifact):
    return Scorer(artifact, "tiny", "3")


def test_score_gives_exactly_the_score_columns_one_row_per_account(scorer, rows):
    batch = scorer.score(rows)
    assert list(batch.frame.columns) == list(SCORE_COLUMNS)
    assert batch.frame["account_id"].tolist() == rows["account_id"].tolist()
    np.testing.assert_allclose(
        batch.frame["churn_probability"], scorer.artifact.predict_proba(rows), rtol=1e-12
    )
    assert batch.frame["support_score"].notna().all()
    assert batch.frame[["previous_health", "health_change", "change_summary"]].isna().all().all()
    np.testing.assert_allclose(batch.frame["arr"], rows["arr"])  # from the rows when no accounts


@pytest.mark.parametrize(
    "calibration",
    [
        Calibration("platt", slope=0.9, intercept=-0.2),
        Calibration("isotonic", x=(-3, 0, 2), y=(0.02, 0.2, 0.7)),
    ],
    ids=["platt", "isotonic"],
)
def test_dimension_and_contract_points_add_up_to_probability_minus_baseline(
    make_artifact, rows, calibration
):
    batch = Scorer(make_artifact(calibration)).score(rows)
    for explanation in batch.explanations:
        total = sum(explanation.dimension_points().values())
        assert total == pytest.approx(
            explanation.churn_probability - explanation.baseline_probability, abs=1e-12
        )


def test_drivers_and_protective_factors_come_from_the_actionable_dimensions_only(scorer, rows):
    batch = scorer.score(rows)
    actionable = {d.value for d in DIMENSIONS}
    context_features = set()
    for explanation in batch.explanations:
        assert {d.dimension for d in explanation.drivers + explanation.protective} <= actionable
        assert {c.dimension for c in explanation.context} <= {"contract"}
        context_features |= {c.feature for c in explanation.context}
        effects = [abs(c.points) for c in explanation.context]
        assert effects == sorted(effects, reverse=True) and all(effects)
    assert context_features == set(CONTRACT)
    told = batch.frame[["driver_1", "driver_2", "driver_3", "protective_1", "protective_2"]]
    assert not told.stack().str.match(r"Customer for|Segment ").any()


@pytest.mark.parametrize(
    "calibration",
    [
        Calibration("platt", slope=0.9, intercept=-0.2),
        Calibration("isotonic", x=(-3, 0, 2), y=(0.02, 0.2, 0.7)),
    ],
    ids=["platt", "isotonic"],
)
def test_drivers_protective_context_and_the_rest_add_up_exactly(make_artifact, rows, calibration):
    artifact = make_artifact(calibration)
    scorer = Scorer(artifact)
    contributions = artifact.contributions(rows)
    features = list(artifact.features)
    points = probability_points(
        contributions[features].to_numpy(), contributions["base_value"].to_numpy(), calibration
    ).points
    for i in range(0, len(rows), 40):
        explanation = scorer.explain(rows.iloc[[i]])
        listed = explanation.drivers + explanation.protective + explanation.context
        shown = {name for item in listed for name in item.features}
        rest = [j for j, name in enumerate(features) if name not in shown]
        total = sum(item.points for item in listed) + points[i, rest].sum()
        assert total == pytest.approx(
            explanation.churn_probability - explanation.baseline_probability, abs=1e-12
        )
        assert sum(c.points for c in explanation.context) == pytest.approx(
            explanation.context_points, abs=1e-12
        )
        untold_contract = [features[j] for j in rest if features[j] in CONTRACT and points[i, j]]
        assert untold_contract == []


def test_explain_lists_every_driver_beyond_the_top_ones_largest_first(scorer, rows):
    explanation = scorer.explain(rows.iloc[[7]])
    batch = scorer.score(rows.iloc[[7]])
    # every actionable story of the tiny model (usage, tickets, NPS, overdue invoices, CRM
    # touch), beyond the 3 drivers and 2 protective factors the score files keep
    assert len(explanation.drivers) + len(explanation.protective) == 5
    assert len(explanation.protective) > 2
    told = [d.sentence for d in explanation.drivers[:3]]
    assert told == [t for t in batch.frame.loc[0, ["driver_1", "driver_2", "driver_3"]] if t]
    assert all(d.points > 0 for d in explanation.drivers)
    assert all(d.points < 0 for d in explanation.protective)
    points = [d.points for d in explanation.drivers]
    assert points == sorted(points, reverse=True)


def test_driver_sentences_never_show_feature_names_or_log_odds(scorer, rows):
    frame = scorer.score(rows).frame
    sentences = (
        frame[["driver_1", "driver_2", "driver_3", "protective_1", "protective_2"]].stack().dropna()
    )
    assert len(sentences) > len(rows)
    for text in sentences:
        assert not any(name in text for name in CATALOGUE if "_" in name), text
        assert "nan" not in text.split() and "e-0" not in text, text


def test_explanations_are_json_that_round_trips(scorer, rows):
    batch = scorer.score(rows.head(5))
    history = batch.history_rows()
    document = json.loads(history["explanation"].iloc[0])
    assert document["account_id"] == rows["account_id"].iloc[0]
    assert {d["name"] for d in document["dimensions"]} == {
        "usage",
        "support",
        "survey",
        "billing",
        "relationship",
    }


def test_plays_follow_band_and_drivers(scorer, rows):
    batch = scorer.score(rows)
    at_risk = batch.frame[batch.frame["band"] == "at_risk"]
    assert len(at_risk) and at_risk["plays"].str.contains("Executive sponsor call").all()
    healthy = batch.frame[batch.frame["band"] == "healthy"]
    assert not healthy["plays"].fillna("").str.contains("Executive sponsor call").any()
    for explanation in batch.explanations:
        for play in explanation.plays:
            assert play.reason


def test_a_second_scoring_reports_the_change_and_alerts_on_band_drops(scorer, rows):
    first = scorer.score(rows)
    worse = rows.copy()
    worse["overdue_invoices_count"] = 4.0
    worse["max_days_past_due"] = 80.0
    worse["tickets_count_30d"] = 9.0
    worse["as_of"] = pd.Timestamp("2026-07-31")
    previous = first.history_rows()
    second = scorer.score(worse, previous=previous)
    frame = second.frame
    assert frame["previous_health"].tolist() == first.frame["health"].tolist()
    assert (frame["health_change"] == frame["health"] - frame["previous_health"]).all()
    moved = frame[frame["health_change"] <= -5]
    assert len(moved) > 10
    assert moved["change_summary"].str.contains(r"mostly (?:billing|support)").all()
    for explanation in second.explanations:
        change = explanation.change
        assert (
            abs(sum(change.by_dimension.values()) - change.health_change)
            <= len(change.by_dimension) / 2
        )
    drops = second.alerts[second.alerts["kind"] == "band_drop"]
    expected = frame["band"].map({"healthy": 0, "watch": 1, "at_risk": 2}) > first.frame[
        "band"
    ].map({"healthy": 0, "watch": 1, "at_risk": 2})
    assert set(drops["account_id"]) == set(frame.loc[expected, "account_id"])
    assert second.drift.score_psi is not None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.drop(columns=["as_of"]), "lack column(s) ['as_of']"),
        (lambda f: pd.concat([f, f.head(1)]), "more than once"),
        (lambda f: f.drop(columns=["tickets_count_30d"]), "tickets_count_30d"),
    ],
)
def test_bad_feature_rows_say_what_is_wrong(scorer, rows, change, message):
    with pytest.raises(Exception, match=None) as caught:
        scorer.score(change(rows))
    assert message in str(caught.value)
    assert isinstance(caught.value, FeatureRowsError) or "feature" in str(caught.value)


def test_explain_agrees_with_the_batch_explanation_of_the_same_account(scorer, rows):
    batch = scorer.score(rows.iloc[[11, 12]]).explanations[0]
    full = scorer.explain(rows.iloc[[11]])
    same = ("churn_probability", "baseline_probability", "health", "band", "dimensions", "plays")
    assert full.model_dump(include=set(same)) == batch.model_dump(include=set(same))
    assert [d.sentence for d in full.drivers[: len(batch.drivers)]] == [
        d.sentence for d in batch.drivers
    ]


def test_explanation_times_are_utc_with_their_offset(scorer, rows):
    naive = scorer.explain(rows.iloc[[3]])
    assert naive.as_of == pd.Timestamp("2026-06-30", tz="UTC")
    assert naive.as_of.utcoffset() is not None
    paris = rows.iloc[[3]].assign(as_of=pd.Timestamp("2026-06-30 02:00", tz="Europe/Paris"))
    assert scorer.explain(paris).as_of == pd.Timestamp("2026-06-30", tz="UTC")
    stored = json.loads(scorer.score(rows.head(2)).history_rows()["explanation"].iloc[0])
    assert stored["as_of"] == "2026-06-30T00:00:00+00:00"
