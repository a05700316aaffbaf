"""Turning a stored column into its contract kind: the SQL that parses one value.

CSV tables are read as text, so every cell is stripped of surrounding whitespace and goes
through a ``try_cast``-style parse that yields NULL instead of failing; typed sources
(Parquet, DuckDB) pass compatible types through with a plain cast. A stored type that
cannot hold the kind at all (a BOOLEAN timestamp, a list of amounts) is a table-level
:class:`ColumnTypeError`. Each parser gets the SQL of the cell (its stripped text for a
text-stored column) and the stored type, and returns the parsed value's SQL or None.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from features.contract import Column, Kind
from features.data.errors import SEE_DOCS, ColumnTypeError
from features.data.sql import ident, literal

SQL_TYPES = {
    Kind.ID: "VARCHAR",
    Kind.TEXT: "VARCHAR",
    Kind.TIMESTAMP: "TIMESTAMP",
    Kind.NUMBER: "DOUBLE",
    Kind.INTEGER: "BIGINT",
    Kind.BOOLEAN: "BOOLEAN",
    Kind.ENUM: "VARCHAR",
}
"""The type of each kind in a clean table."""

TRUE_WORDS = ("true", "t", "yes", "y", "1")
FALSE_WORDS = ("false", "f", "no", "n", "0")

_WHITESPACE = " \t\n\r"
_TEXTUAL = {"varchar", "enum"}
_INTEGERS = {
    "tinyint",
    "smallint",
    "integer",
    "bigint",
    "hugeint",
    "utinyint",
    "usmallint",
    "uinteger",
    "ubigint",
    "uhugeint",
}
_NUMBERS = _INTEGERS | {"float", "double", "decimal"}
_NAIVE_TIMES = {"date", "timestamp", "timestamp_s", "timestamp_ms", "timestamp_ns"}
_ZONED_TIME = "timestamp with time zone"
_SCALARS = _TEXTUAL | _NUMBERS | _NAIVE_TIMES | {_ZONED_TIME, "boolean", "uuid", "time", "interval"}

_EXPECTED = {
    Kind.ID: "identifiers (text or whole numbers)",
    Kind.TEXT: "text",
    Kind.TIMESTAMP: "timestamps (ISO 8601 text, DATE or TIMESTAMP)",
    Kind.NUMBER: "numbers",
    Kind.INTEGER: "whole numbers",
    Kind.BOOLEAN: "booleans (true/false, yes/no or 1/0)",
    Kind.ENUM: "text",
}


@dataclass(frozen=True)
class Coercion:
    """How one stored column becomes its contract column.

    ``text`` (text-stored columns only) is the cell stripped of surrounding whitespace,
    NULL when blank; the plan computes it once as column ``text_name``. ``value`` is the
    parsed value (NULL when the cell is empty or cannot be parsed; an INTEGER is kept as
    DOUBLE until :meth:`final` so a fraction can be reported) and ``empty`` is true when
    the cell holds nothing; both may refer to ``text_name``.
    """

    column: Column
    stored: str  # the quoted stored column, or NULL when the column is absent
    value: str
    empty: str
    text: str | None = None
    text_name: str = ""

    def final(self, value: str) -> str:
        """SQL of the clean value, given SQL ``value`` of the parsed one."""
        if self.column.kind is Kind.INTEGER:
            value = f"CAST({value} AS BIGINT)"
        if self.column.default is not None:
            value = f"coalesce({value}, {self.column.default!r})"
        return f"CAST({value} AS {SQL_TYPES[self.column.kind]})"


def coerce(column: Column, stored: str, stored_type: duckdb.DuckDBPyType) -> Coercion | None:
    """The coercion of SQL expression ``stored`` (of ``stored_type``) to ``column``'s kind.

    None when the stored type cannot hold values of that kind.
    """
    type_id = stored_type.id
    if type_id in _TEXTUAL and column.kind is not Kind.TEXT:
        text_name = ident(f"__t_{column.name}")
        value = _PARSERS[column.kind](text_name, type_id)
        return Coercion(
            column,
            stored,
            value,
            f"({text_name} IS NULL)",
            f"nullif({_strip(stored)}, '')",
            text_name,
        )
    value = _PARSERS[column.kind](stored, type_id)
    return None if value is None else Coercion(column, stored, value, f"({stored} IS NULL)")


def absent(column: Column, stored: str = "NULL") -> Coercion:
    """The coercion of a column that holds nothing (absent, or stored without a single value)."""
    return Coercion(column, stored, f"CAST(NULL AS {SQL_TYPES[column.kind]})", "true")


def type_error(
    location: str, table: str, column: Column, stored_type: duckdb.DuckDBPyType
) -> ColumnTypeError:
    """The error for a ``column`` stored as ``stored_type``, which cannot hold its kind."""
    return ColumnTypeError(
        f"{location} column {column.name!r} (table {table}) is stored as {stored_type}; expected "
        f"{_EXPECTED[column.kind]}: {column.description} Convert the column to that type or "
        f"rename it if it holds something else. {SEE_DOCS}"
    )


def _strip(expr: str) -> str:
    # trim() with a character list is slow; most cells have no surrounding whitespace at all.
    edges = " OR ".join(
        f"{expr} LIKE {literal(c + '%')} OR {expr} LIKE {literal('%' + c)}" for c in _WHITESPACE
    )
    return f"(CASE WHEN {edges} THEN trim({expr}, {literal(_WHITESPACE)}) ELSE {expr} END)"


def _id(cell: str, type_id: str) -> str | None:
    if type_id in _TEXTUAL:
        return cell
    if type_id in _INTEGERS or type_id == "uuid":
        return f"CAST({cell} AS VARCHAR)"
    return None


def _text(cell: str, type_id: str) -> str | None:
    return f"CAST({cell} AS VARCHAR)" if type_id in _SCALARS else None


def _enum(cell: str, type_id: str) -> str | None:
    return f"lower({cell})" if type_id in _TEXTUAL else None


def _timestamp(cell: str, type_id: str) -> str | None:
    if type_id in _TEXTUAL:
        parsed = f"timezone('UTC', try_cast({cell} AS TIMESTAMPTZ))"
    elif type_id in _NAIVE_TIMES:
        parsed = f"CAST({cell} AS TIMESTAMP)"
    elif type_id == _ZONED_TIME:
        parsed = f"timezone('UTC', {cell})"
    else:
        return None
    return f"(CASE WHEN isfinite({parsed}) THEN {parsed} END)"


def _number(cell: str, type_id: str) -> str | None:
    if type_id in _TEXTUAL:
        parsed = f"try_cast({cell} AS DOUBLE)"
    elif type_id in _NUMBERS:
        parsed = f"CAST({cell} AS DOUBLE)"
    else:
        return None
    return f"(CASE WHEN isfinite({parsed}) THEN {parsed} END)"


def _boolean(cell: str, type_id: str) -> str | None:
    if type_id == "boolean":
        return cell
    if type_id in _INTEGERS:
        return f"(CASE {cell} WHEN 1 THEN true WHEN 0 THEN false END)"
    if type_id in _TEXTUAL:
        true_words = ", ".join(f"'{w}'" for w in TRUE_WORDS)
        false_words = ", ".join(f"'{w}'" for w in FALSE_WORDS)
        word = f"lower({cell})"
        return f"(CASE WHEN {word} IN ({true_words}) THEN true WHEN {word} IN ({false_words}) THEN false END)"
    return None


_PARSERS = {
    Kind.ID: _id,
    Kind.TEXT: _text,
    Kind.ENUM: _enum,
    Kind.TIMESTAMP: _timestamp,
    Kind.NUMBER: _number,
    Kind.INTEGER: _number,
    Kind.BOOLEAN: _boolean,
}
