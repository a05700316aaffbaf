"""simulate_world: the files it writes, their determinism, formats and the output folder rules."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from features.contract import TABLES, Kind
from simulator import TRUTH_DIR, OutputNotEmptyError, SimulationError, simulate_world

_DUCKDB_TYPES = {
    Kind.ID: {"VARCHAR"},
    Kind.TEXT: {"VARCHAR"},
    Kind.ENUM: {"VARCHAR"},
    Kind.TIMESTAMP: {"TIMESTAMP", "TIMESTAMP_MS", "TIMESTAMP_S"},
    Kind.NUMBER: {"DOUBLE", "BIGINT", "SMALLINT", "INTEGER"},
    Kind.INTEGER: {"BIGINT", "INTEGER", "SMALLINT"},
    Kind.BOOLEAN: {"BOOLEAN"},
}


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_simulate_world_is_byte_identical_for_the_same_seed(
    tmp_path: Path, small_config, small_world, fmt: str
):
    first = (
        small_world.path
        if fmt == "parquet"
        else simulate_world(small_config, tmp_path / "a", fmt).out_dir
    )
    second = simulate_world(small_config, tmp_path / "b", fmt).out_dir
    assert _files(first) == _files(second)


def test_simulate_world_differs_for_another_seed(tmp_path: Path, small_config, small_world):
    other = simulate_world(small_config.model_copy(update={"seed": 4}), tmp_path / "other")
    for table in TABLES:
        assert (
            small_world.file(table).read_bytes()
            != (other.out_dir / f"{table}.parquet").read_bytes()
        )


def test_simulate_world_files_do_not_depend_on_the_number_of_workers(
    tmp_path: Path, small_config, small_world
):
    parallel = simulate_world(small_config, tmp_path / "parallel", workers=2)
    assert _files(parallel.out_dir) == _files(small_world.path)


@pytest.mark.parametrize("table", list(TABLES))
def test_simulate_world_writes_every_contract_table_with_contract_columns(
    moderate_world, table: str
):
    columns = duckdb.sql(
        f"DESCRIBE SELECT * FROM read_parquet('{moderate_world.file(table)}')"
    ).fetchall()
    contract = TABLES[table]
    names = [name for name, *_ in columns]
    assert names == [c for c in contract.column_names if c in names], (
        "columns out of contract order"
    )
    assert set(contract.required_columns) <= set(names)
    for name, duckdb_type, *_ in columns:
        assert duckdb_type in _DUCKDB_TYPES[contract.column(name).kind], (table, name, duckdb_type)
    assert moderate_world.summary.rows[table] > 0


def test_simulate_world_csv_holds_the_same_rows_as_parquet(moderate_world, moderate_csv_world):
    for table in TABLES:
        parquet = pq.read_table(moderate_world.file(table))
        plain = pa.schema(
            [
                pa.field(f.name, f.type.value_type if pa.types.is_dictionary(f.type) else f.type)
                for f in parquet.schema
            ]
        )
        csv = pacsv.read_csv(
            moderate_csv_world.file(table),
            convert_options=pacsv.ConvertOptions(column_types=plain, strings_can_be_null=True),
        )
        assert csv.equals(parquet.cast(plain)), table


def test_simulate_world_csv_timestamps_parse_in_duckdb(moderate_csv_world):
    described = moderate_csv_world.sql("DESCRIBE SELECT * FROM invoices").fetchall()
    types = {name: kind for name, kind, *_ in described}
    assert {types[c] for c in ("issued_at", "due_at", "paid_at")} == {"TIMESTAMP"}


def test_simulate_world_summary_matches_the_files(moderate_world):
    summary = moderate_world.summary
    for table, rows in summary.rows.items():
        assert pq.ParquetFile(moderate_world.file(table)).metadata.num_rows == rows
    renewals = moderate_world.sql(
        "SELECT count(*) FILTER (outcome IS NULL), count(outcome) FROM renewals"
    ).fetchone()
    assert renewals == (summary.upcoming_renewals, summary.decided_renewals)
    assert json.loads(json.dumps(summary.to_dict()))["rows"] == summary.rows


def test_simulate_world_refuses_a_non_empty_folder_without_overwrite(tmp_path: Path, small_config):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(
        OutputNotEmptyError, match=r"is not empty \(it holds notes.txt\).*--overwrite"
    ):
        simulate_world(small_config, tmp_path)


def test_simulate_world_overwrite_replaces_the_world_and_keeps_other_files(
    tmp_path: Path, small_config
):
    simulate_world(small_config.model_copy(update={"n_accounts": 50}), tmp_path, "csv")
    (tmp_path / "notes.txt").write_text("mine")
    simulate_world(small_config.model_copy(update={"n_accounts": 60}), tmp_path, overwrite=True)
    assert not list(tmp_path.glob("*.csv"))
    assert (tmp_path / "notes.txt").read_text() == "mine"
    assert pq.read_metadata(tmp_path / "accounts.parquet").num_rows == 60
    assert not list(tmp_path.rglob("*.partial"))


@pytest.mark.parametrize(
    ("fmt", "message"),
    [("xlsx", r"unknown format 'xlsx'; choose one of parquet, csv")],
)
def test_simulate_world_rejects_unknown_format(
    tmp_path: Path, small_config, fmt: str, message: str
):
    with pytest.raises(SimulationError, match=message):
        simulate_world(small_config, tmp_path / "w", fmt)  # type: ignore[arg-type]


def test_simulate_world_reports_progress_up_to_all_accounts(tmp_path: Path, small_config):
    calls: list[tuple[str, int, int]] = []
    simulate_world(
        small_config.model_copy(update={"n_accounts": 250}),
        tmp_path / "w",
        progress=lambda *a: calls.append(a),
    )
    assert calls[0][1:] == (0, 250)
    assert calls[-1][1:] == (250, 250)


def test_simulate_world_keeps_truth_outside_the_contract_tables(small_world):
    top_level = {p.name for p in small_world.path.iterdir()}
    assert top_level == {f"{t}.parquet" for t in TABLES} | {TRUTH_DIR}
