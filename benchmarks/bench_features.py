"""Benchmark the feature build on the 100k-account world (about 50M usage rows).

    uv run python benchmarks/bench_features.py [--accounts 100000] [--as-of 2026-06-01] [--repeat 3]

The world is simulated once into data/bench/world-<n>k and validated once through
``load_dataset`` into data/bench/world-<n>k.duckdb (both reused when present; delete them
to start over). Prints, for the whole catalogue at one as_of over every active account:
wall and CPU time, peak memory, the ratio to a reference DuckDB query in the same run
that only scans and sums the same usage events once (target: at most 3x; timed on the
table as stored and on a copy sorted by account, its best layout, and the faster one
counts), the ratio of a vectorized pandas implementation of the usage features (groupby,
no per-account loops) to the same features built here (target: at least 3x), and how
the build scales with 1, 3, 6 and 12 monthly as_of points (target: 12 points well under
12x one point).
With ``--tiles`` it also times the usage features built from per-day tiles
(``build_features(..., tiles=True)``, features.catalogue.tiled) against the same features
built from rows, at 1 and ``--tiles-dates`` monthly dates, and checks that both agree.
The machine may be shared: rerun on a quiet machine before quoting figures.
"""

from __future__ import annotations

import argparse
import json
import statistics
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from features.catalogue import (
    DEFAULT_KEY_EVENTS,
    FeatureSource,
    active_accounts,
    build_features,
    observation_points,
)
from features.catalogue.registry import CATALOGUE
from features.catalogue.spec import DAY
from features.data.dataset import CLUSTER_PERIOD, QUERY_MEMORY_LIMIT

PANDAS_USAGE = [  # the usage features read straight from usage_events
    "events_count_7d",
    "events_count_30d",
    "events_count_prev_30d",
    "events_count_90d",
    "active_users_30d",
    "active_users_prev_30d",
    "active_days_30d",
    "features_used_30d",
    "key_features_used_30d",
    "key_events_count_30d",
    "days_since_last_activity",
    "days_since_key_feature_use",
]
PANDAS_FILLS = {name: 0 for name in PANDAS_USAGE} | {
    "days_since_last_activity": 90,
    "days_since_key_feature_use": 90,
}
"""What the build fills in where an account has no usage row (the counts' 0, the recency cap)."""
STORAGE = f"clustered by {CLUSTER_PERIOD}, then account"
"""How the data layer stores event tables; the cached database is rebuilt when it changes."""
REFERENCE_SQL = "SELECT account_id, sum(quantity) AS quantity FROM usage_events GROUP BY account_id"


@dataclass
class Measure:
    """Wall and CPU seconds of repeated runs, and the peak resident memory seen during them."""

    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    peak_mb: float = 0.0

    @property
    def wall(self) -> float:
        return statistics.median(self.walls)

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpus)

    def __str__(self) -> str:
        runs = ", ".join(f"{w:.2f}" for w in self.walls)
        return f"{self.wall:6.2f} s wall (runs {runs}), {self.cpu:6.2f} s CPU, peak RSS {self.peak_mb:,.0f} MB"


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@contextmanager
def _peak_memory(measure: Measure):
    """Sample this process's resident memory every 20 ms while the block runs."""
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            measure.peak_mb = max(measure.peak_mb, _rss_mb())
            stop.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield
    finally:
        stop.set()
        sampler.join()


def measure(run: Callable[[], object], repeat: int) -> tuple[Measure, object]:
    """Run ``run`` ``repeat`` times; returns the timings and the last result."""
    result = None
    figures = Measure()
    with _peak_memory(figures):
        for _ in range(repeat):
            wall, cpu = time.perf_counter(), time.process_time()
            result = run()
            figures.walls.append(time.perf_counter() - wall)
            figures.cpus.append(time.process_time() - cpu)
    return figures, result


def world(accounts: int, root: Path) -> Path:
    """The simulated world's folder, simulated now unless already there."""
    folder = root / f"world-{accounts // 1000}k"
    if (folder / "usage_events.parquet").exists():
        print(f"world: reusing {folder}")
        return folder
    from simulator import SimulationConfig, simulate_world

    started = time.perf_counter()
    summary = simulate_world(SimulationConfig(seed=7, n_accounts=accounts), folder, overwrite=True)
    print(
        f"world: simulated {folder} in {time.perf_counter() - started:.0f} s ({summary.rows['usage_events']:,} usage rows)"
    )
    return folder


def source(folder: Path) -> FeatureSource:
    """The world validated through the data layer (once), as a DuckDB feature source.

    Validated again when the data layer's storage order changed since (see CLUSTER_PERIOD).
    """
    database = folder.with_suffix(".duckdb")
    sidecar = folder.with_suffix(".absent.json")
    stored = json.loads(sidecar.read_text()) if sidecar.exists() else {}
    if not (database.exists() and stored.get("storage") == STORAGE):
        from features.data import load_dataset

        started = time.perf_counter()
        dataset = load_dataset(folder, database=database)
        absent = {t.name: list(t.absent_columns) for t in dataset.report.tables}
        dataset.close()
        sidecar.write_text(json.dumps({"storage": STORAGE, "absent": absent}))
        print(
            f"data: validated through load_dataset in {time.perf_counter() - started:.0f} s into {database}"
        )
    else:
        print(f"data: reusing the validated tables in {database}")
    connection = duckdb.connect(str(database), read_only=True)
    connection.execute(f"SET memory_limit = '{QUERY_MEMORY_LIMIT}'")  # as the data layer sets it
    found = FeatureSource.from_duckdb(connection)
    absent = json.loads(sidecar.read_text())["absent"]
    return FeatureSource(
        found.backend, {t: c - set(absent.get(t, ())) for t, c in found.columns.items()}
    )


def account_ordered_usage(folder: Path) -> duckdb.DuckDBPyConnection:
    """The validated usage_events sorted by account: the reference query's best layout.

    The data layer stores events by month, then account (good for windows); a plain sum
    per account is fastest with all of an account's rows together (as in the simulator's
    files), so the reference is timed on this copy too and the ratios use the faster.
    """
    database = folder.parent / f"{folder.name}-by-account.duckdb"
    if not database.exists():
        validated = str(folder.with_suffix(".duckdb")).replace("'", "''")
        with duckdb.connect(str(database)) as connection:
            connection.execute(f"SET memory_limit = '{QUERY_MEMORY_LIMIT}'")
            connection.execute(f"ATTACH '{validated}' AS validated (READ_ONLY)")
            connection.execute(
                "CREATE TABLE usage_events AS SELECT * FROM validated.usage_events "
                "ORDER BY account_id, timestamp"
            )
    connection = duckdb.connect(str(database), read_only=True)
    connection.execute(f"SET memory_limit = '{QUERY_MEMORY_LIMIT}'")
    return connection


def pandas_usage_features(events: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """The usage features of ``PANDAS_USAGE`` with vectorized pandas (groupby, no loops)."""
    age = (as_of - events["timestamp"]).dt.total_seconds().to_numpy()
    keep = (age > 0) & (age <= 90 * DAY)
    if "recorded_at" in events:
        keep &= (events["recorded_at"].isna() | (events["recorded_at"] < as_of)).to_numpy()
    e = events.loc[keep, ["account_id", "event", "user_id", "quantity"]].copy()
    e["age"] = age[keep]
    e["qty"] = e["quantity"].fillna(1.0)
    w7, w30 = (e["age"] <= 7 * DAY).to_numpy(), (e["age"] <= 30 * DAY).to_numpy()
    prev = ((e["age"] > 30 * DAY) & (e["age"] <= 60 * DAY)).to_numpy()
    key = e["event"].isin(DEFAULT_KEY_EVENTS).to_numpy()
    accounts = e["account_id"]
    qty = e["qty"].to_numpy()
    out = pd.DataFrame(
        {
            "events_count_7d": pd.Series(np.where(w7, qty, 0.0), index=e.index)
            .groupby(accounts)
            .sum(),
            "events_count_30d": pd.Series(np.where(w30, qty, 0.0), index=e.index)
            .groupby(accounts)
            .sum(),
            "events_count_prev_30d": pd.Series(np.where(prev, qty, 0.0), index=e.index)
            .groupby(accounts)
            .sum(),
            "events_count_90d": e.groupby("account_id")["qty"].sum(),
            "key_events_count_30d": pd.Series(np.where(w30 & key, qty, 0.0), index=e.index)
            .groupby(accounts)
            .sum(),
            "days_since_last_activity": np.floor(e.groupby("account_id")["age"].min() / DAY),
        }
    )
    last30, last_prev = e[w30], e[prev]
    out["active_users_30d"] = last30.groupby("account_id")["user_id"].nunique()
    out["active_users_prev_30d"] = last_prev.groupby("account_id")["user_id"].nunique()
    out["active_days_30d"] = np.ceil(last30["age"] / DAY).groupby(last30["account_id"]).nunique()
    out["features_used_30d"] = last30.groupby("account_id")["event"].nunique()
    out["key_features_used_30d"] = last30[key[w30]].groupby("account_id")["event"].nunique()
    out["days_since_key_feature_use"] = np.floor(e[key].groupby("account_id")["age"].min() / DAY)
    return out.fillna(PANDAS_FILLS)[PANDAS_USAGE]


def month_ends(as_of: pd.Timestamp, count: int) -> list[pd.Timestamp]:
    """``count`` as_of dates one month apart, the last being ``as_of``."""
    return [as_of - pd.DateOffset(months=k) for k in range(count - 1, -1, -1)]


def compare_tiles(
    features_source: FeatureSource, as_of: pd.Timestamp, dates: int, repeat: int
) -> None:
    """The usage features from rows and from tiles, at 1 and ``dates`` monthly dates."""
    usage = [name for name, feature in CATALOGUE.items() if feature.source == "usage"]
    print(f"\nusage features ({len(usage)}) from rows and from tiles:")
    for count in sorted({1, dates}):
        points = observation_points(features_source, month_ends(as_of, count))
        rows, from_rows = measure(
            lambda points=points: build_features(features_source, points, usage), repeat
        )
        tiles, from_tiles = measure(
            lambda points=points: build_features(features_source, points, usage, tiles=True),
            repeat,
        )
        agree = np.allclose(
            from_rows[usage].to_numpy(float), from_tiles[usage].to_numpy(float), equal_nan=True
        )
        print(f"  {count:2d} dates, {len(points):,} points: rows {rows}")
        print(
            f"  {count:2d} dates, {len(points):,} points: tiles {tiles}  x{tiles.wall / rows.wall:.2f} of rows, agree: {agree}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--as-of", default="2026-06-01")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--root", type=Path, default=Path("data/bench"))
    parser.add_argument(
        "--tiles", action="store_true", help="time the usage features from tiles against rows"
    )
    parser.add_argument("--tiles-dates", type=int, default=3)
    parser.add_argument(
        "--only-tiles", action="store_true", help="with --tiles: skip the other measures"
    )
    args = parser.parse_args()
    as_of = pd.Timestamp(args.as_of)

    folder = world(args.accounts, args.root)
    features_source = source(folder)
    connection = features_source.backend.con
    usage_rows = connection.execute("SELECT count(*) FROM usage_events").fetchone()[0]
    print(f"data: {usage_rows:,} usage rows, tables: {', '.join(features_source.tables)}")

    if args.tiles:
        compare_tiles(features_source, as_of, args.tiles_dates, args.repeat)
        if args.only_tiles:
            return
    by_account = account_ordered_usage(folder)
    stored_reference, _ = measure(lambda: connection.execute(REFERENCE_SQL).arrow(), args.repeat)
    account_reference, _ = measure(lambda: by_account.execute(REFERENCE_SQL).arrow(), args.repeat)
    reference = min(stored_reference, account_reference, key=lambda m: m.wall)
    points_time, points = measure(lambda: active_accounts(features_source, as_of), 1)
    print(
        f"\npoints: {len(points):,} accounts active at {as_of:%Y-%m-%d} (found in {points_time.wall:.2f} s)"
    )
    full, built = measure(lambda: build_features(features_source, points), args.repeat)
    usage, built_usage = measure(
        lambda: build_features(features_source, points, PANDAS_USAGE), args.repeat
    )

    print(f"\nreference scan-and-sum of usage_events as stored:  {stored_reference}")
    print(f"  the same on a copy sorted by account (its best): {account_reference}")
    print(f"whole catalogue ({built.shape[1] - 2} features x {len(built):,} accounts): {full}")
    print(f"the {len(PANDAS_USAGE)} usage features of the pandas version:        {usage}")
    print(
        "\nscaling with monthly as_of dates (whole catalogue, every account active at each date):"
    )
    scaling = {}
    for count in (1, 3, 6, 12):
        many = observation_points(features_source, month_ends(as_of, count))
        timing, frame = measure(
            lambda many=many: build_features(features_source, many), max(1, args.repeat - 1)
        )
        scaling[count] = timing
        print(
            f"  {count:2d} dates: {len(frame):>9,} points  {timing}  x{timing.wall / scaling[1].wall:.2f} of one date"
        )

    parquet = folder / "usage_events.parquet"
    columns = ["account_id", "timestamp", "event", "user_id", "quantity"]
    read, events = measure(lambda: pd.read_parquet(parquet, columns=columns), 1)
    events["quantity"] = events["quantity"].astype("float64")
    pandas_time, pandas_result = measure(partial(pandas_usage_features, events, as_of), args.repeat)
    del events
    ours = built_usage.set_index("account_id").loc[:, PANDAS_USAGE]
    theirs = pandas_result.reindex(ours.index).fillna(PANDAS_FILLS)
    agree = np.allclose(ours.to_numpy(float), theirs.to_numpy(float))

    print(f"\npandas usage features (groupby; {len(PANDAS_USAGE)} features): {pandas_time}")
    print(f"  plus reading usage_events.parquet into pandas first:   {read}")
    print(f"  pandas and the build agree on the usage features: {agree}")

    ratio_reference = full.wall / reference.wall
    ratio_pandas = pandas_time.wall / usage.wall
    ratio_pandas_read = (pandas_time.wall + read.wall) / usage.wall
    print("\nsummary (CPU-second ratios too: steadier than wall time on a shared machine)")
    print(
        f"  whole catalogue / reference scan:   {ratio_reference:5.1f}x  (target <= 3x; the faster reference)"
        f"  CPU {full.cpu / reference.cpu:.1f}x"
    )
    print(
        f"  pandas usage / built usage:         {ratio_pandas:5.1f}x  (target >= 3x faster; data already in pandas)"
    )
    print(
        f"  pandas read + usage / built usage:  {ratio_pandas_read:5.1f}x  (pandas reading the Parquet file too)"
    )
    print(
        f"  12 dates / 1 date:                  {scaling[12].wall / scaling[1].wall:5.1f}x  (target well under 12x)"
        f"  CPU {scaling[12].cpu / scaling[1].cpu:.1f}x"
    )
    print(f"  peak RSS during the one-point build: {full.peak_mb:,.0f} MB")


if __name__ == "__main__":
    main()
