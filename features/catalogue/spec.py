"""What a feature is: its metadata, how it is computed, and the tables it reads.

Every feature is declared once, as a :class:`Feature` in one of the source modules
(``usage``, ``support``, ``surveys``, ``billing``, ``relationship``, ``account``). The
declaration carries everything the rest of the project reads: the docs page, the
explanation sentences, the build and the checks.

A feature is either an *aggregate* (an Ibis reduction over the rows of one contract
table known before each point, see :class:`~features.catalogue.rows.Rows`) or *derived*
(an Ibis expression over other features of the same point, see
:class:`~features.catalogue.rows.Values`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from features.catalogue.config import FeatureConfig
    from features.catalogue.rows import Rows, Values

DAY = 86_400
"""Seconds per day: windows and ages are computed in seconds."""


class Source(StrEnum):
    """The area of the customer relationship a feature describes (the scorecard's dimensions)."""

    USAGE = "usage"
    SUPPORT = "support"
    SURVEY = "survey"
    BILLING = "billing"
    RELATIONSHIP = "relationship"
    CONTRACT = "contract"


class Unit(StrEnum):
    """What a feature's number counts or measures; decides how it is printed."""

    COUNT = "count"
    DAYS = "days"
    HOURS = "hours"
    PERCENT = "percent"  # a percent change: -42 means down 42%
    RATIO = "ratio"  # a share from 0 to 1, printed as a percentage
    RATE = "rate"  # a quotient such as events per user
    CURRENCY = "currency"
    SCORE = "score"  # a survey or ticket score
    POINTS = "points"  # a difference of scores
    FLAG = "flag"  # 1 or 0
    LEVEL = "level"  # an ordinal with labels (e.g. incident severity)
    CATEGORY = "category"  # text


class Risk(StrEnum):
    """The direction in which a feature raises churn risk, all else equal."""

    HIGHER = "higher"  # higher values raise risk
    LOWER = "lower"  # lower values raise risk
    NEITHER = "neither"  # no fixed direction (context, categories)


class Empty(StrEnum):
    """What a feature is when nothing relevant is known for the point."""

    ZERO = "zero"  # counts, sums, flags and shares are 0
    NEVER = "never"  # recency is capped: "never" and "longer ago than the horizon" give the cap
    MISSING = "missing"  # there is nothing to measure (no score, no renewal date): null


INTEGER_UNITS = frozenset({Unit.COUNT, Unit.DAYS, Unit.FLAG, Unit.LEVEL})
"""Units whose values are whole numbers (stored as integers unless the feature may be missing)."""

Aggregate = Callable[["Rows"], "ir.Value"]
Derive = Callable[["Values"], "ir.Value"]
RowColumn = Callable[["ir.Table", "FeatureConfig"], "ir.Value"]


@dataclass(frozen=True)
class Tiles:
    """How a table's rows become per-day partial aggregates (see :mod:`features.catalogue.tiled`).

    Rows are reduced per account, ``value`` (e.g. the event), day of event time and day
    they were known, summing the row columns ``sums``. ``of_value`` names the row columns
    that depend on ``value`` alone (computed on tiles as well as rows); the row columns
    windowed aggregates filter on (``where``) must be among them.
    """

    value: str
    sums: tuple[str, ...] = ()
    of_value: tuple[str, ...] = ()


@dataclass(frozen=True)
class TableSpec:
    """How the rows of one contract table are lined up against the points.

    ``time`` is the column that places a row in a window. A row joins a point when it
    is known before the point's ``as_of`` (``recorded_at``, when present, wins over the
    event time) and, when ``time_bound``, when ``as_of - horizon_days <= time < as_of``.
    ``row_columns`` are computed on each joined row before the aggregation. With ``tiles``
    the features declared with :mod:`features.catalogue.windows` can be built from per-day
    partial aggregates instead of rows.
    """

    table: str
    time: str | None = None
    horizon_days: int | None = None
    time_bound: bool = True
    known_from_recorded_at: bool = True
    row_columns: Mapping[str, RowColumn] = field(default_factory=dict)
    tiles: Tiles | None = None


@dataclass(frozen=True, eq=False)
class PerValue:
    """Aggregate in two steps: ``partials`` per point and value of ``column``, then per point.

    For measures that first compare each value with itself, e.g. usage of each event
    against the account's own norm for that event. The features' ``aggregate`` then sees
    one row per (point, value) holding the partials, not the table's rows. Features that
    share one ``PerValue`` (and a horizon) are computed from the same partial aggregate.
    """

    column: str
    partials: Mapping[str, Aggregate]


@dataclass(frozen=True)
class Helper:
    """An intermediate aggregate that features derive from; never part of the output."""

    name: str
    table: str
    aggregate: Aggregate
    columns: tuple[str, ...] = ()
    horizon_days: int | None = None
    per: PerValue | None = None


@dataclass(frozen=True)
class Quote:
    """Text from the data that a sentence quotes: an example of what a customer wrote, or its
    theme. Built beside the features only for explanations (``build_features(...,
    quotes=True)``), never a model input; a template names it like a feature, inside an
    optional clause (``[: {negative_text_example_90d}]``), and it prints as it is."""

    name: str
    description: str
    table: str
    aggregate: Aggregate
    columns: tuple[str, ...] = ()
    horizon_days: int | None = None
    per: PerValue | None = None


@dataclass(frozen=True)
class Feature:
    """One feature and its metadata, declared once.

    ``template`` is the plain-language sentence for explanations; see
    :mod:`features.catalogue.render` for its placeholders. ``template_empty`` is used
    instead when nothing was known (the value is missing or at its "never" cap),
    ``template_zero`` when the value is 0 and the template would read badly ("No
    invoices overdue" rather than "0 invoices overdue, the oldest 0 days"). ``labels``
    name the values of a level, or of a score when its template says ``{label}``.
    ``columns`` lists the optional contract columns of ``table`` the feature reads;
    ``inputs`` the features and helpers a derived feature needs, ``optional_inputs``
    those it uses only when present. ``horizon_days`` reads further back than the
    table's horizon (see :class:`TableSpec`); features of a table that share a horizon
    are computed together, so a few long-window features do not make every aggregate
    of the table read their rows. ``per`` aggregates in two steps (see :class:`PerValue`).
    """

    name: str
    description: str
    source: Source
    window: str
    unit: Unit
    risk: Risk
    template: str
    empty: Empty = Empty.ZERO
    template_empty: str | None = None
    template_zero: str | None = None
    never_value: int | None = None
    labels: tuple[str, ...] = ()
    table: str | None = None
    aggregate: Aggregate | None = None
    columns: tuple[str, ...] = ()
    derive: Derive | None = None
    inputs: tuple[str, ...] = ()
    optional_inputs: tuple[str, ...] = ()
    horizon_days: int | None = None
    per: PerValue | None = None

    @property
    def is_derived(self) -> bool:
        return self.derive is not None

    @property
    def is_integer(self) -> bool:
        """Whether the built column holds integers (never missing, whole-number unit)."""
        return self.unit in INTEGER_UNITS and self.empty is not Empty.MISSING


def recency(
    name: str,
    *,
    description: str,
    source: Source,
    table: str,
    horizon_days: int,
    template: str,
    template_empty: str,
    aggregate: Aggregate,
    columns: tuple[str, ...] = (),
    template_zero: str | None = None,
) -> Feature:
    """A ``days_since_<event>`` feature: whole days since the last such row, capped at the horizon."""
    return Feature(
        name=name,
        description=f"{description} Capped at {horizon_days}: {horizon_days} means "
        f"{horizon_days} days or more ago, or never.",
        source=source,
        window=f"{horizon_days}d",
        unit=Unit.DAYS,
        risk=Risk.HIGHER,
        template=template,
        template_empty=template_empty,
        template_zero=template_zero,
        empty=Empty.NEVER,
        never_value=horizon_days,
        table=table,
        aggregate=aggregate,
        columns=columns,
    )
