"""Billing features: overdue invoices, failed and late payments, and the subscription at as_of.

An invoice joins a point when it was issued (and recorded) before ``as_of``; it is
*overdue* at ``as_of`` when its due date has passed, it was not paid before ``as_of``
(a payment after ``as_of`` was not known then) and it is not void. ``status`` is the
invoice's current status: ``void`` and ``failed`` carry no date, so they are read as
they stand (see docs/feature_engine.md).

The subscription at ``as_of`` is the latest billing period that started before it and
had not ended: ``end_date`` is the period's last day, so a period ending on 31 March
still covers an ``as_of`` of 1 April 00:00 (the state just before ``as_of``).
"""

from __future__ import annotations

import ibis

from features.catalogue.rows import whole_days
from features.catalogue.spec import DAY, Empty, Feature, Helper, Risk, Source, TableSpec, Unit

CHANGE_DAYS = 90
"""How far back the ``*_90d_ago`` and ``*_change_90d`` subscription features look."""


def _overdue(t, config):
    not_void = t.status.isnull() | (t.status != "void")
    unpaid = t.paid_at.isnull() | (t.paid_at >= t.as_of)
    return not_void & (t.due_at < t.as_of) & unpaid


def _covers(days_back: int):
    """Whether a period covered the moment just before ``as_of - days_back``."""

    def covers(t, config):
        start_age = t.as_of.epoch_seconds() - t.start_date.epoch_seconds()
        end_age = t.as_of.epoch_seconds() - t.end_date.epoch_seconds()
        return (start_age > days_back * DAY) & (
            t.end_date.isnull() | (end_age <= (days_back + 1) * DAY)
        )

    return covers


INVOICES = TableSpec(table="invoices", time="issued_at", row_columns={"overdue": _overdue})
SUBSCRIPTIONS = TableSpec(
    table="subscriptions",
    time="start_date",
    row_columns={"covers": _covers(0), "covered_before": _covers(CHANGE_DAYS)},
)


def _at_as_of(column: str, before: bool = False):
    flag = "covered_before" if before else "covers"
    return lambda r: r.table[column].argmax(r.start_date, where=r.table[flag])


HELPERS = (
    Helper(name="_billing_periods", table=SUBSCRIPTIONS.table, aggregate=lambda r: r.count()),
)

FEATURES = (
    Feature(
        name="overdue_invoices_count",
        description="Invoices overdue at as_of: due before it, not paid before it, not void.",
        source=Source.BILLING,
        window="at as_of",
        unit=Unit.COUNT,
        risk=Risk.HIGHER,
        template="{value:invoice} overdue, the oldest {max_days_past_due:day}",
        template_zero="No invoices overdue",
        table=INVOICES.table,
        columns=("paid_at",),
        aggregate=lambda r: r.count(where=r.overdue),
    ),
    Feature(
        name="overdue_amount",
        description="Total amount of the invoices overdue at as_of.",
        source=Source.BILLING,
        window="at as_of",
        unit=Unit.CURRENCY,
        risk=Risk.HIGHER,
        template="{value} overdue on {overdue_invoices_count:invoice}",
        template_zero="Nothing overdue",
        table=INVOICES.table,
        columns=("paid_at",),
        aggregate=lambda r: r.total(r.amount, r.overdue),
    ),
    Feature(
        name="max_days_past_due",
        description="Whole days past due of the oldest invoice overdue at as_of (0 when none is overdue).",
        source=Source.BILLING,
        window="at as_of",
        unit=Unit.DAYS,
        risk=Risk.HIGHER,
        template="The oldest overdue invoice is {value:day} past due",
        template_zero="No invoices overdue",
        table=INVOICES.table,
        columns=("paid_at",),
        aggregate=lambda r: whole_days(r.age_of("due_at").max(where=r.overdue)),
    ),
    Feature(
        name="failed_payments_count_90d",
        description="Invoices issued in the last 90 days, due before as_of, whose payment failed (status failed).",
        source=Source.BILLING,
        window="90d",
        unit=Unit.COUNT,
        risk=Risk.HIGHER,
        template="{value:failed payment} in the last 90 days",
        template_zero="No failed payments in the last 90 days",
        table=INVOICES.table,
        columns=("status",),
        aggregate=lambda r: r.count(
            where=r.within(90) & (r.status == "failed") & (r.due_at < r.as_of)
        ),
    ),
    Feature(
        name="late_payments_count_365d",
        description="Invoices issued in the last 365 days that were paid before as_of but after their due date.",
        source=Source.BILLING,
        window="365d",
        unit=Unit.COUNT,
        risk=Risk.HIGHER,
        template="{value:invoice} paid late in the last year",
        template_zero="No invoices paid late in the last year",
        table=INVOICES.table,
        columns=("paid_at",),
        aggregate=lambda r: r.count(
            where=r.within(365) & r.before_as_of("paid_at") & (r.paid_at > r.due_at)
        ),
    ),
    Feature(
        name="mrr",
        description="Monthly recurring revenue of the billing period covering as_of (0 when none does).",
        source=Source.BILLING,
        window="at as_of",
        unit=Unit.CURRENCY,
        risk=Risk.LOWER,
        template="MRR of {value}",
        template_zero="No paid subscription at the moment (MRR 0)",
        table=SUBSCRIPTIONS.table,
        aggregate=_at_as_of("mrr"),
    ),
    Feature(
        name="mrr_90d_ago",
        description="Monthly recurring revenue of the billing period covering as_of minus 90 days (0 when none did).",
        source=Source.BILLING,
        window="at as_of - 90d",
        unit=Unit.CURRENCY,
        risk=Risk.NEITHER,
        template="90 days ago, MRR was {value}",
        template_zero="No paid subscription 90 days ago",
        table=SUBSCRIPTIONS.table,
        aggregate=_at_as_of("mrr", before=True),
    ),
    Feature(
        name="mrr_pct_change_90d",
        description="Percent change of MRR over the last 90 days; missing without a billing period 90 days ago.",
        source=Source.BILLING,
        window="90d",
        unit=Unit.PERCENT,
        risk=Risk.LOWER,
        template="MRR {change} over the last 90 days ({mrr_90d_ago} -> {mrr})",
        template_empty="No MRR 90 days ago to compare with",
        empty=Empty.MISSING,
        derive=lambda v: ibis.ifelse(
            v.mrr_90d_ago > 0, 100.0 * (v.mrr - v.mrr_90d_ago) / v.mrr_90d_ago, ibis.null("float64")
        ),
        inputs=("mrr", "mrr_90d_ago"),
    ),
    Feature(
        name="seats",
        description="Licensed seats of the billing period covering as_of (0 when none does).",
        source=Source.BILLING,
        window="at as_of",
        unit=Unit.COUNT,
        risk=Risk.LOWER,
        template="{value:licensed seat}",
        template_zero="No licensed seats on record",
        table=SUBSCRIPTIONS.table,
        columns=("seats",),
        aggregate=_at_as_of("seats"),
    ),
    Feature(
        name="seats_90d_ago",
        description="Licensed seats of the billing period covering as_of minus 90 days (0 when none did).",
        source=Source.BILLING,
        window="at as_of - 90d",
        unit=Unit.COUNT,
        risk=Risk.NEITHER,
        template="{value:licensed seat} 90 days ago",
        template_zero="No licensed seats on record 90 days ago",
        table=SUBSCRIPTIONS.table,
        columns=("seats",),
        aggregate=_at_as_of("seats", before=True),
    ),
    Feature(
        name="seats_change_90d",
        description="Licensed seats now minus 90 days ago; missing without seats 90 days ago.",
        source=Source.BILLING,
        window="90d",
        unit=Unit.COUNT,
        risk=Risk.LOWER,
        template="Seats {change} over the last 90 days ({seats_90d_ago} -> {seats})",
        template_empty="No seat count 90 days ago to compare with",
        empty=Empty.MISSING,
        derive=lambda v: ibis.ifelse(
            v.seats_90d_ago > 0, v.seats - v.seats_90d_ago, ibis.null("int64")
        ),
        inputs=("seats", "seats_90d_ago"),
    ),
    Feature(
        name="discount_rate",
        description="Discount off list price of the billing period covering as_of, 0-1 (0 when none).",
        source=Source.BILLING,
        window="at as_of",
        unit=Unit.RATIO,
        risk=Risk.HIGHER,
        template="{value} discount off list price",
        template_zero="No discount off list price",
        table=SUBSCRIPTIONS.table,
        columns=("discount",),
        aggregate=_at_as_of("discount"),
    ),
)
