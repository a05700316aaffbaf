"""Contracts and renewal decisions: when each account renews or churns, and why.

Annual contracts renew on each anniversary of the account's creation, monthly ones
every month on the same day of the month (accounts are created on days 1-28). At each renewal in
the history the account churns with probability

    p = 1 - (1 - p_health) * (1 - p_shock)

* ``p_health = sigmoid(a_segment,term + first_renewal_bump - HEALTH_SLOPE * h)`` where ``h`` is
  the account's mean health over the 10 to 2 weeks before the renewal (the decision is
  made in the run-up, not on the day);
* ``p_shock`` comes from a per-segment yearly hazard of churn unrelated to health
  (budget cuts, acquisitions), so some churn cannot be predicted from any data.

The outcome becomes known (``recorded_at``) a few days after the renewal date; an
outcome not yet known at the end of the history is exported as open (no outcome), and
every account still a customer has exactly one open renewal (the pending or next one).
A churned account stops on its renewal date: no events from then on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.accounts import Cohort
from simulator.health import mean_health
from simulator.segments import by_segment
from simulator.timeline import DAY, Timeline, day_of_month, epoch_month, month_day

HEALTH_SLOPE = 2.0
FIRST_RENEWAL_BUMP = 0.5  # extra churn logit at the first annual / first three monthly renewals
DECISION_WINDOW_WEEKS = (10, 2)  # health is averaged from 10 to 2 weeks before the renewal
RECORDING_LAG_MEAN_DAYS = 4.0

CAUSES = ("none", "health", "shock")
TERMS = ("annual", "monthly")


@dataclass
class Renewals:
    """The renewal rows of a cohort (decided and open), sorted by account and date."""

    account: np.ndarray  # index into the cohort
    day: np.ndarray  # epoch day of the renewal
    outcome: np.ndarray  # 0 renewed, 1 churned, -1 open (not decided or not yet known)
    recorded: np.ndarray  # epoch seconds the outcome became known; -1 when open
    probability: np.ndarray  # true churn probability (nan for open rows)
    cause: np.ndarray  # code into CAUSES (0 for open rows)
    base_logit: np.ndarray  # churn logit at health 0 (segment, term, first-renewal bump)
    shock_probability: np.ndarray  # chance of a churn unrelated to health at this renewal


@dataclass
class Lifecycle:
    """When each account is a customer and how its renewals went."""

    month0: np.ndarray  # month of creation (months since 1970-01): contracts count from it
    anniversary: np.ndarray  # day of month (1-28) of creation, every renewal and every bill
    alive_from: np.ndarray  # first day with events (creation or history start)
    alive_until: np.ndarray  # first day without events (churn day, or the day after the history)
    renewals: Renewals


def _months_until(month0: np.ndarray, anniversary: np.ndarray, day: int) -> np.ndarray:
    """Months from ``month0`` to the first anniversary date on or after ``day``."""
    months = epoch_month(np.array([day]))[0] - month0
    return np.where(month_day(month0 + months, anniversary) < day, months + 1, months)


def decide_renewals(
    cohort: Cohort, health: np.ndarray, timeline: Timeline, rng: np.random.Generator
) -> Lifecycle:
    """Lay out every account's renewals and draw each decision from its latent health."""
    n = cohort.size
    month0 = epoch_month(cohort.created_day)
    anniversary = day_of_month(cohort.created_day)
    step = np.where(cohort.monthly, 1, 12)

    # renewal number k (1, 2, ...) falls on month0 + k * step; start at the first after start_day,
    # so every account is a customer for at least a day of the history
    first_k = np.maximum(1, -(-_months_until(month0, anniversary, timeline.start_day + 1) // step))
    columns = -(-timeline.n_days // 28) + 2
    k = first_k[:, None] + np.arange(columns)[None, :]
    day = month_day(month0[:, None] + k * step[:, None], anniversary[:, None])
    in_history = day <= timeline.end_day

    account = np.broadcast_to(np.arange(n)[:, None], day.shape)
    week = timeline.week_of(day)
    h = mean_health(
        health, account, week - DECISION_WINDOW_WEEKS[0], week - DECISION_WINDOW_WEEKS[1]
    )
    segment = cohort.segment[:, None]
    logit = np.where(
        cohort.monthly[:, None],
        by_segment("churn_logit_monthly", segment),
        by_segment("churn_logit_annual", segment),
    )
    first = np.where(cohort.monthly[:, None], k <= 3, k == 1)
    base_logit = logit + FIRST_RENEWAL_BUMP * first
    p_health = 1.0 / (1.0 + np.exp(-(base_logit - HEALTH_SLOPE * h)))
    p_shock = 1.0 - np.exp(-by_segment("shock_hazard_year", segment) * step[:, None] / 12.0)
    probability = 1.0 - (1.0 - p_health) * (1.0 - p_shock)

    shock = rng.random(day.shape) < p_shock
    health_churn = rng.random(day.shape) < p_health
    churn = (shock | health_churn) & in_history
    lag = rng.exponential(RECORDING_LAG_MEAN_DAYS * DAY, size=day.shape).astype(np.int64)
    recorded = day * DAY + 6 * 3600 + lag
    known = recorded < timeline.end_second

    # the first renewal not known by the end of the history is the open one (the next one after
    # the history at the latest, since a renewal after it cannot be known), unless the account churned before
    churn_column = np.where(churn.any(axis=1), churn.argmax(axis=1), columns)
    unknown_column = (~known).argmax(axis=1)
    open_column = np.minimum(unknown_column, churn_column + 1)
    column = np.arange(columns)[None, :]
    decided = column < open_column[:, None]
    open_row = (column == open_column[:, None]) & ~(open_column == churn_column + 1)[:, None]

    row = decided | open_row
    rows_account, rows_column = np.nonzero(row)
    is_open = open_row[rows_account, rows_column]
    cause = np.select([shock, health_churn], [2, 1], 0).astype(np.int8)
    renewals = Renewals(
        account=rows_account,
        day=day[rows_account, rows_column],
        outcome=np.where(is_open, -1, churn[rows_account, rows_column]).astype(np.int8),
        recorded=np.where(is_open, -1, recorded[rows_account, rows_column]),
        probability=np.where(is_open, np.nan, probability[rows_account, rows_column]),
        cause=np.where(
            is_open | ~churn[rows_account, rows_column], 0, cause[rows_account, rows_column]
        ).astype(np.int8),
        base_logit=np.broadcast_to(base_logit, day.shape)[rows_account, rows_column],
        shock_probability=np.broadcast_to(p_shock, day.shape)[rows_account, rows_column],
    )

    churned = churn_column < columns
    churn_day = day[np.arange(n), np.minimum(churn_column, columns - 1)]
    return Lifecycle(
        month0=month0,
        anniversary=anniversary,
        alive_from=np.maximum(cohort.created_day, timeline.start_day),
        alive_until=np.where(churned, churn_day, timeline.end_day + 1),
        renewals=renewals,
    )
