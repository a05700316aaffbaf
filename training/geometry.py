"""Training geometry from the data: each renewal's contract term, where its observation points go,
and how much recorded history a point needs.

A customer's renewals may be monthly, quarterly, annual, multi-year or a mix. Each decided
renewal closes a *term*: the days since the account's previous renewal, or, for a first
renewal, the days since the account was created when that is a usual term (monthly,
quarterly, semi-annual, annual, two or three years) no longer than the account's usual
spacing between renewals; else that spacing (all its renewal dates count, upcoming ones too,
since a contract says when it ends); else the typical term of an account (the median over
accounts of their usual spacing). An account created long before its recorded renewals says
nothing by its age, and one that moved from a monthly to an annual plan at its first renewal
closed a month there, not a year.

Observation points are then placed relative to that term (:func:`lead_times`):

* terms of :data:`SHORT_TERM_DAYS` days or more get the classic points 30, 60, 90 and 180
  days before the renewal, those that fall inside the term;
* shorter terms (monthly, quarterly) get one point per renewal, at a sixth, half or five
  sixths of the term before it, which of the three chosen by a hash of the account and the
  renewal date. A monthly account renews twelve times a year: one point per renewal keeps the
  training set proportional to the decisions, and the three positions cover the term as
  scoring does. The hash (not the renewal's rank within its account) mixes the positions in
  every period, so validation and test rows sit where training rows do.

The history a point needs behind it (:func:`min_history_days`) is a third of the recorded
history, at most :data:`MAX_MIN_HISTORY_DAYS`: three months of data need 30 days, a year or
more 90 (none, when that floor alone leaves too few labelled renewals to train on: see
``training.renewals``). ``lead_times_days`` and ``min_history_days`` in the training config
override both.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SHORT_TERM_DAYS = 120
"""Terms shorter than this get one observation point per renewal (see the module docstring)."""

LONG_TERM_LEADS = (30, 60, 90, 180)
"""Lead times in days before renewals that close longer terms (those inside the term)."""

SHORT_TERM_FRACTIONS = (1 / 2, 1 / 6, 5 / 6)
"""Where a short term's point falls, as a share of the term before the renewal, in turn."""

MAX_MIN_HISTORY_DAYS = 90
MIN_HISTORY_SHARE = 1 / 3
"""A point needs this share of the recorded history behind it, at most ``MAX_MIN_HISTORY_DAYS``."""

DEFAULT_TERM_DAYS = 365
"""The term assumed when no renewal spacing or creation date says anything."""

TERM_NAMES = (
    ("weekly", 5, 9),
    ("monthly", 26, 35),
    ("quarterly", 84, 98),
    ("semi-annual", 175, 190),
    ("annual", 350, 380),
    ("two-year", 715, 745),
    ("three-year", 1080, 1110),
)
"""Names of the usual contract terms, with the day ranges they cover."""


OTHER_TERMS = "other"
"""The name of every term that is not one of :data:`TERM_NAMES`."""


def term_name(days: float) -> str:
    """``monthly``, ``annual``... for the usual terms, else ``other``."""
    for name, low, high in TERM_NAMES:
        if low <= days <= high:
            return name
    return OTHER_TERMS


def renewal_terms(renewals: pd.DataFrame, accounts: pd.DataFrame) -> pd.DataFrame:
    """``term_days`` and ``term_start`` of every row of ``renewals`` (sorted by account and date).

    ``renewals`` has ``account_id`` and ``renewal_date`` (every renewal, decided or not) and
    must be sorted by account, then date; see the module docstring for the fallbacks.
    """
    dates = renewals["renewal_date"]
    previous = renewals.groupby("account_id", sort=False)["renewal_date"].shift(1)
    gap = (dates - previous).dt.total_seconds() / 86_400
    usual = gap.groupby(renewals["account_id"], sort=False).transform("median")
    term = gap
    if "created_at" in accounts:
        created = renewals[["account_id"]].merge(
            accounts[["account_id", "created_at"]], on="account_id", how="left"
        )["created_at"]
        since_created = (dates - created.to_numpy()).dt.total_seconds() / 86_400
        # a first term from the account's creation when that is a usual term no longer than the
        # account's spacing: an account created long before its recorded renewals began says
        # nothing by its age (an annual one created two years before its first recorded renewal
        # is not on a two-year term), and one that moved from a monthly to a longer plan at its
        # first renewal closed a month, not the longer term it started
        usual_age = np.logical_or.reduce(
            [since_created.between(low, high) for _, low, high in TERM_NAMES]
        )
        first_term = usual_age & ~(since_created > usual * 1.1)
        term = term.fillna(since_created.where(first_term))
    term = term.fillna(usual)
    # the typical term of an account, not of a renewal: monthly accounts renew twelve times as often
    per_account = usual.groupby(renewals["account_id"], sort=False).first().dropna()
    typical = float(per_account.median()) if len(per_account) else DEFAULT_TERM_DAYS
    term = term.fillna(typical).clip(lower=1).round()
    start = previous.fillna(dates - pd.to_timedelta(term, unit="D"))
    return pd.DataFrame({"term_days": term.astype(np.int64), "term_start": start})


def lead_times(term_days: pd.Series, position: pd.Series) -> pd.DataFrame:
    """Candidate observation points: ``row`` (of ``term_days``' index) and ``lead_days``.

    ``position`` (any integers, e.g. :func:`renewal_positions`) picks each short term's share
    of :data:`SHORT_TERM_FRACTIONS`, modulo their number.
    """
    long = term_days >= SHORT_TERM_DAYS
    long_points = (
        pd.DataFrame({"row": term_days.index[long], "term_days": term_days[long].to_numpy()})
        .merge(pd.DataFrame({"lead_days": LONG_TERM_LEADS}), how="cross")
        .query("lead_days < term_days")
    )
    short = term_days[~long]
    fraction = np.asarray(SHORT_TERM_FRACTIONS)[
        position[~long].to_numpy() % len(SHORT_TERM_FRACTIONS)
    ]
    short_lead = np.clip(
        np.round(short.to_numpy() * fraction), 1, np.maximum(short.to_numpy() - 1, 1)
    )
    short_points = pd.DataFrame({"row": short.index, "lead_days": short_lead.astype(np.int64)})
    points = pd.concat([long_points[["row", "lead_days"]], short_points], ignore_index=True)
    return points.sort_values(["row", "lead_days"], kind="stable", ignore_index=True)


def renewal_positions(renewals: pd.DataFrame) -> pd.Series:
    """A stable pseudo-random integer per renewal, from its account and date (same data, same points)."""
    keys = renewals[["account_id", "renewal_date"]].astype({"account_id": "string"})
    return pd.Series(
        pd.util.hash_pandas_object(keys, index=False).to_numpy() % 2**31,
        index=renewals.index,
        dtype=np.int64,
    )


def min_history_days(history_days: float | None) -> int:
    """Days of recorded history a point needs: a third of what the data holds, at most 90."""
    if history_days is None:
        return MAX_MIN_HISTORY_DAYS
    return int(min(MAX_MIN_HISTORY_DAYS, max(0, history_days) * MIN_HISTORY_SHARE))


def describe_leads(term_days: pd.Series, leads: pd.Series) -> str:
    """Where the points of one kind of term fell, in words (``term_days`` of each kept point)."""
    if leads.empty:
        return "none kept"
    long = term_days >= SHORT_TERM_DAYS
    said = []
    if long.any():
        said.append("/".join(map(str, sorted({int(v) for v in leads[long]}))) + " days before")
    if (~long).any():
        low, high = int(leads[~long].min()), int(leads[~long].max())
        span = f"{low} days" if low == high else f"{low}-{high} days"
        said.append(f"one per renewal at a sixth, half or five sixths of the term before ({span})")
    return "; ".join(said)
