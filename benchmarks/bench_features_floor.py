"""How close the generated feature SQL is to hand-written SQL, and how far that floor is from the reference.

    uv run python benchmarks/bench_features_floor.py [--as-of 2026-06-01] [--repeat 3]

Reuses the 100k world validated by ``bench_features.py`` (run that first). For one as_of
date it times, in CPU seconds of this process (DuckDB's threads included; steadier than
wall time on a shared machine): the reference scan-and-sum of ``bench_features.py``; the
18 usage aggregates of the catalogue written by hand with constant window bounds and one
group key, with and without their three exact distinct counts; the same aggregates as the
build generates them; the interactions features by hand and generated; and compiling the
whole catalogue's Ibis expression. It answers one question for issue 3: could any SQL
for this catalogue, computed from the raw events at build time, reach 3x the reference?
"""

from __future__ import annotations

import argparse
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pandas as pd
from bench_features import REFERENCE_SQL, account_ordered_usage, measure, source

from features.catalogue import CATALOGUE, DEFAULT_KEY_EVENTS, active_accounts
from features.catalogue import build as generated
from features.catalogue.config import FeatureConfig
from features.catalogue.registry import TABLE_SPECS

KEY = f"event IN ({', '.join(repr(event) for event in DEFAULT_KEY_EVENTS)})"


def _usage_by_hand(as_of: str, distinct: bool) -> str:
    a = f"TIMESTAMP '{as_of}'"

    def since(days: int) -> str:
        return f"timestamp >= {a} - INTERVAL {days} DAY"

    rows = f"(SELECT *, coalesce(quantity, 1.0) AS qty FROM usage_events WHERE timestamp < {a} AND {since(90)})"
    aggregates = [
        f"sum(qty) FILTER (WHERE {since(7)})",
        f"sum(qty) FILTER (WHERE {since(30)})",
        "sum(qty)",
        f"sum(qty) FILTER (WHERE {since(60)} AND NOT {since(30)})",
        f"bit_count(bit_or(CASE WHEN {since(30)} THEN 1::BIGINT << datediff('day', timestamp, {a})::BIGINT ELSE 0 END))",
        f"sum(qty) FILTER (WHERE {since(30)} AND {KEY})",
        f"sum(qty) FILTER (WHERE {KEY})",
        f"count(*) FILTER (WHERE {since(14)} AND {KEY})",
        f"count(*) FILTER (WHERE {since(14)})",
        f"count(*) FILTER (WHERE {since(30)} AND {KEY})",
        f"count(*) FILTER (WHERE {since(30)})",
        f"count(*) FILTER (WHERE {KEY})",
        "count(*)",
        "max(timestamp)",
        f"max(timestamp) FILTER (WHERE {KEY})",
    ]
    if distinct:
        aggregates += [
            f"count(DISTINCT user_id) FILTER (WHERE {since(30)})",
            f"count(DISTINCT user_id) FILTER (WHERE {since(60)} AND NOT {since(30)})",
            f"count(DISTINCT event) FILTER (WHERE {since(30)})",
        ]
    return f"SELECT account_id, {', '.join(aggregates)} FROM {rows} GROUP BY account_id"


def _interactions_by_hand(as_of: str) -> str:
    a = f"TIMESTAMP '{as_of}'"
    recent = f"timestamp >= {a} - INTERVAL 90 DAY"
    return (
        f"SELECT account_id, count(*) FILTER (WHERE {recent}), "
        f"count(*) FILTER (WHERE {recent} AND sentiment = 'negative'), max(timestamp) "
        f"FROM interactions WHERE timestamp < {a} AND timestamp >= {a} - INTERVAL 365 DAY "
        f"AND coalesce(recorded_at, timestamp) < {a} GROUP BY account_id"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--as-of", default="2026-06-01")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--root", type=Path, default=Path("data/bench"))
    args = parser.parse_args()

    folder = args.root / "world-100k"
    features_source = source(folder)
    connection = features_source.backend.con
    by_account = account_ordered_usage(folder)
    points = active_accounts(features_source, pd.Timestamp(args.as_of))
    point_table, _, span = generated._point_table(features_source, points)
    needed = generated._closure(list(CATALOGUE), features_source.columns)

    def generated_aggregate(table: str) -> ir.Table:
        """The build's aggregate of ``table``'s features that read the table's own horizon."""
        items = [i for i in needed if generated._table_of(i) == table]
        spec, items = next(
            (spec, group)
            for spec, per, group in generated._by_horizon(TABLE_SPECS[table], items)
            if spec.horizon_days == TABLE_SPECS[table].horizon_days and per is None
        )
        rows = generated._within_span(spec, features_source.table(table), span)
        columns = features_source.columns[table]
        return generated._aggregate(
            spec, rows, columns, point_table, items, None, FeatureConfig(), "dates", span
        )

    def sql(database, text: str):
        return lambda: database.execute(text).to_arrow_table()

    usage_sql = ibis.to_sql(generated_aggregate("usage_events"), dialect="duckdb")
    interactions_sql = ibis.to_sql(generated_aggregate("interactions"), dialect="duckdb")
    timings = {
        "reference scan-and-sum (copy sorted by account)": sql(by_account, REFERENCE_SQL),
        "usage, 15 aggregates by hand (no distinct counts)": sql(
            connection, _usage_by_hand(args.as_of, distinct=False)
        ),
        "usage, all 18 aggregates by hand": sql(
            connection, _usage_by_hand(args.as_of, distinct=True)
        ),
        "usage, the build's generated aggregate (no 365-day group)": sql(
            connection, str(usage_sql)
        ),
        "interactions by hand": sql(connection, _interactions_by_hand(args.as_of)),
        "interactions, the build's generated aggregate": sql(connection, str(interactions_sql)),
        "compiling the whole catalogue's expression to SQL": lambda: ibis.to_sql(
            generated.feature_table(features_source, points), dialect="duckdb"
        ),
    }
    print(f"as_of {args.as_of}, {len(points):,} active accounts; CPU seconds (wall)")
    reference = None
    for label, run in timings.items():
        figures, _ = measure(run, args.repeat)
        reference = reference or figures.cpu
        print(
            f"  {label:58s} {figures.cpu:6.2f} ({figures.wall:5.2f})  x{figures.cpu / reference:4.1f} of the reference"
        )


if __name__ == "__main__":
    main()
