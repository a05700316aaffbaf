"""Product usage: one row per (day, event, user) with a quantity, as daily aggregates.

Each account has a usage rate (rows per day at health 0, set by segment, a per-account
spread and ``usage_rows_per_account_year``). The rate on a day follows the account's
health a week earlier (``exp(ACTIVITY_SLOPE * health)``), is lower on weekends, and is
zero outside the account's life, so usage sags for weeks before a health-driven churn
and stops on the churn date. Healthy accounts lean more on the key features and do
more per row.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from simulator import vocab
from simulator.accounts import Cohort
from simulator.arrays import expand, labels, sigmoid, timestamps
from simulator.lifecycle import Lifecycle
from simulator.timeline import DAY, Timeline

ACTIVITY_SLOPE = 0.45
WEEKDAY_FACTOR = np.array([1.26, 1.26, 1.26, 1.26, 1.26, 0.35, 0.35])  # Monday first; averages 1
_BASIC = len(vocab.EVENTS) - len(vocab.KEY_FEATURES)
_WEIGHTS = np.array(vocab.EVENT_WEIGHTS, dtype=np.float64)
_BASIC_CDF = np.cumsum(_WEIGHTS[:_BASIC]) / _WEIGHTS[:_BASIC].sum()
_KEY_CDF = np.cumsum(_WEIGHTS[_BASIC:]) / _WEIGHTS[_BASIC:].sum()
_QUANTITY_MEAN = np.array(vocab.EVENT_QUANTITY_MEAN)


def usage_events(
    cohort: Cohort,
    lifecycle: Lifecycle,
    health: np.ndarray,
    timeline: Timeline,
    rng: np.random.Generator,
) -> pa.Table:
    """The usage rows of a cohort, sorted by account and day."""
    days = np.arange(timeline.start_day, timeline.end_day + 1)
    week = timeline.week_of(days - 7)
    weekday = WEEKDAY_FACTOR[(days + 3) % 7]  # 1970-01-01 was a Thursday
    alive = (days[None, :] >= lifecycle.alive_from[:, None]) & (
        days[None, :] < lifecycle.alive_until[:, None]
    )
    lagged = health[:, week]
    rate = cohort.usage_rate[:, None] * np.exp(ACTIVITY_SLOPE * lagged) * weekday[None, :] * alive
    account, day_index = expand(rng.poisson(rate).astype(np.int32))
    h = lagged[account, day_index]
    del rate, alive, lagged

    key = rng.random(len(account)) < sigmoid(-0.2 + 0.9 * h)
    pick = rng.random(len(account))
    event = np.where(
        key, _BASIC + np.searchsorted(_KEY_CDF, pick), np.searchsorted(_BASIC_CDF, pick)
    )
    event = np.minimum(event, len(vocab.EVENTS) - 1)
    quantity = 1 + rng.poisson((_QUANTITY_MEAN[event] - 1) * np.exp(0.25 * h))

    # users: a skewed pick from each account's pool (a few power users do most of the work)
    user = (cohort.user_pool[account] * rng.random(len(account)) ** 2).astype(np.int64)
    pool_start = np.r_[0, np.cumsum(cohort.user_pool)[:-1]]
    used, user_code = np.unique(pool_start[account] + user, return_inverse=True)
    used_account = np.searchsorted(pool_start, used, side="right") - 1
    user_names = _user_ids(cohort, used_account, used - pool_start[used_account])

    return pa.table(
        {
            "account_id": labels(account, cohort.account_id),
            "timestamp": timestamps(days[day_index] * DAY),
            "event": labels(event, vocab.EVENTS),
            "user_id": labels(user_code, user_names),
            "quantity": pa.array(quantity.astype(np.int32)),
        }
    )


def _user_ids(cohort: Cohort, account: np.ndarray, user: np.ndarray) -> pa.Array:
    """User ids like ``A0000042-u7``."""
    number = pc.cast(pa.array(user + 1), pa.string())
    return pc.binary_join_element_wise(cohort.account_id.take(pa.array(account)), number, "-u")
