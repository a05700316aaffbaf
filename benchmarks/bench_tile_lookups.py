"""What reading running totals of usage tiles would cost, on the 100k-account world.

    uv run python benchmarks/bench_tile_lookups.py [--accounts 100000] [--as-of 2026-06-01]

The build from tiles (features.catalogue.tiled) rebuilds its tiles and running totals in
every build. Kept up to date at load time instead, a build would only look running totals
up at its points' offsets. This script times, in DuckDB SQL on the validated world of
benchmarks/bench_features.py, the parts of that design for the per-event partials (the
costliest usage aggregate: five offsets per point and event):

- the tiles of all history (per account, event and day: rows, quantity, latest time) and
  their running totals per (account, event), what loading would pay once;
- the lookups by an ``ASOF`` join, for one date's accounts and for the training points of
  ``churn train``'s default geometry;
- the same lookups with NumPy ``searchsorted`` on the running totals read into memory.

Both lookups are checked to give the same sums. The machine may be shared: compare
figures of one run only.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from bench_features import source, world

from features.catalogue.spec import DAY
from training.config import TrainingConfig
from training.labels import observation_points
from training.renewals import _min_history

OFFSETS = (0, 30, 60, 90, 365)
"""The per-event partials' window bounds (days before as_of)."""


def timed(label: str, run):
    started = time.perf_counter()
    result = run()
    print(f"  {time.perf_counter() - started:7.2f} s  {label}", flush=True)
    return result


def training_points(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The observation points ``churn train`` places with its default config."""
    renewals = connection.sql("SELECT * FROM renewals").df()
    accounts = connection.sql("SELECT * FROM accounts").df()
    first, last = connection.sql(
        "SELECT min(timestamp), max(timestamp) FROM usage_events"
    ).fetchone()
    config = TrainingConfig()
    floor, reason = _min_history(config, pd.Timestamp(first), pd.Timestamp(last))
    observed = observation_points(
        renewals, accounts, config.lead_times_days, pd.Timestamp(first), floor, reason
    )
    return observed.points[["account_id", "as_of"]]


def numpy_lookups(connection: duckdb.DuckDBPyConnection, totals: dict) -> tuple[float, float]:
    """The probes' running totals by ``searchsorted`` (sums of rows and quantity)."""
    probes = timed(
        "read the probes with their keys",
        lambda: connection.execute(
            "SELECT k.key, p.x FROM probes p JOIN keys k USING (account_id, event)"
        ).fetchnumpy(),
    )
    started = time.perf_counter()
    stamp = totals["key"] * (1 << 24) + totals["e"]
    wanted = probes["key"] * (1 << 24) + probes["x"]
    position = np.searchsorted(stamp, wanted, side="left") - 1
    at = np.maximum(position, 0)
    same_key = (position >= 0) & (totals["key"][at] == probes["key"])
    rows = np.where(same_key, totals["cn"][at], 0).sum()
    quantity = np.where(same_key, totals["cq"][at], 0.0).sum()
    print(
        f"  {time.perf_counter() - started:7.2f} s  searchsorted of {len(wanted):,} probes "
        f"in {len(stamp):,} running totals"
    )
    return float(rows), float(quantity)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--as-of", default="2026-06-01")
    parser.add_argument("--root", type=Path, default=Path("data/bench"))
    args = parser.parse_args()
    folder = world(args.accounts, args.root)
    source(folder)  # validated once, as the feature benchmark does
    connection = duckdb.connect(str(folder.with_suffix(".duckdb")), read_only=True)
    connection.execute("SET memory_limit = '6GB'")
    print("load-time work (once):")
    timed(
        "tiles of all history",
        lambda: connection.execute(
            "CREATE TEMP TABLE tiles AS SELECT account_id, event, "
            f"CAST(floor(epoch(timestamp) / {DAY}) AS BIGINT) AS e, count(*) AS n, "
            "sum(coalesce(quantity, 1)) AS q FROM usage_events GROUP BY ALL"
        ),
    )
    tiles = connection.execute("SELECT count(*) FROM tiles").fetchone()[0]
    rows = connection.execute("SELECT count(*) FROM usage_events").fetchone()[0]
    print(f"           {tiles:,} tiles from {rows:,} usage rows")
    timed(
        "running totals per (account, event)",
        lambda: connection.execute(
            "CREATE TEMP TABLE cum AS SELECT account_id, event, e, sum(n) OVER w AS cn, "
            "sum(q) OVER w AS cq FROM tiles WINDOW w AS (PARTITION BY account_id, event "
            "ORDER BY e ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"
        ),
    )
    timed(
        "an integer key per (account, event)",
        lambda: connection.execute(
            "CREATE TEMP TABLE keys AS SELECT account_id, event, "
            "CAST(row_number() OVER () AS BIGINT) AS key FROM (SELECT DISTINCT account_id, event FROM tiles)"
        ),
    )
    totals = timed(
        "read the running totals by key and day into NumPy (what stored tiles would hold)",
        lambda: connection.execute(
            "SELECT k.key, c.e, c.cn, c.cq FROM cum c JOIN keys k USING (account_id, event) "
            "ORDER BY k.key, c.e"
        ).fetchnumpy(),
    )
    as_of = pd.Timestamp(args.as_of)
    one_date = connection.execute(
        "SELECT DISTINCT account_id, ? AS as_of FROM usage_events WHERE timestamp >= ? AND timestamp < ?",
        [as_of, as_of - pd.Timedelta(days=365), as_of],
    ).df()
    for label, points in (("one date", one_date), ("training points", training_points(connection))):
        connection.register("points_frame", points)
        offsets = ", ".join(f"({o})" for o in OFFSETS)
        connection.execute(
            "CREATE OR REPLACE TEMP TABLE probes AS SELECT p.account_id, k.event, "
            f"CAST(floor(epoch(p.as_of) / {DAY}) AS BIGINT) - o.o AS x FROM points_frame p "
            "JOIN (SELECT DISTINCT account_id, event FROM tiles) k USING (account_id) "
            f"CROSS JOIN (VALUES {offsets}) o(o)"
        )
        count = connection.execute("SELECT count(*) FROM probes").fetchone()[0]
        print(f"\n{label}: {len(points):,} points, {count:,} probes (point x event x offset)")
        by_asof = timed(
            "ASOF join",
            lambda: connection.execute(
                "SELECT coalesce(sum(c.cn), 0), coalesce(sum(c.cq), 0) FROM probes p ASOF LEFT JOIN cum c "
                "ON p.account_id = c.account_id AND p.event = c.event AND p.x > c.e"
            ).fetchone(),
        )
        by_numpy = numpy_lookups(connection, totals)
        print(f"  the two agree: {np.allclose(by_asof, by_numpy)}")
        connection.unregister("points_frame")


if __name__ == "__main__":
    main()
