"""Labels from past renewals: observation points before each decided renewal, labelled churned or not.

For every renewal with an outcome, observation points at ``as_of = renewal_date - L`` for
lead times ``L`` placed relative to the contract term the renewal closes (see
:mod:`training.geometry`), or the fixed ``lead_times_days`` of the config when it gives
them; features are computed as of each point and the label is whether the account churned
at that renewal. A point is skipped when

* it falls before the term started: on or before the account's previous renewal (as of that
  day the features would count the previous renewal as the next one), or, for a first
  renewal, before the inferred start of its term,
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
from training.geometry import (
    describe_leads,
    lead_times,
    renewal_positions,
    renewal_terms,
    term_name,
)

MIN_RENEWALS_PER_OUTCOME = 20
"""Training needs at least this many labelled renewals that churned, and as many that renewed:
an out-of-time split must leave both outcomes in training, validation and test."""


@dataclass(frozen=True)
class ObservationPoints:
    """The labelled points, how many candidate points each rule skipped, and the geometry used.

    ``geometry`` has one row per kind of term (``term``, ``renewals``, ``term_days``,
    ``shortest``, ``longest``, ``leads``, ``points``): the decided renewals closing such
    terms, their median, shortest and longest length, where their points fell and how many
    were kept.
    """

    points: pd.DataFrame
    skipped: dict[str, int]
    undecided_renewals: int
    geometry: pd.DataFrame
    lead_times_text: str
    min_history_text: str
    candidates: int

    @property
    def labelled_renewals(self) -> tuple[int, int]:
        """Renewals with at least one point: how many churned, how many renewed."""
        renewals = self.points.drop_duplicates(["account_id", "renewal_date"])
        churned = int(renewals["churned"].sum())
        return churned, len(renewals) - churned

    @property
    def trainable(self) -> bool:
        """At least :data:`MIN_RENEWALS_PER_OUTCOME` churned and as many renewed renewals have points."""
        return min(self.labelled_renewals) >= MIN_RENEWALS_PER_OUTCOME

    def check_trainable(self) -> None:
        """Stop with the numbers when too few labelled renewals are left to split and train on."""
        if self.trainable:
            return
        churned, renewed = self.labelled_renewals
        renewals = self.points.drop_duplicates(["account_id", "renewal_date"])
        reasons = "; ".join(f"{count:,} {rule}" for rule, count in self.skipped.items() if count)
        raise TrainingDataError(
            f"too few labelled renewals to train on: {len(renewals):,} renewals with observation points "
            f"({churned:,} churned, {renewed:,} renewed) from {self.candidates:,} candidate points"
            + (f" (skipped: {reasons}; {self.min_history_text})" if reasons else "")
            + f". Training needs at least {MIN_RENEWALS_PER_OUTCOME} churned and "
            f"{MIN_RENEWALS_PER_OUTCOME} renewed renewals; add more history, or lower min_history_days "
            "or change lead_times_days in the training config"
        )

    def notes(self) -> list[str]:
        """What was chosen and left out, in words, for the run's report and the model card."""
        notes = [f"observation points: {self.lead_times_text}; {self.min_history_text}"]
        notes += [term_note(row) for row in self.geometry.itertuples()]
        notes.append(f"{self.undecided_renewals:,} renewals without an outcome yet are not labels")
        notes += [
            f"{count:,} observation points skipped: {rule}"
            for rule, count in self.skipped.items()
            if count
        ]
        return notes


def term_days_text(row) -> str:
    """A row of :attr:`ObservationPoints.geometry`'s term lengths, e.g. ``28-31 days, median 31``."""
    if row.shortest == row.longest:
        return f"{row.term_days} days"
    return f"{row.shortest}-{row.longest} days, median {row.term_days}"


def term_note(row) -> str:
    """A row of :attr:`ObservationPoints.geometry` in words, for the notes and the model card."""
    return f"{row.term} terms ({term_days_text(row)}): {row.renewals:,} decided renewals, " + (
        f"{row.points:,} points kept, {row.leads}" if row.points else "no point kept"
    )


def observation_points(
    renewals: pd.DataFrame,
    accounts: pd.DataFrame,
    lead_times_days: list[int] | None = None,
    history_start: pd.Timestamp | None = None,
    min_history_days: int = 0,
    min_history_reason: str | None = None,
) -> ObservationPoints:
    """One row per kept point with ``account_id, renewal_date, as_of, lead_days, term_days,
    churned, label_time, arr``; see the module docstring for the rules.

    ``lead_times_days`` None places the points by term (:mod:`training.geometry`);
    ``min_history_reason`` says how ``min_history_days`` was chosen, for the notes.
    """
    renewals = renewals.sort_values(["account_id", "renewal_date"], kind="stable").reset_index(
        drop=True
    )
    renewals["previous_renewal"] = renewals.groupby("account_id")["renewal_date"].shift(1)
    renewals = renewals.join(renewal_terms(renewals, accounts))
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
    ).reset_index(drop=True)
    if lead_times_days is None:
        leads = lead_times(decided["term_days"], renewal_positions(decided))
        points = decided.iloc[leads["row"]].reset_index(drop=True)
        points["lead_days"] = leads["lead_days"].to_numpy()
        lead_text = "placed by contract term (lead_times_days not set)"
    else:
        points = decided.merge(pd.DataFrame({"lead_days": sorted(lead_times_days)}), how="cross")
        lead_text = f"lead_times_days {sorted(lead_times_days)} from the config, for every term"
    points["as_of"] = points["renewal_date"] - pd.to_timedelta(points["lead_days"], unit="D")

    rules = {
        "before the term started (on or before the previous renewal, or before a first term's start)": (
            points["as_of"] <= points["previous_renewal"]
        )
        | (points["previous_renewal"].isna() & (points["as_of"] < points["term_start"])),
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
            "term_days": kept["term_days"].astype(np.int64),
            "churned": (kept["outcome"] == "churned").astype(np.int8),
            "label_time": label_time.fillna(kept["renewal_date"]),
            "arr": arr.astype(np.float64),
        }
    ).sort_values(["renewal_date", "account_id", "lead_days"], kind="stable", ignore_index=True)
    history_text = f"min_history_days {min_history_days}" + (
        f" ({min_history_reason})" if min_history_reason else ""
    )
    if result.empty:
        raise TrainingDataError(
            f"all {len(points):,} observation points were skipped ({skipped}; {history_text}); use shorter "
            "lead_times_days or a smaller min_history_days in the training config, or a longer history"
        )
    return ObservationPoints(
        result,
        skipped,
        undecided,
        _geometry(decided, result),
        lead_text,
        history_text,
        len(points),
    )


def _geometry(decided: pd.DataFrame, kept: pd.DataFrame) -> pd.DataFrame:
    """One row per kind of term: decided renewals, median length, where the points fell, points kept."""
    decided_terms = decided["term_days"].map(term_name)
    kept_terms = kept["term_days"].map(term_name)
    rows = []
    for name, terms in decided["term_days"].groupby(decided_terms, sort=False):
        here = kept_terms == name
        rows.append(
            {
                "term": name,
                "renewals": len(terms),
                "term_days": int(terms.median()),
                "shortest": int(terms.min()),
                "longest": int(terms.max()),
                "leads": describe_leads(kept.loc[here, "term_days"], kept.loc[here, "lead_days"]),
                "points": int(here.sum()),
            }
        )
    return pd.DataFrame(rows).sort_values(["term_days"], ignore_index=True)
