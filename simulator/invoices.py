"""Invoices and payments: what each account was billed and how (and whether) it paid.

Annual contracts are invoiced once per contract year (12 x MRR, paid by bank transfer
within the segment's payment terms); monthly contracts every month (MRR, charged to a
card). Unhealthy accounts and habitual slow payers pay late; unhealthy card payers see
more failed charges; about 1% of invoices are voided. An invoice not paid by the end of
the history is ``open`` with no ``paid_at``.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from features.contract import INVOICE_STATUSES
from simulator.accounts import Cohort
from simulator.arrays import labels, numbered_ids, sequence_within, sigmoid, timestamps
from simulator.lifecycle import Lifecycle
from simulator.segments import by_segment
from simulator.subscriptions import Periods
from simulator.timeline import DAY, Timeline, epoch_month, month_day

VOID_SHARE = 0.01
CARD_DUE_DAYS = 7
_PAID, _OPEN, _VOID, _FAILED = (
    INVOICE_STATUSES.index(s) for s in ("paid", "open", "void", "failed")
)


def _monthly_bills(
    cohort: Cohort, lifecycle: Lifecycle, timeline: Timeline
) -> tuple[np.ndarray, np.ndarray]:
    """(account, day) of every monthly bill in the history for month-to-month accounts."""
    monthly = np.flatnonzero(cohort.monthly)
    month0 = lifecycle.month0[monthly]
    first = np.maximum(month0, epoch_month(np.array([timeline.start_day]))[0] - 1)
    months = -(-timeline.n_days // 28) + 2
    day = month_day(
        first[:, None] + np.arange(months)[None, :], lifecycle.anniversary[monthly][:, None]
    )
    start = lifecycle.alive_from[monthly][:, None]
    stop = np.minimum(lifecycle.alive_until[monthly], timeline.end_day + 1)[:, None]
    row, column = np.nonzero((day >= start) & (day < stop))
    return monthly[row], day[row, column]


def invoices(
    cohort: Cohort,
    lifecycle: Lifecycle,
    periods: Periods,
    health: np.ndarray,
    timeline: Timeline,
    rng: np.random.Generator,
) -> pa.Table:
    """The invoices of a cohort, sorted by account and issue date."""
    annual = ~cohort.monthly[periods.account] & (
        periods.start_day >= lifecycle.alive_from[periods.account]
    )
    monthly_account, monthly_day = _monthly_bills(cohort, lifecycle, timeline)
    account = np.r_[periods.account[annual], monthly_account]
    issued_day = np.r_[periods.start_day[annual], monthly_day]
    order = np.lexsort((issued_day, account))
    account, issued_day = account[order], issued_day[order]
    card = cohort.monthly[account]
    amount = np.round(periods.mrr_on(account, issued_day) * np.where(card, 1, 12), 2)

    n = len(account)
    h = health[account, timeline.week_of(issued_day)]
    terms = np.where(card, CARD_DUE_DAYS, by_segment("payment_terms_days", cohort.segment[account]))
    late = rng.random(n) < sigmoid(-2.6 - 1.6 * h + 1.2 * cohort.slow_payer[account])
    transfer_delay = np.where(
        late, terms + rng.exponential(20.0, n), terms * rng.uniform(0.2, 1.0, n)
    )
    delay = np.where(card, rng.uniform(0, 0.1, n), transfer_delay)
    paid = issued_day * DAY + 9 * 3600 + (delay * DAY).astype(np.int64)

    failed = card & (rng.random(n) < sigmoid(-3.8 - 1.0 * h))
    void = rng.random(n) < VOID_SHARE
    unpaid = paid >= timeline.end_second
    status = np.select([void, failed, unpaid], [_VOID, _FAILED, _OPEN], _PAID)

    ids = cohort.account_id.take(pa.array(account))
    return pa.table(
        {
            "account_id": labels(account, cohort.account_id),
            "invoice_id": numbered_ids("INV", ids, sequence_within(account)),
            "issued_at": timestamps(issued_day * DAY),
            "due_at": timestamps((issued_day + terms) * DAY),
            "amount": pa.array(amount),
            "paid_at": timestamps(paid, missing=status != _PAID),
            "status": labels(status, INVOICE_STATUSES),
        }
    )
