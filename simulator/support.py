"""Support tickets: a steady trickle that rises as health falls, and bursts after incidents.

Ordinary tickets arrive week by week at the segment's rate times ``exp(-0.35 * health)``.
Each incident in the account's life adds a burst (more for worse severities) within
hours of its start, as bug/performance/outage tickets of high or urgent priority.
Unhealthy accounts open more urgent tickets, escalate more and rate support lower;
satisfaction is often missing (not every ticket gets a CSAT answer), and a ticket still
open at the end of the history has no ``closed_at``.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from features.contract import PRIORITIES
from simulator import vocab
from simulator.accounts import Cohort
from simulator.arrays import (
    categorical,
    expand,
    labels,
    numbered_ids,
    office_seconds,
    sequence_within,
    sigmoid,
    timestamps,
)
from simulator.incidents import Incidents
from simulator.lifecycle import Lifecycle
from simulator.segments import by_segment
from simulator.timeline import DAY, Timeline

BURST_MEAN = np.array([0.2, 0.8, 2.0, 4.0])  # tickets per incident by severity (low..critical)
MEDIAN_HOURS_TO_CLOSE = np.array([96.0, 40.0, 16.0, 5.0])  # by priority low, normal, high, urgent
SATISFACTION_RESPONSE = 0.45


def support_tickets(
    cohort: Cohort,
    lifecycle: Lifecycle,
    health: np.ndarray,
    incidents: Incidents,
    timeline: Timeline,
    rng: np.random.Generator,
) -> pa.Table:
    """The tickets of a cohort, sorted by account and opening time."""
    weeks = np.arange(timeline.first_history_week, timeline.n_weeks)
    weekly = by_segment("tickets_per_month", cohort.segment)[:, None] * 12 / 52
    rate = weekly * np.exp(-0.35 * health[:, weeks])
    account, week = expand(rng.poisson(rate))
    opened = (timeline.grid_start_day + 7 * weeks[week]) * DAY + rng.integers(0, 7, len(week)) * DAY
    opened += office_seconds(rng, len(week))
    category = categorical(rng, np.array(vocab.TICKET_CATEGORY_WEIGHTS, dtype=float), len(week))
    from_incident = np.zeros(len(week), dtype=bool)

    burst = rng.poisson(BURST_MEAN[incidents.severity])
    hit_account = np.repeat(incidents.account, burst)
    hit_opened = np.repeat(incidents.started, burst) + rng.exponential(
        6 * 3600, burst.sum()
    ).astype(np.int64)
    hit_category = np.array(vocab.INCIDENT_TICKET_CATEGORIES)[rng.integers(0, 3, burst.sum())]
    hit_severity = np.repeat(incidents.severity, burst)

    account = np.r_[account, hit_account]
    opened = np.r_[opened, hit_opened]
    category = np.r_[category, hit_category]
    from_incident = np.r_[from_incident, np.ones(len(hit_account), dtype=bool)]
    severity = np.r_[np.zeros(len(week), dtype=np.int8), hit_severity]
    day = opened // DAY
    keep = (
        (day >= lifecycle.alive_from[account])
        & (day < lifecycle.alive_until[account])
        & (day <= timeline.end_day)
    )
    order = np.lexsort((opened[keep], account[keep]))
    account, opened, category = account[keep][order], opened[keep][order], category[keep][order]
    from_incident, severity = from_incident[keep][order], severity[keep][order]

    n = len(account)
    h = health[account, timeline.week_of(opened // DAY)]
    urgency = (
        rng.normal(0.0, 1.0, n) - 0.35 * h + np.where(from_incident, 0.6 + 0.5 * severity, 0.0)
    )
    priority = np.searchsorted(np.array([-0.67, 0.84, 1.64]), urgency).astype(
        np.int8
    )  # ~25/55/15/5%
    escalated = rng.random(n) < sigmoid(
        -3.8 + 1.6 * (priority == 3) + 0.8 * (priority == 2) - 0.6 * h
    )
    hours = (
        MEDIAN_HOURS_TO_CLOSE[priority]
        * np.exp(rng.normal(0.0, 0.9, n))
        * np.where(escalated, 2.0, 1.0)
    )
    closed = opened + (hours * 3600).astype(np.int64) + 300
    rated = rng.random(n) < SATISFACTION_RESPONSE
    satisfaction = np.clip(
        np.round(4.1 + 0.6 * h - 0.8 * escalated + rng.normal(0.0, 0.9, n)), 1, 5
    )
    rated &= closed < timeline.end_second

    ids = cohort.account_id.take(pa.array(account))
    return pa.table(
        {
            "account_id": labels(account, cohort.account_id),
            "ticket_id": numbered_ids("T", ids, sequence_within(account)),
            "opened_at": timestamps(opened),
            "closed_at": timestamps(closed, missing=closed >= timeline.end_second),
            "priority": labels(priority, PRIORITIES),
            "category": labels(category, vocab.TICKET_CATEGORIES),
            "satisfaction": pa.array(satisfaction.astype(np.int16), mask=~rated),
            "escalated": pa.array(escalated),
        }
    )
