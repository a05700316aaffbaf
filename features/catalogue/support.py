"""Support features: ticket volume and urgency, backlog at as_of, resolution and ticket CSAT.

A ticket joins a point when it was opened (and recorded) before ``as_of`` and at most
a year before it. Its closing, resolution time and satisfaction count only when it was
closed before ``as_of``: a ticket closed after ``as_of`` was still open then.
"""

from __future__ import annotations

import ibis

from features.catalogue.rows import ratio, whole_days
from features.catalogue.spec import DAY, Empty, Feature, Helper, Risk, Source, TableSpec, Unit

HORIZON_DAYS = 365
_URGENT = ("high", "urgent")

TABLE = TableSpec(table="support_tickets", time="opened_at", horizon_days=HORIZON_DAYS)


def _open(r):
    return r.not_before_as_of("closed_at")


def _closed_within(r, days: int):
    closed_age = r.age_of("closed_at")
    return r.before_as_of("closed_at") & (closed_age <= days * DAY)


def _resolution_hours(r):
    """Hours to resolve the tickets closed in the last 90 days, null for the others.

    (A filtered median would be simpler, but Spark's percentile wants a constant percentage.)
    """
    hours = (r.closed_at.epoch_seconds() - r.opened_at.epoch_seconds()) / 3600.0
    return ibis.ifelse(_closed_within(r, 90), hours, ibis.null("float64"))


def _tickets(days: int) -> Feature:
    return Feature(
        name=f"tickets_count_{days}d",
        description=f"Support tickets opened in the last {days} days.",
        source=Source.SUPPORT,
        window=f"{days}d",
        unit=Unit.COUNT,
        risk=Risk.HIGHER,
        template=f"{{value:support ticket}} opened in the last {days} days",
        template_zero=f"No support tickets opened in the last {days} days",
        table=TABLE.table,
        aggregate=lambda r: r.count(where=r.within(days)),
    )


HELPERS = (
    Helper(
        name="_tickets_high_90d",
        table=TABLE.table,
        columns=("priority",),
        aggregate=lambda r: r.count(where=r.within(90) & r.priority.isin(_URGENT)),
    ),
)

FEATURES = (
    _tickets(30),
    _tickets(90),
    Feature(
        name="high_priority_ticket_share_90d",
        description="Share of the last 90 days' tickets with priority high or urgent (0 without tickets).",
        source=Source.SUPPORT,
        window="90d",
        unit=Unit.RATIO,
        risk=Risk.HIGHER,
        template="{value} of the {tickets_count_90d:ticket} in the last 90 days were high or urgent priority",
        template_zero="No high or urgent priority tickets in the last 90 days",
        derive=lambda v: ratio(v._tickets_high_90d, v.tickets_count_90d),
        inputs=("_tickets_high_90d", "tickets_count_90d"),
    ),
    Feature(
        name="urgent_tickets_count_90d",
        description="Tickets of priority urgent opened in the last 90 days.",
        source=Source.SUPPORT,
        window="90d",
        unit=Unit.COUNT,
        risk=Risk.HIGHER,
        template="{value:urgent ticket} in the last 90 days",
        template_zero="No urgent tickets in the last 90 days",
        table=TABLE.table,
        columns=("priority",),
        aggregate=lambda r: r.count(where=r.within(90) & (r.priority == "urgent")),
    ),
    Feature(
        name="open_tickets_count",
        description="Tickets open at as_of: opened before it (within a year) and not closed before it.",
        source=Source.SUPPORT,
        window="at as_of",
        unit=Unit.COUNT,
        risk=Risk.HIGHER,
        template="{value:support ticket} open",
        template_zero="No support tickets open",
        table=TABLE.table,
        columns=("closed_at",),
        aggregate=lambda r: r.count(where=_open(r)),
    ),
    Feature(
        name="oldest_open_ticket_days",
        description="Age in whole days of the oldest ticket open at as_of (0 without open tickets).",
        source=Source.SUPPORT,
        window="at as_of",
        unit=Unit.DAYS,
        risk=Risk.HIGHER,
        template="The oldest open ticket has waited {value:day}",
        template_zero="No support ticket open for a day or more",
        table=TABLE.table,
        columns=("closed_at",),
        aggregate=lambda r: whole_days(r.age.max(where=_open(r))),
    ),
    Feature(
        name="median_resolution_hours_90d",
        description="Median hours from opening to closing of the tickets closed in the last 90 days.",
        source=Source.SUPPORT,
        window="90d",
        unit=Unit.HOURS,
        risk=Risk.HIGHER,
        template="Tickets closed in the last 90 days took {value:hour} to resolve (median)",
        template_empty="No ticket closed in the last 90 days",
        empty=Empty.MISSING,
        table=TABLE.table,
        columns=("closed_at",),
        aggregate=lambda r: _resolution_hours(r).median(),
    ),
    Feature(
        name="escalations_count_90d",
        description="Escalated tickets among those opened in the last 90 days.",
        source=Source.SUPPORT,
        window="90d",
        unit=Unit.COUNT,
        risk=Risk.HIGHER,
        template="{value:escalated ticket} in the last 90 days",
        template_zero="No escalated tickets in the last 90 days",
        table=TABLE.table,
        columns=("escalated",),
        aggregate=lambda r: r.count(where=r.within(90) & r.escalated.fill_null(False)),
    ),
    Feature(
        name="ticket_csat_avg_90d",
        description="Mean satisfaction (CSAT 1-5) given on tickets closed in the last 90 days.",
        source=Source.SUPPORT,
        window="90d",
        unit=Unit.SCORE,
        risk=Risk.LOWER,
        template="Ticket satisfaction averaged {value} out of 5 in the last 90 days",
        template_empty="No rated ticket closed in the last 90 days",
        empty=Empty.MISSING,
        table=TABLE.table,
        columns=("closed_at", "satisfaction"),
        aggregate=lambda r: r.satisfaction.mean(where=_closed_within(r, 90)),
    ),
)
