"""Survey features: the latest NPS and CSAT, their change, detractors and non-response.

A response joins a point when it was given (and recorded) before ``as_of`` and at most
two years before it. Responses are ranked per kind, newest first (ties broken by the
higher score, so the order of the input rows never matters).
"""

from __future__ import annotations

import ibis

from features.catalogue.rows import whole_days
from features.catalogue.spec import Empty, Feature, Risk, Source, TableSpec, Unit, recency

HORIZON_DAYS = 730
DETRACTOR_MAX = 6

TABLE = TableSpec(
    table="surveys",
    time="responded_at",
    horizon_days=HORIZON_DAYS,
    row_columns={
        "rank": lambda t, config: ibis.row_number().over(
            group_by=[t.account_id, t.as_of, t.kind],
            order_by=[t.responded_at.desc(), t.score.desc()],
        ),
    },
)


NPS_BANDS = ("detractor",) * (DETRACTOR_MAX + 1) + ("passive",) * 2 + ("promoter",) * 2
"""The NPS band of each score 0-10: detractor 0-6, passive 7-8, promoter 9-10."""


def _score(kind: str, rank: int, label: str, scale: str) -> Feature:
    which = "latest" if rank == 0 else "previous"
    band = " ({label})" if kind == "nps" else " out of 5"
    if rank == 0:
        moved = f"{{{kind}_change_since_previous:down from|the same as|up from}}"
        template = f"Last {label} {{value}}{band}[, {moved} {{{kind}_previous}}]"
    else:
        template = f"Previous {label} {{value}}{band}, now {{{kind}_latest}}"
    return Feature(
        name=f"{kind}_{which}",
        description=f"The {which} {label} score ({scale}) given before as_of, within two years.",
        source=Source.SURVEY,
        window=f"latest within {HORIZON_DAYS}d",
        unit=Unit.SCORE,
        risk=Risk.LOWER,
        template=template,
        template_empty=f"No {'' if rank == 0 else 'earlier '}{label} response in the last two years",
        empty=Empty.MISSING,
        labels=NPS_BANDS if kind == "nps" else (),
        table=TABLE.table,
        aggregate=lambda r: r.score.max(where=(r.kind == kind) & (r.rank == rank)),
    )


def _change(kind: str, label: str) -> Feature:
    return Feature(
        name=f"{kind}_change_since_previous",
        description=f"The latest {label} score minus the one before it; missing with fewer than two responses.",
        source=Source.SURVEY,
        window=f"latest within {HORIZON_DAYS}d",
        unit=Unit.POINTS,
        risk=Risk.LOWER,
        template=f"{label} {{change}} since the previous response ({{{kind}_previous}} -> {{{kind}_latest}})",
        template_empty=f"Fewer than two {label} responses in the last two years",
        empty=Empty.MISSING,
        derive=lambda v: getattr(v, f"{kind}_latest") - getattr(v, f"{kind}_previous"),
        inputs=(f"{kind}_latest", f"{kind}_previous"),
    )


FEATURES = (
    _score("nps", 0, "NPS", "0-10"),
    _score("nps", 1, "NPS", "0-10"),
    _change("nps", "NPS"),
    Feature(
        name="nps_detractor",
        description=f"1 when the latest NPS score is a detractor's (0-{DETRACTOR_MAX}), else 0 (also without NPS).",
        source=Source.SURVEY,
        window=f"latest within {HORIZON_DAYS}d",
        unit=Unit.FLAG,
        risk=Risk.HIGHER,
        template=f"Last NPS {{nps_latest}} is {{not}}a detractor score (0-{DETRACTOR_MAX})",
        template_empty="No NPS response in the last two years",
        derive=lambda v: (v.nps_latest <= DETRACTOR_MAX).fill_null(False).cast("int64"),
        inputs=("nps_latest",),
    ),
    _score("csat", 0, "CSAT", "1-5"),
    _score("csat", 1, "CSAT", "1-5"),
    _change("csat", "CSAT"),
    Feature(
        name="survey_responses_count_365d",
        description="Survey responses (NPS and CSAT) given in the last 365 days.",
        source=Source.SURVEY,
        window="365d",
        unit=Unit.COUNT,
        risk=Risk.LOWER,
        template="{value:survey response} in the last 365 days",
        template_zero="No survey responses in the last 365 days",
        table=TABLE.table,
        aggregate=lambda r: r.count(where=r.within(365)),
    ),
    Feature(
        name="no_survey_response_365d",
        description="1 when the account gave no survey response in the last 365 days (non-response), else 0.",
        source=Source.SURVEY,
        window="365d",
        unit=Unit.FLAG,
        risk=Risk.HIGHER,
        template="The account has {not}ignored surveys for a year",
        derive=lambda v: (v.survey_responses_count_365d == 0).cast("int64"),
        inputs=("survey_responses_count_365d",),
    ),
    recency(
        "days_since_last_survey_response",
        description="Whole days since the account's last survey response (NPS or CSAT).",
        source=Source.SURVEY,
        table=TABLE.table,
        horizon_days=HORIZON_DAYS,
        template="Last survey response {value:day} ago",
        template_zero="Last survey response less than a day ago",
        template_empty="No survey response in the last two years",
        aggregate=lambda r: whole_days(r.age.min()),
    ),
)
