"""``open_history(url)``: the history store a URL or path names."""

from __future__ import annotations

from pathlib import Path

from features.data.postgres import is_postgres_url
from serving.history.store import HistoryStore

DEFAULT_PATH = Path("runs/history.duckdb")
"""Where the history lives when no URL is given (relative to the working directory)."""

_DUCKDB_PREFIX = "duckdb://"


def open_history(url: str | Path | None = None) -> HistoryStore:
    """Open (creating tables on first use) the history at ``url``.

    None -> the DuckDB file ``runs/history.duckdb``; ``duckdb://<path>`` (so
    ``duckdb:///abs/file.duckdb``) or a plain path -> that DuckDB file;
    ``postgresql://user[:password]@host[:port]/db[?schema=name]`` -> PostgreSQL (schema
    ``public`` unless given; created if absent).
    """
    text = str(url) if url is not None else ""
    if is_postgres_url(text):  # also ``postgresql:/...``: a URL that went through Path
        from serving.history.postgres_store import PostgresHistory

        return PostgresHistory(text)
    from serving.history.duckdb_store import DuckDBHistory

    if not text:
        return DuckDBHistory(DEFAULT_PATH)
    if text.startswith(_DUCKDB_PREFIX):
        text = text.removeprefix(_DUCKDB_PREFIX)
    return DuckDBHistory(Path(text))
