"""Request and response bodies of the service: typed, documented, with examples.

A feature record carries one field per feature of the ``churn_v1`` set, each documented
from the feature catalogue (description, unit, source), plus one per per-event feature of
the served model (see :mod:`features.catalogue.events`; ``GET /model`` lists them; they are
checked against the model when the record is scored). Every feature must be present;
``null`` means "unknown" (the model handles missing values). Unknown fields, wrong types
and non-finite numbers are rejected with the field named.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, create_model

from features.catalogue import CATALOGUE, CHURN_V1, Feature, Unit
from serving.scoring.drift import DriftSummary
from serving.scoring.explanation import AccountExplanation

SERVED_FEATURE_SET = CHURN_V1
"""The feature set whose records /score accepts; a model trained on another set is refused."""


class Strict(BaseModel):
    """Requests: unknown fields and NaN/infinity are errors."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


UtcTime = Annotated[datetime, AfterValidator(_utc)]
"""A time in answers: always UTC with its offset (naive times in the data are UTC)."""


class Output(BaseModel):
    """Responses: plain data."""

    model_config = ConfigDict(allow_inf_nan=False)


_EXAMPLE_VALUES: dict[Unit, Any] = {
    Unit.COUNT: 12,
    Unit.DAYS: 9,
    Unit.HOURS: 20.5,
    Unit.PERCENT: -15.0,
    Unit.RATIO: 0.6,
    Unit.RATE: 4.2,
    Unit.CURRENCY: 24000.0,
    Unit.SCORE: 8,
    Unit.POINTS: -1,
    Unit.FLAG: 0,
    Unit.LEVEL: 2,
    Unit.CATEGORY: "mid_market",
}


def _feature_field(feature: Feature) -> tuple[Any, Any]:
    kind = str if feature.unit is Unit.CATEGORY else float
    description = (
        f"{feature.description} Unit: {feature.unit.value}; source: {feature.source.value}; "
        "null when unknown."
    )
    bounds: dict[str, float] = {}
    if feature.unit is Unit.FLAG:
        bounds = {"ge": 0, "le": 1}
    elif feature.unit is Unit.LEVEL and feature.labels:
        bounds = {"ge": 0, "le": len(feature.labels) - 1}
        description += " Levels: " + ", ".join(f"{i} {n}" for i, n in enumerate(feature.labels))
    return kind | None, Field(
        ...,
        description=description,
        json_schema_extra={"example": _EXAMPLE_VALUES[feature.unit]},
        **bounds,
    )


def example_record() -> dict[str, Any]:
    """A complete, valid feature record (the schema's example)."""
    values = {name: _EXAMPLE_VALUES[CATALOGUE[name].unit] for name in SERVED_FEATURE_SET.features}
    return {"account_id": "A0000042", "as_of": "2026-06-30T00:00:00Z", **values}


class _Record(Strict):
    """A feature record: the catalogue's features are typed fields; the served model's
    per-event features (named after the customer's events) come as extra fields, checked
    against the model when the record is scored."""

    model_config = ConfigDict(extra="allow", allow_inf_nan=False)


FeatureRecord = create_model(
    "FeatureRecord",
    __base__=_Record,
    __doc__=(
        f"One account's features as of one time (feature set {SERVED_FEATURE_SET.name}); "
        "build them with `churn features`. A model with a usage events vocabulary also reads "
        "one number (or null) per per-event feature, named as in GET /model's features."
    ),
    account_id=(str, Field(min_length=1, max_length=200, description="Your account id.")),
    as_of=(
        datetime | None,
        Field(None, description="When the features were computed (UTC); default: now."),
    ),
    **{name: _feature_field(CATALOGUE[name]) for name in SERVED_FEATURE_SET.features},
)
FeatureRecord.model_config["json_schema_extra"] = {"example": example_record()}


class ScoreRequest(Strict):
    """Accounts to score from their features."""

    model_config = ConfigDict(
        extra="forbid",
        allow_inf_nan=False,
        json_schema_extra={"example": {"records": [example_record()]}},
    )
    records: list[FeatureRecord] = Field(  # type: ignore[valid-type]
        min_length=1, description="One record per account (at most the service's max batch)."
    )


class ScoreAccountsRequest(Strict):
    """Accounts to score by id, with features computed from the service's data source."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"example": {"account_ids": ["A0000042", "A0000043"]}},
    )
    account_ids: list[str] = Field(min_length=1, description="Account ids in the data source.")
    as_of: datetime | None = Field(
        None, description="Compute features as of this time (UTC); default: the service's as_of."
    )


class ExplainRequest(Strict):
    """One account to explain: by id (features from the data source) or from its feature record."""

    model_config = ConfigDict(
        extra="forbid",
        allow_inf_nan=False,
        json_schema_extra={"example": {"account_id": "A0000042"}},
    )
    account_id: str | None = Field(None, min_length=1, description="Account id in the data source.")
    as_of: datetime | None = Field(None, description="With account_id: features as of this time.")
    record: FeatureRecord | None = Field(  # type: ignore[valid-type]
        None, description="Instead of account_id: the account's feature record."
    )


class HistoryRequest(Strict):
    """One account whose stored scores to return."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"example": {"account_id": "A0000042", "limit": 12}}
    )
    account_id: str = Field(min_length=1, description="Account id.")
    limit: int | None = Field(None, ge=1, le=10000, description="Only the latest N scores.")


class ReloadRequest(Strict):
    """Ask the service to load the version the model alias points at now."""

    force: bool = Field(False, description="Reload even if the alias has not moved.")


class AccountScore(Output):
    """One account's score: probability, health, band, sub-scores and the top reasons."""

    account_id: str
    as_of: UtcTime = Field(description="The time the features describe (UTC).")
    model_version: str
    churn_probability: float = Field(ge=0, le=1, description="Calibrated churn probability.")
    health: int = Field(ge=0, le=100, description="0-100, 100 = healthiest.")
    band: str = Field(description="Health band, e.g. healthy / watch / at_risk.")
    baseline_probability: float | None = None
    usage_score: int | None = None
    support_score: int | None = None
    survey_score: int | None = None
    billing_score: int | None = None
    relationship_score: int | None = None
    arr: float | None = None
    arr_at_risk: float | None = None
    segment: str | None = None
    owner: str | None = None
    renewal_date: date | None = Field(None, description="Next renewal on or after as_of.")
    drivers: list[str] = Field(default_factory=list, description="Top risk-raising reasons.")
    protective: list[str] = Field(default_factory=list, description="Top risk-lowering reasons.")
    plays: list[str] = Field(default_factory=list, description="Suggested plays.")
    previous_health: int | None = None
    health_change: int | None = None
    change_summary: str | None = None
    subscription_arr: float | None = Field(
        None,
        description="Subscription ARR at as_of: 12 x the MRR of the billing period covering it "
        "(point in time); null without value data.",
    )
    subscription_arr_90d_ago: float | None = Field(
        None, description="Subscription ARR 90 days before as_of."
    )
    subscription_arr_pct_change_90d: float | None = Field(
        None, description="Percent change of the subscription ARR over those 90 days."
    )
    seats: int | None = Field(None, description="Licensed seats at as_of.")
    quadrant: str | None = Field(
        None,
        description="Health against value: protect (high value, at risk), grow (high value, "
        "healthy), fix (lower value, at risk), maintain (lower value, healthy) or no_value_data; "
        "null when no value cut could be read (too few paying accounts scored together).",
        json_schema_extra={"example": "protect"},
    )
    quadrant_health_cut: float | None = Field(
        None, description="Health at or above this is healthy (for the quadrant)."
    )
    quadrant_arr_cut: float | None = Field(
        None, description="Subscription ARR at or above this is high value (for the quadrant)."
    )
    disagreement: str | None = Field(
        None,
        description="How health and money disagree, in plain language; null when they agree.",
        json_schema_extra={"example": "health 82 but ARR fell 30% in 90 days (12,000 -> 8,400)"},
    )


class ScoreResponse(Output):
    """Scores in request order, and the model that produced them."""

    model_name: str
    model_version: str
    feature_set_version: str
    as_of: UtcTime = Field(description="The latest as_of among the scores.")
    scores: list[AccountScore]


class ReloadResponse(Output):
    """What a reload did."""

    reloaded: bool
    previous_version: str
    model_version: str
    reason: str


class ExplainResponse(Output):
    """One account in full: its score and every driver, sub-score, play and the score change."""

    model_name: str
    model_version: str
    as_of: UtcTime
    score: AccountScore
    explanation: AccountExplanation


class HistoryPoint(Output):
    """One stored score of an account."""

    as_of: UtcTime
    scored_at: UtcTime | None = None
    model_version: str
    churn_probability: float
    health: int
    band: str
    health_change: int | None = None
    change_summary: str | None = None
    driver_1: str | None = None
    driver_2: str | None = None
    driver_3: str | None = None


class HistoryResponse(Output):
    """An account's stored scores, oldest first."""

    account_id: str
    scores: list[HistoryPoint]


class ModelInfo(Output):
    """The served model: identity, training, metrics, feature set and drift."""

    name: str
    version: str
    uri: str
    loaded_at: UtcTime
    trained_at: UtcTime | None
    trained_on: dict[str, Any] = Field(
        description="Training data: source, rows, churn rate, until."
    )
    metrics: dict[str, float] = Field(description="Test metrics logged with the model.")
    feature_set: str
    feature_set_version: str
    features: list[str]
    feature_settings: dict[str, Any] = Field(
        description="The catalogue settings the model's features are built with (FeatureConfig: "
        "key_events and the usage norms fitted at training); build /score records with them."
    )
    drift_as_of: UtcTime | None = Field(description="as_of of the batch the drift describes.")
    drift: DriftSummary | None = Field(
        description="PSI per feature of the latest batch of 50+ accounts against training."
    )
