"""The latent health of each account: the hidden state that drives every source.

Health is a weekly series per account, around 0 (healthy above, unhealthy below), built as

    health = baseline + wander - decline - lasting_decline

* ``baseline`` is the account's own level (a trait, :class:`~simulator.accounts.Cohort`).
* ``wander`` is a slow AR(1) process (weekly persistence 0.96, half-life about 4 months).
* ``decline`` comes from *episodes*: a champion leaves, a reorg, a failed rollout, or an
  incident. Each episode is an impulse that ramps down over about five weeks and then
  recovers over months; part of each episode leaves a lasting dent that fades over about a year.

Because health is persistent, what the data shows 30-180 days before a renewal still
tells most of what health will be at the decision.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.accounts import Cohort
from simulator.incidents import Incidents
from simulator.timeline import Timeline

WANDER_PERSISTENCE = 0.96
WANDER_SD = 0.55  # long-run standard deviation of the wander
EPISODES_PER_YEAR = 0.8
EPISODE_MEAN_SIZE = 1.1
LASTING_SHARE = 0.3  # share of an episode's size that stays as a lasting dent
RAMP_PERSISTENCE = 0.8  # an episode takes about five weeks to reach its low
RECOVERY_PERSISTENCE = 0.95  # and recovers with a half-life of about three months
LASTING_PERSISTENCE = 0.985  # lasting dents fade with a half-life of about 11 months


@dataclass
class HealthPaths:
    """Weekly health of each account and the state of its parts, each (accounts, grid weeks), float32.

    ``health = baseline + wander - decline - lasting``; ``ramp`` is the episode impulse still
    feeding ``decline`` and ``lasting``. Together with the account's baseline, the state at
    week ``t`` is everything the past tells about health after ``t`` (see
    :mod:`simulator.outlook`).
    """

    health: np.ndarray
    wander: np.ndarray
    ramp: np.ndarray
    decline: np.ndarray
    lasting: np.ndarray


def simulate_health(
    cohort: Cohort, incidents: Incidents, timeline: Timeline, rng: np.random.Generator
) -> np.ndarray:
    """Weekly health of each account, shape (accounts, grid weeks), float32."""
    return simulate_health_paths(cohort, incidents, timeline, rng).health


def simulate_health_paths(
    cohort: Cohort, incidents: Incidents, timeline: Timeline, rng: np.random.Generator
) -> HealthPaths:
    """Weekly health of each account with the state of the process behind it."""
    n, weeks = cohort.size, timeline.n_weeks
    step_sd = WANDER_SD * np.sqrt(1 - WANDER_PERSISTENCE**2)
    noise = rng.normal(0.0, step_sd, size=(n, weeks))
    starts = rng.random((n, weeks)) < EPISODES_PER_YEAR / 52.0
    sizes = np.where(starts, rng.exponential(EPISODE_MEAN_SIZE, size=(n, weeks)), 0.0)
    impulses = sizes + incidents.health_hit

    wander = rng.normal(0.0, WANDER_SD, size=n)
    ramp = np.zeros(n)
    decline = np.zeros(n)
    lasting = np.zeros(n)
    paths = HealthPaths(*(np.empty((n, weeks), dtype=np.float32) for _ in range(5)))
    for week in range(weeks):
        wander = WANDER_PERSISTENCE * wander + noise[:, week]
        ramp = RAMP_PERSISTENCE * ramp + impulses[:, week]
        decline = (
            RECOVERY_PERSISTENCE * decline + (1 - RAMP_PERSISTENCE) * (1 - LASTING_SHARE) * ramp
        )
        lasting = LASTING_PERSISTENCE * lasting + (1 - RAMP_PERSISTENCE) * LASTING_SHARE * ramp
        paths.health[:, week] = cohort.baseline_health + wander - decline - lasting
        paths.wander[:, week] = wander
        paths.ramp[:, week] = ramp
        paths.decline[:, week] = decline
        paths.lasting[:, week] = lasting
    return paths


def mean_health(
    health: np.ndarray, account: np.ndarray, first_week: np.ndarray, last_week: np.ndarray
) -> np.ndarray:
    """Mean health of ``account`` over grid weeks ``first_week..last_week`` (inclusive, clipped)."""
    weeks = health.shape[1]
    first = np.clip(first_week, 0, weeks - 1)
    last = np.clip(last_week, first, weeks - 1)
    cumulative = np.concatenate(
        [np.zeros((health.shape[0], 1)), np.cumsum(health, axis=1, dtype=np.float64)], axis=1
    )
    return (cumulative[account, last + 1] - cumulative[account, first]) / (last - first + 1)
