"""A PostgreSQL schema as a data source: ``postgresql://user@host:port/db?schema=name``.

Each contract table present in the schema (tables and views, names matched
case-insensitively; schema ``public`` unless given) is streamed with ``COPY ... TO STDOUT``
as CSV, in physical row order, and loaded with its PostgreSQL column types into an in-memory
DuckDB database attached as ``_source``; from there the tables are validated exactly like the
tables of a DuckDB source file, and ``_source_row`` is the row's position in that order.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

import duckdb

from churn_scorecard.errors import ChurnError
from features.contract import REQUIRED_TABLES, TABLES
from features.data.errors import SEE_DOCS, AmbiguousTableError, SourceNotFoundError
from features.data.sources import SOURCE_ALIAS, Source, TableSource, missing_table_error
from features.data.sql import ident, literal

DEFAULT_SCHEMA = "public"
CONNECT_TIMEOUT_S = 10

_URL = re.compile(r"^postgres(?:ql)?:/+", re.IGNORECASE)

# PostgreSQL type (information_schema.columns.data_type) -> DuckDB type; anything else is text.
_DUCKDB_TYPES = {
    "smallint": "SMALLINT",
    "integer": "INTEGER",
    "bigint": "BIGINT",
    "real": "FLOAT",
    "double precision": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "timestamp without time zone": "TIMESTAMP",
    "timestamp with time zone": "TIMESTAMPTZ",
}
_MAX_DECIMAL_DIGITS = 38


def is_postgres_url(source: str | Path) -> bool:
    """Whether ``source`` names a PostgreSQL database (also after ``Path`` squashed its ``//``)."""
    return bool(_URL.match(str(source)))


@dataclass(frozen=True)
class PostgresLocation:
    """Where a PostgreSQL URL points: libpq connection URL, schema, and a password-free name."""

    conninfo: str  # the URL without ``schema=``, for psycopg
    schema: str
    host: str
    port: int
    database: str
    user: str

    @property
    def shown(self) -> str:
        """The URL as messages show it: no password."""
        user = f"{self.user}@" if self.user else ""
        return f"postgresql://{user}{self.host}:{self.port}/{self.database}?schema={self.schema}"


def parse_postgres_url(url: str | Path) -> PostgresLocation:
    """Split ``postgresql://user[:password]@host[:port]/db[?schema=x&...]``.

    Query parameters other than ``schema`` go to libpq unchanged (``sslmode=require`` ...).
    """
    text = _URL.sub("postgresql://", str(url), count=1)
    parts = urlsplit(text)
    query = parse_qsl(parts.query, keep_blank_values=True)
    schema = next((v for k, v in query if k == "schema"), "") or DEFAULT_SCHEMA
    rest = [(k, v) for k, v in query if k != "schema"]
    if not any(k == "connect_timeout" for k, _ in rest):
        rest.append(("connect_timeout", str(CONNECT_TIMEOUT_S)))
    conninfo = urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(rest), ""))
    return PostgresLocation(
        conninfo=conninfo,
        schema=schema,
        host=parts.hostname or "localhost",
        port=parts.port or 5432,
        database=unquote(parts.path.lstrip("/")) or unquote(parts.username or ""),
        user=unquote(parts.username or ""),
    )


def connect_postgres(
    location: PostgresLocation, error: type[ChurnError], purpose: str, see: str = SEE_DOCS
) -> Any:
    """A psycopg connection (autocommit, UTC, ISO dates); failures raise ``error`` saying how to fix.

    ``purpose`` finishes the sentence "cannot connect to PostgreSQL ... to ..."; ``see``
    ends the message (which docs to read).
    """
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg[binary] is a dependency
        raise error(
            "reading PostgreSQL needs psycopg 3: install it with `pip install 'psycopg[binary]'`."
        ) from None
    try:
        connection = psycopg.connect(location.conninfo, autocommit=True)
    except psycopg.Error as failure:
        reason = " ".join(str(failure).split())
        reason += "" if reason.endswith((".", "?", "!")) else "."
        raise error(
            f"cannot connect to PostgreSQL at {location.host}:{location.port} (database "
            f"{location.database or '?'}, user {location.user or '?'}) to {purpose}: {reason} "
            f"Check that the server is running and accepts connections there "
            f"(`pg_isready -h {location.host} -p {location.port}`), and the URL's user, password "
            f"and database. {see}"
        ) from None
    connection.execute("SET TimeZone = 'UTC'")
    connection.execute("SET DateStyle = 'ISO, YMD'")
    return connection


def postgres_source(url: str | Path, connection: duckdb.DuckDBPyConnection) -> Source:
    """Copy the contract tables of the schema at ``url`` into ``connection`` as ``_source``."""
    location = parse_postgres_url(url)
    with connect_postgres(location, SourceNotFoundError, "read the data source") as pg:
        objects = _schema_objects(pg, location)
        source = _found_tables(location, objects)
        connection.execute(f"ATTACH ':memory:' AS {SOURCE_ALIAS}")
        with tempfile.TemporaryDirectory(prefix="churn-postgres-") as staging:
            for table in source.tables.values():
                is_view = objects[table.object_name]
                _copy_table(pg, location, table, is_view, connection, Path(staging))
    return source


def _schema_objects(pg: Any, location: PostgresLocation) -> dict[str, bool]:
    """Tables and views of the schema: stored name -> is a view. Missing schema raises."""
    found = pg.execute(
        "SELECT 1 FROM information_schema.schemata WHERE schema_name = %s", [location.schema]
    ).fetchone()
    if not found:
        schemas = [
            r[0]
            for r in pg.execute(
                "SELECT schema_name FROM information_schema.schemata WHERE schema_name "
                "NOT LIKE 'pg\\_%%' AND schema_name <> 'information_schema' ORDER BY 1"
            ).fetchall()
        ]
        raise SourceNotFoundError(
            f"data source {location.shown} does not exist: database {location.database} has no "
            f"schema {location.schema} (found: {', '.join(schemas) or 'none'}); expected the "
            f"schema holding the contract tables. Fix ?schema= in the URL. {SEE_DOCS}"
        )
    rows = pg.execute(
        "SELECT table_name, table_type = 'VIEW' FROM information_schema.tables "
        "WHERE table_schema = %s ORDER BY table_name",
        [location.schema],
    ).fetchall()
    return dict(rows)


def _found_tables(location: PostgresLocation, objects: dict[str, bool]) -> Source:
    by_name: dict[str, list[str]] = {}
    for object_name in objects:
        by_name.setdefault(object_name.lower(), []).append(object_name)
    tables = {}
    for name in TABLES:
        matches = by_name.pop(name, [])
        if len(matches) > 1:
            raise AmbiguousTableError(
                f"table {name} is present twice in {location.shown}: {' and '.join(matches)}; "
                f"expected one table per name. Drop or rename all but one of them. {SEE_DOCS}"
            )
        if matches:
            object_name = matches[0]
            tables[name] = TableSource(
                name,
                "duckdb",
                Path(location.schema),
                f"{location.schema}.{object_name}",
                object_name,  # copied into ``_source`` as a table (with rowid) under this name
            )
    ignored = tuple(o for names in by_name.values() for o in names)
    for name in REQUIRED_TABLES:
        if name not in tables:
            found = [t.location for t in tables.values()] + list(ignored)
            raise missing_table_error(location.shown, name, found)
    return Source(location.shown, tables, ignored)


def _copy_table(
    pg: Any,
    location: PostgresLocation,
    table: TableSource,
    is_view: bool,
    connection: duckdb.DuckDBPyConnection,
    staging: Path,
) -> None:
    from psycopg import sql

    columns = pg.execute(
        "SELECT column_name, data_type, numeric_precision, numeric_scale "
        "FROM information_schema.columns WHERE table_schema = %s AND table_name = %s "
        "ORDER BY ordinal_position",
        [location.schema, table.object_name],
    ).fetchall()
    names = sql.SQL(", ").join(sql.Identifier(c[0]) for c in columns)
    stored = sql.Identifier(location.schema, table.object_name)
    # Physical order (ctid) gives stable row numbers for a table; a view has no ctid.
    order = sql.SQL("") if is_view else sql.SQL(" ORDER BY ctid")
    query = sql.SQL("COPY (SELECT {} FROM {}{}) TO STDOUT (FORMAT csv)").format(
        names, stored, order
    )
    path = staging / f"{table.name}.csv"
    with path.open("wb") as file, pg.cursor().copy(query) as copy:
        for chunk in copy:
            file.write(chunk)
    types = ", ".join(f"{literal(name)}: {literal(_duckdb_type(*rest))}" for name, *rest in columns)
    connection.execute(
        f"CREATE TABLE {SOURCE_ALIAS}.main.{ident(table.object_name)} AS SELECT * FROM "
        f"read_csv({literal(str(path))}, header = false, columns = {{{types}}}, delim = ',', "
        "quote = '\"', escape = '\"', allow_quoted_nulls = false, auto_detect = false)"
    )
    path.unlink()


def _duckdb_type(data_type: str, precision: int | None, scale: int | None) -> str:
    if data_type == "numeric":
        if precision and precision <= _MAX_DECIMAL_DIGITS:
            return f"DECIMAL({precision}, {scale or 0})"
        return "DOUBLE"
    return _DUCKDB_TYPES.get(data_type, "VARCHAR")
