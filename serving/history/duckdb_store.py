"""The history in a DuckDB database file (the default: runs/history.duckdb).

Rows go in from an Arrow table registered on the connection, in one
``INSERT ... ON CONFLICT DO NOTHING``. DuckDB lets one process at a time write a file; a second
one gets :class:`HistoryUnreachableError` saying so.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from serving.history.errors import SEE_DOCS, HistoryUnreachableError
from serving.history.schema import (
    SCHEMA_VERSION,
    TABLES,
    VERSION_TABLE,
    Table,
    to_arrow,
    version_ddl,
)
from serving.history.store import HistoryStore

_STAGED = "_history_rows"


class DuckDBHistory(HistoryStore):
    """The history in the DuckDB file at ``path`` (created with its parent folders if absent)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.description = str(self.path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._connection = duckdb.connect(str(self.path))
        except duckdb.Error as error:
            first_line = str(error).strip().splitlines()[0]
            raise HistoryUnreachableError(
                f"history database {self.path} cannot be opened: {first_line}. DuckDB lets one "
                f"process write a file at a time: stop the other program using it (e.g. a "
                f"running `churn serve` or `churn score`), or keep the history in PostgreSQL. "
                f"{SEE_DOCS}"
            ) from None
        self._connection.execute("SET TimeZone = 'UTC'")
        with contextlib.suppress(duckdb.InvalidInputException):
            self._connection.execute("SET enable_progress_bar = false")
        self._create_schema()

    def _create_schema(self) -> None:
        connection = self._connection
        connection.execute(version_ddl("duckdb", VERSION_TABLE))
        found = connection.execute(f"SELECT max(version) FROM {VERSION_TABLE}").fetchone()
        self._check_version(found[0] if found else None)
        connection.execute("BEGIN")
        for table in TABLES:
            connection.execute(table.ddl("duckdb", table.name))
        connection.execute(
            f"INSERT INTO {VERSION_TABLE} VALUES (?, ?) ON CONFLICT DO NOTHING",
            [SCHEMA_VERSION, datetime.now(UTC)],
        )
        connection.execute("COMMIT")

    def _table(self, name: str) -> str:
        return name

    def _placeholder(self) -> str:
        return "?"

    def _in_list(self) -> str:
        return "IN (SELECT unnest(CAST(? AS VARCHAR[])))"

    def _insert_new(self, table: Table, rows: pd.DataFrame) -> int:
        cursor = self._connection.cursor()
        try:
            cursor.register(_STAGED, to_arrow(table, rows))
            columns = ", ".join(table.column_names)
            result = cursor.execute(
                f"INSERT INTO {table.name} ({columns}) SELECT {columns} FROM {_STAGED} "
                "ON CONFLICT DO NOTHING"
            ).fetchone()
        finally:
            cursor.close()
        return int(result[0]) if result else 0

    def _query(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        cursor = self._connection.cursor()
        try:
            return cursor.execute(sql, list(params)).arrow().read_all().to_pandas()
        finally:
            cursor.close()

    def close(self) -> None:
        self._connection.close()
