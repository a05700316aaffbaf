"""Relationship features: CRM touchpoints and their sentiment, incidents and their severity.

Interactions and incidents join a point when they happened (and were recorded) before
``as_of`` and at most a year before it. An incident resolved after ``as_of`` was still
ongoing then.
"""

from __future__ import annotations

from features.catalogue.rows import whole_days
from features.catalogue.spec import Feature, Risk, Source, TableSpec, Unit, recency

HORIZON_DAYS = 365
SEVERITY_LABELS = ("none", "low", "medium", "high", "critical")

INTERACTIONS = TableSpec(table="interactions", time="timestamp", horizon_days=HORIZON_DAYS)
INCIDENTS = TableSpec(
    table="incidents",
    time="started_at",
    horizon_days=HORIZON_DAYS,
    row_columns={
        "level": lambda t, config: t.severity.cases(
            *((label, level) for level, label in enumerate(SEVERITY_LABELS) if level), else_=0
        ),
    },
)


def _interactions(sentiment: str, risk: Risk) -> Feature:
    return Feature(
        name=f"{sentiment}_interactions_count_90d",
        description=f"CRM touchpoints with {sentiment} sentiment in the last 90 days.",
        source=Source.RELATIONSHIP,
        window="90d",
        unit=Unit.COUNT,
        risk=risk,
        template=f"{{value:{sentiment} CRM interaction}} in the last 90 days",
        template_zero=f"No {sentiment} CRM interactions in the last 90 days",
        table=INTERACTIONS.table,
        columns=("sentiment",),
        aggregate=lambda r: r.count(where=r.within(90) & (r.sentiment == sentiment)),
    )


FEATURES = (
    recency(
        "days_since_last_crm_touch",
        description="Whole days since the last CRM touchpoint (call, email, meeting or note).",
        source=Source.RELATIONSHIP,
        table=INTERACTIONS.table,
        horizon_days=HORIZON_DAYS,
        template="Last CRM touchpoint {value:day} ago",
        template_zero="Last CRM touchpoint less than a day ago",
        template_empty="No CRM touchpoint in the last year",
        aggregate=lambda r: whole_days(r.age.min()),
    ),
    Feature(
        name="interactions_count_90d",
        description="CRM touchpoints in the last 90 days.",
        source=Source.RELATIONSHIP,
        window="90d",
        unit=Unit.COUNT,
        risk=Risk.LOWER,
        template="{value:CRM touchpoint} in the last 90 days",
        template_zero="No CRM touchpoints in the last 90 days",
        table=INTERACTIONS.table,
        aggregate=lambda r: r.count(where=r.within(90)),
    ),
    _interactions("negative", Risk.HIGHER),
    _interactions("positive", Risk.LOWER),
    Feature(
        name="incidents_count_90d",
        description="Incidents (outages, bugs) that started in the last 90 days.",
        source=Source.RELATIONSHIP,
        window="90d",
        unit=Unit.COUNT,
        risk=Risk.HIGHER,
        template="{value:incident} hit the account in the last 90 days",
        template_zero="No incidents hit the account in the last 90 days",
        table=INCIDENTS.table,
        aggregate=lambda r: r.count(where=r.within(90)),
    ),
    Feature(
        name="severe_incidents_count_90d",
        description="Incidents of severity high or critical that started in the last 90 days.",
        source=Source.RELATIONSHIP,
        window="90d",
        unit=Unit.COUNT,
        risk=Risk.HIGHER,
        template="{value:high or critical incident} in the last 90 days",
        template_zero="No high or critical incidents in the last 90 days",
        table=INCIDENTS.table,
        columns=("severity",),
        aggregate=lambda r: r.count(where=r.within(90) & (r.level >= 3)),
    ),
    Feature(
        name="max_incident_severity_90d",
        description="Worst severity of the incidents that started in the last 90 days: "
        "0 none, 1 low, 2 medium, 3 high, 4 critical.",
        source=Source.RELATIONSHIP,
        window="90d",
        unit=Unit.LEVEL,
        risk=Risk.HIGHER,
        labels=SEVERITY_LABELS,
        template="Worst incident severity in the last 90 days: {value}",
        template_zero="No incidents in the last 90 days",
        table=INCIDENTS.table,
        columns=("severity",),
        aggregate=lambda r: r.level.max(where=r.within(90)),
    ),
    Feature(
        name="ongoing_incidents_count",
        description="Incidents ongoing at as_of: started before it (within a year), not resolved before it.",
        source=Source.RELATIONSHIP,
        window="at as_of",
        unit=Unit.COUNT,
        risk=Risk.HIGHER,
        template="{value:incident} ongoing",
        template_zero="No incidents ongoing",
        table=INCIDENTS.table,
        columns=("resolved_at",),
        aggregate=lambda r: r.count(where=r.not_before_as_of("resolved_at")),
    ),
)
