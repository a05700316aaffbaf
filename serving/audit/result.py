"""What an audit finds, as pydantic models: the JSON file, ``GET /audit`` and the page read these.

Figures that a group's sample cannot support are ``null`` with a ``note`` saying why,
never a number that means nothing.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class BandFigures(BaseModel):
    """Calibration in one band: what the scores said against what happened."""

    band: str = Field(description="Band of the counted score.", examples=["at_risk"])
    renewals: int = Field(description="Renewals whose counted score was in this band.")
    churned: int = Field(description="Of which churned.")
    mean_probability: float = Field(description="Mean churn probability the scores gave.")
    churn_rate: float = Field(description="Share of these renewals that churned.")


class GroupFigures(BaseModel):
    """How one group's scores did: all renewals of a model version, a segment or a lead bucket."""

    group: str = Field(description="`all`, a segment or a lead bucket.", examples=["31-90"])
    renewals: int = Field(description="Decided renewals with a counted score.")
    churned: int
    renewed: int
    churn_rate: float
    auc: float | None = Field(
        description="ROC-AUC of the churn probability against the outcome; null when the "
        "group is too small or holds one outcome only (see `note`)."
    )
    top_decile_lift: float | None = Field(
        description="Churn rate among the 10% highest probabilities over the group's churn "
        "rate; null like `auc`."
    )
    flagged: int = Field(description="Renewals whose counted score was in a flagged band.")
    churned_arr: float = Field(description="ARR of the churned renewals.")
    churned_arr_flagged: float = Field(description="Of which flagged beforehand.")
    churned_arr_caught: float | None = Field(
        description="churned_arr_flagged / churned_arr; null when no ARR churned."
    )
    note: str | None = Field(
        None, description="Why `auc` and `top_decile_lift` are null, when they are."
    )
    bands: list[BandFigures] = Field(description="Calibration per band, healthiest first.")


class ListedRenewal(BaseModel):
    """One renewal of the audit's lists, with the score the team saw last before it."""

    account_id: str
    renewal_date: datetime
    outcome: str
    arr: float | None = Field(description="ARR at stake: the renewal's, else the score's.")
    segment: str
    as_of: datetime = Field(description="as_of of the last counted score.")
    scored_at: datetime
    lead_days: int = Field(description="Whole days from that score's as_of to the decision.")
    health: int
    band: str
    churn_probability: float
    drivers: list[str] = Field(description="The risk drivers that score showed, as stored.")


class VersionAudit(BaseModel):
    """The audit of one model version (versions are never pooled)."""

    model_name: str | None
    model_version: str
    renewals: int = Field(description="Decided renewals with a counted score of this version.")
    counted_scores: int = Field(description="Stored scores of this version that counted.")
    first_decision: datetime
    last_decision: datetime
    bands: list[str] = Field(description="This version's bands, healthiest first.")
    flagged_bands: list[str]
    healthy_bands: list[str]
    overall: GroupFigures = Field(description="Every renewal, by its last counted score.")
    by_segment: list[GroupFigures] = Field(description="Per segment of the last counted score.")
    by_lead: list[GroupFigures] = Field(
        description="Per lead bucket: each renewal's last counted score within the bucket."
    )
    healthy_before_churn: list[ListedRenewal] = Field(
        description="Churned while the last counted score was in a healthy band; most ARR first."
    )
    flagged_but_renewed: list[ListedRenewal] = Field(
        description="Renewed while the last counted score was in a flagged band; most ARR first."
    )


class AuditResult(BaseModel):
    """How the scores issued before renewal decisions did, per model version."""

    source: str = Field(description="The data source the renewals came from.")
    history: str = Field(description="The score history the scores came from.")
    generated_at: datetime
    rule: str = Field(description="Which issued scores count for a renewal, in words.")
    lead_buckets: list[str]
    include_backfilled: bool
    min_renewals: int
    min_per_outcome: int
    decided_renewals: int = Field(description="Decided renewals after the history's first scoring.")
    renewals_with_scores: int = Field(
        description="Of which have a counted score of at least one model version."
    )
    backfilled_scores: int = Field(
        description="Stored scores computed after the decision they would count for."
    )
    versions: list[VersionAudit]
