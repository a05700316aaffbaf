"""Each account's value at as_of: subscription ARR now and 90 days before, its trend, seats.

Nothing is computed here that the feature catalogue already computes: the figures are
read off the billing features declared once in ``features/catalogue/billing.py``
(:data:`VALUE_FEATURES`), which are point in time like every feature (a billing period
counts only once it started, and was recorded, before as_of). ARR is 12 x MRR, as the
catalogue's ``arr`` feature counts it for accounts with billing periods -- without that
feature's fallbacks: ``accounts.arr`` is today's ARR (it would leak the future into a past
as_of) and a renewal's ARR is not a subscription.

An account *has value data* when a paid billing period (MRR above 0) covers as_of or
as_of - 90 days. Otherwise -- no subscription rows, none known by as_of, or only unpaid
ones -- it is in the ``no_value_data`` state (:mod:`serving.scoring.quadrants`), with its
figures empty. An account whose subscription ended in the last 90 days has value data:
ARR 0 now, fallen 100%.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from features.catalogue.billing import CHANGE_DAYS

TREND_DAYS = CHANGE_DAYS
"""Days between the two ARR figures the trend compares (the catalogue's ``mrr_90d_ago``)."""

VALUE_FEATURES: tuple[str, ...] = (
    "mrr",
    "mrr_90d_ago",
    "mrr_pct_change_90d",
    "seats",
    "seats_90d_ago",
)
"""Catalogue features the value figures are read from (built for scoring whatever the model reads)."""

MONTHS_PER_YEAR = 12


@dataclass(frozen=True)
class AccountValues:
    """Value figures per account, as float arrays (NaN where unknown) and a has-value mask."""

    arr: np.ndarray
    """Subscription ARR at as_of: 12 x the MRR of the period covering it (0 once it ended)."""
    arr_90d_ago: np.ndarray
    """Subscription ARR at as_of - 90 days (0 when no paid period covered it)."""
    arr_pct_change_90d: np.ndarray
    """Percent change of the ARR over the 90 days; NaN without ARR 90 days ago."""
    seats: np.ndarray
    seats_90d_ago: np.ndarray
    known: np.ndarray
    """Whether the account has value data (a paid period now or 90 days ago)."""

    def __len__(self) -> int:
        return len(self.known)

    def record(self, i: int) -> dict[str, float | None]:
        """Account ``i``'s figures as plain numbers (None where unknown)."""
        return {
            "arr": _plain(self.arr[i]),
            "arr_90d_ago": _plain(self.arr_90d_ago[i]),
            "arr_pct_change_90d": _plain(self.arr_pct_change_90d[i]),
            "seats": _plain(self.seats[i]),
            "seats_90d_ago": _plain(self.seats_90d_ago[i]),
        }


def account_values(features: pd.DataFrame) -> AccountValues:
    """The value figures of each row of ``features`` (feature rows holding :data:`VALUE_FEATURES`).

    A missing column (no subscriptions table, or rows built without it) leaves its figure
    unknown; without ``mrr`` and ``mrr_90d_ago`` no account has value data.
    """
    mrr, mrr_before = _column(features, "mrr"), _column(features, "mrr_90d_ago")
    known = (np.nan_to_num(mrr) > 0) | (np.nan_to_num(mrr_before) > 0)

    def kept(values: np.ndarray) -> np.ndarray:
        return np.where(known, values, np.nan)

    return AccountValues(
        arr=kept(MONTHS_PER_YEAR * mrr),
        arr_90d_ago=kept(MONTHS_PER_YEAR * mrr_before),
        arr_pct_change_90d=kept(_column(features, "mrr_pct_change_90d")),
        seats=kept(_column(features, "seats")),
        seats_90d_ago=kept(_column(features, "seats_90d_ago")),
        known=known,
    )


def _column(features: pd.DataFrame, name: str) -> np.ndarray:
    if name not in features.columns:
        return np.full(len(features), np.nan)
    values = pd.to_numeric(features[name], errors="coerce")
    return values.to_numpy(dtype=np.float64, na_value=np.nan)


def _plain(value: float) -> float | None:
    return None if np.isnan(value) else float(value)
