"""Finding the tables of a data source: a directory of table files or a DuckDB database file.

A directory holds one file per table, ``<table>.parquet`` or ``<table>.csv`` (file names
are matched case-insensitively); anything else in it is ignored and listed as such. A
DuckDB database file holds the tables (or views) by their contract names in its ``main``
schema; it is attached read-only to the dataset's connection as ``_source``. A
``postgresql://`` URL names a PostgreSQL schema, copied into ``_source`` (see
:mod:`features.data.postgres`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import duckdb

from features.contract import REQUIRED_TABLES, TABLES
from features.data.errors import (
    SEE_DOCS,
    AmbiguousTableError,
    MissingTableError,
    NotADataSourceError,
    SourceNotFoundError,
    UnreadableTableError,
)
from features.data.sql import literal

Format = Literal["parquet", "csv", "duckdb"]
FILE_FORMATS: tuple[Format, ...] = ("parquet", "csv")
SOURCE_ALIAS = "_source"
"""The catalog name a DuckDB source is attached under."""

_DUCKDB_MAGIC = b"DUCK"
_DUCKDB_MAGIC_OFFSET = 8


@dataclass(frozen=True)
class TableSource:
    """Where one contract table is read from."""

    name: str
    format: Format
    path: Path  # the table file, or the database file for a DuckDB source
    location: str  # how messages and reports name it: a file name or ``db.duckdb:table``
    object_name: str = ""  # the table's name inside a DuckDB source (its own spelling)
    is_view: bool = False  # a view inside a DuckDB source (it has no rowid)


@dataclass(frozen=True)
class Source:
    """The contract tables a source holds, in contract order, and what it holds besides."""

    path: Path | str  # a password-free URL for a PostgreSQL source
    tables: dict[str, TableSource]
    ignored: tuple[str, ...]


def open_source(path: str | Path, connection: duckdb.DuckDBPyConnection) -> Source:
    """Find the contract tables at ``path``; a DuckDB file is attached to ``connection``.

    Raises a :class:`~features.data.errors.DataError` when the path does not exist, is
    neither a directory nor a DuckDB file, holds a table twice or lacks ``accounts``.
    """
    from features.data.postgres import is_postgres_url, postgres_source

    if is_postgres_url(path):
        return postgres_source(path, connection)
    path = Path(path)
    if not path.exists():
        raise SourceNotFoundError(
            f"data source {path} does not exist; expected a directory holding <table>.parquet "
            f"or <table>.csv files (accounts at least) or a DuckDB database file. {SEE_DOCS}"
        )
    if path.is_dir():
        source = _directory_source(path)
    elif _is_duckdb_file(path):
        source = _duckdb_source(path, connection)
    else:
        hint = (
            " (pass the directory that holds it)"
            if path.suffix.lower() in (".csv", ".parquet")
            else ""
        )
        raise NotADataSourceError(
            f"data source {path} is a file but not a DuckDB database{hint}; expected a directory "
            f"holding <table>.parquet or <table>.csv files or a DuckDB database file. {SEE_DOCS}"
        )
    _check_required(source)
    return source


def _is_duckdb_file(path: Path) -> bool:
    with path.open("rb") as file:
        header = file.read(_DUCKDB_MAGIC_OFFSET + len(_DUCKDB_MAGIC))
    return header[_DUCKDB_MAGIC_OFFSET:] == _DUCKDB_MAGIC


def _directory_source(path: Path) -> Source:
    found: dict[str, list[Path]] = {}
    ignored = []
    for entry in sorted(path.iterdir()):
        stem, _, suffix = entry.name.lower().rpartition(".")
        if entry.is_file() and stem in TABLES and suffix in FILE_FORMATS:
            found.setdefault(stem, []).append(entry)
        else:
            ignored.append(entry.name + ("/" if entry.is_dir() else ""))
    tables = {}
    for name in TABLES:
        files = found.get(name, [])
        if len(files) > 1:
            names = " and ".join(f.name for f in files)
            raise AmbiguousTableError(
                f"table {name} is present twice in {path}: {names}; expected one file per table. "
                f"Remove or rename all but one of them. {SEE_DOCS}"
            )
        if files:
            fmt = files[0].name.lower().rpartition(".")[2]
            tables[name] = TableSource(name, fmt, files[0], files[0].name)  # type: ignore[arg-type]
    return Source(path, tables, tuple(ignored))


def _duckdb_source(path: Path, connection: duckdb.DuckDBPyConnection) -> Source:
    try:
        connection.execute(f"ATTACH {literal(str(path))} AS {SOURCE_ALIAS} (READ_ONLY)")
    except duckdb.Error as error:
        raise UnreadableTableError(
            f"DuckDB database {path} cannot be opened: {error}. Close any program that writes "
            f"to it, or export its tables to a directory. {SEE_DOCS}"
        ) from None
    objects = connection.execute(
        "SELECT table_name, table_type = 'VIEW' FROM information_schema.tables "
        "WHERE table_catalog = ? AND table_schema = 'main' ORDER BY table_name",
        [SOURCE_ALIAS],
    ).fetchall()
    by_name: dict[str, list[tuple[str, bool]]] = {}
    for object_name, is_view in objects:
        by_name.setdefault(object_name.lower(), []).append((object_name, is_view))
    tables = {}
    for name in TABLES:
        matches = by_name.pop(name, [])
        if len(matches) > 1:
            names = " and ".join(m[0] for m in matches)
            raise AmbiguousTableError(
                f"table {name} is present twice in {path}: {names}; expected one table per name. "
                f"Drop or rename all but one of them. {SEE_DOCS}"
            )
        if matches:
            object_name, is_view = matches[0]
            location = f"{path.name}:{object_name}"
            tables[name] = TableSource(name, "duckdb", path, location, object_name, is_view)
    ignored = tuple(object_name for matches in by_name.values() for object_name, _ in matches)
    return Source(path, tables, ignored)


def _check_required(source: Source) -> None:
    for name in REQUIRED_TABLES:
        if name not in source.tables:
            found = [t.location for t in source.tables.values()] + list(source.ignored)
            raise missing_table_error(source.path, name, found)


def missing_table_error(path: Path | str, name: str, found: list[str]) -> MissingTableError:
    """The error for a source at ``path`` (or URL) that lacks table ``name``, listing what it has."""
    table = TABLES[name]
    is_dir = isinstance(path, Path) and path.is_dir()
    where = f"{name}.parquet or {name}.csv" if is_dir else f"a table named {name}"
    return MissingTableError(
        f"data source {path} has no {name} table; expected {where} "
        f"({table.description.rstrip('.').lower()}, with column "
        f"{', '.join(table.required_columns)}). Found: {', '.join(found) or 'nothing'}. {SEE_DOCS}"
    )
