"""The set-based build: every feature of every point, in one query per call.

For each contract table present, its rows are joined to the points they are known at
(by event time, at most the table's horizon before ``as_of``, and, when ``recorded_at``
is set, recorded before ``as_of``) and reduced by one ``GROUP BY account_id, as_of``
holding every aggregate feature of that table that reads the same horizon (a few
features read further back than their table, see ``Feature.horizon_days``, and get a
``GROUP BY`` of their own). The per-table results are left-joined
onto the points; counts become 0 and recency its cap where nothing was found; derived
features are computed last from the others. The whole thing is one Ibis expression,
compiled to DuckDB or Spark SQL.

Two ways to line rows up with points give the same result:

- ``dates``: join each row to the *distinct as_of dates* whose window holds it, by an
  equality on the row's day plus the exact time range (a hash join against a tiny
  table, no hashing on account ids), then keep the points. Best when points share a
  few dates (scoring, monthly training snapshots).
- ``points``: join each row to the points of its account whose window can hold it, by
  an equality on account and time bucket plus the exact range. Best when points have
  many distinct dates (e.g. fixed lead times before each renewal).

``auto`` picks ``dates`` up to :data:`DATES_STRATEGY_MAX` distinct dates. With ``dates``
and a single date nothing is joined at all: the date is a constant on every row.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal

import ibis
import ibis.expr.types as ir
import pandas as pd

from features.catalogue.config import FeatureConfig
from features.catalogue.engines import FeatureSource
from features.catalogue.errors import PointsError
from features.catalogue.events import vocabulary_features
from features.catalogue.points import normalise_points
from features.catalogue.registry import (
    CATALOGUE,
    DERIVED_TABLES,
    HELPERS,
    QUOTES,
    TABLE_SPECS,
    find_feature,
    get_feature,
)
from features.catalogue.render import quotes_of
from features.catalogue.rows import Rows, Values
from features.catalogue.spec import DAY, Empty, Feature, Helper, PerValue, Quote, TableSpec, Unit
from features.catalogue.text_table import TABLE as TEXTS
from features.catalogue.text_table import has_texts, text_table
from features.catalogue.texts import theme_features
from features.catalogue.tiled import tileable, tiled_aggregate

Strategy = Literal["auto", "dates", "points"]


@dataclass(frozen=True)
class Span:
    """The first and the last as_of of a set of points, and whether all are at midnight (UTC)."""

    first: datetime
    last: datetime
    at_midnight: bool = False


KEYS = ("account_id", "as_of")
DATES_STRATEGY_MAX = 24
"""Up to this many distinct as_of dates, rows are joined by date rather than by account."""


def build_features(
    source: FeatureSource,
    points: pd.DataFrame | ir.Table,
    features: Iterable[str] | None = None,
    config: FeatureConfig | None = None,
    strategy: Strategy = "auto",
    quotes: bool = False,
    tiles: bool = False,
) -> pd.DataFrame:
    """One row per distinct ``(account_id, as_of)`` point with the features available for it.

    ``features`` are catalogue names (default: all, and the per-event features of
    ``config``'s usage events vocabulary and text themes, e.g. ``CHURN_V1.names(config)``);
    those whose tables or columns are absent from ``source`` are left out of the result.
    With ``quotes``, the texts their sentences quote (:class:`~features.catalogue.spec.Quote`,
    for explanations; never model inputs) follow the features as string columns.
    Rows are sorted by account_id, then as_of. ``tiles`` builds the windowed usage
    features from per-day partial aggregates instead (:mod:`features.catalogue.tiled`:
    the same values, every as_of at midnight; slower than rows on DuckDB so far, see
    docs/feature_engine.md).
    """
    table = feature_table(source, points, features, config, strategy, quotes, tiles)
    frame = source.execute(table)
    return _with_dtypes(frame, [f for f in map(_output, table.columns) if f is not None])


def feature_table(
    source: FeatureSource,
    points: pd.DataFrame | ir.Table,
    features: Iterable[str] | None = None,
    config: FeatureConfig | None = None,
    strategy: Strategy = "auto",
    quotes: bool = False,
    tiles: bool = False,
) -> ir.Table:
    """The lazy Ibis table behind :func:`build_features` (to write it without pandas)."""
    config = config or FeatureConfig()
    point_table, dates, span = _point_table(source, points)
    if strategy == "auto":
        strategy = "dates" if dates <= DATES_STRATEGY_MAX else "points"
    tables = {name: source.table(name) for name in source.tables}
    columns = _with_derived(source, config)
    selected = _select(features, config)
    quoted = [QUOTES[name] for name in quotes_of(f.name for f in selected)] if quotes else []
    if TEXTS in columns and _reads(TEXTS, [*selected, *quoted], columns):
        tables[TEXTS] = text_table(source, config, span.first, span.last)
    if tiles and not span.at_midnight:
        raise PointsError(
            "tiles=True needs every as_of at midnight (UTC); build points at other times "
            "with tiles=False (from rows)"
        )
    return compile_features(
        tables, columns, point_table, selected, config, strategy, span, quoted, tiles
    )


def available_features(
    source: FeatureSource,
    features: Iterable[str] | None = None,
    config: FeatureConfig | None = None,
) -> list[str]:
    """The requested features (default: all, per event and per theme of ``config`` too) that
    ``source`` has the tables and columns for."""
    columns = _with_derived(source, config or FeatureConfig())
    return [f.name for f in _select(features, config) if _available(f.name, columns)]


def _with_derived(source: FeatureSource, config: FeatureConfig) -> dict[str, frozenset[str]]:
    """``source``'s columns plus the derived tables it can make (``texts`` when it holds text)."""
    columns = dict(source.columns)
    if has_texts(source, config):
        columns[TEXTS] = frozenset(DERIVED_TABLES[TEXTS])
    return columns


def _reads(table: str, items: Sequence[Feature | Quote], columns) -> bool:
    """Whether any of ``items`` (or what they derive from) reads ``table``."""
    needed = _closure([i.name for i in items if _available(i.name, columns)], columns)
    return any(_table_of(item) == table for item in needed)


def compile_features(
    tables: Mapping[str, ir.Table],
    columns: Mapping[str, frozenset[str]],
    points: ir.Table,
    features: Sequence[Feature],
    config: FeatureConfig,
    strategy: Literal["dates", "points"],
    span: Span | None = None,
    quotes: Sequence[Quote] = (),
    tiles: bool = False,
) -> ir.Table:
    """The feature table as one Ibis expression over ``tables`` (bound or unbound).

    ``span`` (the first and last as_of, when known) adds constant bounds on event time
    that engines can apply while scanning, before any join. ``quotes`` follow the features.
    With ``tiles`` (every point at midnight), groups of windowed aggregates of a table
    with tiles are built from them (:mod:`features.catalogue.tiled`).
    """
    wanted = [f for f in [*features, *quotes] if _available(f.name, columns)]
    needed = _closure([f.name for f in wanted], columns)
    joined, selected = points, {key: points[key] for key in KEYS}
    for table_spec in TABLE_SPECS.values():
        items = [i for i in needed if _table_of(i) == table_spec.table]
        for spec, per, group in _by_horizon(table_spec, items):
            table = _within_span(spec, tables[spec.table], span)
            if tiles and tileable(spec, group, per):
                read = _partials_read(per, group, config) if per is not None else []
                agg = tiled_aggregate(
                    spec, table, columns[spec.table], points, group, per, read, config
                )
            else:
                agg = _aggregate(
                    spec, table, columns[spec.table], points, group, per, config, strategy, span
                )
            joined = joined.left_join(
                agg, [points.account_id == agg.account_id, points.as_of == agg.as_of]
            )
            selected.update({i.name: _filled(i, agg[i.name]) for i in group})
    out = joined.select(**selected)
    derived = [i for i in needed if isinstance(i, Feature) and i.is_derived]
    for layer in _layers(derived):
        values = Values(out, set(out.columns))
        out = out.mutate(**{f.name: _filled(f, f.derive(values)) for f in layer})
    return out.select(*KEYS, *(_typed(out, f) for f in wanted)).order_by(list(KEYS))


def _by_horizon(
    spec: TableSpec, items: list[Feature | Helper]
) -> list[tuple[TableSpec, PerValue | None, list[Feature | Helper]]]:
    """``items`` grouped by how far back they read (the table's horizon, or a feature's
    own) and by their two-step partials, if any.

    Each group is one aggregate query over the rows its horizon holds, so the many
    features of the table's horizon never read the rows that only a long window needs.
    """
    groups: dict[tuple[int | None, PerValue | None], list[Feature | Helper]] = {}
    for item in items:
        horizon = item.horizon_days or spec.horizon_days
        groups.setdefault((horizon, item.per), []).append(item)
    return [
        (replace(spec, horizon_days=horizon), per, group)
        for (horizon, per), group in groups.items()
    ]


def _select(features: Iterable[str] | None, config: FeatureConfig | None = None) -> list[Feature]:
    if features is None:
        events = config.usage_events_vocabulary if config else ()
        themes = tuple(config.text_themes) if config else ()
        return [*CATALOGUE.values(), *vocabulary_features(events), *theme_features(themes)]
    return [get_feature(name) for name in dict.fromkeys(features)]


def _item(name: str) -> Feature | Helper | Quote:
    return HELPERS.get(name) or QUOTES.get(name) or get_feature(name)


def _output(name: str) -> Feature | Quote | None:
    """The feature or quote a built column holds (None for the keys)."""
    return find_feature(name) or QUOTES.get(name)


def _table_of(item: Feature | Helper | Quote) -> str | None:
    return item.table if not isinstance(item, Feature) or not item.is_derived else None


def _available(name: str, columns: Mapping[str, frozenset[str]]) -> bool:
    item = _item(name)
    table = _table_of(item)
    if table is not None:
        return table in columns and set(item.columns) <= columns[table]
    if not item.inputs:  # only optional inputs: at least one of them
        return any(_available(i, columns) for i in item.optional_inputs)
    return all(_available(i, columns) for i in item.inputs)


def _closure(names: list[str], columns: Mapping[str, frozenset[str]]) -> list[Feature | Helper]:
    """``names`` and every available feature or helper they derive from, inputs first."""
    ordered: dict[str, Feature | Helper] = {}

    def visit(name: str) -> None:
        if name in ordered:
            return
        item = _item(name)
        if isinstance(item, Feature):
            for dependency in item.inputs + item.optional_inputs:
                if _available(dependency, columns):
                    visit(dependency)
        ordered[name] = item

    for name in names:
        visit(name)
    return list(ordered.values())


def _point_table(
    source: FeatureSource, points: pd.DataFrame | ir.Table
) -> tuple[ir.Table, int, Span]:
    """The points as an Ibis table, how many distinct as_of dates they hold, and their span."""
    if isinstance(points, pd.DataFrame):
        frame = normalise_points(points)
        if frame.empty:
            raise PointsError("no points given; pass at least one (account_id, as_of) row")
        span = Span(
            frame["as_of"].min().to_pydatetime(),
            frame["as_of"].max().to_pydatetime(),
            bool((frame["as_of"] == frame["as_of"].dt.normalize()).all()),
        )
        return ibis.memtable(frame), frame["as_of"].nunique(), span
    missing = set(KEYS) - set(points.columns)
    if missing:
        raise PointsError(
            f"points lack column(s) {', '.join(sorted(missing))}; expected account_id and as_of"
        )
    table = points.select(
        account_id=points.account_id.cast("string"), as_of=points.as_of.cast("timestamp")
    ).distinct()
    stats = source.execute(
        table.aggregate(
            n=table.as_of.nunique(),
            first=table.as_of.min(),
            last=table.as_of.max(),
            off_midnight=(table.as_of != table.as_of.truncate("D")).cast("int64").sum(),
        )
    )
    if not stats["n"].iloc[0]:
        raise PointsError("no points given; pass at least one (account_id, as_of) row")
    first, last = (pd.Timestamp(stats[c].iloc[0]).to_pydatetime() for c in ("first", "last"))
    return table, int(stats["n"].iloc[0]), Span(first, last, not stats["off_midnight"].iloc[0])


def _within_span(spec: TableSpec, table: ir.Table, span: Span | None) -> ir.Table:
    """``table`` without rows no point can see: after the last as_of or before every window."""
    if span is None or not spec.time_bound:
        return table
    time = table[spec.time]
    keep = time < span.last
    if spec.horizon_days is not None:
        keep &= time >= span.first - timedelta(days=spec.horizon_days)
    return table.filter(keep)


def _aggregate(
    spec: TableSpec,
    table: ir.Table,
    present: frozenset[str],
    points: ir.Table,
    items: list[Feature | Helper],
    per: PerValue | None,
    config: FeatureConfig,
    strategy: Literal["dates", "points"],
    span: Span | None,
) -> ir.Table:
    rows = _rows(spec, table, present, points, strategy, span)
    rows = rows.mutate(**{name: fn(rows, config) for name, fn in spec.row_columns.items()})
    if per is not None:  # first per point and value, then per point over those partials
        view = Rows(rows, config)
        rows = rows.group_by([*KEYS, per.column]).aggregate(
            **{name: per.partials[name](view) for name in _partials_read(per, items, config)}
        )
    view = Rows(rows, config)
    return rows.group_by(list(KEYS)).aggregate(
        **{item.name: item.aggregate(view) for item in items}
    )


def _partials_read(
    per: PerValue, items: list[Feature | Helper], config: FeatureConfig
) -> list[str]:
    """The partials of ``per`` that ``items`` read (the others are not computed at all).

    Found by building the items' aggregates once over a stand-in table of the partials
    and noting which columns they ask for; e.g. the per-event features' partials cost
    nothing when no events vocabulary is set.
    """
    read: set[str] = set()

    class Reading(Rows):
        def __getattr__(self, name: str) -> ir.Column:
            read.add(name)
            return super().__getattr__(name)

    stand_in = ibis.table(
        {per.column: "string", **dict.fromkeys(per.partials, "float64")}, name="partials"
    )
    view = Reading(stand_in, config)
    for item in items:
        item.aggregate(view)
    return [name for name in per.partials if name in read]


def _rows(
    spec: TableSpec,
    table: ir.Table,
    present: frozenset[str],
    points: ir.Table,
    strategy: Literal["dates", "points"],
    span: Span | None = None,
) -> ir.Table:
    """The rows of ``table`` next to each point (or date) they are known at, with ``age``.

    With a single as_of date the span bounds (see :func:`_within_span`) already keep
    exactly the rows of its window, so the date is a constant on every row and nothing
    is joined: engines then fold the window tests into comparisons with constants.
    """
    if strategy == "dates" and span is not None and span.first == span.last:
        return _known(spec, table.mutate(as_of=ibis.literal(span.last, "timestamp")), present)
    anchors = points.select("as_of").distinct() if strategy == "dates" else points
    predicates = []
    if spec.time_bound and spec.horizon_days is not None:
        size = 1 if strategy == "dates" else -(-spec.horizon_days // 3)
        anchors = _by_bucket(anchors, spec.horizon_days, size)
        predicates += [
            _bucket(table[spec.time], size) == anchors.bucket,
            table[spec.time] >= anchors.lo,
        ]
    if strategy == "points":
        predicates.append(table.account_id == anchors.account_id)
    if spec.time_bound:
        predicates.append(table[spec.time] < anchors.as_of)
    joined = table.join(anchors, predicates) if predicates else table.cross_join(anchors)
    return _known(spec, joined.select(*table.columns, "as_of"), present)


def _known(spec: TableSpec, rows: ir.Table, present: frozenset[str]) -> ir.Table:
    """``rows`` (with their ``as_of``) less those recorded after it, plus their ``age``."""
    if spec.known_from_recorded_at and "recorded_at" in present:
        rows = rows.filter(rows.recorded_at.fill_null(rows[spec.time]) < rows.as_of)
    if spec.time is not None:
        rows = rows.mutate(age=rows.as_of.epoch_seconds() - rows[spec.time].epoch_seconds())
    return rows


def _bucket(time: ir.TimestampValue, size_days: int) -> ir.IntegerValue:
    """Which ``size_days``-day bucket (counted from 1970-01-01) ``time`` falls in."""
    return (time.epoch_seconds() // (DAY * size_days)).cast("int64")


def _by_bucket(anchors: ir.Table, horizon_days: int, size_days: int) -> ir.Table:
    """One row per anchor and time bucket its window ``[as_of - horizon, as_of)`` touches.

    Joining rows to anchors by a time range alone makes engines compare every row with
    every anchor of its account (or every date); adding equality on the row's bucket
    turns that into a hash join where each row meets only the anchors whose window
    touches its bucket. Buckets are days for a few dates, a third of the horizon for points.
    """
    anchors = anchors.mutate(lo=anchors.as_of - ibis.interval(days=horizon_days))
    offsets = ibis.memtable(pd.DataFrame({"offset": range(horizon_days // size_days + 2)}))
    expanded = anchors.cross_join(offsets)
    expanded = expanded.mutate(bucket=_bucket(expanded.as_of, size_days) - expanded.offset)
    expanded = expanded.filter(expanded.bucket >= _bucket(expanded.lo, size_days))
    return expanded.drop("offset")


def _filled(item: Feature | Helper, value: ir.Value) -> ir.Value:
    """Counts become 0 and recency its cap where nothing was found; helpers stay as they are."""
    if isinstance(item, Feature) and item.empty is Empty.ZERO:
        return value.fill_null(0)
    if isinstance(item, Feature) and item.empty is Empty.NEVER:
        return value.fill_null(item.never_value)
    return value


def _layers(derived: list[Feature]) -> list[list[Feature]]:
    """Derived features grouped so that each group only reads earlier groups (one mutate each)."""
    depth: dict[str, int] = {}
    for feature in derived:  # inputs come first (see _closure)
        depth[feature.name] = 1 + max(
            (depth.get(i, 0) for i in feature.inputs + feature.optional_inputs), default=0
        )
    return [[f for f in derived if depth[f.name] == level] for level in sorted(set(depth.values()))]


def _dtype(feature: Feature | Quote) -> str:
    """The type of the built column: string, int64 or float64 (NaN when missing)."""
    if isinstance(feature, Quote) or feature.unit is Unit.CATEGORY:
        return "string"
    return "int64" if feature.is_integer else "float64"


def _typed(out: ir.Table, feature: Feature | Quote) -> ir.Value:
    return out[feature.name].cast(_dtype(feature)).name(feature.name)


def _with_dtypes(frame: pd.DataFrame, features: list[Feature | Quote]) -> pd.DataFrame:
    """The same dtypes whatever the engine: int64, float64 (NaN when missing) or string."""
    frame = frame.reset_index(drop=True)
    frame["account_id"] = frame["account_id"].astype("string")
    frame["as_of"] = pd.to_datetime(frame["as_of"]).astype("datetime64[us]")
    for feature in features:
        frame[feature.name] = frame[feature.name].astype(_dtype(feature))
    return frame
