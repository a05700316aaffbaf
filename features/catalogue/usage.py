"""Usage features: how much, how broadly and how recently the account uses the product."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from features.catalogue.rows import Rows, pct_change, ratio, whole_days
from features.catalogue.spec import (
    Aggregate,
    Derive,
    Empty,
    Feature,
    Helper,
    PerValue,
    Risk,
    Source,
    TableSpec,
    Tiles,
    Unit,
    recency,
)
from features.catalogue.windows import (
    DAYS,
    Combined,
    Latest,
    WindowDistinct,
    WindowSum,
    between,
    within,
)

HORIZON_DAYS = 90
YEAR_DAYS = 365
"""The account's own year of usage, the baseline its recent usage is compared with.

Only the few features that compare with it read a year of rows (``horizon_days``); the
other usage features read the last 90 days.
"""

TABLE = TableSpec(
    table="usage_events",
    time="timestamp",
    horizon_days=HORIZON_DAYS,
    row_columns={
        "qty": lambda t, config: t.quantity.fill_null(1.0),
        "key": lambda t, config: t.event.isin(config.key_events),
        "key_index": lambda t, config: t.event.cases(
            *((e, i) for i, e in enumerate(config.key_events)), else_=0
        ),
    },
    tiles=Tiles(value="event", sums=("qty",), of_value=("key", "key_index")),
)


INTENSITY_DAYS = (30, 90)

BY_EVENT = PerValue(
    column="event",
    partials={
        "year_rows": WindowSum(None),
        "year_key_rows": WindowSum(None, where="key"),
        "year_quantity": WindowSum("qty"),
        **{f"rows_{d}d": WindowSum(None, within(d)) for d in INTENSITY_DAYS},
        **{f"quantity_{d}d": WindowSum("qty", within(d)) for d in INTENSITY_DAYS},
        "quantity_prev_30d": WindowSum("qty", between(30, 60)),
        "last_age_90d": Latest(within(HORIZON_DAYS)),
    },
)
"""Each event's rows and quantity per point over the account's year (and the intensity
windows, the 30 days before the last 30, the age of its last row in the table's horizon):
every feature that reads the year, and every per-event feature (features.catalogue.events),
is computed from these, in one aggregate."""


def _events(days: int) -> Feature:
    return Feature(
        name=f"events_count_{days}d",
        description=f"Product events in the last {days} days (the sum of quantity).",
        source=Source.USAGE,
        window=f"{days}d",
        unit=Unit.COUNT,
        risk=Risk.LOWER,
        template=f"{{value:product event}} in the last {days} days",
        template_zero=f"No product events in the last {days} days",
        table=TABLE.table,
        aggregate=WindowSum("qty", within(days)),
    )


def _key_event_rows_share(days: int) -> Feature:
    return Feature(
        name=f"key_event_rows_share_{days}d",
        description=f"Share of the last {days} days' usage rows that are key-feature events, "
        "counted by rows (not summed quantity), so an account's usual batch size does not "
        "weigh in (0 without usage).",
        source=Source.USAGE,
        window=f"{days}d",
        unit=Unit.RATIO,
        risk=Risk.LOWER,
        template=f"{{value}} of usage records in the last {days} days were key-feature use",
        template_zero=f"No usage record in the last {days} days was key-feature use",
        table=TABLE.table,
        aggregate=Combined(
            ratio, WindowSum(None, within(days), "key"), WindowSum(None, within(days))
        ),
    )


def _quantity_per_row(days: int, year: Aggregate | None = None) -> Feature:
    """Quantity per usage row over ``days``; ``year`` reads it from the per-event partials."""
    return Feature(
        name=f"quantity_per_usage_row_{days}d",
        description=f"Product events (summed quantity) per usage row in the last {days} days: "
        "how much each recorded use amounts to, the account's own scale of use (0 without usage).",
        source=Source.USAGE,
        window=f"{days}d",
        unit=Unit.RATE,
        risk=Risk.LOWER,
        template=f"Usage records in the last {days} days averaged {{value:product event}} each",
        template_zero=f"No usage records in the last {days} days",
        table=TABLE.table,
        aggregate=year
        or Combined(ratio, WindowSum("qty", within(days)), WindowSum(None, within(days))),
        horizon_days=YEAR_DAYS if year else None,
        per=BY_EVENT if year else None,
    )


def _intensity_vs_year(days: int) -> Feature:
    return Feature(
        name=f"usage_intensity_vs_365d_pct_change_{days}d",
        description=f"Product events (summed quantity) of the last {days} days' usage rows "
        "against what rows of the same events averaged over the account's last 365 days, in "
        "percent: 100 x (sum of quantity / sum of the yearly mean quantity of each row's "
        "event - 1). How much each use amounts to now against the account's own norm for "
        "the features it uses, so a shift between light and heavy features does not weigh "
        "in. Missing without usage in the window.",
        source=Source.USAGE,
        window=f"{days}d vs 365d",
        unit=Unit.PERCENT,
        risk=Risk.LOWER,
        template=f"Work per use of each feature {{change}} in the last {days} days against "
        "the account's own yearly norm",
        template_empty=f"No usage in the last {days} days to compare with the account's yearly norm",
        empty=Empty.MISSING,
        table=TABLE.table,
        # each event's rows in the window, at the event's mean quantity of the year
        aggregate=lambda e: _intensity(e, days, e.year_quantity / e.year_rows),
        horizon_days=YEAR_DAYS,
        per=BY_EVENT,
    )


EXPECTED_UNITS_PER_EVENT = 1_000_000
"""The expected quantity of each event is summed in millionths, as whole numbers."""


def _intensity(e: Rows, days: int, norm: ir.NumericValue) -> ir.FloatingValue:
    """100 x (the window's quantity / its rows at ``norm`` quantity each - 1), per event partials.

    Events whose ``norm`` is null are left out of both sums; missing when none is left.
    Each event's expected quantity is a fraction (rows x a mean); summed as floats, the
    engine's order of addition, which varies with its threads, changed the last bits from
    run to run, and so the models trained on them. Summed in whole millionths, the result
    is the same in any order (within a millionth of the float sum).
    """
    counted = getattr(e, f"quantity_{days}d").sum(where=norm.notnull())
    units = EXPECTED_UNITS_PER_EVENT
    per_event = (getattr(e, f"rows_{days}d") * norm * units).round().cast("int64")
    expected = per_event.sum() / units
    return 100.0 * (ratio(counted, expected, empty=None) - 1.0)


def _typical_quantity(e: Rows) -> ir.Value:
    """Each event's typical quantity per row across accounts (FeatureConfig), null without one."""
    norms = e.config.event_quantity_norms
    if not norms:
        return ibis.null("float64")
    return e.event.cases(*norms.items(), else_=None).cast("float64")


def _intensity_vs_typical(days: int) -> Feature:
    return Feature(
        name=f"usage_intensity_vs_typical_pct_change_{days}d",
        description=f"Product events (summed quantity) of the last {days} days' usage rows "
        "against what rows of the same events typically amount to across all accounts, in "
        "percent: 100 x (sum of quantity / sum of each row's event norm - 1), with the norms "
        "of FeatureConfig.event_quantity_norms (fitted by churn train). How much each use "
        "amounts to against other customers' use of the same features. Rows of events without "
        "a norm are left out; missing without such rows in the window or without norms.",
        source=Source.USAGE,
        window=f"{days}d vs all accounts",
        unit=Unit.PERCENT,
        risk=Risk.LOWER,
        template=f"Work per use of each feature was {{abs}} {{usage_intensity_vs_typical_pct_change_{days}d:"
        f"below|at|above}} the typical level across customers in the last {days} days",
        template_zero=f"Work per use of each feature matched the typical level across customers "
        f"in the last {days} days",
        template_empty=f"No usage in the last {days} days to compare with the typical level across customers",
        empty=Empty.MISSING,
        table=TABLE.table,
        aggregate=lambda e: _intensity(e, days, _typical_quantity(e)),
        horizon_days=YEAR_DAYS,
        per=BY_EVENT,
    )


def _key_events(days: int) -> Feature:
    return Feature(
        name=f"key_events_count_{days}d",
        description=f"Key-feature events in the last {days} days (the sum of quantity).",
        source=Source.USAGE,
        window=f"{days}d",
        unit=Unit.COUNT,
        risk=Risk.LOWER,
        template=f"{{value:key-feature event}} in the last {days} days",
        template_zero=f"No key-feature events in the last {days} days",
        table=TABLE.table,
        aggregate=WindowSum("qty", within(days), "key"),
    )


def _key_events_share(days: int) -> Feature:
    return Feature(
        name=f"key_events_share_{days}d",
        description=f"Share of the last {days} days' product events (summed quantity) that used "
        "a key feature (0 without events).",
        source=Source.USAGE,
        window=f"{days}d",
        unit=Unit.RATIO,
        risk=Risk.LOWER,
        template=f"{{value}} of product events in the last {days} days used key features",
        template_zero=f"No product event in the last {days} days used a key feature",
        derive=lambda v: ratio(
            getattr(v, f"key_events_count_{days}d"), getattr(v, f"events_count_{days}d")
        ),
        inputs=(f"key_events_count_{days}d", f"events_count_{days}d"),
    )


def _year_avg_pct_change(recent: str, year: str, days: int) -> Derive:
    """``100 x ((1 + recent) / (1 + year x days / 365) - 1)``: recent against the year's average."""
    # year x days / 365 (not x (days / 365)): Spark reads a fractional literal as a
    # decimal and would round the product to its scale
    return lambda v: 100.0 * (
        (1.0 + getattr(v, recent)) / (1.0 + getattr(v, year) * days / YEAR_DAYS) - 1.0
    )


HELPERS = (
    Helper(
        name="_usage_rows_30d",
        table=TABLE.table,
        aggregate=WindowSum(None, within(30)),
    ),
    Helper(
        name="_usage_rows_365d",
        table=TABLE.table,
        aggregate=lambda e: e.year_rows.sum(),
        horizon_days=YEAR_DAYS,
        per=BY_EVENT,
    ),
)


FEATURES = (
    _events(7),
    _events(30),
    _events(90),
    Feature(
        name="events_count_prev_30d",
        description="Product events in the 30 days before the last 30 (days 31-60 before as_of).",
        source=Source.USAGE,
        window="30d before the last 30d",
        unit=Unit.COUNT,
        risk=Risk.LOWER,
        template="{value:product event} in the 30 days before the last 30",
        template_zero="No product events in the 30 days before the last 30",
        table=TABLE.table,
        aggregate=WindowSum("qty", between(30, 60)),
    ),
    Feature(
        name="events_pct_change_30d",
        description="Percent change of product events, last 30 days against the 30 before (base floored at 1).",
        source=Source.USAGE,
        window="30d vs previous 30d",
        unit=Unit.PERCENT,
        risk=Risk.LOWER,
        template="Product events {change} in the last 30 days ({events_count_prev_30d} -> {events_count_30d})",
        derive=lambda v: pct_change(v.events_count_30d, v.events_count_prev_30d),
        inputs=("events_count_30d", "events_count_prev_30d"),
    ),
    Feature(
        name="events_vs_90d_avg_pct_change_30d",
        description="Product events in the last 30 days against the account's own average 30 "
        "days of the last 90, in percent: 100 x ((1 + last 30) / (1 + last 90 / 3) - 1).",
        source=Source.USAGE,
        window="30d vs 90d average",
        unit=Unit.PERCENT,
        risk=Risk.LOWER,
        template="Product events {change} against the account's own 30-day average of the last "
        "90 days ({events_count_90d} in 90 days -> {events_count_30d} in the last 30)",
        derive=lambda v: 100.0
        * ((1.0 + v.events_count_30d) / (1.0 + v.events_count_90d / 3.0) - 1.0),
        inputs=("events_count_30d", "events_count_90d"),
    ),
    Feature(
        name="active_users_30d",
        description="Distinct users with any usage in the last 30 days.",
        source=Source.USAGE,
        window="30d",
        unit=Unit.COUNT,
        risk=Risk.LOWER,
        template="{value:active user} in the last 30 days",
        template_zero="No active users in the last 30 days",
        table=TABLE.table,
        columns=("user_id",),
        aggregate=WindowDistinct("user_id", within(30)),
    ),
    Feature(
        name="active_users_prev_30d",
        description="Distinct users with any usage in the 30 days before the last 30.",
        source=Source.USAGE,
        window="30d before the last 30d",
        unit=Unit.COUNT,
        risk=Risk.LOWER,
        template="{value:active user} in the 30 days before the last 30",
        template_zero="No active users in the 30 days before the last 30",
        table=TABLE.table,
        columns=("user_id",),
        aggregate=WindowDistinct("user_id", between(30, 60)),
    ),
    Feature(
        name="active_users_pct_change_30d",
        description="Percent change of active users, last 30 days against the 30 before (base floored at 1).",
        source=Source.USAGE,
        window="30d vs previous 30d",
        unit=Unit.PERCENT,
        risk=Risk.LOWER,
        template="Active users {change} in the last 30 days ({active_users_prev_30d} -> {active_users_30d})",
        derive=lambda v: pct_change(v.active_users_30d, v.active_users_prev_30d),
        inputs=("active_users_30d", "active_users_prev_30d"),
    ),
    Feature(
        name="events_per_active_user_30d",
        description="Product events per active user in the last 30 days (0 without active users).",
        source=Source.USAGE,
        window="30d",
        unit=Unit.RATE,
        risk=Risk.LOWER,
        template="{value:product event} per active user in the last 30 days",
        template_zero="No product events by active users in the last 30 days",
        derive=lambda v: ratio(v.events_count_30d, v.active_users_30d),
        inputs=("events_count_30d", "active_users_30d"),
    ),
    Feature(
        name="active_days_30d",
        description="Days with any usage among the last 30 (counted back from as_of in 24-hour steps).",
        source=Source.USAGE,
        window="30d",
        unit=Unit.COUNT,
        risk=Risk.LOWER,
        template="Product used on {value} of the last 30 days",
        template_zero="Product not used in the last 30 days",
        table=TABLE.table,
        aggregate=WindowDistinct(DAYS, within(30)),
    ),
    Feature(
        name="features_used_30d",
        description="Distinct product events (features) used in the last 30 days: the breadth of use.",
        source=Source.USAGE,
        window="30d",
        unit=Unit.COUNT,
        risk=Risk.LOWER,
        template="{value:distinct product feature} used in the last 30 days",
        template_zero="No product feature used in the last 30 days",
        table=TABLE.table,
        aggregate=WindowDistinct("event", within(30)),
    ),
    Feature(
        name="key_features_used_30d",
        description="Distinct key features (see FeatureConfig.key_events) used in the last 30 days: adoption.",
        source=Source.USAGE,
        window="30d",
        unit=Unit.COUNT,
        risk=Risk.LOWER,
        template="{value:key feature} used in the last 30 days",
        template_zero="No key feature used in the last 30 days",
        table=TABLE.table,
        aggregate=WindowDistinct("key_index", within(30), "key", small=True),
    ),
    _key_events(30),
    _key_events_share(30),
    _key_events(90),
    _key_events_share(90),
    _key_event_rows_share(14),
    _key_event_rows_share(30),
    _key_event_rows_share(90),
    _quantity_per_row(30),
    _quantity_per_row(90),
    Feature(
        name="usage_rows_vs_365d_avg_pct_change_30d",
        description="Usage records (rows, not summed quantity) in the last 30 days against the "
        "account's own average 30 days of the last 365, in percent: 100 x ((1 + last 30) / "
        "(1 + last 365 x 30 / 365) - 1). How often the account uses the product now, "
        "measured against its own year.",
        source=Source.USAGE,
        window="30d vs 365d average",
        unit=Unit.PERCENT,
        risk=Risk.LOWER,
        template="Usage records {change} against the account's own monthly average of the last year",
        derive=_year_avg_pct_change("_usage_rows_30d", "_usage_rows_365d", 30),
        inputs=("_usage_rows_30d", "_usage_rows_365d"),
    ),
    Feature(
        name="key_event_rows_share_365d",
        description="Share of the last 365 days' usage rows that are key-feature events (0 "
        "without usage): the account's usual depth of use.",
        source=Source.USAGE,
        window="365d",
        unit=Unit.RATIO,
        risk=Risk.LOWER,
        template="{value} of usage records in the last year were key-feature use",
        template_zero="No usage record in the last year was key-feature use",
        table=TABLE.table,
        aggregate=lambda e: ratio(e.year_key_rows.sum(), e.year_rows.sum()),
        horizon_days=YEAR_DAYS,
        per=BY_EVENT,
    ),
    _quantity_per_row(365, year=lambda e: ratio(e.year_quantity.sum(), e.year_rows.sum())),
    Feature(
        name="quantity_per_usage_row_vs_365d_pct_change_30d",
        description="Product events per usage row in the last 30 days against the same over "
        "the last 365 days, in percent (base floored at 1): whether each use amounts to more "
        "or less than the account's own norm.",
        source=Source.USAGE,
        window="30d vs 365d",
        unit=Unit.PERCENT,
        risk=Risk.LOWER,
        template="Product events per usage record {change} against the account's own year "
        "({quantity_per_usage_row_365d} -> {quantity_per_usage_row_30d})",
        derive=lambda v: pct_change(v.quantity_per_usage_row_30d, v.quantity_per_usage_row_365d),
        inputs=("quantity_per_usage_row_30d", "quantity_per_usage_row_365d"),
    ),
    *(_intensity_vs_year(days) for days in INTENSITY_DAYS),
    *(_intensity_vs_typical(days) for days in INTENSITY_DAYS),
    Feature(
        name="seat_utilisation_30d",
        description="Active users in the last 30 days per licensed seat at as_of; missing without a seat count.",
        source=Source.USAGE,
        window="30d",
        unit=Unit.RATIO,
        risk=Risk.LOWER,
        template="{value} of seats active in the last 30 days ({active_users_30d:active user} of {seats:seat})",
        template_empty="Seat utilisation unknown (no seat count on record)",
        empty=Empty.MISSING,
        derive=lambda v: ratio(v.active_users_30d, v.seats, empty=None),
        inputs=("active_users_30d", "seats"),
    ),
    recency(
        "days_since_last_activity",
        description="Whole days since the account's last product usage.",
        source=Source.USAGE,
        table=TABLE.table,
        horizon_days=HORIZON_DAYS,
        template="Last product activity {value:day} ago",
        template_zero="Last product activity less than a day ago",
        template_empty=f"No product activity in the last {HORIZON_DAYS} days",
        aggregate=Combined(whole_days, Latest()),
    ),
    recency(
        "days_since_key_feature_use",
        description="Whole days since the account last used a key feature.",
        source=Source.USAGE,
        table=TABLE.table,
        horizon_days=HORIZON_DAYS,
        template="Key features last used {value:day} ago",
        template_zero="Key features last used less than a day ago",
        template_empty=f"No key feature used in the last {HORIZON_DAYS} days",
        aggregate=Combined(whole_days, Latest(where="key")),
    ),
)
