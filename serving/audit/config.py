"""The audit's settings: lead buckets, which bands count as flagged or healthy, sample sizes.

Typed and strict like every config here: an unknown key is an error naming it. ``churn
audit --config FILE`` reads them from YAML; the command's options override single keys.
"""

from __future__ import annotations

from itertools import pairwise

from pydantic import Field, field_validator

from churn_scorecard.config import StrictModel


class AuditConfig(StrictModel):
    """What the audit counts, how it groups leads and when a figure means something."""

    lead_buckets_days: list[int] = Field(
        default=[30, 90, 180],
        description="Upper ends (days, inclusive) of the lead buckets, increasing; one more "
        "bucket holds every longer lead: [30, 90, 180] gives 0-30, 31-90, 91-180, 181+.",
    )
    flagged_bands: list[str] | None = Field(
        default=None,
        description="Bands that count as flagged at risk (churned ARR caught, flagged but "
        "renewed); default: the worst band of the stored scores.",
    )
    healthy_bands: list[str] | None = Field(
        default=None,
        description="Bands that count as healthy for the healthy-before-churn list; "
        "default: the best band of the stored scores.",
    )
    min_renewals: int = Field(
        default=20,
        ge=2,
        description="Fewest renewals in a group for its AUC and top-decile lift to be shown.",
    )
    min_per_outcome: int = Field(
        default=5,
        ge=1,
        description="Fewest churned and fewest renewed renewals in a group for its AUC and lift.",
    )
    include_backfilled: bool = Field(
        default=False,
        description="Also count scores computed after the decision from data before it (a "
        "backtest): nobody saw them before the decision, so by default they do not count.",
    )

    @field_validator("lead_buckets_days")
    @classmethod
    def _increasing(cls, value: list[int]) -> list[int]:
        if not value:
            raise ValueError("give at least one bucket end, e.g. [30, 90, 180]")
        if value[0] < 0 or any(b <= a for a, b in pairwise(value)):
            raise ValueError("bucket ends must be increasing days from 0, e.g. [30, 90, 180]")
        return value

    @field_validator("flagged_bands", "healthy_bands")
    @classmethod
    def _some(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and not value:
            raise ValueError("name at least one band, or leave the key out for the default")
        return value

    def lead_labels(self) -> list[str]:
        """The buckets' names, shortest lead first: ``0-30``, ``31-90``, ..., ``181+``."""
        labels, start = [], 0
        for end in self.lead_buckets_days:
            labels.append(f"{start}-{end}")
            start = end + 1
        return [*labels, f"{start}+"]
