"""Contract features: tenure, the next renewal, recent renewals, ARR at as_of and segment.

Renewal *dates* are known in advance (a contract says when it ends), so every renewal
row joins every point; a renewal's *outcome* counts only once it was known, i.e.
recorded (or, without ``recorded_at``, dated) before ``as_of``.

``accounts.arr`` is the *current* ARR, which would leak the future into past points, so
ARR at ``as_of`` is 12 x the MRR of the billing period covering it (0 once the
account's known periods have ended); for accounts without billing periods, the ARR at
stake at the latest renewal decided before ``as_of``; and only when neither is known,
``accounts.arr``.
"""

from __future__ import annotations

import ibis

from features.catalogue.rows import ratio, whole_days
from features.catalogue.spec import Empty, Feature, Helper, Risk, Source, TableSpec, Unit

RENEWAL_WINDOW_DAYS = 365
"""Past renewals are counted over this many days before as_of (by renewal date)."""

ACCOUNTS = TableSpec(table="accounts", time_bound=False, known_from_recorded_at=False)
RENEWALS = TableSpec(
    table="renewals",
    time="renewal_date",
    time_bound=False,
    known_from_recorded_at=False,
    row_columns={
        "decided": lambda t, config: t.outcome.notnull()
        & (t.recorded_at.fill_null(t.renewal_date) < t.as_of),
    },
)

HELPERS = (
    Helper(
        name="_renewal_arr",
        table=RENEWALS.table,
        columns=("arr",),
        aggregate=lambda r: r.arr.argmax(r.renewal_date, where=r.decided),
    ),
    Helper(
        name="_account_arr", table=ACCOUNTS.table, columns=("arr",), aggregate=lambda r: r.arr.max()
    ),
    Helper(
        name="_days_since_previous_renewal",
        table=RENEWALS.table,
        aggregate=lambda r: whole_days(
            r.age_of("renewal_date").min(where=r.renewal_date < r.as_of)
        ),
    ),
)


DAYS_PER_MONTH = 365.25 / 12


def _contract_term_days(v):
    """Days from the previous renewal date (or, in a first term, the account's creation) to the next."""
    started = ibis.coalesce(v._days_since_previous_renewal, v.get("tenure_days"))
    return v.days_to_renewal + started


def _contract_term_months(v):
    """The term in whole months (1 for 28 to 31 days, 12 for 365 or 366), so that month lengths and
    leap years do not read as a different term."""
    return (_contract_term_days(v) / DAYS_PER_MONTH).round().cast("int64")


def _term_left_share(v):
    """days_to_renewal against the term in days, to one decimal (for the same reason: 5 days of a
    30- or 31-day month are both 0.2)."""
    return ratio(v.days_to_renewal, _contract_term_days(v), empty=None).round(1)


def _arr(v):
    """12 x MRR for accounts with billing periods known (0 once they ended), else the fallbacks."""
    choices = []
    if v.get("mrr") is not None:
        choices.append(ibis.ifelse(v._billing_periods > 0, 12.0 * v.mrr, ibis.null("float64")))
    choices += [x for x in (v.get("_renewal_arr"), v.get("_account_arr")) if x is not None]
    return ibis.coalesce(*choices, ibis.null("float64"))


FEATURES = (
    Feature(
        name="tenure_days",
        description="Whole days since the account became a customer (accounts.created_at).",
        source=Source.CONTRACT,
        window="at as_of",
        unit=Unit.DAYS,
        risk=Risk.LOWER,
        template="Customer for {value:day}",
        template_zero="Customer for less than a day",
        template_empty="Customer since an unknown date",
        empty=Empty.MISSING,
        table=ACCOUNTS.table,
        columns=("created_at",),
        aggregate=lambda r: whole_days(r.age_of("created_at").max()),
    ),
    Feature(
        name="days_to_renewal",
        description="Whole days from as_of to the next renewal date (the first on or after as_of).",
        source=Source.CONTRACT,
        window="at as_of",
        unit=Unit.DAYS,
        risk=Risk.LOWER,
        template="Renewal in {value:day}",
        template_zero="Renewal due within a day",
        template_empty="No upcoming renewal on record",
        empty=Empty.MISSING,
        table=RENEWALS.table,
        aggregate=lambda r: whole_days(
            -r.age_of("renewal_date").max(where=r.renewal_date >= r.as_of)
        ),
    ),
    Feature(
        name="contract_term_months",
        description="Length in whole months of the contract term the next renewal closes: from the "
        "previous renewal date (renewal dates are known in advance), or for a first term from the "
        "account's creation, to the next renewal date; 1 on monthly terms, 12 on annual ones.",
        source=Source.CONTRACT,
        window="at as_of",
        unit=Unit.COUNT,
        risk=Risk.NEITHER,
        template="Contract term of {value:month}",
        template_zero="Contract term of less than two weeks",
        template_empty="Contract term unknown",
        empty=Empty.MISSING,
        derive=_contract_term_months,
        inputs=("days_to_renewal", "_days_since_previous_renewal"),
        optional_inputs=("tenure_days",),
    ),
    Feature(
        name="term_left_share",
        description="Share of the contract term still to run before the next renewal (to one "
        "decimals): days_to_renewal read against the account's own term, so a monthly and an "
        "annual account a week before renewal are both near the end of their terms.",
        source=Source.CONTRACT,
        window="at as_of",
        unit=Unit.RATIO,
        risk=Risk.NEITHER,
        template="{value} of the contract term left before renewal",
        template_zero="Less than 5% of the contract term left before renewal",
        template_empty="Contract term unknown",
        empty=Empty.MISSING,
        derive=_term_left_share,
        inputs=("days_to_renewal", "_days_since_previous_renewal"),
        optional_inputs=("tenure_days",),
    ),
    Feature(
        name="renewals_count_365d",
        description="Renewals dated in the last 365 days that the account renewed (outcome known "
        "before as_of): about 12 on monthly terms, 1 on annual terms, fewer for young accounts.",
        source=Source.CONTRACT,
        window="365d",
        unit=Unit.COUNT,
        risk=Risk.NEITHER,
        template="Renewed {value:time} in the last 365 days",
        template_zero="No renewal in the last 365 days",
        table=RENEWALS.table,
        aggregate=lambda r: r.count(
            where=r.decided & (r.outcome == "renewed") & r.between(0, RENEWAL_WINDOW_DAYS)
        ),
    ),
    Feature(
        name="arr",
        description="Annual recurring revenue at as_of: 12 x MRR of the billing period covering it; "
        "without billing periods, the ARR of the latest decided renewal; else accounts.arr (current ARR).",
        source=Source.CONTRACT,
        window="at as_of",
        unit=Unit.CURRENCY,
        risk=Risk.LOWER,
        template="ARR of {value}",
        template_zero="No recurring revenue at the moment (ARR 0)",
        template_empty="ARR unknown",
        empty=Empty.MISSING,
        derive=_arr,
        optional_inputs=("mrr", "_billing_periods", "_renewal_arr", "_account_arr"),
    ),
    Feature(
        name="segment",
        description="The account's customer segment (accounts.segment), e.g. smb, mid_market, enterprise.",
        source=Source.CONTRACT,
        window="at as_of",
        unit=Unit.CATEGORY,
        risk=Risk.NEITHER,
        template="In the {value} segment",
        template_empty="Segment unknown",
        empty=Empty.MISSING,
        table=ACCOUNTS.table,
        columns=("segment",),
        aggregate=lambda r: r.segment.max(),
    ),
)
