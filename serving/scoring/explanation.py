"""What one account's score means, as a JSON-serialisable record for people and pages.

Points are probability points: a driver with ``points=0.042`` raised the churn
probability by 4.2 percentage points above the baseline. The points of every feature
add up to ``churn_probability - baseline_probability``.

Drivers and protective factors come from the five actionable dimensions only (usage,
support, survey, billing, relationship); contract features (tenure, days to renewal, ARR,
segment, past renewals) explain the score too but a CSM cannot act on them, so they are
listed apart as ``context``. Their points still count: drivers + protective + context +
whatever the lists leave out add up to ``churn_probability - baseline_probability``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Annotated, Any, overload

import pandas as pd
from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import to_json


def utc_time(moment: Any) -> pd.Timestamp:
    """``moment`` as a UTC time with its offset; naive times (as in the data) are UTC."""
    stamp = pd.Timestamp(moment)
    return stamp.tz_localize(UTC) if stamp.tzinfo is None else stamp.tz_convert(UTC)


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_aware)]
"""A time in an explanation: always UTC with its offset (explanations stored before times
carried one are read as UTC)."""


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DimensionScore(_Record):
    """One dimension's sub-score (0-100, healthier is higher) and its summed points."""

    name: str = Field(description="usage, support, survey, billing or relationship")
    score: int | None = Field(description="0-100; null when the model has no such features")
    points: float = Field(description="summed probability points of the dimension's features")


class Driver(_Record):
    """One reason the score moved: a sentence a person can read and the points behind it."""

    feature: str = Field(description="the catalogue feature the sentence is about")
    dimension: str = Field(
        description="the feature's source: a dimension (usage, billing, ...) or contract (context)"
    )
    sentence: str = Field(description="plain-language reason with the raw value")
    points: float = Field(description="probability points; > 0 raises churn risk")
    value: Any = Field(default=None, description="the feature's raw value")
    features: list[str] = Field(
        default_factory=list, description="every feature merged into this driver"
    )


class RecommendedPlay(_Record):
    """A play from the playbook, who runs it and why it fits this account."""

    name: str
    owner_role: str
    reason: str


class ScoreChange(_Record):
    """How the health moved since the previous scoring and which dimensions moved it."""

    previous_health: int
    health_change: int
    previous_as_of: UtcDatetime | None = None
    by_dimension: dict[str, int] = Field(
        description="health points attributed to each dimension (and contract, model)"
    )
    summary: str


class AccountValue(_Record):
    """The account's value and where it sits on health against value (docs/scoring.md)."""

    arr: float | None = Field(
        default=None, description="subscription ARR at as_of: 12 x MRR; null without value data"
    )
    arr_90d_ago: float | None = Field(default=None, description="subscription ARR 90 days before")
    arr_pct_change_90d: float | None = Field(
        default=None, description="percent change of the ARR over 90 days; null without ARR then"
    )
    seats: float | None = None
    seats_90d_ago: float | None = None
    quadrant: str | None = Field(
        default=None,
        description="protect, grow, fix, maintain or no_value_data; null when no value cut "
        "could be read (too few paying accounts scored together)",
    )
    health_cut: float = Field(description="health at or above this is healthy")
    arr_cut: float | None = Field(description="subscription ARR at or above this is high value")
    arr_cut_basis: str = Field(description="where the value cut comes from, in words")
    disagreement: str | None = Field(
        default=None,
        description="how health and money disagree (healthy but contracting, at risk but "
        "expanding), in plain language; null when they agree",
    )


class AccountExplanation(_Record):
    """Everything behind one account's score: dimensions, drivers, plays and the change."""

    account_id: str
    as_of: UtcDatetime
    model_version: str
    churn_probability: float
    baseline_probability: float
    health: int
    band: str
    dimensions: list[DimensionScore]
    context_points: float = Field(
        default=0.0, description="summed points of contract features (tenure, ARR, renewal date)"
    )
    drivers: list[Driver] = Field(
        description="risk-raising reasons from the actionable dimensions, largest first"
    )
    protective: list[Driver] = Field(
        description="risk-lowering reasons from the actionable dimensions, largest first"
    )
    context: list[Driver] = Field(
        default_factory=list,
        description="contract facts (tenure, renewal date, ARR, segment, past renewals) that move "
        "the score but cannot be acted on, largest effect first; points > 0 raise the risk",
    )
    plays: list[RecommendedPlay] = Field(default_factory=list)
    change: ScoreChange | None = None
    value: AccountValue | None = Field(
        default=None,
        description="value figures and quadrant; null in explanations stored before they existed",
    )

    def dimension_points(self) -> dict[str, float]:
        """Summed points per dimension name, plus ``contract`` for the context features."""
        return {**{d.name: d.points for d in self.dimensions}, "contract": self.context_points}


class Explanations(Sequence[AccountExplanation]):
    """The explanations of a batch, built from plain records when read.

    Scoring computes every account's explanation as a plain record (cheap for 100k
    accounts); an :class:`AccountExplanation` is validated from it on access, and
    :meth:`json` serialises a record without building the object.
    """

    def __init__(self, build: Callable[[int], dict[str, Any]], count: int) -> None:
        self._build, self._count = build, count

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, i: int) -> AccountExplanation: ...
    @overload
    def __getitem__(self, i: slice) -> list[AccountExplanation]: ...
    def __getitem__(self, i: int | slice) -> AccountExplanation | list[AccountExplanation]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(self._count))]
        if not -self._count <= i < self._count:
            raise IndexError(f"explanation {i} out of range ({self._count} accounts)")
        return AccountExplanation.model_validate(self.record(i % self._count))

    def record(self, i: int) -> dict[str, Any]:
        """Account ``i``'s explanation as a plain, JSON-ready dict."""
        return self._build(i)

    def json(self, i: int) -> str:
        """Account ``i``'s explanation as JSON text (what the history stores)."""
        return to_json(self._build(i)).decode()
