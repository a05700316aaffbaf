"""The fair ceiling: each renewal's churn probability as it could best be known weeks before it.

The truth file's ``true_churn_probability`` uses the mean health over the 10 to 2 weeks
before the renewal, so it knows the future when an account is observed earlier: it is a
ceiling *with hindsight*. The fair ceiling for an observation made on day ``as_of`` is

    E[churn | latent state of the account through grid week t],   t = week of (as_of - 1 day)

the best probability knowable then (the state of the week holding ``as_of - 1`` counts as
known: events of that week are already partly visible, so this errs on the generous side).

It is exact up to a numerical integral, because the health process is linear in its state
and its future shocks (:mod:`simulator.health`). Given the state at ``t`` (baseline,
wander, ramp, decline, lasting dent) the window's mean health is

    h = m + G - J

* ``m``: the health already seen in the window plus the expected rest (wander decays
  towards 0 and open episodes keep unwinding, both deterministic);
* ``G``: the future wander noise, Gaussian with a variance that depends only on ``n``, the
  number of weeks from ``t`` to the renewal week;
* ``J``: future episodes and incidents (independent of the state; incidents at the
  account's segment rate), a compound sum whose law depends only on ``n`` and the segment.

Then ``p = p_shock + (1 - p_shock) * E[sigmoid(base_logit - 2 h)]``; the expectation is
tabulated once per ``(segment, n)`` over ``x = base_logit - 2 m`` by a fixed-seed Monte
Carlo of ``G - J`` (20,000 draws, binned) (independent of the world's seed, so it draws nothing from the world's
streams), and interpolated. With ``n <= 2`` the whole window is known and the fair
probability equals the true one.
"""

from __future__ import annotations

from functools import lru_cache
from statistics import NormalDist

import numpy as np
import pyarrow as pa

from simulator.accounts import Cohort
from simulator.arrays import timestamps
from simulator.health import (
    EPISODE_MEAN_SIZE,
    EPISODES_PER_YEAR,
    LASTING_PERSISTENCE,
    LASTING_SHARE,
    RAMP_PERSISTENCE,
    RECOVERY_PERSISTENCE,
    WANDER_PERSISTENCE,
    WANDER_SD,
    HealthPaths,
)
from simulator.incidents import SEVERITY_HEALTH_HIT, SEVERITY_PROBABILITY
from simulator.lifecycle import DECISION_WINDOW_WEEKS, HEALTH_SLOPE, Lifecycle
from simulator.segments import PROFILES
from simulator.timeline import DAY, Timeline

OUTLOOK_SCHEMA = pa.schema(
    [
        ("account_id", pa.string()),
        ("renewal_date", pa.timestamp("s")),
        ("as_of_from", pa.timestamp("s")),
        ("fair_churn_probability", pa.float64()),
    ]
)
"""One row per decided renewal and week before it: the fair probability for an observation
made on any day from ``as_of_from`` to ``as_of_from + 6 days``."""

WEEKS_BEFORE = {False: 54, True: 6}  # annual, monthly: weeks covering a whole contract term
DRAWS = 20_000  # Monte Carlo draws of the future per (segment, weeks before)
BINS = 512  # the draws are binned before the expectation is taken over the grid
GRID = np.linspace(-20.0, 12.0, 401)  # x = base_logit - 2 m, where p_health is interpolated
MONTE_CARLO_SEED = 20_260_101  # a numerical integral, not part of any world

_FIRST, _LAST = DECISION_WINDOW_WEEKS  # the window runs from renewal week - 10 to - 2
_WINDOW = _FIRST - _LAST + 1


def _future_lags(n: int) -> np.ndarray:
    """Weeks after ``t`` (1, 2, ...) that are in the window when ``t`` is ``n`` weeks before the renewal."""
    return np.arange(max(1, n - _FIRST), n - _LAST + 1)


def _decay(persistence: float, lags: np.ndarray) -> np.ndarray:
    return persistence ** lags.astype(np.float64)


def _unwinding(ramp: float, impulse: float, max_lag: int) -> np.ndarray:
    """``decline + lasting`` at lags 0..max_lag from a ramp in place at lag 0 and an impulse arriving then."""
    out = np.zeros(max_lag + 1)
    ramp_now, decline, lasting = ramp, 0.0, 0.0
    for lag in range(max_lag + 1):
        if lag == 0 and not impulse:
            continue  # a ramp already in place at t: its effect at t is part of the state
        ramp_now = (ramp_now if lag == 0 else RAMP_PERSISTENCE * ramp_now) + (
            impulse if lag == 0 else 0.0
        )
        decline = (
            RECOVERY_PERSISTENCE * decline + (1 - RAMP_PERSISTENCE) * (1 - LASTING_SHARE) * ramp_now
        )
        lasting = LASTING_PERSISTENCE * lasting + (1 - RAMP_PERSISTENCE) * LASTING_SHARE * ramp_now
        out[lag] = decline + lasting
    return out


def _normal_scores(count: int) -> np.ndarray:
    """Evenly spread standard normal quantiles (a stratified sample of N(0, 1))."""
    inverse = NormalDist().inv_cdf
    return np.array([inverse((i + 0.5) / count) for i in range(count)])


def _future_impulses(rng: np.random.Generator, incidents_per_year: float, weeks: int) -> np.ndarray:
    """Health impulses of ``DRAWS`` possible futures, shape (draws, weeks): episodes and incidents."""
    episodes = np.where(
        rng.random((DRAWS, weeks)) < EPISODES_PER_YEAR / 52.0,
        rng.exponential(EPISODE_MEAN_SIZE, size=(DRAWS, weeks)),
        0.0,
    )
    counts = rng.poisson(incidents_per_year / 52.0, size=(DRAWS, weeks))
    for nth in range(int(counts.max(initial=0))):
        severity = rng.choice(4, size=(DRAWS, weeks), p=SEVERITY_PROBABILITY)
        episodes += np.where(counts > nth, SEVERITY_HEALTH_HIT[severity], 0.0)
    return episodes


def _binned(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The draws ``z`` summarised as ``BINS`` equal-width bins: each bin's mean and share of draws."""
    counts, edges = np.histogram(z, bins=BINS)
    sums, _ = np.histogram(z, bins=edges, weights=z)
    filled = counts > 0
    return sums[filled] / counts[filled], counts[filled] / len(z)


@lru_cache(maxsize=1)
def _expected_churn_tables() -> np.ndarray:
    """``E[sigmoid(x - 2 (G - J))]`` on :data:`GRID`, shape (segments, weeks before + 1, grid)."""
    max_n = max(WEEKS_BEFORE.values())
    from_impulse = _unwinding(0.0, 1.0, max_n)
    rng = np.random.default_rng(MONTE_CARLO_SEED)
    step_sd = WANDER_SD * np.sqrt(1 - WANDER_PERSISTENCE**2)
    gauss = rng.permutation(_normal_scores(DRAWS))  # shuffled against the jumps
    impulses = [_future_impulses(rng, p.incidents_per_year, max_n) for p in PROFILES]
    tables = np.empty((len(PROFILES), max_n + 1, len(GRID)))
    for n in range(max_n + 1):
        lags = _future_lags(n)
        if len(lags) == 0:
            tables[:, n, :] = 1 / (1 + np.exp(-GRID))[None, :]
            continue
        arrival = np.arange(1, lags[-1] + 1)  # weeks after t at which a shock can arrive
        later = lags[None, :] - arrival[:, None]  # weeks from arrival to each future window week
        reached = later >= 0
        noise_weight = np.where(reached, WANDER_PERSISTENCE ** np.maximum(later, 0), 0).sum(1)
        jump_weight = np.where(reached, from_impulse[np.maximum(later, 0)], 0).sum(1)
        gaussian = gauss * step_sd * np.sqrt((noise_weight**2).sum()) / _WINDOW
        for s, future in enumerate(impulses):
            z = gaussian - future[:, : len(arrival)] @ jump_weight / _WINDOW
            value, weight = _binned(z)
            tables[s, n] = weight @ (
                1 / (1 + np.exp(-(GRID[None, :] - HEALTH_SLOPE * value[:, None])))
            )
    return tables


def outlook_table(
    cohort: Cohort, lifecycle: Lifecycle, paths: HealthPaths, timeline: Timeline
) -> pa.Table:
    """The fair churn probability of every decided renewal, for each week before it (see module doc)."""
    rows = lifecycle.renewals
    decided = np.flatnonzero(rows.outcome >= 0)
    monthly = cohort.monthly[rows.account[decided]].astype(bool)
    weeks_before = np.where(monthly, WEEKS_BEFORE[True], WEEKS_BEFORE[False])
    row = np.repeat(decided, weeks_before)
    n = np.concatenate([np.arange(1, k + 1) for k in weeks_before]) if len(row) else row
    account = rows.account[row]
    renewal_week = timeline.week_of(rows.day[row])
    t = renewal_week - n
    if (t < 0).any() or (renewal_week < _FIRST).any():
        raise ValueError("a decided renewal's outlook reaches before the health grid")

    # health already seen in the window: weeks renewal - 10 .. min(t, renewal - 2)
    cumulative = np.concatenate(
        [np.zeros((cohort.size, 1)), np.cumsum(paths.health, axis=1, dtype=np.float64)], axis=1
    )
    first = renewal_week - _FIRST
    last_seen = np.minimum(t, renewal_week - _LAST)
    seen = np.where(
        last_seen >= first, cumulative[account, last_seen + 1] - cumulative[account, first], 0.0
    )
    # the expected rest, from the state at t: wander decays, open episodes keep unwinding
    max_n = max(WEEKS_BEFORE.values())
    from_ramp = _unwinding(1.0, 0.0, max_n)
    coefficients = np.zeros((max_n + 1, 5))  # count, wander, ramp, decline, lasting
    for k in range(max_n + 1):
        lags = _future_lags(k)
        coefficients[k] = (
            len(lags),
            _decay(WANDER_PERSISTENCE, lags).sum(),
            from_ramp[lags].sum(),
            _decay(RECOVERY_PERSISTENCE, lags).sum(),
            _decay(LASTING_PERSISTENCE, lags).sum(),
        )
    c = coefficients[n]
    expected = (
        c[:, 0] * cohort.baseline_health[account]
        + c[:, 1] * paths.wander[account, t]
        - c[:, 2] * paths.ramp[account, t]
        - c[:, 3] * paths.decline[account, t]
        - c[:, 4] * paths.lasting[account, t]
    )
    mean_known = (seen + expected) / _WINDOW
    x = rows.base_logit[row] - HEALTH_SLOPE * mean_known
    tables = _expected_churn_tables()
    segment = cohort.segment[account]
    p_health = np.empty(len(row))
    for s in range(tables.shape[0]):
        for k in np.unique(n[segment == s]):
            pick = (segment == s) & (n == k)
            p_health[pick] = np.interp(x[pick], GRID, tables[s, k])
    shock = rows.shock_probability[row]
    probability = shock + (1 - shock) * p_health
    exact = n <= _LAST  # the whole window is known: the true probability itself
    probability[exact] = rows.probability[row][exact]
    as_of_from = timeline.grid_start_day + 7 * t + 1
    return pa.table(
        {
            "account_id": cohort.account_id.take(pa.array(account)),
            "renewal_date": timestamps(rows.day[row] * DAY),
            "as_of_from": timestamps(as_of_from * DAY),
            "fair_churn_probability": pa.array(probability),
        },
        schema=OUTLOOK_SCHEMA,
    )
