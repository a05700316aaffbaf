"""A PostgreSQL schema as a data source, read from a real throw-away PostgreSQL server.

A simulated world is loaded into a schema with natural column types; validating it gives the
same clean tables and the same quarantine as validating the world's Parquet files.
"""

from __future__ import annotations

import io
import json
import re
from datetime import datetime
from pathlib import Path

import pandas as pd
import psycopg
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest
from psycopg import sql
from typer.testing import CliRunner

from churn_scorecard.cli import app
from features.contract import TABLES
from features.data import MissingTableError, SourceNotFoundError, load_dataset
from features.data.postgres import parse_postgres_url
from simulator import SimulationConfig, simulate_world

NOW = datetime(2026, 7, 1)

_POSTGRES_TYPES = [
    (pa.types.is_boolean, "boolean"),
    (pa.types.is_int16, "smallint"),
    (pa.types.is_int32, "integer"),
    (pa.types.is_integer, "bigint"),
    (pa.types.is_floating, "double precision"),
    (lambda t: pa.types.is_timestamp(t) and t.tz is not None, "timestamptz"),
    (pa.types.is_timestamp, "timestamp"),
    (pa.types.is_date, "date"),
]


def _postgres_type(arrow_type: pa.DataType) -> str:
    return next((name for test, name in _POSTGRES_TYPES if test(arrow_type)), "text")


def load_table(url: str, schema: str, name: str, table: pa.Table, as_text: bool = False) -> None:
    """Create ``schema.name`` with column types following ``table``'s and COPY its rows in."""
    table = table.cast(
        pa.schema(
            pa.field(f.name, f.type.value_type if pa.types.is_dictionary(f.type) else f.type)
            for f in table.schema
        )
    )
    columns = sql.SQL(", ").join(
        sql.SQL("{} {}").format(
            sql.Identifier(f.name), sql.SQL("text" if as_text else _postgres_type(f.type))
        )
        for f in table.schema
    )
    buffer = io.BytesIO()
    pa_csv.write_csv(table, buffer, pa_csv.WriteOptions(include_header=False))
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
        target = sql.Identifier(schema, name)
        connection.execute(sql.SQL("CREATE TABLE {} ({})").format(target, columns))
        copy_sql = sql.SQL("COPY {} FROM STDIN (FORMAT csv)").format(target)
        with connection.cursor().copy(copy_sql) as copy:
            copy.write(buffer.getvalue())


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small simulated world (with its dirty rows) as Parquet files."""
    out = tmp_path_factory.mktemp("world")
    simulate_world(SimulationConfig(seed=5, n_accounts=120, chunk_size=120), out, workers=1)
    return out


@pytest.fixture(scope="module")
def world_url(postgres_url: str, world: Path) -> str:
    """The same world in the PostgreSQL schema ``world``."""
    for path in sorted(world.glob("*.parquet")):
        load_table(postgres_url, "world", path.stem, pq.read_table(path))
    return f"{postgres_url}?schema=world"


def _clean_tables(source: str | Path) -> tuple[dict[str, pd.DataFrame], dict]:
    """Each clean table sorted by all its columns (clean tables have no set order)."""
    with load_dataset(source, now=NOW) as dataset:
        tables = {name: dataset.relation(name).order("ALL").df() for name in dataset.tables}
        quarantined = {t.name: t.quarantined_by_reason for t in dataset.report.tables}
    return tables, quarantined


def test_postgres_source_gives_the_clean_tables_of_the_same_parquet_files(world, world_url):
    from_files, quarantined_files = _clean_tables(world)
    from_postgres, quarantined_postgres = _clean_tables(world_url)

    assert list(from_postgres) == list(from_files) == list(TABLES)
    for name, expected in from_files.items():
        pd.testing.assert_frame_equal(
            from_postgres[name], expected, check_dtype=False, obj=f"table {name}"
        )
    assert quarantined_postgres == quarantined_files
    assert sum(sum(reasons.values()) for reasons in quarantined_files.values()) > 0


def test_postgres_source_quarantines_a_bad_row_with_its_row_number(postgres_url, tmp_path):
    accounts = pa.table(
        {
            "account_id": ["A1", "A2", "A3"],
            "name": ["Acme", "Beta", "Gamma"],
            "created_at": ["2020-01-01", "2021-06-15", "2022-02-02"],
            "arr": ["1200", "a lot", "5000"],
        }
    )
    load_table(postgres_url, "bad_row", "Accounts", accounts, as_text=True)

    with load_dataset(f"{postgres_url}?schema=bad_row", now=NOW) as dataset:
        kept = dataset.relation("accounts").df()["account_id"].tolist()
        written = dataset.write_quarantine(tmp_path / "quarantine")
        report = dataset.report.tables[0]

    assert kept == ["A1", "A3"]
    assert report.path == "bad_row.Accounts"
    quarantine = pd.read_parquet(written[0])
    assert quarantine["_source_row"].tolist() == [2]
    assert "arr" in quarantine["_reason"].iloc[0]


def test_postgres_source_without_accounts_names_the_missing_table(postgres_url):
    events = pa.table({"account_id": ["A1"], "timestamp": ["2024-05-01"], "event": ["login"]})
    load_table(postgres_url, "no_accounts", "usage_events", events, as_text=True)
    url = postgres_url.replace("postgres@", "postgres:hunter2@") + "?schema=no_accounts"

    with pytest.raises(MissingTableError) as raised:
        load_dataset(url, now=NOW)

    location = parse_postgres_url(url)
    assert str(raised.value).startswith(
        f"data source {location.shown} has no accounts table; expected a table named accounts ("
    )
    assert "Found: no_accounts.usage_events." in str(raised.value)
    assert "hunter2" not in str(raised.value)


def test_postgres_source_names_a_schema_that_does_not_exist(postgres_url):
    with pytest.raises(SourceNotFoundError, match=r"has no schema nowhere .*Fix \?schema="):
        load_dataset(f"{postgres_url}?schema=nowhere", now=NOW)


def test_postgres_source_names_an_unreachable_server():
    url = "postgresql://churn@127.0.0.1:1/warehouse?schema=crm"

    with pytest.raises(
        SourceNotFoundError,
        match=re.escape("cannot connect to PostgreSQL at 127.0.0.1:1 (database warehouse"),
    ):
        load_dataset(url, now=NOW)


def test_validate_command_reads_a_postgres_url(world_url, tmp_path):
    """The CLI hands the URL over as a Path (``postgresql:/...``); it still reads PostgreSQL."""
    out = tmp_path / "out"

    result = CliRunner().invoke(
        app, ["validate", world_url, "--out", str(out), "--now", NOW.isoformat()]
    )

    assert result.exit_code == 0, result.output
    assert "Validation of postgresql://postgres@127.0.0.1:" in result.output
    report = json.loads((out / "validation_report.json").read_text())
    assert report["source"] == parse_postgres_url(world_url).shown
    assert [t["path"] for t in report["tables"]][:2] == ["world.accounts", "world.renewals"]
    assert report["rows_quarantined"] > 0
