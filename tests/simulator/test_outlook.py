"""The fair ceiling: each renewal's churn probability as knowable from the latent state weeks before it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from simulator import OUTLOOK_FILE, TRUTH_DIR, SimulationConfig, roc_auc
from simulator.accounts import draw_cohort
from simulator.chunk import streams
from simulator.health import (
    EPISODE_MEAN_SIZE,
    EPISODES_PER_YEAR,
    LASTING_PERSISTENCE,
    LASTING_SHARE,
    RAMP_PERSISTENCE,
    RECOVERY_PERSISTENCE,
    WANDER_PERSISTENCE,
    WANDER_SD,
    simulate_health_paths,
)
from simulator.incidents import SEVERITY_HEALTH_HIT, SEVERITY_PROBABILITY, draw_incidents
from simulator.lifecycle import HEALTH_SLOPE, decide_renewals
from simulator.outlook import WEEKS_BEFORE, outlook_table
from simulator.segments import PROFILES
from simulator.timeline import DAY, Timeline


@pytest.fixture(scope="module")
def outlook(small_world) -> pd.DataFrame:
    return pq.read_table(small_world.path / TRUTH_DIR / OUTLOOK_FILE).to_pandas()


def _weeks_before(frame: pd.DataFrame) -> pd.Series:
    """Rank of each row among its renewal's rows, latest ``as_of_from`` first (1 = the last week)."""
    return (
        frame.groupby(["account_id", "renewal_date"])["as_of_from"]
        .rank(ascending=False)
        .astype(int)
    )


def test_outlook_covers_every_decided_renewal_over_its_whole_term(small_world, outlook):
    truth = small_world.truth().to_pandas()
    rows = outlook.groupby(["account_id", "renewal_date"]).size().rename("weeks").reset_index()
    merged = truth.merge(rows, on=["account_id", "renewal_date"], how="left", validate="one_to_one")
    expected = np.where(merged["term"] == "monthly", WEEKS_BEFORE[True], WEEKS_BEFORE[False])
    assert (merged["weeks"] == expected).all()
    assert outlook["fair_churn_probability"].between(0, 1, inclusive="neither").all()
    # a week of as_of per row, all before the renewal
    assert (outlook["as_of_from"] < outlook["renewal_date"]).all()
    assert (outlook["as_of_from"].dt.day_of_week.nunique()) == 1


def test_outlook_equals_the_true_probability_once_the_decision_window_is_seen(small_world, outlook):
    truth = small_world.truth().to_pandas()
    last_weeks = outlook[_weeks_before(outlook) <= 2].merge(
        truth, on=["account_id", "renewal_date"], validate="many_to_one"
    )
    np.testing.assert_allclose(
        last_weeks["fair_churn_probability"], last_weeks["true_churn_probability"], rtol=1e-12
    )


def test_outlook_ranks_worse_than_hindsight_and_worse_the_earlier_it_looks(small_world, outlook):
    truth = small_world.truth().to_pandas()
    annual = outlook.merge(truth, on=["account_id", "renewal_date"], validate="many_to_one")
    annual = annual[annual["term"] == "annual"].assign(weeks=_weeks_before)
    auc = {
        weeks: roc_auc(group["churned"].to_numpy(), group["fair_churn_probability"].to_numpy())
        for weeks, group in annual.groupby("weeks")
    }
    hindsight = roc_auc(
        annual.loc[annual["weeks"] == 1, "churned"].to_numpy(),
        annual.loc[annual["weeks"] == 1, "true_churn_probability"].to_numpy(),
    )
    assert auc[1] == pytest.approx(hindsight)
    assert auc[1] > auc[6] > auc[26] > auc[52] > 0.55


def test_outlook_matches_a_monte_carlo_of_the_health_process_from_the_state():
    """Simulate many futures of the health process from the state at ``as_of`` and average the churn probability."""
    config = SimulationConfig(seed=5, n_accounts=300, chunk_size=300)
    timeline = Timeline.from_dates(config.start, config.end)
    rng = streams(config.seed, 0)
    cohort = draw_cohort(
        np.arange(300),
        config.segment_mix.shares(),
        config.usage_rows_per_account_year,
        timeline,
        rng["accounts"],
    )
    incidents = draw_incidents(cohort, timeline, rng["incidents"])
    paths = simulate_health_paths(cohort, incidents, timeline, rng["health"])
    lifecycle = decide_renewals(cohort, paths.health, timeline, rng["renewals"])
    table = outlook_table(cohort, lifecycle, paths, timeline).to_pandas()

    rows = lifecycle.renewals
    annual = np.flatnonzero((rows.outcome >= 0) & ~cohort.monthly[rows.account])
    draw = np.random.default_rng(0)
    draws = 20_000
    step_sd = WANDER_SD * np.sqrt(1 - WANDER_PERSISTENCE**2)
    for row, weeks_before in zip(annual[:4], (5, 13, 26, 40), strict=True):
        account, renewal_week = rows.account[row], timeline.week_of(rows.day[row])
        t = renewal_week - weeks_before
        wander, ramp, decline, lasting = (
            np.full(draws, float(part[account, t]))
            for part in (paths.wander, paths.ramp, paths.decline, paths.lasting)
        )
        window_sum = np.zeros(draws)
        for week in range(t + 1, renewal_week - 1):
            impulse = np.where(
                draw.random(draws) < EPISODES_PER_YEAR / 52,
                draw.exponential(EPISODE_MEAN_SIZE, draws),
                0.0,
            )
            count = draw.poisson(PROFILES[cohort.segment[account]].incidents_per_year / 52, draws)
            for nth in range(count.max()):
                severity = draw.choice(4, draws, p=SEVERITY_PROBABILITY)
                impulse += np.where(count > nth, SEVERITY_HEALTH_HIT[severity], 0.0)
            wander = WANDER_PERSISTENCE * wander + draw.normal(0, step_sd, draws)
            ramp = RAMP_PERSISTENCE * ramp + impulse
            decline = (
                RECOVERY_PERSISTENCE * decline + (1 - RAMP_PERSISTENCE) * (1 - LASTING_SHARE) * ramp
            )
            lasting = LASTING_PERSISTENCE * lasting + (1 - RAMP_PERSISTENCE) * LASTING_SHARE * ramp
            if week >= renewal_week - 10:
                window_sum += cohort.baseline_health[account] + wander - decline - lasting
        seen = paths.health[account, max(renewal_week - 10, 0) : t + 1].astype(np.float64).sum()
        health = (window_sum + seen) / 9
        shock = rows.shock_probability[row]
        p = shock + (1 - shock) / (1 + np.exp(-(rows.base_logit[row] - HEALTH_SLOPE * health)))
        as_of_from = pd.Timestamp((timeline.grid_start_day + 7 * t + 1) * DAY, unit="s")
        fair = table.loc[
            (table["account_id"] == cohort.account_id[account].as_py())
            & (table["renewal_date"] == pd.Timestamp(rows.day[row] * DAY, unit="s"))
            & (table["as_of_from"] == as_of_from),
            "fair_churn_probability",
        ]
        assert len(fair) == 1
        tolerance = 4 * p.std() / np.sqrt(draws) + 0.001
        assert fair.iloc[0] == pytest.approx(p.mean(), abs=tolerance)
