"""Table-level failures: the data cannot be read as the contract describes, so the run stops.

Row-level problems never raise; they send the row to quarantine (see :mod:`.reasons`).
Every message names the file (or table), the column when there is one, what was found,
what was expected and what to do next.
"""

from __future__ import annotations

from churn_scorecard.errors import ChurnError

SEE_DOCS = "See docs/data.md"


class DataError(ChurnError):
    """The input data breaks the contract as a whole and cannot be validated row by row."""


class SourceNotFoundError(DataError):
    """The data source path does not exist."""


class NotADataSourceError(DataError):
    """The path is neither a directory of table files nor a DuckDB database file."""


class MissingTableError(DataError):
    """A table the contract always requires (``accounts``) is absent from the source."""


class AmbiguousTableError(DataError):
    """A table is present twice (as ``<table>.csv`` and as ``<table>.parquet``)."""


class UnreadableTableError(DataError):
    """A table file cannot be read at all (corrupt Parquet, CSV that is not UTF-8 text, ...)."""


class MissingColumnError(DataError):
    """A table lacks a column the contract requires."""


class ColumnTypeError(DataError):
    """A column is stored with a type that cannot be converted to its contract kind."""


class QuarantineTargetError(DataError):
    """The folder chosen for quarantine files is the data source itself."""
