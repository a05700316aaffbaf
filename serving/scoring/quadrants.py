"""Health against value: each account's quadrant, and the thresholds that draw it.

Two cuts split the portfolio. The **health cut** (default: the lowest health of the
model's healthiest band, 70 with the default bands) says whether an account is healthy
(health at or above it) or at risk (below). The **value cut** says whether its
subscription ARR (:mod:`serving.scoring.value`) is high (at or above the cut) or lower:
by default the 75th percentile of the ARR of the paying accounts scored together, so it
adapts to any portfolio and any currency; or a fixed amount.

| quadrant | value | health | what customer success does |
|---|---|---|---|
| ``protect`` | high | at risk | save it: the most ARR to lose; an executive-backed save plan |
| ``grow`` | high | healthy | expand it: seats, products, multi-year, references |
| ``fix`` | lower | at risk | a scaled, low-touch rescue (programmes, not one-to-one) |
| ``maintain`` | lower | healthy | keep it on the low-touch track; self-serve upgrades |

An account without value data (no paid subscription at as_of nor 90 days before) is in
the ``no_value_data`` state instead. The percentile is only read from at least
``min_accounts`` paying accounts: a smaller batch (a service request of a few records,
with no portfolio to compare with) has no value cut, and its accounts no quadrant.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from pydantic import Field, model_validator

from churn_scorecard.config import StrictModel
from serving.scoring.value import AccountValues


class Quadrant(StrEnum):
    """Where an account sits on health against value."""

    PROTECT = "protect"
    GROW = "grow"
    FIX = "fix"
    MAINTAIN = "maintain"
    NO_VALUE_DATA = "no_value_data"


QUADRANT_MEANINGS: dict[Quadrant, str] = {
    Quadrant.PROTECT: "high value, at risk",
    Quadrant.GROW: "high value, healthy",
    Quadrant.FIX: "lower value, at risk",
    Quadrant.MAINTAIN: "lower value, healthy",
    Quadrant.NO_VALUE_DATA: "no paid subscription on record at as_of or 90 days before",
}
"""Each quadrant in a few words, for play reasons and pages."""


class ValueCut(StrictModel):
    """Where high value starts: a percentile of the paying accounts' ARR, or an amount."""

    percentile: float | None = Field(
        default=None,
        gt=0,
        lt=100,
        description="ARR at or above this percentile of the paying accounts scored together is "
        "high value (e.g. 75: the top quarter).",
    )
    arr: float | None = Field(
        default=None,
        gt=0,
        description="ARR at or above this amount (in the data's currency) is high value.",
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> ValueCut:
        if (self.percentile is None) == (self.arr is None):
            raise ValueError(
                "give exactly one of percentile (e.g. 75: the top quarter of ARR) or arr (an "
                "amount in the data's currency, e.g. 50000)"
            )
        return self


class DisagreementRules(StrictModel):
    """When health and money disagree enough to list an account."""

    contraction_pct: float = Field(
        default=10,
        gt=0,
        le=100,
        description="A healthy account whose ARR fell by at least this percent in 90 days.",
    )
    expansion_pct: float = Field(
        default=10,
        gt=0,
        description="An at-risk account whose ARR rose by at least this percent in 90 days.",
    )


class QuadrantRules(StrictModel):
    """The playbook's ``quadrants`` section: the health cut, the value cut, disagreements."""

    health_cut: float | None = Field(
        default=None,
        gt=0,
        le=100,
        description="Health at or above this is healthy; default: the lowest health of the "
        "model's healthiest band (70 with the default bands).",
    )
    value_cut: ValueCut = Field(default_factory=lambda: ValueCut(percentile=75))
    min_accounts: int = Field(
        default=20,
        ge=1,
        description="The fewest paying accounts a percentile value cut is read from.",
    )
    disagreement: DisagreementRules = Field(default_factory=DisagreementRules)

    def cuts(
        self,
        values: AccountValues,
        bands: Sequence[tuple[str, float]],
        arr_cut: float | None = None,
    ) -> QuadrantCuts:
        """The health cut under the model's ``bands`` and the value cut of these accounts.

        ``arr_cut`` (the value cut already read from a whole portfolio) wins over reading
        the percentile off ``values``.
        """
        health = self.health_cut if self.health_cut is not None else float(bands[0][1])
        if self.value_cut.arr is not None:
            return QuadrantCuts(health, self.value_cut.arr, "set in the playbook")
        percentile = self.value_cut.percentile
        if arr_cut is not None:
            return QuadrantCuts(
                health, arr_cut, f"{_ordinal(percentile)} percentile of the portfolio's ARR"
            )
        paying = values.arr[values.known & (np.nan_to_num(values.arr) > 0)]
        if len(paying) < self.min_accounts:
            return QuadrantCuts(
                health,
                None,
                f"no value cut: {len(paying)} paying account(s) scored together, fewer than the "
                f"{self.min_accounts} the {_ordinal(percentile)} percentile is read from "
                "(set quadrants.value_cut.arr to an amount, or score the whole portfolio)",
            )
        cut = float(np.percentile(paying, percentile))
        return QuadrantCuts(
            health,
            cut,
            f"{_ordinal(percentile)} percentile of the ARR of {len(paying):,} paying accounts",
        )


@dataclass(frozen=True)
class QuadrantCuts:
    """The thresholds one scoring assigned quadrants with."""

    health: float
    """Health at or above this is healthy."""
    arr: float | None
    """Subscription ARR at or above this is high value; None when it could not be read."""
    basis: str
    """Where the value cut comes from, in words."""


def assign_quadrants(health: np.ndarray, values: AccountValues, cuts: QuadrantCuts) -> np.ndarray:
    """Each account's quadrant name (object array); None where there is no value cut."""
    healthy = np.asarray(health, dtype=np.float64) >= cuts.health
    out = np.full(len(values), None, dtype=object)
    out[~values.known] = Quadrant.NO_VALUE_DATA.value
    if cuts.arr is None:
        return out
    high = values.known & (np.nan_to_num(values.arr) >= cuts.arr)
    lower = values.known & ~high
    out[high & ~healthy] = Quadrant.PROTECT.value
    out[high & healthy] = Quadrant.GROW.value
    out[lower & ~healthy] = Quadrant.FIX.value
    out[lower & healthy] = Quadrant.MAINTAIN.value
    return out


def _ordinal(value: float | None) -> str:
    number = f"{value:g}"
    if not number.isdigit():
        return number
    last_two = int(number) % 100
    suffix = "th" if 10 <= last_two <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(last_two % 10, "th")
    return number + suffix
