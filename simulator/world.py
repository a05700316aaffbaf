"""``simulate_world``: build a whole world chunk by chunk and write it as contract tables.

Chunks are generated in worker processes when there are several (each from its own
random streams, so the result does not depend on how many workers ran) and written
by this process in chunk order, which keeps the files byte-identical from run to run.
At most ``workers + 1`` chunks are in flight, so memory stays bounded by the chunk size.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import time
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from churn_scorecard.console import ProgressCallback
from features.contract import TABLES
from simulator.chunk import generate_chunk
from simulator.config import SimulationConfig
from simulator.dirty import DIRTY_KINDS, dirty_counts, dirty_tables
from simulator.errors import OutputNotEmptyError, SimulationError
from simulator.outlook import OUTLOOK_SCHEMA
from simulator.renewals import TRUTH_SCHEMA
from simulator.schema import SCHEMAS, conform
from simulator.summary import WorldSummary, churn_figures
from simulator.timeline import Timeline
from simulator.writer import FORMATS, Format, TableFiles, encode, parquet_writer

TRUTH_DIR = "_truth"
TRUTH_FILE = "renewal_truth.parquet"
OUTLOOK_FILE = "renewal_outlook.parquet"
WORLD_FILE = "world.json"
SAMPLED_IDS = 50  # ids per chunk kept as targets for duplicate-id dirty rows
STEP = "Simulating accounts"
PARALLEL_FROM_CHUNKS = 8


@dataclass
class _EncodedChunk:
    """A chunk ready to append: encoded tables with their row counts, truth and sample ids."""

    tables: dict[str, tuple[pa.Table | bytes, int]]
    truth: pa.Table
    outlook: pa.Table
    ids: dict[str, list[str]]


def _build(config: SimulationConfig, chunk: int, fmt: Format) -> _EncodedChunk:
    """Generate and encode one chunk (runs in a worker process when there are several)."""
    built = generate_chunk(config, chunk)
    tables = {name: conform(name, table) for name, table in built.tables.items()}
    return _EncodedChunk(
        tables={name: (encode(table, fmt), table.num_rows) for name, table in tables.items()},
        truth=built.truth,
        outlook=built.outlook,
        ids={
            "ticket_id": tables["support_tickets"]["ticket_id"][:SAMPLED_IDS].to_pylist(),
            "invoice_id": tables["invoices"]["invoice_id"][:SAMPLED_IDS].to_pylist(),
        },
    )


def _chunks(config: SimulationConfig, fmt: Format, workers: int) -> Iterator[_EncodedChunk]:
    """Every chunk in order, built here or by ``workers`` processes a few chunks ahead."""
    if workers <= 1 or config.n_chunks == 1:
        for chunk in range(config.n_chunks):
            yield _build(config, chunk, fmt)
        return
    # forked workers start at once with everything this process imported (spawned ones would
    # re-import the caller's main module); pyarrow imports pandas on first use, so do it here once
    import pandas  # noqa: F401

    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        pending: list[Future[_EncodedChunk]] = []
        submitted = 0
        for _ in range(config.n_chunks):
            while submitted < config.n_chunks and len(pending) <= workers:
                pending.append(pool.submit(_build, config, submitted, fmt))
                submitted += 1
            yield pending.pop(0).result()


def _automatic_workers(n_chunks: int) -> int:
    """One process per CPU for big worlds; small ones are faster without starting workers."""
    return (os.cpu_count() or 1) if n_chunks >= PARALLEL_FROM_CHUNKS else 1


def _world_files(out_dir: Path) -> list[Path]:
    """The files and folders a previous world left in ``out_dir``."""
    names = {f"{table}.{fmt}" for table in TABLES for fmt in FORMATS}
    names |= {f"{name}.partial" for name in names} | {TRUTH_DIR}
    return [path for path in out_dir.iterdir() if path.name in names]


def _prepare(out_dir: Path, overwrite: bool) -> None:
    """Make sure ``out_dir`` can take a new world, removing an old one if ``overwrite``."""
    if out_dir.exists() and not out_dir.is_dir():
        raise SimulationError(
            f"{out_dir} is a file, not a folder; give a folder (new or empty) for the world"
        )
    if out_dir.exists():
        present = sorted(path.name for path in out_dir.iterdir())
        if present and not overwrite:
            shown = ", ".join(present[:5]) + (" ..." if len(present) > 5 else "")
            raise OutputNotEmptyError(
                f"{out_dir} is not empty (it holds {shown}); choose a new or empty folder, "
                "or pass --overwrite (overwrite=True) to replace the world's files in it"
            )
        for path in _world_files(out_dir):
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    out_dir.mkdir(parents=True, exist_ok=True)


def simulate_world(
    config: SimulationConfig,
    out_dir: Path,
    fmt: Format = "parquet",
    progress: ProgressCallback | None = None,
    *,
    overwrite: bool = False,
    workers: int | None = None,
) -> WorldSummary:
    """Simulate the world described by ``config`` and write it to ``out_dir``.

    Writes one file per contract table (``<table>.parquet`` or ``<table>.csv``), plus
    ``_truth/renewal_truth.parquet`` (the true churn probability of every decided
    renewal, with hindsight), ``_truth/renewal_outlook.parquet`` (the fair probability of
    each decided renewal week by week before it, :mod:`simulator.outlook`) and ``_truth/world.json`` (config, summary and injected dirty rows).
    ``workers`` processes build chunks in parallel (default: one per CPU for worlds of
    8 chunks or more, else none); the files are the same whatever their number. ``overwrite`` replaces a world already in
    ``out_dir`` (other files there are left alone).
    """
    started = time.perf_counter()
    if fmt not in FORMATS:
        raise SimulationError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    out_dir = Path(out_dir)
    _prepare(out_dir, overwrite)
    workers = _automatic_workers(config.n_chunks) if workers is None else workers
    report = progress or (lambda step, done, total: None)

    files = TableFiles(out_dir, fmt, SCHEMAS)
    truth_dir = out_dir / TRUTH_DIR
    truth_dir.mkdir()
    truth_partial = truth_dir / f"{TRUTH_FILE}.partial"
    truth_file = parquet_writer(truth_partial, TRUTH_SCHEMA)
    outlook_partial = truth_dir / f"{OUTLOOK_FILE}.partial"
    outlook_file = parquet_writer(outlook_partial, OUTLOOK_SCHEMA)
    truths: list[pa.Table] = []
    ids: dict[str, list[str]] = {"ticket_id": [], "invoice_id": []}
    report(STEP, 0, config.n_accounts)
    try:
        for chunk, built in enumerate(_chunks(config, fmt, workers)):
            for name, (payload, rows) in built.tables.items():
                files.append(name, payload, rows)
            truth_file.write_table(built.truth)
            outlook_file.write_table(built.outlook)
            truths.append(built.truth)
            for column, values in built.ids.items():
                ids[column].extend(values)
            report(STEP, min((chunk + 1) * config.chunk_size, config.n_accounts), config.n_accounts)

        timeline = Timeline.from_dates(config.start, config.end)
        counts = dirty_counts(config.dirty_fraction, dict(files.rows), ids)
        for name, table in dirty_tables(
            counts, config.n_accounts, timeline, ids, config.seed
        ).items():
            files.append(name, encode(table, fmt), table.num_rows)
        files.close()
        truth_file.close()
        truth_partial.replace(truth_dir / TRUTH_FILE)
        outlook_file.close()
        outlook_partial.replace(truth_dir / OUTLOOK_FILE)
    except BaseException:
        files.abort()
        truth_file.close()
        truth_partial.unlink(missing_ok=True)
        outlook_file.close()
        outlook_partial.unlink(missing_ok=True)
        raise

    truth = pa.concat_tables(truths)
    open_renewals = files.rows["renewals"] - len(truth) - sum(counts.get("renewals", {}).values())
    summary = WorldSummary(
        out_dir=out_dir,
        fmt=fmt,
        seed=config.seed,
        n_accounts=config.n_accounts,
        rows=dict(files.rows),
        dirty_rows=counts,
        upcoming_renewals=open_renewals,
        elapsed_seconds=round(time.perf_counter() - started, 3),
        **churn_figures(truth),
    )
    _write_world_json(truth_dir / WORLD_FILE, config, summary)
    return summary


def _write_world_json(path: Path, config: SimulationConfig, summary: WorldSummary) -> None:
    """Config, summary and dirty-row counts; run-specific values (folder, time) are left out so it is reproducible."""
    figures = {
        k: v for k, v in summary.to_dict().items() if k not in ("out_dir", "elapsed_seconds")
    }
    world = {
        "config": config.model_dump(mode="json"),
        "summary": figures,
        "dirty_kinds": [
            {
                "table": k.table,
                "kind": k.name,
                "description": k.description,
                "rows": summary.dirty_rows[k.table][k.name],
            }
            for k in DIRTY_KINDS
        ],
        "truth_file": f"{TRUTH_DIR}/{TRUTH_FILE}",
    }
    path.write_text(json.dumps(world, indent=2) + "\n")
