"""Loading a source: validate every table into clean typed DuckDB tables plus a quarantine.

The clean tables are materialized (``CREATE TABLE``) in a DuckDB database that by default
is a temporary file, removed when the dataset is closed, so memory stays bounded by
``MEMORY_LIMIT`` (``QUERY_MEMORY_LIMIT`` for the queries that follow) however large the
source; later feature queries scan them many times and a DuckDB table is faster to scan
than any source format. Event tables are stored by month of event time, then account
(``CLUSTER_PERIOD``), so windowed queries skip what lies outside their windows. See
docs/data.md and docs/feature_engine.md for the figures."""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
import weakref
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from churn_scorecard.console import ProgressCallback
from features.contract import TABLES
from features.data.coercion import Coercion, absent, coerce, type_error
from features.data.errors import (
    SEE_DOCS,
    MissingColumnError,
    QuarantineTargetError,
)
from features.data.reading import SOURCE_ROW, RawTable, drop_staging, read_table, unreadable
from features.data.reasons import Reason
from features.data.report import TableReport, ValidationReport
from features.data.sources import (
    SOURCE_ALIAS,
    Source,
    TableSource,
    missing_table_error,
    open_source,
)
from features.data.sql import ident, literal
from features.data.validation import TablePlan

QUARANTINE = "quarantine"
"""The schema holding each table's quarantined rows, under the table's name."""

MEMORY_LIMIT = "2GB"
"""DuckDB's memory limit for validation; beyond it, work spills to the database's directory."""

QUERY_MEMORY_LIMIT = "6GB"
"""DuckDB's memory limit once validated, for feature queries: a training set of many as_of
dates aggregates far more groups than validation does, and spilled them at 2GB (figures
in docs/feature_engine.md)."""

CLUSTER_PERIOD = "month"
"""Clean event tables are stored by this period of their event time, then by account.

Feature windows read the recent past of every account: with rows in (month, account)
order a scan skips the row groups outside every window (DuckDB keeps min/max per row
group), while rows of one account stay together within a month for grouping by account.
See docs/feature_engine.md for the figures."""

REPORT_FILE = "validation_report.json"


class Dataset:
    """The clean tables of one source in a DuckDB connection, and how validation went.

    Clean tables are reachable in SQL by their contract names; every contract column is
    present with its clean type (absent optional columns are empty), followed by the
    source's extra columns as stored.
    """

    def __init__(
        self, connection: duckdb.DuckDBPyConnection, report: ValidationReport, workdir: Path | None
    ) -> None:
        self.connection = connection
        self.report = report
        self._release = weakref.finalize(self, _release, connection, workdir)

    @property
    def tables(self) -> list[str]:
        """Names of the contract tables present, in contract order."""
        return [t.name for t in self.report.tables]

    def relation(self, name: str) -> duckdb.DuckDBPyRelation:
        """The clean table ``name``, on its own cursor (so readers do not block each other)."""
        if name not in self.tables:
            raise missing_table_error(Path(self.report.source), name, self.tables)
        return self.connection.cursor().table(name)

    def write_quarantine(self, out_dir: Path) -> list[Path]:
        """Write ``<table>.parquet`` per table with quarantined rows, and the report as JSON.

        Each quarantine file holds the rows as stored, plus ``_source_row``, ``_reason_code``
        and ``_reason`` (and ``_raw_line`` for malformed CSV lines). Quarantine files left in
        ``out_dir`` by an earlier run for tables without quarantined rows now are removed.
        Returns the paths written, the report last.
        """
        out_dir = Path(out_dir)
        if out_dir.resolve() == Path(self.report.source).resolve():
            raise QuarantineTargetError(
                f"quarantine folder {out_dir} is the data source itself; expected another folder "
                f"(quarantine files are named like the tables and would replace them). "
                f"Pass a different --out. {SEE_DOCS}"
            )
        out_dir.mkdir(parents=True, exist_ok=True)
        written = []
        quarantined = {t.name for t in self.report.tables if t.rows_quarantined}
        for name in TABLES:
            path = out_dir / f"{name}.parquet"
            if name in quarantined:
                self.connection.execute(
                    f"COPY (SELECT * FROM {QUARANTINE}.{ident(name)} ORDER BY {SOURCE_ROW}) "
                    f"TO {literal(str(path))} (FORMAT parquet)"
                )
                written.append(path)
            else:
                path.unlink(missing_ok=True)
        report_path = out_dir / REPORT_FILE
        report_path.write_text(json.dumps(self.report.to_dict(), indent=2) + "\n")
        return [*written, report_path]

    def close(self) -> None:
        """Close the connection and delete the temporary database (if the dataset made one)."""
        self._release()

    def __enter__(self) -> Dataset:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def load_dataset(
    source: str | Path,
    *,
    now: datetime | None = None,
    progress: ProgressCallback | None = None,
    database: str | Path | None = None,
) -> Dataset:
    """Validate every contract table of ``source`` and return the clean :class:`Dataset`.

    ``source`` is a directory of ``<table>.parquet``/``<table>.csv`` files or a DuckDB
    database file. Timestamps after ``now`` (default: the current time; naive means UTC)
    are quarantined in columns that record the past. ``progress`` is told after each
    table. ``database`` is where the clean tables go: a DuckDB file path (replaced if it
    exists), ``":memory:"``, or None for a temporary file; temporary files (and work
    spilled beyond ``MEMORY_LIMIT``) are deleted by :meth:`Dataset.close`.
    Table-level problems raise a :class:`~features.data.errors.DataError`.
    """
    now = _utc_naive(now or datetime.now(UTC))
    workdir = None
    if database is None or str(database) == ":memory:":
        workdir = Path(tempfile.mkdtemp(prefix="churn-dataset-"))
        database = database or workdir / "dataset.duckdb"
    connection = _connect(database, workdir)
    try:
        found = open_source(source, connection)
        reports = []
        for done, table in enumerate(found.tables.values()):
            if progress:
                progress("validate", done, len(found.tables))
            reports.append(_validate_table(connection, table, now))
        if progress:
            progress("validate", len(found.tables), len(found.tables))
        report = _report(found, now, reports)
        connection.execute(f"SET memory_limit = {literal(QUERY_MEMORY_LIMIT)}")
        if any(t.format == "duckdb" for t in found.tables.values()):
            connection.execute(f"DETACH {SOURCE_ALIAS}")
    except BaseException:
        _release(connection, workdir)
        raise
    return Dataset(connection, report, workdir)


def _utc_naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _connect(database: str | Path, workdir: Path | None) -> duckdb.DuckDBPyConnection:
    if str(database) != ":memory:":
        for path in (Path(database), Path(f"{database}.wal")):
            path.unlink(missing_ok=True)
    connection = duckdb.connect(str(database))
    connection.execute("SET TimeZone = 'UTC'")
    # Inside Jupyter without ipywidgets DuckDB refuses this setting; its bar is off there anyway.
    with contextlib.suppress(duckdb.InvalidInputException):
        connection.execute("SET enable_progress_bar = false")
    connection.execute(f"SET memory_limit = {literal(MEMORY_LIMIT)}")
    if workdir:
        connection.execute(f"SET temp_directory = {literal(str(workdir / 'spill'))}")
    connection.execute(f"CREATE SCHEMA {QUARANTINE}")
    return connection


def _release(connection: duckdb.DuckDBPyConnection, workdir: Path | None) -> None:
    connection.close()
    if workdir:
        shutil.rmtree(workdir, ignore_errors=True)


def _validate_table(
    connection: duckdb.DuckDBPyConnection, source: TableSource, now: datetime
) -> TableReport:
    raw = read_table(connection, source)
    try:
        plan = _plan(connection, raw, now)
        quarantine = f"{QUARANTINE}.{ident(source.name)}"
        connection.execute(f"CREATE TABLE {quarantine} AS {plan.quarantine_sql()}")
        if raw.malformed_sql:
            connection.execute(f"ALTER TABLE {quarantine} ADD COLUMN _raw_line VARCHAR")
            connection.execute(
                f"INSERT INTO {quarantine} ({SOURCE_ROW}, _raw_line, _reason_code, _reason) "
                f"SELECT {SOURCE_ROW}, _raw_line, {literal(Reason.MALFORMED_LINE)}, _reason FROM ({raw.malformed_sql})"
            )
        connection.execute(
            f"CREATE TABLE main.{ident(source.name)} AS "
            f"SELECT * FROM ({plan.clean_sql(quarantine)}) {_storage_order(plan.table.name)}"
        )
        report = _table_report(connection, plan, quarantine)
    except (duckdb.IOException, duckdb.InvalidInputException) as error:
        raise unreadable(source, error) from None
    finally:
        drop_staging(connection, source)
    if report.rows_kept + report.rows_quarantined != report.rows_read:
        raise RuntimeError(f"validation of {source.location} lost rows: {report}")
    return report


def _storage_order(name: str) -> str:
    """``ORDER BY`` clustering the clean table ``name`` by period of event time, then account."""
    table = TABLES[name]
    if table.event_time is None:
        return ""
    time = ident(table.event_time)
    keys = [f"date_trunc({literal(CLUSTER_PERIOD)}, {time})"]
    keys += [ident("account_id")] if "account_id" in table.column_names else []
    return f"ORDER BY {', '.join([*keys, time])}"


def _plan(connection: duckdb.DuckDBPyConnection, raw: RawTable, now: datetime) -> TablePlan:
    table = TABLES[raw.source.name]
    stored = {name.lower(): name for name in raw.columns}
    coercions: dict[str, Coercion] = {}
    for column in table.columns:
        name = stored.get(column.name)
        if name is None:
            if column.required:
                raise _missing_column(raw, column.name)
            coercions[column.name] = absent(column)
            continue
        coercion = coerce(column, ident(name), raw.columns[name])
        if coercion is None:
            if _holds_values(connection, raw, name):
                raise type_error(raw.source.location, table.name, column, raw.columns[name])
            coercion = absent(column, ident(name))
        coercions[column.name] = coercion
    extras = tuple(name for name in raw.columns if name.lower() not in table.column_names)
    return TablePlan(table, raw, coercions, extras, now)


def _missing_column(raw: RawTable, name: str) -> MissingColumnError:
    column = TABLES[raw.source.name].column(name)
    found = ", ".join(raw.columns) or "none"
    return MissingColumnError(
        f"{raw.source.location} has no column {name!r} (required in table {raw.source.name}); "
        f"expected {column.description[0].lower()}{column.description[1:].rstrip('.')}. "
        f"Found columns: {found}. Add the column or rename the one that holds it. {SEE_DOCS}"
    )


def _holds_values(connection: duckdb.DuckDBPyConnection, raw: RawTable, name: str) -> bool:
    return _scalar(connection, f"SELECT count({ident(name)}) FROM ({raw.sql})") > 0


def _scalar(connection: duckdb.DuckDBPyConnection, sql: str) -> Any:
    """The first value of the first row of ``sql``."""
    row = connection.execute(sql).fetchone()
    return row[0] if row else None


def _table_report(
    connection: duckdb.DuckDBPyConnection, plan: TablePlan, quarantine: str
) -> TableReport:
    name, event_time = ident(plan.table.name), plan.table.event_time
    by_reason = connection.execute(
        f"SELECT _reason_code, count(*) FROM {quarantine} GROUP BY 1 ORDER BY 2 DESC, 1"
    ).fetchall()
    read = _scalar(connection, f"SELECT count(*) FROM ({plan.raw.sql})")
    if plan.raw.malformed_sql:
        read += _scalar(connection, f"SELECT count(*) FROM ({plan.raw.malformed_sql})")
    span = None
    if event_time:
        sql = f"SELECT [min({ident(event_time)}), max({ident(event_time)})] FROM main.{name}"
        low, high = _scalar(connection, sql)
        span = (low, high) if low is not None else None
    return TableReport(
        name=plan.table.name,
        path=plan.raw.source.location,
        rows_read=read,
        rows_kept=_scalar(connection, f"SELECT count(*) FROM main.{name}"),
        quarantined_by_reason=dict(by_reason),
        time_span=span,
        extra_columns=plan.extras,
        absent_columns=tuple(n for n, c in plan.coercions.items() if c.stored == "NULL"),
    )


def _report(found: Source, now: datetime, tables: list[TableReport]) -> ValidationReport:
    absent_tables = tuple(name for name in TABLES if name not in found.tables)
    return ValidationReport(str(found.path), now, tables, found.ignored, absent_tables)
