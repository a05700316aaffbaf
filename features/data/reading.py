"""Opening one table of a source as raw rows: stored columns plus ``_source_row``.

``_source_row`` is the row's 1-based position in its file (the header excluded) or its
rowid + 1 in a DuckDB table. CSV files are read as text (every column VARCHAR) into a
temporary staging table (uncompressed, spilled to disk beyond the memory limit: three times
faster to write than a compressed table, and read only twice), so bad text survives
unchanged into quarantine; lines with the wrong number of fields are captured by DuckDB's
``store_rejects`` and become quarantined rows too.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from features.data.errors import SEE_DOCS, UnreadableTableError
from features.data.sources import SOURCE_ALIAS, TableSource
from features.data.sql import ident, literal

STAGING = "temp.main"
"""Where staged rows (CSV text, DuckDB views) and rejected lines live while a table is validated."""

SOURCE_ROW = "_source_row"

_ENCODING_ERROR = "INVALID ENCODING"


@dataclass(frozen=True)
class RawTable:
    """The rows of one table as stored, ready to be checked."""

    source: TableSource
    sql: str  # SELECT _source_row, <stored columns> ...
    columns: dict[str, duckdb.DuckDBPyType]  # stored name -> stored type, in stored order
    # SELECT _source_row, _raw_line, _reason of the malformed lines of a CSV file
    malformed_sql: str | None = None


def read_table(connection: duckdb.DuckDBPyConnection, table: TableSource) -> RawTable:
    """Open ``table`` in ``connection``; unreadable files raise :class:`UnreadableTableError`."""
    try:
        if table.format == "csv":
            return _read_csv(connection, table)
        if table.format == "parquet":
            sql = (
                f"SELECT file_row_number + 1 AS {SOURCE_ROW}, * EXCLUDE (file_row_number) "
                f"FROM read_parquet({literal(str(table.path))}, file_row_number = true)"
            )
        else:
            stored = f"{SOURCE_ALIAS}.main.{ident(table.object_name)}"
            if table.is_view:  # a view has no rowid: number its rows once, in a staged copy
                stored = _staged(table)
                connection.execute(
                    f"CREATE OR REPLACE TEMP TABLE {stored} AS SELECT * FROM {SOURCE_ALIAS}.main.{ident(table.object_name)}"
                )
            sql = f"SELECT rowid + 1 AS {SOURCE_ROW}, * FROM {stored}"
        return RawTable(table, sql, _columns(connection, sql))
    except (duckdb.IOException, duckdb.InvalidInputException) as error:
        raise unreadable(table, error) from None


def unreadable(table: TableSource, error: Exception) -> UnreadableTableError:
    """The error for a table whose file DuckDB cannot read."""
    first_line = str(error).strip().splitlines()[0]
    expected = {
        "csv": "UTF-8 comma-separated text with a header line",
        "parquet": "a valid Parquet file",
        "duckdb": "a readable table",
    }[table.format]
    return UnreadableTableError(
        f"{table.location} (table {table.name}) cannot be read: {first_line}; expected {expected}. "
        f"Re-export the file. {SEE_DOCS}"
    )


def drop_staging(connection: duckdb.DuckDBPyConnection, table: TableSource) -> None:
    """Drop what :func:`read_table` staged for ``table``."""
    for name in (_staged(table), _staged(table, "rejects"), _staged(table, "gaps")):
        connection.execute(f"DROP TABLE IF EXISTS {name}")


def _staged(table: TableSource, part: str = "rows") -> str:
    """The name of a temporary staging table of ``table``."""
    return f"{STAGING}.{ident(f'{table.name}__{part}')}"


def _columns(connection: duckdb.DuckDBPyConnection, sql: str) -> dict[str, duckdb.DuckDBPyType]:
    relation = connection.sql(sql)
    return {n: t for n, t in zip(relation.columns, relation.types, strict=True) if n != SOURCE_ROW}


def _read_csv(connection: duckdb.DuckDBPyConnection, table: TableSource) -> RawTable:
    if not table.path.read_bytes()[:4096].strip():
        raise UnreadableTableError(
            f"{table.location} (table {table.name}) cannot be read: the file is empty; expected a "
            f"header line naming the columns. Re-export the file. {SEE_DOCS}"
        )
    staged, rejects, gaps = _staged(table), _staged(table, "rejects"), _staged(table, "gaps")
    connection.execute(
        f"CREATE OR REPLACE TEMP TABLE {staged} AS SELECT * FROM read_csv({literal(str(table.path))}, "
        "header = true, all_varchar = true, delim = ',', quote = '\"', escape = '\"', "
        "store_rejects = true, rejects_table = 'csv_rejects', rejects_scan = 'csv_reject_scans')"
    )
    # A line counts once even when it breaks several things; ``line`` counts the header as 1.
    connection.execute(
        f"CREATE OR REPLACE TEMP TABLE {rejects} AS SELECT line - 1 AS {SOURCE_ROW}, "
        "any_value(csv_line) AS _raw_line, string_agg(DISTINCT CAST(error_type AS VARCHAR), ', ') AS error_types, "
        "any_value(error_message) AS error_message FROM csv_rejects GROUP BY line"
    )
    connection.execute("DROP TABLE csv_rejects")
    connection.execute("DROP TABLE csv_reject_scans")
    encoding = connection.execute(
        f"SELECT min({SOURCE_ROW}) FROM {rejects} WHERE contains(error_types, {literal(_ENCODING_ERROR)})"
    ).fetchone()
    if encoding and encoding[0] is not None:
        raise UnreadableTableError(
            f"{table.location} (table {table.name}) is not UTF-8 text (row {encoding[0]} holds bytes "
            f"that are not UTF-8); expected UTF-8 comma-separated text. Re-save the file as UTF-8. "
            f"{SEE_DOCS}"
        )
    (malformed,) = connection.execute(f"SELECT count(*) FROM {rejects}").fetchone() or (0,)
    if not malformed:
        sql = f"SELECT rowid + 1 AS {SOURCE_ROW}, * FROM {staged}"
        return RawTable(table, sql, _columns(connection, sql))
    # The k-th parsed row is the k-th row number not taken by a rejected line.
    connection.execute(
        f"CREATE OR REPLACE TEMP TABLE {gaps} AS SELECT {SOURCE_ROW} - n AS gap, max(n) AS n FROM "
        f"(SELECT {SOURCE_ROW}, row_number() OVER (ORDER BY {SOURCE_ROW}) AS n FROM {rejects}) GROUP BY gap"
    )
    sql = (
        f"SELECT s.rowid + 1 + coalesce(g.n, 0) AS {SOURCE_ROW}, s.* FROM {staged} s "
        f"ASOF LEFT JOIN {gaps} g ON s.rowid >= g.gap"
    )
    malformed_sql = (
        f"SELECT {SOURCE_ROW}, _raw_line, 'malformed CSV line (' || lower(error_types) || '): ' "
        f"|| error_message AS _reason FROM {rejects}"
    )
    return RawTable(table, sql, _columns(connection, sql), malformed_sql)
