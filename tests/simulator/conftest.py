"""Small simulated worlds shared by the simulator tests (built once per session)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from simulator import (
    TRUTH_DIR,
    TRUTH_FILE,
    WORLD_FILE,
    SimulationConfig,
    WorldSummary,
    simulate_world,
)

SMALL = SimulationConfig(seed=3, n_accounts=600, chunk_size=200)
MODERATE = SimulationConfig(seed=11, n_accounts=3000, chunk_size=1000)


@dataclass
class World:
    """A written world and handy ways to read it."""

    config: SimulationConfig
    summary: WorldSummary
    path: Path

    @property
    def world_json(self) -> dict:
        return json.loads((self.path / TRUTH_DIR / WORLD_FILE).read_text())

    def truth(self) -> pa.Table:
        return pq.read_table(self.path / TRUTH_DIR / TRUTH_FILE)

    def file(self, table: str) -> Path:
        return self.path / f"{table}.{self.summary.fmt}"

    def sql(self, query: str) -> duckdb.DuckDBPyRelation:
        """Run ``query`` where each contract table is a view named after it (dirty rows included)."""
        connection = duckdb.connect()
        reader = "read_parquet" if self.summary.fmt == "parquet" else "read_csv"
        for table in self.summary.rows:
            connection.execute(
                f"CREATE VIEW {table} AS SELECT * FROM {reader}('{self.file(table)}')"
            )
        return connection.sql(query)

    def clean(self, table: str) -> pa.Table:
        """The clean rows of a Parquet table: dirty rows are appended last, so drop them."""
        rows = pq.read_table(self.file(table))
        dirty = sum(self.summary.dirty_rows.get(table, {}).values())
        return rows.slice(0, rows.num_rows - dirty)


def _build(
    tmp_path_factory: pytest.TempPathFactory,
    name: str,
    config: SimulationConfig,
    fmt: str = "parquet",
) -> World:
    path = tmp_path_factory.mktemp(name) / "world"
    return World(config, simulate_world(config, path, fmt, workers=1), path)


@pytest.fixture(scope="session")
def small_config() -> SimulationConfig:
    """600 accounts in 3 chunks: quick to build, still exercises chunking."""
    return SMALL


@pytest.fixture(scope="session")
def small_world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return _build(tmp_path_factory, "small", SMALL)


@pytest.fixture(scope="session")
def moderate_world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return _build(tmp_path_factory, "moderate", MODERATE)


@pytest.fixture(scope="session")
def moderate_csv_world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return _build(tmp_path_factory, "moderate_csv", MODERATE, "csv")
