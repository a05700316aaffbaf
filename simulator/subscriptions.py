"""Billing periods: seats, plan, discount and price per contract year.

Each account is billed in contract years that start on the anniversary of its creation
(monthly contracts are re-priced yearly too, on the same dates). At each new contract
year healthy accounts tend to add seats and unhealthy ones to cut them; healthy SMB
accounts sometimes upgrade from starter to team; unhealthy accounts sometimes get a
bigger discount to keep them ("save deals"); list prices rise 4% per calendar year.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from simulator.accounts import Cohort
from simulator.arrays import labels, timestamps
from simulator.lifecycle import Lifecycle
from simulator.segments import PLAN_LIST_PRICE, PLANS, YEARLY_PRICE_RISE
from simulator.timeline import DAY, Timeline, epoch_month, month_day

UPGRADE_PROBABILITY = 0.25  # starter -> team at a new contract year when health is above 0.3
SAVE_DEAL_PROBABILITY = (
    0.4  # +10 points of discount at a new contract year when health is below -0.6
)
MAX_DISCOUNT = 0.5


@dataclass
class Periods:
    """The billing periods of a cohort, sorted by account and start."""

    account: np.ndarray  # index into the cohort
    start_day: np.ndarray
    end_day: np.ndarray  # last day of the period, -1 while current
    seats: np.ndarray
    plan: np.ndarray
    discount: np.ndarray
    mrr: np.ndarray

    def mrr_on(self, account: np.ndarray, day: np.ndarray) -> np.ndarray:
        """MRR of the period each (account, day) falls in (the last period starting on or before it)."""
        key = self.account.astype(np.float64) * 1e6 + self.start_day
        position = np.searchsorted(key, account.astype(np.float64) * 1e6 + day, side="right") - 1
        return self.mrr[np.clip(position, 0, len(self.mrr) - 1)]


def draw_periods(
    cohort: Cohort,
    lifecycle: Lifecycle,
    health: np.ndarray,
    timeline: Timeline,
    start_year: int,
    rng: np.random.Generator,
) -> Periods:
    """Contract years overlapping each account's life in the history, with their prices."""
    n = cohort.size
    months_to_start = epoch_month(np.array([timeline.start_day]))[0] - lifecycle.month0
    first_year = np.maximum(0, months_to_start // 12 - 1)
    columns = -(-timeline.n_days // 365) + 3
    year = first_year[:, None] + np.arange(columns + 1)[None, :]
    starts = month_day(lifecycle.month0[:, None] + 12 * year, lifecycle.anniversary[:, None])
    start, following = starts[:, :-1], starts[:, 1:]
    alive = (following > lifecycle.alive_from[:, None]) & (start < lifecycle.alive_until[:, None])
    alive &= start <= timeline.end_day

    h = health[np.arange(n)[:, None], timeline.week_of(start)]
    growth = rng.normal(0.03 + 0.08 * h, 0.07)
    upgrade = (rng.random(start.shape) < UPGRADE_PROBABILITY) & (h > 0.3)
    save_deal = (rng.random(start.shape) < SAVE_DEAL_PROBABILITY) & (h < -0.6)

    seats = np.empty(start.shape, dtype=np.int64)
    plan = np.empty(start.shape, dtype=np.int8)
    discount = np.empty(start.shape)
    seats[:, 0], plan[:, 0], discount[:, 0] = cohort.seats, cohort.plan, cohort.discount
    for column in range(1, columns):
        seats[:, column] = np.maximum(1, np.round(seats[:, column - 1] * np.exp(growth[:, column])))
        plan[:, column] = np.where(
            (plan[:, column - 1] == 0) & upgrade[:, column], 1, plan[:, column - 1]
        )
        bigger = np.minimum(MAX_DISCOUNT, discount[:, column - 1] + 0.1)
        discount[:, column] = np.round(
            np.where(save_deal[:, column], bigger, discount[:, column - 1]), 2
        )

    calendar_year = start.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    price = PLAN_LIST_PRICE[plan] * (1 + YEARLY_PRICE_RISE) ** (calendar_year - start_year)
    mrr = np.round(seats * price * (1 - discount), 2)

    ended = np.minimum(following, lifecycle.alive_until[:, None]) - 1
    current = (following > timeline.end_day) & (lifecycle.alive_until[:, None] > timeline.end_day)
    end_day = np.where(current, -1, ended)

    account, column = np.nonzero(alive)
    return Periods(
        account=account,
        start_day=start[account, column],
        end_day=end_day[account, column],
        seats=seats[account, column],
        plan=plan[account, column],
        discount=discount[account, column],
        mrr=mrr[account, column],
    )


def subscriptions_table(cohort: Cohort, periods: Periods) -> pa.Table:
    """The ``subscriptions`` rows of a cohort."""
    return pa.table(
        {
            "account_id": labels(periods.account, cohort.account_id),
            "start_date": timestamps(periods.start_day * DAY),
            "mrr": pa.array(periods.mrr),
            "end_date": timestamps(periods.end_day * DAY, missing=periods.end_day < 0),
            "seats": pa.array(periods.seats.astype(np.int32)),
            "plan": labels(periods.plan, PLANS),
            "discount": pa.array(periods.discount),
        }
    )
