"""The scorer on the tiny model with value features: quadrant, value figures and
disagreements in the score columns, the explanations and the plays."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from serving.scoring import AccountExplanation, Scorer
from serving.scoring.columns import VALUE_COLUMNS


@pytest.fixture(scope="module")
def scorer(artifact):
    return Scorer(artifact, "tiny", "3")


@pytest.fixture
def valued(rows) -> pd.DataFrame:
    """The tiny model's rows plus the value features: a spread of MRR, a third contracting,
    a third expanding, and ten accounts without any subscription."""
    rng = np.random.default_rng(11)
    n = len(rows)
    mrr = rng.lognormal(7, 1, n).round()
    before = mrr / rng.choice([0.7, 1.0, 1.3], n)
    rows = rows.assign(
        mrr=mrr,
        mrr_90d_ago=before,
        mrr_pct_change_90d=100 * (mrr - before) / before,
        seats=rng.integers(1, 60, n),
        seats_90d_ago=rng.integers(1, 60, n),
    )
    rows.loc[:9, ["mrr", "mrr_90d_ago", "mrr_pct_change_90d", "seats", "seats_90d_ago"]] = 0
    rows.loc[:9, "mrr_pct_change_90d"] = np.nan
    return rows


def test_score_columns_carry_value_quadrant_cuts_and_disagreement(scorer, valued):
    batch = scorer.score(valued)
    frame = batch.frame
    assert list(frame.columns[-len(VALUE_COLUMNS) :]) == list(VALUE_COLUMNS)
    np.testing.assert_allclose(frame["subscription_arr"].iloc[10:], 12 * valued["mrr"].iloc[10:])
    assert frame["quadrant"].iloc[:10].eq("no_value_data").all()
    assert frame["subscription_arr"].iloc[:10].isna().all()
    cut = frame["quadrant_arr_cut"].iloc[0]
    assert cut == batch.cuts.arr == pytest.approx(np.percentile(12 * valued["mrr"][10:], 75))
    assert (frame["quadrant_health_cut"] == 70).all()
    valued_rows = frame.iloc[10:]
    high = valued_rows["subscription_arr"] >= cut
    healthy = valued_rows["health"] >= 70
    expected = np.select(
        [high & ~healthy, high & healthy, ~high & ~healthy], ["protect", "grow", "fix"], "maintain"
    )
    assert valued_rows["quadrant"].tolist() == expected.tolist()
    told = frame.dropna(subset=["disagreement"])
    assert len(told) > 0
    assert told["disagreement"].str.match(r"^health \d+ but ARR (fell|rose) \d+% in 90 days").all()


def test_explanations_carry_the_same_value_as_the_score_row_and_round_trip(scorer, valued):
    batch = scorer.score(valued)
    history = batch.history_rows()
    for i in (0, 10, 50):
        value = batch.explanations[i].value
        row = batch.frame.iloc[i]
        assert value.quadrant == row["quadrant"]
        assert value.arr_cut == row["quadrant_arr_cut"] and value.health_cut == 70
        assert value.disagreement == (None if pd.isna(row["disagreement"]) else row["disagreement"])
        stored = json.loads(history["explanation"].iloc[i])["value"]
        assert AccountExplanation.model_validate_json(history["explanation"].iloc[i]).value == value
        assert stored["arr_cut_basis"].startswith("75th percentile")


def test_rows_without_value_features_score_as_no_value_data_without_a_crash(scorer, rows):
    frame = scorer.score(rows).frame
    assert frame["quadrant"].eq("no_value_data").all()
    assert frame[["subscription_arr", "seats", "disagreement"]].isna().all().all()
    assert frame["quadrant_arr_cut"].isna().all()  # nobody pays: no percentile to read


def test_the_save_plan_fires_for_protect_accounts_only(scorer, valued):
    frame = scorer.score(valued).frame
    saved = frame["plays"].fillna("").str.contains("Save plan")
    assert saved.any()
    assert (saved == (frame["quadrant"] == "protect")).all()


def test_a_portfolio_value_cut_gives_one_account_its_quadrant(scorer, valued):
    batch = scorer.score(valued)
    i = int(np.flatnonzero(batch.frame["quadrant"].isin(["protect", "grow"]))[0])
    alone = scorer.score(valued.iloc[[i]])
    assert alone.frame["quadrant"].iloc[0] is None  # one account: no percentile to read
    assert "fewer than the 20" in alone.cuts.basis
    again = scorer.score(valued.iloc[[i]], arr_cut=batch.cuts.arr)
    explained = scorer.explain(valued.iloc[[i]], arr_cut=batch.cuts.arr)
    assert again.frame["quadrant"].iloc[0] == batch.frame["quadrant"].iloc[i]
    assert explained.value.quadrant == batch.frame["quadrant"].iloc[i]


def test_explanations_stored_before_value_existed_read_back_without_it(scorer, rows):
    document = json.loads(scorer.score(rows.head(1)).history_rows()["explanation"].iloc[0])
    del document["value"]
    assert AccountExplanation.model_validate(document).value is None
