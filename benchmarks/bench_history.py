"""Benchmark the score history: appending and reading 100k scored accounts, DuckDB and PostgreSQL.

    uv run python benchmarks/bench_history.py [--rows 100000] [--explanation-bytes 1000]
        [--postgres URL]

Without --postgres a throw-away PostgreSQL server is started like the tests do (Debian's
``postgresql`` package; ``apt-get install -y postgresql``). For each backend prints the time
to append ``--rows`` score rows (each with an explanation JSON ``--explanation-bytes`` long),
to re-append them (all already stored: inserts nothing), to read ``latest_scores()`` and
``previous_scores()`` for every account, and the ratio of the append to a reference measured
in the same run: the same Arrow table bulk-loaded into a table with no key (DuckDB
``INSERT ... SELECT``, PostgreSQL ``COPY``). Target: an append of 100k rows in a few seconds.
The machine may be shared: rerun on a quiet machine before quoting figures.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow.csv as pa_csv

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/ (the PostgreSQL helper)

from serving.history import open_history
from serving.history.schema import SCORES, conform, to_arrow


def score_frame(n: int, as_of: str, seed: int = 0, explanation_bytes: int = 1000) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    health = rng.integers(0, 101, n)
    explanation = '{"drivers": "' + "x" * max(explanation_bytes - 16, 0) + '"}'
    return pd.DataFrame(
        {
            "account_id": [f"A{i:07d}" for i in range(n)],
            "as_of": pd.Timestamp(as_of, tz="UTC"),
            "model_name": "churn-scorecard",
            "model_version": "7",
            "feature_set_version": "churn_v1",
            "churn_probability": 1 - health / 100,
            "baseline_probability": 0.18,
            "health": health,
            "band": np.where(health < 40, "red", np.where(health < 70, "amber", "green")),
            **{f"{d}_score": rng.integers(0, 101, n) for d in ("usage", "support", "survey")},
            "billing_score": None,
            "relationship_score": rng.integers(0, 101, n),
            "arr": rng.uniform(1_000, 200_000, n).round(2),
            "arr_at_risk": rng.uniform(0, 100_000, n).round(2),
            "segment": rng.choice(["smb", "mid_market", "enterprise"], n),
            "owner": rng.choice(["Dana", "Lee", "Sam"], n),
            "renewal_date": pd.Timestamp("2026-09-30"),
            "driver_1": "Active users fell 42% in the last 30 days (31 -> 18)",
            "driver_2": "2 invoices overdue, the oldest 47 days",
            "driver_3": None,
            "protective_1": "No open support tickets",
            "protective_2": None,
            "plays": "adoption workshop; finance follow-up",
            "previous_health": None,
            "health_change": None,
            "change_summary": None,
            "scored_at": pd.Timestamp.now(tz="UTC"),
            "explanation": explanation,
        }
    )


@contextlib.contextmanager
def timed(figures: dict[str, float], name: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    figures[name] = time.perf_counter() - start


def reference(url: str, frame: pd.DataFrame) -> float:
    """Seconds to bulk-load the same rows into a table with no key."""
    arrow = to_arrow(SCORES, conform(SCORES, frame))
    start = time.perf_counter()
    if url.startswith("postgresql"):
        import psycopg

        from features.data.postgres import parse_postgres_url

        location = parse_postgres_url(url)
        with psycopg.connect(location.conninfo, autocommit=True) as pg:
            pg.execute("DROP TABLE IF EXISTS bench_reference")
            pg.execute(f"CREATE TABLE bench_reference (LIKE {location.schema}.score_history)")
            pg.execute("ALTER TABLE bench_reference DROP CONSTRAINT IF EXISTS bench_reference_pkey")
            buffer = io.BytesIO()
            pa_csv.write_csv(arrow, buffer, pa_csv.WriteOptions(include_header=False))
            with pg.cursor().copy("COPY bench_reference FROM STDIN (FORMAT csv)") as copy:
                copy.write(buffer.getbuffer())
    else:
        with duckdb.connect() as connection:
            connection.register("rows", arrow)
            connection.execute("CREATE TABLE bench_reference AS SELECT * FROM rows")
    return time.perf_counter() - start


def run(url: str, rows: int, explanation_bytes: int) -> None:
    first = score_frame(rows, "2026-05-01", explanation_bytes=explanation_bytes)
    second = score_frame(rows, "2026-06-01", seed=1, explanation_bytes=explanation_bytes)
    figures: dict[str, float] = {}
    with open_history(url) as store:
        with timed(figures, "append"):
            inserted = store.append_scores(first)
        with timed(figures, "re-append"):
            again = store.append_scores(first)
        store.append_scores(second)
        with timed(figures, "latest_scores"):
            latest = store.latest_scores()
        with timed(figures, "previous_scores"):
            previous = store.previous_scores(
                second["account_id"].tolist(), pd.Timestamp("2026-06-01")
            )
    assert (inserted, again, len(latest), len(previous)) == (rows, 0, rows, rows)
    figures["reference bulk load"] = reference(url, first)
    name = "PostgreSQL" if url.startswith("postgresql") else "DuckDB"
    print(f"\n{name}: {rows:,} rows, explanation {explanation_bytes:,} bytes each")
    for key, seconds in figures.items():
        print(f"  {key:<20} {seconds:6.2f} s")
    ratio = figures["append"] / figures["reference bulk load"]
    print(f"  append / reference   {ratio:6.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--postgres", help="PostgreSQL URL (default: start a throw-away server)")
    parser.add_argument("--explanation-bytes", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run(f"duckdb://{tmp}/history.duckdb", args.rows, args.explanation_bytes)
    if args.postgres:
        run(args.postgres, args.rows, args.explanation_bytes)
    else:
        from tests.serving.postgres_fixture import running_postgres

        with running_postgres() as url:
            run(f"{url}?schema=bench", args.rows, args.explanation_bytes)


if __name__ == "__main__":
    main()
