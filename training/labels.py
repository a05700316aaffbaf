"""Labels from past renewals: observation points before each decided renewal, labelled churned or not.

For every renewal with an outcome, one observation point per lead time ``L`` (default
30/60/90/180 days) at ``as_of = renewal_date - L``; features are computed as of that point
and the label is whether the account churned at that renewal. A point is skipped when

* it falls on or before the account's previous renewal (the start of the term this
  renewal closes: as of that day the features would count the previous renewal as the
  next one); for a monthly contract only the 30-day point survives, and only after a
  31-day month,
* it falls before the account was created (``accounts.created_at``), or
* it falls within ``min_history_days`` of the first event in the data, when the windows
  of the features would reach back before any data was recorded.

Renewals without an outcome (upcoming, or not yet known) are never labels. The outcome
is known from ``recorded_at`` (or the renewal date when it is missing): it decides what
the rolling backtest may train on, and it is never a feature.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from training.errors import TrainingDataError


@dataclass(frozen=True)
class ObservationPoints:
    """The labelled points, and how many candidate points each rule skipped."""

    points: pd.DataFrame
    skipped: dict[str, int]
    undecided_renewals: int

    def notes(self) -> list[str]:
        """What was left out, in words, for the run's report."""
        notes = [f"{self.undecided_renewals:,} renewals without an outcome yet are not labels"]
        notes += [
            f"{count:,} observation points skipped: {rule}"
            for rule, count in self.skipped.items()
            if count
        ]
        return notes


def observation_points(
    renewals: pd.DataFrame,
    accounts: pd.DataFrame,
    lead_times_days: list[int],
    history_start: pd.Timestamp | None = None,
    min_history_days: int = 0,
) -> ObservationPoints:
    """One row per kept (renewal, lead time) with ``account_id, renewal_date, as_of, lead_days,
    churned, label_time, arr``; see the module docstring for the rules."""
    renewals = renewals.sort_values(["account_id", "renewal_date"], kind="stable").reset_index(
        drop=True
    )
    renewals["previous_renewal"] = renewals.groupby("account_id")["renewal_date"].shift(1)
    decided = renewals[renewals["outcome"].notna()]
    undecided = len(renewals) - len(decided)
    if decided.empty:
        raise TrainingDataError(
            "the renewals table has no renewal with an outcome (renewed or churned); training needs past "
            "renewal decisions"
        )
    account_columns = ["account_id"] + [c for c in ("created_at", "arr") if c in accounts.columns]
    decided = decided.merge(
        accounts[account_columns].rename(columns={"arr": "account_arr"}),
        on="account_id",
        how="left",
    )
    leads = pd.DataFrame({"lead_days": sorted(lead_times_days)})
    points = decided.merge(leads, how="cross")
    points["as_of"] = points["renewal_date"] - pd.to_timedelta(points["lead_days"], unit="D")

    rules = {
        "on or before the previous renewal (the term had not started)": points["as_of"]
        <= points["previous_renewal"],
    }
    if "created_at" in points:
        rules["before the account was created"] = points["as_of"] < points["created_at"]
    if history_start is not None:
        earliest = history_start + pd.Timedelta(days=min_history_days)
        rules[
            f"less than {min_history_days} days after the first recorded event ({history_start.date()})"
        ] = points["as_of"] < earliest
    skip = np.zeros(len(points), dtype=bool)
    skipped = {}
    for rule, hit in rules.items():
        hit = hit.fillna(False).to_numpy(dtype=bool)
        skipped[rule] = int((hit & ~skip).sum())
        skip |= hit
    kept = points[~skip]

    arr = kept["arr"] if "arr" in kept else pd.Series(np.nan, index=kept.index)
    if "account_arr" in kept:
        arr = arr.fillna(kept["account_arr"])
    label_time = kept["recorded_at"] if "recorded_at" in kept else kept["renewal_date"]
    result = pd.DataFrame(
        {
            "account_id": kept["account_id"],
            "renewal_date": kept["renewal_date"],
            "as_of": kept["as_of"],
            "lead_days": kept["lead_days"].astype(np.int64),
            "churned": (kept["outcome"] == "churned").astype(np.int8),
            "label_time": label_time.fillna(kept["renewal_date"]),
            "arr": arr.astype(np.float64),
        }
    ).sort_values(["renewal_date", "account_id", "lead_days"], kind="stable", ignore_index=True)
    if result.empty:
        raise TrainingDataError(
            f"all {len(points):,} observation points were skipped ({skipped}); use shorter lead_times_days "
            "or a longer history"
        )
    return ObservationPoints(result, skipped, undecided)
