"""Who the customers are: the static attributes of a chunk of accounts (a cohort)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from simulator import vocab
from simulator.arrays import labels, timestamps
from simulator.config import SEGMENTS
from simulator.segments import by_segment
from simulator.timeline import DAY, Timeline, day_of_month

PRE_HISTORY_SHARE = 0.75
"""Share of accounts that were already customers when the history starts."""
MAX_TENURE_YEARS = 6


@dataclass
class Cohort:
    """A chunk of accounts and the traits that stay fixed through the history."""

    index: np.ndarray  # global account number, 0-based
    account_id: pa.StringArray
    segment: np.ndarray  # code into config.SEGMENTS
    created_day: np.ndarray
    created_second: np.ndarray
    monthly: np.ndarray  # month-to-month contract (else annual)
    seats: np.ndarray  # licensed seats at the first period in history
    plan: np.ndarray  # code into segments.PLANS
    discount: np.ndarray
    industry: np.ndarray
    region: np.ndarray
    owner: np.ndarray  # code into vocab.CSM_NAMES; len(CSM_NAMES) means the pooled team
    name: list[str]
    baseline_health: np.ndarray  # the level each account's health returns to
    usage_rate: np.ndarray  # expected usage rows per day at average health
    user_pool: np.ndarray  # how many distinct users can appear in usage
    slow_payer: np.ndarray

    @property
    def size(self) -> int:
        return len(self.index)


def account_ids(index: np.ndarray) -> pa.StringArray:
    """The account id of each global account number (``A0000001`` for number 0)."""
    return pa.array([f"A{i + 1:07d}" for i in index.tolist()], type=pa.string())


def draw_cohort(
    index: np.ndarray,
    shares: tuple[float, ...],
    usage_rows_per_year: float,
    timeline: Timeline,
    rng: np.random.Generator,
    monthly_share: float | None = None,
) -> Cohort:
    """Draw the static attributes of the accounts numbered ``index``.

    ``monthly_share`` replaces every segment's own share of monthly contracts when given.
    """
    n = len(index)
    segment = rng.choice(len(shares), size=n, p=shares).astype(np.int8)

    before = rng.random(n) < PRE_HISTORY_SHARE
    tenure_days = (rng.random(n) ** 1.5 * MAX_TENURE_YEARS * 365).astype(np.int64) + 1
    joined_days = (rng.random(n) * 0.92 * timeline.n_days).astype(np.int64)
    created_day = np.where(
        before, timeline.start_day - tenure_days, timeline.start_day + joined_days
    )
    created_day -= np.maximum(0, day_of_month(created_day) - 28)  # contracts renew on days 1-28
    created_second = created_day * DAY + rng.integers(8 * 3600, 19 * 3600, size=n)

    low, high = by_segment("seats_min", segment), by_segment("seats_max", segment)
    seats = np.round(np.exp(rng.uniform(np.log(low), np.log(high)))).astype(np.int64)

    smb_plan = np.where(rng.random(n) < 0.6, 0, 1)
    plan = np.select([segment == 0, segment == 1], [smb_plan, 2], 3).astype(np.int8)
    discounted = rng.random(n) < by_segment("discount_share", segment)
    discount = np.where(
        discounted, np.round(rng.uniform(0.05, by_segment("discount_max", segment)), 2), 0.0
    )

    pooled = rng.random(n) < by_segment("pooled_owner_share", segment)
    owner = np.where(pooled, len(vocab.CSM_NAMES), rng.integers(0, len(vocab.CSM_NAMES), size=n))

    weights = by_segment("usage_weight", segment)
    mean_weight = float(np.dot(shares, by_segment("usage_weight", np.arange(len(shares)))))
    spread = np.exp(rng.normal(0.0, 0.5, size=n) - 0.125)
    usage_rate = usage_rows_per_year / 365.0 * weights / mean_weight * spread
    adoption = rng.uniform(0.3, 0.9, size=n)

    first = rng.integers(0, len(vocab.NAME_FIRST), size=n)
    second = rng.integers(0, len(vocab.NAME_SECOND), size=n)
    suffix = rng.integers(0, len(vocab.NAME_SUFFIX), size=n)
    name = [
        f"{vocab.NAME_FIRST[a]} {vocab.NAME_SECOND[b]} {vocab.NAME_SUFFIX[c]}"
        for a, b, c in zip(first.tolist(), second.tolist(), suffix.tolist(), strict=True)
    ]

    return Cohort(
        index=index,
        account_id=account_ids(index),
        segment=segment,
        created_day=created_day,
        created_second=created_second,
        monthly=rng.random(n)
        < (by_segment("monthly_share", segment) if monthly_share is None else monthly_share),
        seats=seats,
        plan=plan,
        discount=discount,
        industry=rng.integers(0, len(vocab.INDUSTRIES), size=n),
        region=rng.choice(len(vocab.REGIONS), size=n, p=vocab.REGION_WEIGHTS),
        owner=owner,
        name=name,
        baseline_health=rng.normal(0.0, 0.6, size=n),
        usage_rate=usage_rate,
        user_pool=np.clip(np.round(seats * adoption), 1, 400).astype(np.int64),
        slow_payer=rng.random(n) < 0.15,
    )


def accounts_table(cohort: Cohort, arr: np.ndarray) -> pa.Table:
    """The ``accounts`` rows of a cohort; ``arr`` is each account's latest ARR.

    A churned account keeps the ARR it had when it left, so this snapshot does not give
    away who churned.
    """
    owners = (*vocab.CSM_NAMES, vocab.POOLED_OWNER)
    return pa.table(
        {
            "account_id": cohort.account_id,
            "name": pa.array(cohort.name, type=pa.string()),
            "created_at": timestamps(cohort.created_second),
            "segment": labels(cohort.segment, SEGMENTS),
            "industry": labels(cohort.industry, vocab.INDUSTRIES),
            "region": labels(cohort.region, vocab.REGIONS),
            "owner": labels(cohort.owner, owners),
            "arr": pa.array(np.round(arr, 2)),
        }
    )
