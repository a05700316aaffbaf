"""Quadrants at the edges of their cuts, the cuts read from config, and disagreements told."""

from __future__ import annotations

import numpy as np
import pytest

from churn_scorecard.config import build_config
from churn_scorecard.errors import ConfigError
from serving.scoring import Playbook
from serving.scoring.disagreement import disagreement_sentences
from serving.scoring.quadrants import QuadrantCuts, QuadrantRules, assign_quadrants
from serving.scoring.value import AccountValues

BANDS = (("healthy", 70.0), ("watch", 40.0), ("at_risk", 0.0))


def _values(arr, arr_90d_ago=None, seats=None, seats_90d_ago=None) -> AccountValues:
    arr = np.asarray(arr, dtype=np.float64)
    before = np.asarray(arr if arr_90d_ago is None else arr_90d_ago, dtype=np.float64)
    known = (np.nan_to_num(arr) > 0) | (np.nan_to_num(before) > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        change = np.where(before > 0, 100 * (arr - before) / before, np.nan)
    nothing = np.full(len(arr), np.nan)
    return AccountValues(
        arr=np.where(known, arr, np.nan),
        arr_90d_ago=np.where(known, before, np.nan),
        arr_pct_change_90d=np.where(known, change, np.nan),
        seats=nothing if seats is None else np.asarray(seats, dtype=np.float64),
        seats_90d_ago=nothing if seats_90d_ago is None else np.asarray(seats_90d_ago, float),
        known=known,
    )


CUTS = QuadrantCuts(health=70, arr=50_000, basis="test")


@pytest.mark.parametrize(
    ("health", "arr", "quadrant"),
    [
        (70, 50_000, "grow"),  # both at their cut: healthy and high value
        (69, 50_000, "protect"),  # one point below the health cut: at risk
        (70, 49_999.99, "maintain"),  # a cent below the value cut: lower value
        (69, 49_999.99, "fix"),
        (100, 1e9, "grow"),
        (0, 1, "fix"),
        (0, 0, "no_value_data"),  # no paid subscription now or 90 days ago
    ],
)
def test_quadrant_at_the_edges_of_the_cuts(health, arr, quadrant):
    assert assign_quadrants(np.array([health]), _values([arr]), CUTS).tolist() == [quadrant]


def test_an_account_whose_subscription_ended_is_lower_value_not_no_value_data():
    values = _values([0.0], arr_90d_ago=[80_000.0])
    assert assign_quadrants(np.array([90]), values, CUTS).tolist() == ["maintain"]


def test_the_default_cuts_are_the_healthy_band_and_the_75th_percentile_of_paying_accounts():
    arr = [0.0, *range(1_000, 101_000, 1_000)]  # one non-paying account, 100 paying
    cuts = QuadrantRules().cuts(_values(arr), BANDS)
    assert cuts.health == 70
    assert cuts.arr == pytest.approx(np.percentile(np.arange(1_000, 101_000, 1_000), 75))
    assert "75th percentile of the ARR of 100 paying accounts" in cuts.basis
    high = np.asarray(arr) >= cuts.arr
    assert high.sum() == 25  # the top quarter


def test_a_percentile_value_cut_adapts_to_the_currency_scale():
    arr = np.arange(1, 41, dtype=float) * 1_000
    in_dollars = QuadrantRules().cuts(_values(arr), BANDS)
    in_yen = QuadrantRules().cuts(_values(arr * 150), BANDS)
    assert in_yen.arr == pytest.approx(in_dollars.arr * 150)


def test_a_fixed_value_cut_and_health_cut_win_over_the_defaults():
    rules = build_config(
        QuadrantRules, {"health_cut": 55, "value_cut": {"arr": 12_000}}, "plays.yaml"
    )
    cuts = rules.cuts(_values([5_000.0] * 3), BANDS, arr_cut=99.0)
    assert (cuts.health, cuts.arr, cuts.basis) == (55, 12_000, "set in the playbook")


def test_too_few_paying_accounts_give_no_value_cut_and_no_quadrant_but_say_why():
    values = _values([10_000.0, 20_000.0, 0.0])
    cuts = QuadrantRules().cuts(values, BANDS)
    assert cuts.arr is None
    assert "2 paying account(s)" in cuts.basis and "quadrants.value_cut.arr" in cuts.basis
    assert assign_quadrants(np.array([80, 20, 50]), values, cuts).tolist() == [
        None,
        None,
        "no_value_data",
    ]
    portfolio = QuadrantRules().cuts(values, BANDS, arr_cut=15_000.0)  # a service's portfolio cut
    assert portfolio.arr == 15_000
    assert assign_quadrants(np.array([80, 20, 50]), values, portfolio).tolist() == [
        "maintain",
        "protect",
        "no_value_data",
    ]


def test_a_health_cut_from_a_model_with_other_bands():
    cuts = QuadrantRules().cuts(_values([1.0] * 30), (("green", 80.0), ("red", 0.0)))
    assert cuts.health == 80


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ("  value_cutt: {percentile: 75}\n", "unknown key 'quadrants.value_cutt'"),
        ("  value_cut: {percentile: 75, amount: 5}\n", "unknown key 'quadrants.value_cut.amount'"),
        ("  value_cut: {percentile: 100}\n", "quadrants.value_cut.percentile: Input should be less than 100"),
        ("  value_cut: {percentile: 0}\n", "quadrants.value_cut.percentile: Input should be greater than 0"),
        ("  value_cut: {arr: -5}\n", "quadrants.value_cut.arr: Input should be greater than 0"),
        ("  value_cut: {percentile: 75, arr: 5000}\n", "give exactly one of percentile"),
        ("  value_cut: {}\n", "give exactly one of percentile"),
        ("  health_cut: 0\n", "quadrants.health_cut: Input should be greater than 0"),
        ("  health_cut: 101\n", "quadrants.health_cut: Input should be less than or equal to 100"),
        ("  health_cut: high\n", "quadrants.health_cut: Input should be a valid number"),
        ("  min_accounts: 0\n", "quadrants.min_accounts"),
        ("  disagreement:\n    contraction_pct: 120\n", "quadrants.disagreement.contraction_pct"),
        ("  disagreement:\n    shrink_pct: 5\n", "unknown key 'quadrants.disagreement.shrink_pct'"),
    ],
)  # fmt: skip
def test_bad_quadrant_config_names_the_file_the_key_and_what_is_wrong(tmp_path, section, message):
    path = tmp_path / "plays.yaml"
    path.write_text("quadrants:\n" + section)
    with pytest.raises(ConfigError) as caught:
        Playbook.load(path)
    assert message in str(caught.value)
    assert str(path) in str(caught.value)


def test_a_good_quadrant_config_loads(tmp_path):
    path = tmp_path / "plays.yaml"
    path.write_text("quadrants:\n  health_cut: 60\n  value_cut: {arr: 25000}\n")
    rules = Playbook.load(path).quadrants
    assert (rules.health_cut, rules.value_cut.arr, rules.value_cut.percentile) == (60, 25000, None)


def test_disagreements_are_healthy_but_contracting_or_at_risk_but_expanding_in_words():
    values = _values(
        arr=[8_400.0, 10_000.0, 9_500.0, 10_000.0, 5_000.0, 6_000.0],
        arr_90d_ago=[12_000.0, 8_000.0, 10_000.0, 10_000.0, 0.0, 4_000.0],
        seats=[28, 10, 10, 10, 5, 6],
        seats_90d_ago=[40, 10, 10, 10, 0, 6],
    )
    health = np.array([82, 31, 90, 20, 10, 75])
    sentences = disagreement_sentences(health, values, CUTS, QuadrantRules().disagreement)
    assert sentences == [
        "health 82 but ARR fell 30% in 90 days (12,000 -> 8,400); seats 40 -> 28",
        "health 31 but ARR rose 25% in 90 days (8,000 -> 10,000)",
        None,  # healthy, fell only 5%: below the 10% contraction threshold
        None,  # at risk but ARR flat: health and money agree
        None,  # no ARR 90 days ago: no trend to disagree with
        None,  # healthy and expanding: they agree
    ]


def test_disagreement_thresholds_are_inclusive_and_configurable():
    values = _values(arr=[9_000.0, 11_000.0], arr_90d_ago=[10_000.0, 10_000.0])
    rules = QuadrantRules().disagreement
    told = disagreement_sentences(np.array([70, 69]), values, CUTS, rules)
    assert told[0].startswith("health 70 but ARR fell 10%")  # at the health cut: healthy
    assert told[1].startswith("health 69 but ARR rose 10%")
    stricter = build_config(QuadrantRules, {"disagreement": {"contraction_pct": 15}}, "x")
    again = disagreement_sentences(np.array([70, 69]), values, CUTS, stricter.disagreement)
    assert again == [None, told[1]]  # a 10% fall is below a 15% threshold; the rise still counts
