"""Fixtures for the feature catalogue: hand-made typed tables, a small simulated world, Spark.

Test modules cannot import this file (pytest runs in importlib mode), so helpers are
fixtures that return functions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from features.catalogue import FeatureSource
from features.contract import TABLES, Kind

ARROW_TYPES = {
    Kind.ID: pa.string(),
    Kind.TEXT: pa.string(),
    Kind.ENUM: pa.string(),
    Kind.TIMESTAMP: pa.timestamp("us"),
    Kind.NUMBER: pa.float64(),
    Kind.INTEGER: pa.int64(),
    Kind.BOOLEAN: pa.bool_(),
}

Rows = list[dict[str, object]]
MakeSource = Callable[..., FeatureSource]


def _value(kind: Kind, value: object) -> object:
    if kind is Kind.TIMESTAMP and isinstance(value, str):
        return datetime.fromisoformat(value)
    if kind is Kind.NUMBER and value is not None:
        return float(value)
    return value


def typed_table(name: str, rows: Rows, absent: tuple[str, ...] = ()) -> pa.Table:
    """``rows`` as an Arrow table with the clean types of contract table ``name``, without ``absent`` columns."""
    columns = [c for c in TABLES[name].columns if c.name not in absent]
    unknown = {key for row in rows for key in row} - set(TABLES[name].column_names)
    assert not unknown, f"{name} rows have non-contract columns {unknown}"
    return pa.table(
        {
            c.name: pa.array([_value(c.kind, row.get(c.name)) for row in rows], ARROW_TYPES[c.kind])
            for c in columns
        }
    )


class _Sources:
    """Makes in-memory DuckDB sources from rows and closes them at the end."""

    def __init__(self) -> None:
        self.connections: list[duckdb.DuckDBPyConnection] = []

    def make(
        self, tables: Mapping[str, Rows], absent: Mapping[str, tuple[str, ...]] | None = None
    ) -> FeatureSource:
        connection = duckdb.connect()
        connection.execute("SET TimeZone = 'UTC'")
        self.connections.append(connection)
        for name, rows in tables.items():
            arrow = typed_table(name, rows, (absent or {}).get(name, ()))
            connection.register("_arrow", arrow)
            connection.execute(f'CREATE TABLE "{name}" AS SELECT * FROM _arrow')
            connection.unregister("_arrow")
        return FeatureSource.from_duckdb(connection)

    def close(self) -> None:
        for connection in self.connections:
            connection.close()


@pytest.fixture
def make_source() -> Iterator[MakeSource]:
    """``make_source(tables, absent={table: (columns,)})``: an in-memory DuckDB FeatureSource."""
    sources = _Sources()
    yield sources.make
    sources.close()


@pytest.fixture(scope="module")
def make_source_module() -> Iterator[MakeSource]:
    """:func:`make_source` for module-scoped fixtures."""
    sources = _Sources()
    yield sources.make
    sources.close()


@pytest.fixture(scope="session")
def small_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A simulated world of 300 accounts (seed 11), written once per test session."""
    from simulator import SimulationConfig, simulate_world

    out = tmp_path_factory.mktemp("world")
    simulate_world(SimulationConfig(seed=11, n_accounts=300, dirty_fraction=0.0), out, workers=1)
    return out


@pytest.fixture(scope="session")
def small_dataset(small_world: Path) -> Iterator[object]:
    """The small world validated through the data layer."""
    from features.data import load_dataset

    dataset = load_dataset(small_world, now=datetime(2026, 7, 1))
    yield dataset
    dataset.close()


@pytest.fixture(scope="session")
def spark():
    """One local Spark session for the whole test session (it takes 10-60 s to start)."""
    from features.catalogue import spark_session

    session = spark_session("churn-features-tests")
    yield session
    session.stop()
