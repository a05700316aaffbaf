"""The ``renewals`` table and its hidden twin, the truth about each decided renewal."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from features.contract import OUTCOMES
from simulator.accounts import Cohort
from simulator.arrays import labels, timestamps
from simulator.config import SEGMENTS
from simulator.lifecycle import CAUSES, TERMS, Lifecycle
from simulator.subscriptions import Periods
from simulator.timeline import DAY

TRUTH_SCHEMA = pa.schema(
    [
        ("account_id", pa.string()),
        ("renewal_date", pa.timestamp("s")),
        ("segment", pa.string()),
        ("term", pa.string()),
        ("true_churn_probability", pa.float64()),
        ("churned", pa.bool_()),
        ("cause", pa.string()),
    ]
)
"""The truth file: one row per renewal whose outcome is in ``renewals`` (never the open ones)."""


def renewals_table(cohort: Cohort, lifecycle: Lifecycle, periods: Periods) -> pa.Table:
    """The ``renewals`` rows: decided ones with outcome and ``recorded_at``, then one open row per live account."""
    rows = lifecycle.renewals
    arr = 12 * periods.mrr_on(rows.account, rows.day - 1)
    open_row = rows.outcome < 0
    return pa.table(
        {
            "account_id": labels(rows.account, cohort.account_id),
            "renewal_date": timestamps(rows.day * DAY),
            "outcome": labels(np.maximum(rows.outcome, 0), OUTCOMES, missing=open_row),
            "arr": pa.array(np.round(arr, 2)),
            "recorded_at": timestamps(rows.recorded, missing=open_row),
        }
    )


def truth_table(cohort: Cohort, lifecycle: Lifecycle) -> pa.Table:
    """True churn probability, outcome and cause of every decided renewal (written under ``_truth``)."""
    rows = lifecycle.renewals
    decided = rows.outcome >= 0
    account = rows.account[decided]
    return pa.table(
        {
            "account_id": cohort.account_id.take(pa.array(account)),
            "renewal_date": timestamps(rows.day[decided] * DAY),
            "segment": pa.array(np.array(SEGMENTS)[cohort.segment[account]]),
            "term": pa.array(np.array(TERMS)[cohort.monthly[account].astype(np.int64)]),
            "true_churn_probability": pa.array(rows.probability[decided]),
            "churned": pa.array(rows.outcome[decided] == 1),
            "cause": pa.array(np.array(CAUSES)[rows.cause[decided]]),
        },
        schema=TRUTH_SCHEMA,
    )
