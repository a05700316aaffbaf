"""The data layer: read a source, validate it against the contract, expose clean tables.

``load_dataset(source)`` reads every contract table of a directory (Parquet/CSV) or a
DuckDB file, quarantines the rows that break the contract (with reasons) and returns a
:class:`Dataset` whose clean, typed tables live in a DuckDB connection.
"""

from features.data.dataset import Dataset, load_dataset
from features.data.errors import (
    AmbiguousTableError,
    ColumnTypeError,
    DataError,
    MissingColumnError,
    MissingTableError,
    NotADataSourceError,
    QuarantineTargetError,
    SourceNotFoundError,
    UnreadableTableError,
)
from features.data.reasons import Reason
from features.data.report import TableReport, ValidationReport

__all__ = [
    "AmbiguousTableError",
    "ColumnTypeError",
    "DataError",
    "Dataset",
    "MissingColumnError",
    "MissingTableError",
    "NotADataSourceError",
    "QuarantineTargetError",
    "Reason",
    "SourceNotFoundError",
    "TableReport",
    "UnreadableTableError",
    "ValidationReport",
    "load_dataset",
]
