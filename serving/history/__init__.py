"""Score history and alerts: every scoring run appended, unique per account, as_of and model.

``open_history(url)`` opens the store: a DuckDB file by default (``runs/history.duckdb``),
PostgreSQL by URL. Both backends behave the same; see docs/history.md.
"""

from serving.history.errors import (
    HistoryError,
    HistorySchemaError,
    HistoryUnreachableError,
    MissingHistoryColumnError,
)
from serving.history.opening import DEFAULT_PATH, open_history
from serving.history.schema import ALERTS, SCHEMA_VERSION, SCORES
from serving.history.store import HistoryStore

ALERT_COLUMNS = ALERTS.column_names
"""Columns of an alert row, in stored order."""

SCORE_COLUMNS = SCORES.column_names
"""Columns of a stored score row, in stored order (the score columns + scored_at, explanation)."""

__all__ = [
    "ALERT_COLUMNS",
    "DEFAULT_PATH",
    "SCHEMA_VERSION",
    "SCORE_COLUMNS",
    "HistoryError",
    "HistorySchemaError",
    "HistoryStore",
    "HistoryUnreachableError",
    "MissingHistoryColumnError",
    "open_history",
]
