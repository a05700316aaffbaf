"""Benchmark ``load_dataset`` on a large synthetic usage table (default 50M rows, 100k accounts).

    uv run python benchmarks/bench_validate.py [ROWS] [--accounts N] [--format parquet|csv]
                                               [--database temp|memory]

Generates ``accounts`` and ``usage_events`` files with DuckDB (sorted by account and time,
like an export; about 3% of usage rows and 1% of accounts break a rule) in a child
process, then, in this process, times:

* the reference: ``SELECT count(*), sum(quantity) FROM read_parquet(...)`` (``read_csv``
  for CSV) on the same file;
* ``load_dataset`` (validate, quarantine, materialize clean tables);
* a feature-style query (windowed counts and sums per account) on the clean table, and
  (Parquet only) the same query on the alternative design: a view over the Parquet file
  minus the bad rows.

Prints wall and CPU times, rows/s, peak memory (``ru_maxrss``), the ratio to the
reference, and the machine's load average (other processes competing for the cores
inflate wall times; CPU seconds are steadier).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import duckdb

from features.data import load_dataset

NOW = datetime(2025, 1, 1)
_SPAN_SECONDS = 3 * 365 * 86400  # events from 2022-01-01 to the end of 2024


def generate(directory: Path, rows: int, accounts: int, fmt: str) -> None:
    """Write ``accounts.<fmt>`` and ``usage_events.<fmt>`` into ``directory``."""
    per_account = max(1, rows // accounts)
    with duckdb.connect() as connection:
        connection.execute(
            f"""COPY (
              SELECT 'A' || lpad(CAST(i AS VARCHAR), 6, '0') AS account_id,
                     'Account ' || i AS name,
                     TIMESTAMP '2021-01-01' + to_days(CAST(i % 365 AS INTEGER)) AS created_at,
                     ['smb', 'mid_market', 'enterprise'][1 + i % 3] AS segment,
                     CASE WHEN i % 100 = 7 THEN -1.0 ELSE 1000.0 + i % 50000 END AS arr
              FROM range({accounts}) t(i)
            ) TO '{directory / f"accounts.{fmt}"}' (FORMAT {fmt})"""
        )
        connection.execute(
            f"""COPY (
              SELECT CASE WHEN i % 97 = 0 THEN 'X' ELSE 'A' END
                       || lpad(CAST(i // {per_account} % {accounts} AS VARCHAR), 6, '0') AS account_id,
                     CASE WHEN i % 211 = 0 THEN TIMESTAMP '2099-01-01'
                          ELSE TIMESTAMP '2022-01-01' + to_seconds(CAST((i % {per_account}) * ({_SPAN_SECONDS} // {per_account})
                               + hash(i) % 3600 AS BIGINT)) END AS timestamp,
                     CASE WHEN i % 401 = 0 THEN NULL ELSE 'event_' || CAST(hash(i * 11) % 20 AS VARCHAR) END AS event,
                     'U' || CAST(i // {per_account} AS VARCHAR) || '_' || CAST(hash(i * 3) % 8 AS VARCHAR) AS user_id,
                     CASE WHEN i % 307 = 0 THEN -1 ELSE 1 + hash(i * 5) % 10 END AS quantity
              FROM range({rows}) t(i)
            ) TO '{directory / f"usage_events.{fmt}"}' (FORMAT {fmt})"""
        )


_FEATURE_QUERY = """
SELECT account_id,
       count(*) FILTER (WHERE timestamp >= TIMESTAMP '2024-12-01') AS events_30d,
       sum(quantity) FILTER (WHERE timestamp >= TIMESTAMP '2024-10-01') AS quantity_90d,
       count(DISTINCT event) FILTER (WHERE timestamp >= TIMESTAMP '2024-10-01') AS distinct_events_90d,
       max(timestamp) AS last_event
FROM {table} GROUP BY account_id
"""


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _timed(run) -> tuple[float, float, object]:
    """Wall seconds, CPU seconds (this process) and the result of ``run()``."""
    start, cpu = time.perf_counter(), _cpu_seconds()
    result = run()
    return time.perf_counter() - start, _cpu_seconds() - cpu, result


def measure(directory: Path, fmt: str, database: str | None) -> dict[str, object]:
    """Time the reference scan, ``load_dataset`` and the feature query on the files in ``directory``."""
    usage = directory / f"usage_events.{fmt}"
    figures: dict[str, object] = {"load_before": os.getloadavg()[0]}
    with duckdb.connect() as connection:
        reference = f"SELECT count(*), sum(quantity) FROM read_{fmt}('{usage}')"
        figures["reference"] = _timed(lambda: connection.sql(reference).fetchall())[:2]
    wall, cpu, dataset = _timed(lambda: load_dataset(directory, now=NOW, database=database))
    figures["validate"] = (wall, cpu)
    figures["peak_gb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    figures["report"] = dataset.report
    with dataset:
        cursor = dataset.connection.cursor()
        query = _FEATURE_QUERY.format(table="usage_events")
        figures["query on clean table"] = _timed(lambda: cursor.sql(query).fetchall())[:2]
        if fmt == "parquet":
            cursor.execute(
                "CREATE TEMP VIEW usage_view AS SELECT * FROM (SELECT file_row_number + 1 AS _source_row, * "
                f"FROM read_parquet('{usage}', file_row_number = true)) "
                "WHERE _source_row NOT IN (SELECT _source_row FROM quarantine.usage_events)"
            )
            query = _FEATURE_QUERY.format(table="usage_view")
            figures["query on view over file"] = _timed(lambda: cursor.sql(query).fetchall())[:2]
    figures["load_after"] = os.getloadavg()[0]
    return figures


def show(figures: dict[str, object], database: str | None) -> None:
    """Print the figures of :func:`measure`."""
    report = figures["report"]
    for table in report.tables:
        print(
            f"{table.name}: read {table.rows_read:,}, kept {table.rows_kept:,}, "
            f"quarantined {table.quarantined_by_reason}"
        )
    where = "a temporary DuckDB file" if database is None else "memory"
    print(
        f"clean tables in {where}; {os.cpu_count()} cores, load average "
        f"{figures['load_before']:.1f} before, {figures['load_after']:.1f} after"
    )
    print(f"{'':28s} {'wall s':>8s} {'CPU s':>8s}")
    (reference, _), (validate, _) = figures["reference"], figures["validate"]
    for label in ("reference", "validate", "query on clean table", "query on view over file"):
        if label in figures:
            wall, cpu = figures[label]
            print(f"{label:28s} {wall:8.2f} {cpu:8.2f}")
    print(
        f"validation: {report.rows_read / validate:,.0f} rows/s, {validate / reference:.1f}x the reference"
    )
    print(f"peak memory (ru_maxrss): {figures['peak_gb']:.2f} GB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rows", nargs="?", type=int, default=50_000_000, help="usage rows")
    parser.add_argument("--accounts", type=int, default=100_000, help="accounts")
    parser.add_argument(
        "--format", choices=("parquet", "csv"), default="parquet", help="file format"
    )
    parser.add_argument(
        "--database", choices=("temp", "memory"), default="temp", help="clean tables in"
    )
    parser.add_argument("--generate", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        generate(args.generate, args.rows, args.accounts, args.format)
        return
    with tempfile.TemporaryDirectory(prefix="bench-validate-") as work:
        command = [sys.executable, __file__, str(args.rows), "--accounts", str(args.accounts)]
        command += ["--format", args.format, "--generate", work]
        seconds = _timed(lambda: subprocess.run(command, check=True))[0]
        size = (Path(work) / f"usage_events.{args.format}").stat().st_size
        print(
            f"generated {args.rows:,} usage rows and {args.accounts:,} accounts "
            f"({size / 1e6:,.0f} MB {args.format}) in {seconds:.1f} s"
        )
        database = ":memory:" if args.database == "memory" else None
        figures = measure(Path(work), args.format, database)
    show(figures, database)


if __name__ == "__main__":
    main()
