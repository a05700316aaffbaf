"""Benchmark ``simulate_world``: the 100k-account world (about 50M usage rows) by default.

    uv run python benchmarks/bench_simulate.py [--accounts 100000] [--format parquet] [--workers N]

Prints wall and CPU time, rows per table, usage rows per second, peak memory (this
process and its workers), file sizes, and a reference measured in the same run: the
time pyarrow takes to write the same total number of rows of a trivial random table
in the same format, chunk by chunk (the cost of writing alone).
"""

from __future__ import annotations

import argparse
import io
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from simulator import SimulationConfig, simulate_world

REFERENCE_CHUNK_ROWS = 1_000_000


def reference_write(rows: int, fmt: str, folder: Path) -> float:
    """Seconds to write ``rows`` rows of a random 5-column table (ids, time, event, user, quantity)."""
    rng = np.random.default_rng(0)
    chunk = min(rows, REFERENCE_CHUNK_ROWS)
    table = pa.table(
        {
            "account": pa.array(rng.integers(0, 100_000, chunk, dtype=np.int32)),
            "timestamp": pa.array(rng.integers(1.67e9, 1.78e9, chunk), type=pa.timestamp("s")),
            "event": pa.DictionaryArray.from_arrays(
                pa.array(rng.integers(0, 12, chunk, dtype=np.int32)),
                pa.array([f"event_{i}" for i in range(12)]),
            ),
            "user": pa.array(rng.integers(0, 400, chunk, dtype=np.int32)),
            "quantity": pa.array(rng.integers(1, 20, chunk, dtype=np.int32)),
        }
    )
    path = folder / f"reference.{fmt}"
    started = time.perf_counter()
    if fmt == "parquet":
        with pq.ParquetWriter(
            path, table.schema, compression="snappy", coerce_timestamps="ms"
        ) as writer:
            for offset in range(0, rows, chunk):
                writer.write_table(table.slice(0, min(chunk, rows - offset)))
    else:
        with path.open("wb") as file:
            for offset in range(0, rows, chunk):
                buffer = io.BytesIO()
                pacsv.write_csv(table.slice(0, min(chunk, rows - offset)), buffer)
                file.write(buffer.getvalue())
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    parser.add_argument("--workers", type=int, default=None, help="default: automatic")
    parser.add_argument("--chunk-size", type=int, default=2000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench_simulate_") as tmp:
        out = Path(tmp) / "world"
        config = SimulationConfig(
            seed=args.seed, n_accounts=args.accounts, chunk_size=args.chunk_size
        )
        cpu_before = time.process_time()
        started = time.perf_counter()
        summary = simulate_world(config, out, args.format, workers=args.workers)
        wall = time.perf_counter() - started
        cpu = time.process_time() - cpu_before
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        sizes = {
            path.name: path.stat().st_size for path in sorted(out.rglob("*")) if path.is_file()
        }

        total_rows = sum(summary.rows.values())
        reference = reference_write(total_rows, args.format, Path(tmp))

    print(
        f"simulate_world: {args.accounts:,} accounts, format {args.format}, chunk size {args.chunk_size}"
    )
    print(f"wall time           {wall:8.1f} s")
    print(
        f"CPU time            {cpu + children.ru_utime + children.ru_stime:8.1f} s (this process {cpu:.1f} s)"
    )
    print(f"usage rows/s        {summary.rows['usage_events'] / wall:12,.0f}")
    print(f"all rows/s          {total_rows / wall:12,.0f}")
    self_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"peak memory         {self_peak:8.0f} MiB (this process), {children.ru_maxrss / 1024:.0f} MiB (largest worker)"
    )
    print("rows and file sizes:")
    for name, rows in summary.rows.items():
        size = sizes.get(f"{name}.{args.format}", 0)
        print(f"  {name:16s} {rows:12,d} rows {size / 2**20:9.1f} MiB")
    for name in ("renewal_truth.parquet", "world.json"):
        print(f"  _truth/{name:23s} {sizes.get(name, 0) / 2**20:9.1f} MiB")
    print(f"total               {total_rows:12,d} rows {sum(sizes.values()) / 2**20:9.1f} MiB")
    print(
        f"reference: pyarrow writes {total_rows:,} rows of a random 5-column table in {reference:.1f} s"
    )
    print(f"ratio simulate / reference write: {wall / reference:.1f}x")
    for term, rates in summary.churn_rate_by_term.items():
        shown = ", ".join(
            f"{segment} {rate:.3f}" for segment, rate in rates.items() if rate is not None
        )
        print(f"churn per {term} renewal: {shown}")
    print(f"ceiling AUC {summary.ceiling_auc:.3f}, by term {summary.ceiling_auc_by_term}")


if __name__ == "__main__":
    main()
