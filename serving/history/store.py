"""The history store's interface and the behaviour both backends share.

A backend opens its connection and creates the tables, then supplies the primitives below
(a table's SQL name, inserting the new rows of a conformed frame, running a query into a
frame, its parameter placeholder and list match, close); the queries themselves are written
once here, in SQL both DuckDB and PostgreSQL accept.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import pandas as pd

from serving.history.errors import SEE_DOCS, HistorySchemaError
from serving.history.schema import ALERTS, SCHEMA_VERSION, SCORES, Table, conform, typed, utc

_LATEST_FIRST = "as_of DESC, scored_at DESC, model_version DESC"
"""Which stored row of an account is the latest: newest as_of, then newest scoring."""


class HistoryStore(ABC):
    """Score history and alerts of every scoring run; a context manager that closes itself.

    Rows are unique per (account_id, as_of, model_version) for scores and per
    (account_id, as_of, model_version, kind) for alerts: appending rows already stored
    inserts nothing, so re-running a scoring run is harmless.
    """

    description: str
    """How messages name this store (a file path or a URL without password)."""

    # -- backend primitives -------------------------------------------------------------------

    @abstractmethod
    def _table(self, name: str) -> str:
        """The quoted, schema-qualified SQL name of history table ``name``."""

    @abstractmethod
    def _insert_new(self, table: Table, rows: pd.DataFrame) -> int:
        """Insert the conformed ``rows`` whose key is not stored yet; return how many."""

    @abstractmethod
    def _query(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        """Run ``sql`` (placeholders from :meth:`_placeholder`) and return its rows as a frame."""

    @abstractmethod
    def _in_list(self) -> str:
        """The SQL tail matching a column against one list-of-text parameter."""

    @abstractmethod
    def _placeholder(self) -> str:
        """This backend's parameter placeholder."""

    @abstractmethod
    def close(self) -> None:
        """Release the connection; the store cannot be used afterwards."""

    # -- shared behaviour ---------------------------------------------------------------------

    def _check_version(self, found: int | None) -> None:
        if found is not None and found != SCHEMA_VERSION:
            raise HistorySchemaError(
                f"history {self.description} was written with schema version {found}; this "
                f"version of churn-scorecard reads version {SCHEMA_VERSION}. Use a new history "
                f"database (or the churn-scorecard version that wrote it). {SEE_DOCS}"
            )

    def append_scores(self, scores: pd.DataFrame) -> int:
        """Store score rows (score columns + ``scored_at`` + ``explanation``); return rows added.

        Rows whose (account_id, as_of, model_version) is already stored are skipped.
        ``scored_at`` defaults to now; optional columns absent from ``scores`` are stored
        empty; columns the history does not hold are ignored.
        """
        rows = conform(SCORES, scores)
        return self._insert_new(SCORES, rows) if len(rows) else 0

    def append_alerts(self, alerts: pd.DataFrame) -> int:
        """Store alert rows; return rows added (already stored alerts are skipped)."""
        rows = conform(ALERTS, alerts)
        return self._insert_new(ALERTS, rows) if len(rows) else 0

    def previous_scores(self, account_ids: Sequence[str], before: datetime) -> pd.DataFrame:
        """Per account of ``account_ids``, its latest row with ``as_of < before`` (any model).

        Accounts never scored before ``before`` have no row. ``before`` naive means UTC.
        """
        p = self._placeholder()
        sql = self._latest_sql(f"account_id {self._in_list()} AND as_of < {p}")
        return self._scores(sql, [list(map(str, account_ids)), utc(before)])

    def latest_scores(self) -> pd.DataFrame:
        """The latest row of every account (newest as_of, any model version)."""
        return self._scores(self._latest_sql("TRUE"))

    def account_history(self, account_id: str, limit: int | None = None) -> pd.DataFrame:
        """Every stored row of ``account_id``, oldest first; ``limit`` keeps the newest ones."""
        p = self._placeholder()
        inner = (
            f"SELECT * FROM {self._table(SCORES.name)} WHERE account_id = {p} "
            f"ORDER BY {_LATEST_FIRST}"
        )
        params: list[Any] = [account_id]
        if limit is not None:
            inner += f" LIMIT {p}"
            params.append(int(limit))
        sql = f"SELECT * FROM ({inner}) AS newest ORDER BY as_of, scored_at, model_version"
        return self._scores(sql, params)

    def account_histories(
        self, account_ids: Sequence[str], limit: int | None = None
    ) -> pd.DataFrame:
        """:meth:`account_history` of many accounts in one query: by account, oldest first."""
        p = self._placeholder()
        where = f"WHERE _rank <= {p}" if limit is not None else ""
        columns = ", ".join(SCORES.column_names)
        sql = (
            f"SELECT {columns} FROM (SELECT *, row_number() OVER "
            f"(PARTITION BY account_id ORDER BY {_LATEST_FIRST}) AS _rank "
            f"FROM {self._table(SCORES.name)} WHERE account_id {self._in_list()}) AS ranked "
            f"{where} ORDER BY account_id, as_of, scored_at, model_version"
        )
        params: list[Any] = [list(map(str, account_ids))]
        if limit is not None:
            params.append(int(limit))
        return self._scores(sql, params)

    def scores(self, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """Every stored score row (only ``columns``, default all): by account, oldest first.

        For reading the history whole (the audit joins it to renewal outcomes); leave out
        ``explanation`` when it is not needed, it is most of a row's size.
        """
        names = list(columns) if columns is not None else SCORES.column_names
        unknown = [name for name in names if name not in SCORES.column_names]
        if unknown:
            raise ValueError(
                f"score_history has no column {', '.join(map(repr, unknown))}; "
                f"its columns are {', '.join(SCORES.column_names)}"
            )
        sql = (
            f"SELECT {', '.join(names)} FROM {self._table(SCORES.name)} "
            "ORDER BY account_id, as_of, scored_at, model_version"
        )
        frame = self._query(sql)
        return typed(SCORES, frame[names], names).reset_index(drop=True)

    def alerts(self, since: datetime | None = None) -> pd.DataFrame:
        """Stored alerts about scorings at or after ``since`` (all when None), oldest first."""
        where, params = "", []
        if since is not None:
            where, params = f"WHERE as_of >= {self._placeholder()}", [utc(since)]
        sql = (
            f"SELECT {', '.join(ALERTS.column_names)} FROM {self._table(ALERTS.name)} {where} "
            "ORDER BY as_of, account_id, model_version, kind"
        )
        return typed(ALERTS, self._query(sql, params))

    def _latest_sql(self, where: str) -> str:
        columns = ", ".join(SCORES.column_names)
        return (
            f"SELECT {columns} FROM (SELECT *, row_number() OVER "
            f"(PARTITION BY account_id ORDER BY {_LATEST_FIRST}) AS _rank "
            f"FROM {self._table(SCORES.name)} WHERE {where}) AS ranked "
            "WHERE _rank = 1 ORDER BY account_id"
        )

    def _scores(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        frame = self._query(sql, params)
        return typed(SCORES, frame[SCORES.column_names]).reset_index(drop=True)

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.description}>"
