"""Arguments several commands share, declared once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

SOURCE_HELP = (
    "Data source: a directory with one Parquet or CSV file per contract table, a DuckDB "
    "database file, or a PostgreSQL schema (postgresql://user@host:port/db?schema=name)."
)

SourceArgument = Annotated[Path, typer.Argument(help=SOURCE_HELP, show_default=False)]
"""The data source a command reads the contract tables from (see docs/data.md)."""

HISTORY_HELP = (
    "Score history to read: a DuckDB path, duckdb:///path or postgresql://... "
    "(default runs/history.duckdb)."
)

HistoryOption = Annotated[str | None, typer.Option(help=HISTORY_HELP, show_default=False)]
"""The score history a command reads (see docs/history.md); None means the default file."""
