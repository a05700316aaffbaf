"""The history in a PostgreSQL schema (``postgresql://user@host:port/db?schema=name``).

Rows go in with ``COPY`` (CSV written by Arrow) into a temporary table, then one
``INSERT ... ON CONFLICT DO NOTHING`` moves the new ones, so appends are fast and idempotent.
Tables are created on first use in the URL's schema (``public`` unless given; created if
absent), under a transaction-level advisory lock so two first runs do not race.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import pyarrow.csv as pa_csv
from psycopg import sql

from features.data.postgres import connect_postgres, parse_postgres_url
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

_LOCK_KEY = 4_711_002
"""Advisory lock key taken while creating the history tables."""


class PostgresHistory(HistoryStore):
    """The history in the PostgreSQL schema that ``url`` names."""

    def __init__(self, url: str) -> None:
        self.location = parse_postgres_url(url)
        self.description = self.location.shown
        self._connection = connect_postgres(
            self.location, HistoryUnreachableError, "open the score history", SEE_DOCS
        )
        self._create_schema()

    def _create_schema(self) -> None:
        schema = self._quoted(self.location.schema)
        with self._connection.transaction():
            self._connection.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
            self._connection.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
            self._connection.execute(version_ddl("postgresql", self._table(VERSION_TABLE)))
            found = self._connection.execute(
                f"SELECT max(version) FROM {self._table(VERSION_TABLE)}"
            ).fetchone()
            self._check_version(found[0] if found else None)
            for table in TABLES:
                self._connection.execute(table.ddl("postgresql", self._table(table.name)))
            self._connection.execute(
                f"INSERT INTO {self._table(VERSION_TABLE)} VALUES (%s, %s) ON CONFLICT DO NOTHING",
                [SCHEMA_VERSION, datetime.now(UTC)],
            )

    def _quoted(self, *names: str) -> str:
        return sql.Identifier(*names).as_string(self._connection)

    def _table(self, name: str) -> str:
        return self._quoted(self.location.schema, name)

    def _placeholder(self) -> str:
        return "%s"

    def _in_list(self) -> str:
        return "= ANY(%s::text[])"

    def _insert_new(self, table: Table, rows: pd.DataFrame) -> int:
        columns = ", ".join(table.column_names)
        staged = self._quoted(f"_staged_{table.name}")
        buffer = io.BytesIO()
        pa_csv.write_csv(
            to_arrow(table, rows),
            buffer,
            pa_csv.WriteOptions(include_header=False),
        )
        with self._connection.transaction():
            self._connection.execute(
                f"CREATE TEMP TABLE {staged} (LIKE {self._table(table.name)}) ON COMMIT DROP"
            )
            with self._connection.cursor().copy(
                f"COPY {staged} ({columns}) FROM STDIN (FORMAT csv)"
            ) as copy:
                copy.write(buffer.getbuffer())
            inserted = self._connection.execute(
                f"INSERT INTO {self._table(table.name)} ({columns}) SELECT {columns} "
                f"FROM {staged} ON CONFLICT DO NOTHING"
            )
            return max(inserted.rowcount, 0)

    def _query(self, sql_text: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        with self._connection.cursor() as cursor:
            cursor.execute(sql_text, list(params))
            names = [d.name for d in cursor.description or []]
            return pd.DataFrame(cursor.fetchall(), columns=names)

    def close(self) -> None:
        self._connection.close()
