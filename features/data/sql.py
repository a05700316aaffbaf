"""Quoting for the SQL this package generates: identifiers and literals, nothing else."""

from __future__ import annotations

from datetime import datetime


def ident(name: str) -> str:
    """``name`` as a quoted DuckDB identifier."""
    return '"' + name.replace('"', '""') + '"'


def literal(value: str) -> str:
    """``value`` as a quoted SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def timestamp(value: datetime | str) -> str:
    """A naive ``TIMESTAMP`` literal."""
    text = value.isoformat(sep=" ") if isinstance(value, datetime) else value
    return f"TIMESTAMP {literal(text)}"


def shown(expr: str, width: int = 60) -> str:
    """SQL text of ``expr`` quoted for a reason message, cut to ``width`` characters."""
    text = f"CAST({expr} AS VARCHAR)"
    return f"('''' || CASE WHEN length({text}) > {width} THEN left({text}, {width}) || '...' ELSE {text} END || '''')"
