"""The history's tables, declared once: columns, kinds, keys, and the DDL for each backend.

``score_history`` holds one row per (account_id, as_of, model_version) with the score columns
of ``churn score`` plus ``scored_at`` and ``explanation`` (JSON); ``score_alerts`` one row per
(account_id, as_of, model_version, kind); ``history_schema`` the schema version written.
Frames handed in are checked and cast here (:func:`conform`), and frames handed back get the
same pandas dtypes from both backends (:func:`typed`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

import pandas as pd
import pyarrow as pa

from serving.history.errors import SEE_DOCS, MissingHistoryColumnError

SCHEMA_VERSION = 1
"""Bumped whenever a table or column changes; stored in ``history_schema``."""

Kind = Literal["text", "int", "float", "timestamp", "date"]

SQL_TYPES: dict[str, dict[Kind, str]] = {
    "duckdb": {
        "text": "VARCHAR",
        "int": "INTEGER",
        "float": "DOUBLE",
        "timestamp": "TIMESTAMPTZ",
        "date": "DATE",
    },
    "postgresql": {
        "text": "TEXT",
        "int": "INTEGER",
        "float": "DOUBLE PRECISION",
        "timestamp": "TIMESTAMPTZ",
        "date": "DATE",
    },
}

PANDAS_DTYPES: dict[Kind, str] = {
    "text": "str",
    "int": "Int64",
    "float": "float64",
    "timestamp": "datetime64[us, UTC]",
    "date": "datetime64[us]",
}

ARROW_TYPES: dict[Kind, pa.DataType] = {
    "text": pa.string(),
    "int": pa.int32(),
    "float": pa.float64(),
    "timestamp": pa.timestamp("us", tz="UTC"),
    "date": pa.date32(),
}


@dataclass(frozen=True)
class Column:
    """One history column: its kind and whether appended frames must carry it."""

    name: str
    kind: Kind
    required: bool = False


@dataclass(frozen=True)
class Table:
    """One history table: columns in stored order and the key that makes a row unique."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    defaults_now: str  # the timestamp column filled with the time of appending when absent

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def ddl(self, dialect: str, qualified: str) -> str:
        """``CREATE TABLE IF NOT EXISTS`` for this table named ``qualified`` in ``dialect``."""
        types = SQL_TYPES[dialect]
        lines = [
            f"{c.name} {types[c.kind]}{' NOT NULL' if c.required else ''}" for c in self.columns
        ]
        lines.append(f"PRIMARY KEY ({', '.join(self.key)})")
        return f"CREATE TABLE IF NOT EXISTS {qualified} (\n  " + ",\n  ".join(lines) + "\n)"


def _columns(kind: Kind, *names: str, required: bool = False) -> list[Column]:
    return [Column(name, kind, required) for name in names]


SCORES = Table(
    name="score_history",
    columns=(
        *_columns("text", "account_id", required=True),
        *_columns("timestamp", "as_of", required=True),
        *_columns("text", "model_name"),
        *_columns("text", "model_version", required=True),
        *_columns("text", "feature_set_version"),
        *_columns("float", "churn_probability", required=True),
        *_columns("float", "baseline_probability"),
        *_columns("int", "health", required=True),
        *_columns("text", "band", required=True),
        *_columns(
            "int",
            "usage_score",
            "support_score",
            "survey_score",
            "billing_score",
            "relationship_score",
        ),
        *_columns("float", "arr", "arr_at_risk"),
        *_columns("text", "segment", "owner"),
        *_columns("date", "renewal_date"),
        *_columns(
            "text", "driver_1", "driver_2", "driver_3", "protective_1", "protective_2", "plays"
        ),
        *_columns("int", "previous_health", "health_change"),
        *_columns("text", "change_summary"),
        *_columns("timestamp", "scored_at", required=True),
        *_columns("text", "explanation"),
    ),
    key=("account_id", "as_of", "model_version"),
    defaults_now="scored_at",
)

ALERTS = Table(
    name="score_alerts",
    columns=(
        *_columns("text", "account_id", required=True),
        *_columns("timestamp", "as_of", required=True),
        *_columns("text", "model_version", required=True),
        *_columns("text", "kind", required=True),
        *_columns("text", "from_band", "to_band"),
        *_columns("int", "health", "previous_health"),
        *_columns("text", "message"),
        *_columns("timestamp", "created_at", required=True),
    ),
    key=("account_id", "as_of", "model_version", "kind"),
    defaults_now="created_at",
)

VERSION_TABLE = "history_schema"
"""One row per schema version written: ``version`` and ``created_at``."""

TABLES = (SCORES, ALERTS)


def version_ddl(dialect: str, qualified: str) -> str:
    """``CREATE TABLE IF NOT EXISTS`` for the schema version table."""
    stamp = SQL_TYPES[dialect]["timestamp"]
    return (
        f"CREATE TABLE IF NOT EXISTS {qualified} "
        f"(version INTEGER PRIMARY KEY, created_at {stamp} NOT NULL)"
    )


def conform(table: Table, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` reduced to ``table``'s columns in stored order, typed, one row per key.

    Optional columns that are absent become nulls; the ``defaults_now`` timestamp becomes the
    current time when absent; columns the table does not hold are left out. Raises
    :class:`MissingHistoryColumnError` naming the required columns that are absent.
    """
    frame = frame.reset_index(drop=True)
    needed = [name for name in table.required if name != table.defaults_now]
    missing = [name for name in needed if name not in frame.columns]
    if missing:
        raise MissingHistoryColumnError(
            f"rows for {table.name} have no column {', '.join(repr(m) for m in missing)}; "
            f"expected at least {', '.join(needed)} (key {', '.join(table.key)}). "
            f"Found columns: {', '.join(map(str, frame.columns)) or 'none'}. {SEE_DOCS}"
        )
    out = pd.DataFrame(index=frame.index)
    for column in table.columns:
        if column.name in frame.columns:
            values = frame[column.name]
        elif column.name == table.defaults_now:
            values = pd.Series(datetime.now(UTC), index=frame.index)
        else:
            values = pd.Series(None, index=frame.index, dtype="object")
        out[column.name] = _cast(values, column)
    nulls = [k for k in table.required if out[k].isna().any()]
    if nulls:
        raise MissingHistoryColumnError(
            f"rows for {table.name} have empty values in column "
            f"{', '.join(repr(n) for n in nulls)}; expected a value in every row. {SEE_DOCS}"
        )
    return out.drop_duplicates(list(table.key), keep="first", ignore_index=True)


def typed(table: Table, frame: pd.DataFrame, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """``frame`` read back from a backend with each column's canonical pandas dtype."""
    kinds = {c.name: c for c in table.columns}
    for name in columns or table.column_names:
        frame[name] = _cast(frame[name], kinds[name])
    return frame


def to_arrow(table: Table, rows: pd.DataFrame) -> pa.Table:
    """Conformed ``rows`` as an Arrow table with the stored types (for bulk loading)."""
    arrays = []
    for column in table.columns:
        values = rows[column.name]
        if column.kind in ("timestamp", "date"):
            naive = values.dt.tz_convert(None) if column.kind == "timestamp" else values
            stamps = pa.array(naive.to_numpy(), pa.timestamp("us"), from_pandas=True)
            array = stamps.cast(ARROW_TYPES[column.kind])
        else:
            array = pa.Array.from_pandas(values, type=ARROW_TYPES[column.kind])
        arrays.append(array)
    return pa.Table.from_arrays(arrays, names=table.column_names)


def utc(moment: datetime) -> datetime:
    """``moment`` as an aware UTC datetime (naive means UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _cast(values: pd.Series, column: Column) -> pd.Series:
    if column.kind == "timestamp":
        stamps = pd.to_datetime(values, utc=True)
        return stamps.astype(PANDAS_DTYPES["timestamp"])
    if column.kind == "date":
        stamps = pd.to_datetime(values)
        if isinstance(stamps.dtype, pd.DatetimeTZDtype):
            stamps = stamps.dt.tz_convert(UTC).dt.tz_localize(None)
        return stamps.dt.normalize().astype(PANDAS_DTYPES["date"])
    if column.kind == "int":
        return pd.to_numeric(values).round().astype(PANDAS_DTYPES["int"])
    if column.kind == "float":
        return pd.to_numeric(values).astype(PANDAS_DTYPES["float"])
    if values.dtype == object:
        values = values.map(_as_text, na_action="ignore")
    return values.astype(PANDAS_DTYPES["text"])


def _as_text(value: object) -> object:
    """JSON for structured values (an explanation given as a dict or pydantic model)."""
    if hasattr(value, "model_dump_json"):
        return value.model_dump_json()  # type: ignore[attr-defined]
    if isinstance(value, dict | list):
        return json.dumps(value, default=str)
    return value
