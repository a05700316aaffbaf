"""The flat score columns ``churn score`` writes, one row per account (CRM-friendly)."""

from __future__ import annotations

from features.catalogue import Source

DIMENSIONS: tuple[Source, ...] = (
    Source.USAGE,
    Source.SUPPORT,
    Source.SURVEY,
    Source.BILLING,
    Source.RELATIONSHIP,
)
"""The scorecard's dimensions: every feature source except contract (context, not a sub-score)."""

SUB_SCORE_COLUMNS: tuple[str, ...] = tuple(f"{d.value}_score" for d in DIMENSIONS)

DRIVER_COLUMNS = ("driver_1", "driver_2", "driver_3")
PROTECTIVE_COLUMNS = ("protective_1", "protective_2")
VALUE_COLUMNS: tuple[str, ...] = (
    "subscription_arr",
    "subscription_arr_90d_ago",
    "subscription_arr_pct_change_90d",
    "seats",
    "quadrant",
    "quadrant_health_cut",
    "quadrant_arr_cut",
    "disagreement",
)
"""Value figures (from the subscriptions, point in time), the quadrant and its cuts, and how
health and money disagree (see docs/scoring.md#value-and-quadrants)."""

SCORE_COLUMNS: tuple[str, ...] = (
    "account_id",
    "as_of",
    "model_name",
    "model_version",
    "feature_set_version",
    "churn_probability",
    "baseline_probability",
    "health",
    "band",
    *SUB_SCORE_COLUMNS,
    "arr",
    "arr_at_risk",
    "segment",
    "owner",
    "renewal_date",
    *DRIVER_COLUMNS,
    *PROTECTIVE_COLUMNS,
    "plays",
    "previous_health",
    "health_change",
    "change_summary",
    *VALUE_COLUMNS,
)
"""Exactly the columns of the score files, in order (see docs/scoring.md)."""
