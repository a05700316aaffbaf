"""The build from tiles: windowed aggregates answered from per-day partial aggregates.

For points at midnight (UTC), the windowed aggregates of a table with
:class:`~features.catalogue.spec.Tiles` (usage) are computed without joining rows to
points:

- **Tiles.** The rows are reduced per account, value (the event), day of their event
  time ``e`` and day they were known ``k`` (``recorded_at``, never before ``e``): rows,
  summed columns, latest event time. A row counts for a point of day ``a`` when
  ``k < a`` and its window holds ``e``; at midnight the day decides both exactly.
- **Running totals.** Tiles known on their own day (``k == e``, all of them without
  ``recorded_at``) hold no surprise: a window ``[a - until, a - after)`` is the
  difference of two running totals over days, ``C(a - after) - C(a - until)``, and the
  latest row before ``a`` is a running maximum. The running totals are read at each
  point's few offsets by one pass over tiles and probes sorted by day (a window
  function, the same on DuckDB and Spark), so many dates cost little more than one.
- **Late tiles** (``k > e``, known after their day) are joined to the points of their
  account like rows and added: exact whatever the delays, cheap when they are few.
- **Distinct counts** (active users, events used, key features, active days) read a bit
  set of the days of each (account, value, 62-day block) on which the value had a row
  known that day: a value is in a window when its bits meet the window's mask; late
  (value, day) pairs are joined like late tiles. Exact, no sketch.

The result has the same columns and values as the build from rows (``build._aggregate``),
which stays the reference (tests compare both on random worlds).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import ibis
import ibis.expr.types as ir
import pandas as pd

from features.catalogue.config import FeatureConfig
from features.catalogue.rows import Rows, bit64, bit_count, bit_or
from features.catalogue.spec import DAY, Feature, Helper, PerValue, TableSpec
from features.catalogue.windows import (
    DAYS,
    Combined,
    Latest,
    Window,
    WindowDistinct,
    Windowed,
    WindowSum,
    windowed_parts,
)

KEYS = ("account_id", "as_of")
BLOCK_DAYS = 62
"""Days per bit set of the distinct counts (bits 0-61 of an int64)."""


def tileable(spec: TableSpec, items: Iterable[Feature | Helper], per: PerValue | None) -> bool:
    """Whether every aggregate of ``items`` (or the partials of ``per``) is windowed, so that
    the group can be built from tiles."""
    if spec.tiles is None or spec.time is None:
        return False
    if per is not None:
        return per.column == spec.tiles.value and all(
            isinstance(p, Windowed) for p in per.partials.values()
        )
    return all(windowed_parts(item.aggregate) is not None for item in items)


def day_number(time: ir.TimestampValue) -> ir.IntegerValue:
    """Whole days since 1970-01-01 (UTC)."""
    return (time.epoch_seconds() // DAY).cast("int64")


@dataclass
class _Requests:
    """The windowed aggregates a group needs, each under a column name of its own."""

    sums: dict[str, WindowSum] = field(default_factory=dict)
    latest: dict[str, Latest] = field(default_factory=dict)
    distinct: dict[str, WindowDistinct] = field(default_factory=dict)
    names: dict[Windowed, str] = field(default_factory=dict)

    def add(self, part: Windowed, name: str | None = None) -> str:
        if isinstance(part, Latest) and part.window is not None and part.window.after_days:
            raise ValueError(f"{part}: the latest row is read over a window ending at as_of")
        if part in self.names:
            return self.names[part]
        name = name or f"_w{len(self.names)}"
        self.names[part] = name
        kind = (
            self.sums
            if isinstance(part, WindowSum)
            else self.latest
            if isinstance(part, Latest)
            else self.distinct
        )
        kind[name] = part
        return name


def tiled_aggregate(
    spec: TableSpec,
    table: ir.Table,
    present: frozenset[str],
    points: ir.Table,
    items: list[Feature | Helper],
    per: PerValue | None,
    partials: list[str],
    config: FeatureConfig,
) -> ir.Table:
    """``items`` of one table and horizon for every point of ``points`` (all at midnight).

    The same columns as the build from rows (``account_id``, ``as_of``, one per item);
    ``table`` is already bounded to the rows the points can see. ``partials`` are the
    partials of ``per`` the items read.
    """
    horizon = Window(0, spec.horizon_days)
    tiles = _Tiles(spec, table, present, config)
    anchors = points.select("account_id", "as_of").mutate(a=day_number(points.as_of))
    requests = _Requests()
    present_in_horizon = requests.add(WindowSum(None, horizon))
    if per is not None:
        for name in partials:
            requests.add(per.partials[name], name)
    else:
        for item in items:
            for part in windowed_parts(item.aggregate):
                requests.add(part)
    values = _windowed(tiles, anchors, requests, horizon, by_value=per is not None)
    # as from rows: no aggregate row for a point (and value) without a row in the horizon
    values = values.filter(values[present_in_horizon] > 0)
    if per is not None:  # the second step reads the partials as the build from rows does
        view = Rows(values, config)
        return values.group_by(list(KEYS)).aggregate(
            **{item.name: item.aggregate(view) for item in items}
        )
    columns = {}
    for item in items:
        aggregate = item.aggregate
        parts = [values[requests.names[p]] for p in windowed_parts(aggregate)]
        columns[item.name] = (
            aggregate.combine(*parts) if isinstance(aggregate, Combined) else parts[0]
        )
    return values.select(*KEYS, **columns)


class _Tiles:
    """The rows of one table as tiles: per account, value, event day ``e`` and known day ``k``."""

    def __init__(
        self, spec: TableSpec, table: ir.Table, present: frozenset[str], config: FeatureConfig
    ) -> None:
        assert spec.tiles is not None and spec.time is not None
        self.spec, self.config, self.value = spec, config, spec.tiles.value
        time = table[spec.time]
        e = day_number(time)
        self.may_be_late = spec.known_from_recorded_at and "recorded_at" in present
        known = (
            ibis.greatest(e, day_number(table.recorded_at.fill_null(time)))
            if self.may_be_late
            else e
        )
        rows = table.mutate(
            **{name: spec.row_columns[name](table, config) for name in spec.tiles.sums},
            _e=e,
            _k=known,
            _epoch=time.epoch_seconds(),
        )
        self.rows = rows
        self.tiles = rows.group_by(["account_id", self.value, "_e", "_k"]).aggregate(
            _n=rows.count(),
            _last=rows._epoch.max(),
            **{name: rows[name].sum() for name in spec.tiles.sums},
        )

    def where(self, table: ir.Table, where: str | None) -> ir.BooleanValue | None:
        """The row column ``where`` evaluated on ``table`` (tiles: it depends on the value alone)."""
        if where is None:
            return None
        if where not in self.spec.tiles.of_value:
            raise ValueError(
                f"{self.spec.table}: where={where!r} is not a row column of the value alone "
                f"(Tiles.of_value {self.spec.tiles.of_value}); tiles cannot filter on it"
            )
        return self.spec.row_columns[where](table, self.config)


def _bounds(window: Window | None, horizon: Window) -> Window:
    return window or horizon


def _windowed(
    tiles: _Tiles, anchors: ir.Table, requests: _Requests, horizon: Window, by_value: bool
) -> ir.Table:
    """One row per anchor (and value of its account, ``by_value``) with every request's value."""
    keys = ["account_id", tiles.value] if by_value else ["account_id"]
    out = _running(tiles, anchors, requests, horizon, keys)
    if requests.distinct:
        assert not by_value, "distinct counts per value are not declared"
        counts = _distinct(tiles, anchors, requests, horizon)
        out = out.left_join(counts, list(KEYS)).select(
            *out.columns, *(counts[n] for n in requests.distinct)
        )
    return out


def _sum_column(tiles: _Tiles, table: ir.Table, part: WindowSum) -> ir.NumericValue:
    value = table._n if part.value is None else table[part.value]
    where = tiles.where(table, part.where)
    return value if where is None else ibis.ifelse(where, value, 0)


def _latest_column(tiles: _Tiles, table: ir.Table, part: Latest) -> ir.NumericValue:
    where = tiles.where(table, part.where)
    return table._last if where is None else ibis.ifelse(where, table._last, ibis.null("float64"))


def _running(
    tiles: _Tiles, anchors: ir.Table, requests: _Requests, horizon: Window, keys: list[str]
) -> ir.Table:
    """Windowed sums and latest rows per anchor (and value) from running totals over days."""
    base = tiles.tiles
    sums = {n: _sum_column(tiles, base, p) for n, p in requests.sums.items()}
    latest = {n: _latest_column(tiles, base, p) for n, p in requests.latest.items()}
    columns = base.select(*keys, "_e", "_k", **sums, **latest)
    on_time = columns.filter(columns._k == columns._e) if tiles.may_be_late else columns
    daily = on_time.group_by([*keys, "_e"]).aggregate(
        **{n: on_time[n].sum() for n in sums}, **{n: on_time[n].max() for n in latest}
    )
    windows = [_bounds(p.window, horizon) for p in requests.sums.values()]
    offsets = sorted({0, *(w.after_days for w in windows), *(w.until_days for w in windows)})
    probes = anchors
    if len(keys) > 1:
        pairs = columns.select(*keys).distinct()
        probes = anchors.join(pairs, anchors.account_id == pairs.account_id).select(
            *anchors.columns, *keys[1:]
        )
    probes = probes.cross_join(ibis.memtable(pd.DataFrame({"_offset": offsets})))
    probes = probes.mutate(_e=probes.a - probes._offset)
    zero = {n: ibis.literal(0, daily[n].type()) for n in sums}
    empty = {n: ibis.null("float64") for n in latest}
    stacked = probes.select(
        *keys, "_e", "as_of", "a", "_offset", _probe=ibis.literal(0), **zero, **empty
    ).union(
        daily.select(
            *keys,
            "_e",
            as_of=ibis.null(probes.as_of.type()),
            a=ibis.null("int64"),
            _offset=ibis.null("int64"),
            _probe=ibis.literal(1),
            **{n: daily[n] for n in sums},
            **{n: daily[n].cast("float64") for n in latest},
        )
    )
    window = ibis.window(group_by=keys, order_by=["_e", "_probe"], rows=(None, 0))
    totals = stacked.mutate(
        **{n: stacked[n].sum().over(window) for n in sums},
        **{n: stacked[n].max().over(window) for n in latest},
    )
    totals = totals.filter(totals._probe == 0)
    at = {o: totals._offset == o for o in offsets}
    values = {}
    for n, p in requests.sums.items():
        w = _bounds(p.window, horizon)
        values[n] = (
            ibis.ifelse(at[w.after_days], totals[n], 0).sum()
            - ibis.ifelse(at[w.until_days], totals[n], 0).sum()
        )
    values.update({n: ibis.ifelse(at[0], totals[n], ibis.null("float64")).max() for n in latest})
    out = totals.group_by(["account_id", "as_of", "a", *keys[1:]]).aggregate(**values)
    if tiles.may_be_late:
        out = _with_late(tiles, columns, out, requests, horizon, keys)
    as_of_epoch = out.as_of.epoch_seconds()
    ages = {}
    for n, p in requests.latest.items():
        since = as_of_epoch - _bounds(p.window, horizon).until_days * DAY
        ages[n] = ibis.ifelse(out[n] >= since, as_of_epoch - out[n], ibis.null("float64"))
    return out.mutate(**ages).drop("a")


def _with_late(
    tiles: _Tiles,
    columns: ir.Table,
    out: ir.Table,
    requests: _Requests,
    horizon: Window,
    keys: list[str],
) -> ir.Table:
    """``out`` plus the tiles known after their day (``k > e``), joined to the anchors like rows."""
    late = columns.filter(columns._k > columns._e)
    reach = max(
        _bounds(p.window, horizon).until_days
        for p in [*requests.sums.values(), *requests.latest.values()]
    )
    anchors = out.select("account_id", "as_of", "a", *keys[1:])
    predicates = [
        late.account_id == anchors.account_id,
        late._e >= anchors.a - reach,
        late._e < anchors.a,
        late._k < anchors.a,
        *(late[k] == anchors[k] for k in keys[1:]),
    ]
    joined = late.join(anchors, predicates).select(
        "account_id", "as_of", "a", "_e", *keys[1:], *requests.sums, *requests.latest
    )

    def inside(window: Window) -> ir.BooleanValue:
        return (joined._e >= joined.a - window.until_days) & (
            joined._e < joined.a - window.after_days
        )

    added = joined.group_by(["account_id", "as_of", *keys[1:]]).aggregate(
        **{
            f"{n}_late": ibis.ifelse(inside(_bounds(p.window, horizon)), joined[n], 0).sum()
            for n, p in requests.sums.items()
        },
        **{
            f"{n}_late": ibis.ifelse(
                inside(_bounds(p.window, horizon)), joined[n].cast("float64"), ibis.null("float64")
            ).max()
            for n, p in requests.latest.items()
        },
    )
    both = out.left_join(
        added,
        [out.account_id == added.account_id, out.as_of == added.as_of]
        + [out[k] == added[k] for k in keys[1:]],
    )
    merged = {n: both[n] + both[f"{n}_late"].fill_null(0) for n in requests.sums}
    for n in requests.latest:
        now, then = both[n], both[f"{n}_late"]
        merged[n] = ibis.ifelse(then.isnull() | (now >= then), now, then)
    return both.select("account_id", "as_of", "a", *keys[1:], **merged)


def _distinct(tiles: _Tiles, anchors: ir.Table, requests: _Requests, horizon: Window) -> ir.Table:
    """Distinct counts per anchor from bit sets of the days each value had a row known that day."""
    groups: dict[tuple[str, str | None], dict[str, Window]] = {}
    for name, part in requests.distinct.items():
        groups.setdefault((part.column, part.where), {})[name] = _bounds(part.window, horizon)
    out = anchors.select(*KEYS)
    for (column, where), windows in groups.items():
        counts = _distinct_group(tiles, anchors, column, where, windows)
        out = out.left_join(counts, list(KEYS)).select(
            *out.columns, **{n: counts[n].fill_null(0) for n in windows}
        )
    return out


def _distinct_group(
    tiles: _Tiles, anchors: ir.Table, column: str, where: str | None, windows: dict[str, Window]
) -> ir.Table:
    days = column == DAYS
    of_value = days or column == tiles.value or column in tiles.spec.tiles.of_value
    source = tiles.tiles if of_value else tiles.rows
    condition = tiles.where(source, where)
    source = source if condition is None else source.filter(condition)
    entity = (
        ibis.literal("")
        if days
        else tiles.spec.row_columns[column](source, tiles.config)
        if column in tiles.spec.row_columns
        else source[column]
    )
    source = source.mutate(_entity=entity)
    entity_days = source.group_by(["account_id", "_entity", "_e"]).aggregate(_k=source._k.min())
    reach = max(w.until_days for w in windows.values())
    nearest = min(w.after_days for w in windows.values())

    on_time = entity_days.filter(entity_days._k == entity_days._e)
    on_time = on_time.mutate(_block=on_time._e // BLOCK_DAYS)
    bits = on_time.group_by(["account_id", "_entity", "_block"]).aggregate(
        _bits=bit_or(bit64(on_time._e - on_time._block * BLOCK_DAYS))
    )
    blocks = anchors.cross_join(
        ibis.memtable(pd.DataFrame({"_back": range(-(-(reach - nearest) // BLOCK_DAYS) + 1)}))
    )
    blocks = blocks.mutate(_block=(blocks.a - nearest - 1) // BLOCK_DAYS - blocks._back)
    blocks = blocks.filter(blocks._block >= (blocks.a - reach) // BLOCK_DAYS)
    met = bits.join(
        blocks, [bits.account_id == blocks.account_id, bits._block == blocks._block]
    ).select("account_id", "as_of", "a", "_entity", "_block", "_bits")

    def mask(window: Window) -> ir.IntegerValue:
        start = met._block * BLOCK_DAYS
        lo = ibis.greatest(ibis.least(met.a - window.until_days - start, BLOCK_DAYS), 0)
        hi = ibis.greatest(ibis.least(met.a - window.after_days - start, BLOCK_DAYS), 0)
        return bit64(hi) - bit64(lo)

    hits = met.select(
        "account_id",
        "as_of",
        "_entity",
        **{
            n: (
                bit_count(met._bits & mask(w))
                if days
                else ((met._bits & mask(w)) != 0).cast("int64")
            )
            for n, w in windows.items()
        },
    )
    if tiles.may_be_late:
        late = entity_days.filter(entity_days._k > entity_days._e)
        joined = late.join(
            anchors,
            [
                late.account_id == anchors.account_id,
                late._e >= anchors.a - reach,
                late._e < anchors.a - nearest,
                late._k < anchors.a,
            ],
        )
        hits = hits.union(
            joined.select(
                "account_id",
                "as_of",
                "_entity",
                **{
                    n: (
                        (joined._e >= joined.a - w.until_days)
                        & (joined._e < joined.a - w.after_days)
                    ).cast("int64")
                    for n, w in windows.items()
                },
            )
        )
    if days:
        return hits.group_by(list(KEYS)).aggregate(**{n: hits[n].sum() for n in windows})
    return hits.group_by(list(KEYS)).aggregate(
        **{n: hits._entity.nunique(where=hits[n] > 0) for n in windows}
    )
