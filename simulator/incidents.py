"""Incidents: outages and bugs that hit an account, drawn independently of its health.

Incidents are the one exogenous source: they happen first, then knock the account's
health down (a bigger knock for a worse severity) and cause a burst of tickets.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from features.contract import SEVERITIES
from simulator.accounts import Cohort
from simulator.arrays import labels, timestamps
from simulator.segments import by_segment
from simulator.timeline import DAY, Timeline

SEVERITY_PROBABILITY = np.array([0.45, 0.35, 0.15, 0.05])  # low, medium, high, critical
SEVERITY_MEDIAN_HOURS = np.array([30.0, 10.0, 4.0, 2.5])  # time to resolve
SEVERITY_HEALTH_HIT = np.array([0.03, 0.1, 0.3, 0.7])  # impulse into the health decline process


@dataclass
class Incidents:
    """Every incident of a cohort over the health grid (burn-in included), sorted by account and time."""

    account: np.ndarray  # index into the cohort
    started: np.ndarray  # epoch seconds
    resolved: np.ndarray  # epoch seconds
    severity: np.ndarray  # code into contract.SEVERITIES
    health_hit: np.ndarray  # (accounts, weeks) impulses for the health process


def draw_incidents(cohort: Cohort, timeline: Timeline, rng: np.random.Generator) -> Incidents:
    """Draw incidents week by week at each account's segment rate."""
    weekly = by_segment("incidents_per_year", cohort.segment) / 52.0
    counts = rng.poisson(np.broadcast_to(weekly[:, None], (cohort.size, timeline.n_weeks)))
    account, week = np.nonzero(counts)
    repeat = counts[account, week]
    account, week = np.repeat(account, repeat), np.repeat(week, repeat)

    started = (timeline.grid_start_day + 7 * week) * DAY + rng.integers(0, 7 * DAY, size=len(week))
    severity = rng.choice(4, size=len(week), p=SEVERITY_PROBABILITY).astype(np.int8)
    hours = SEVERITY_MEDIAN_HOURS[severity] * np.exp(rng.normal(0.0, 0.8, size=len(week)))
    resolved = started + (hours * 3600).astype(np.int64) + 60

    health_hit = np.zeros((cohort.size, timeline.n_weeks))
    np.add.at(health_hit, (account, week), SEVERITY_HEALTH_HIT[severity])
    order = np.lexsort((started, account))
    return Incidents(account[order], started[order], resolved[order], severity[order], health_hit)


def incidents_table(
    cohort: Cohort,
    incidents: Incidents,
    alive_from: np.ndarray,
    alive_until: np.ndarray,
    timeline: Timeline,
) -> pa.Table:
    """The ``incidents`` rows: incidents that started in the account's life within the history."""
    day = incidents.started // DAY
    account = incidents.account
    keep = (day >= alive_from[account]) & (day < alive_until[account]) & (day <= timeline.end_day)
    resolved = incidents.resolved[keep]
    return pa.table(
        {
            "account_id": labels(account[keep], cohort.account_id),
            "started_at": timestamps(incidents.started[keep]),
            "resolved_at": timestamps(resolved, missing=resolved >= timeline.end_second),
            "severity": labels(incidents.severity[keep], SEVERITIES),
        }
    )
