"""What validation found: rows read, kept and quarantined (by reason) per table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class TableReport:
    """The outcome for one table: ``rows_kept + rows_quarantined == rows_read``, always."""

    name: str
    path: str  # where the table was read from (file name, or ``db.duckdb:table``)
    rows_read: int
    rows_kept: int
    quarantined_by_reason: dict[str, int]
    time_span: tuple[datetime, datetime] | None  # min and max event time of the kept rows
    extra_columns: tuple[str, ...] = ()  # stored columns outside the contract, kept as stored
    absent_columns: tuple[
        str, ...
    ] = ()  # optional contract columns the table lacks (empty in clean rows)

    @property
    def rows_quarantined(self) -> int:
        return sum(self.quarantined_by_reason.values())

    def to_dict(self) -> dict:
        """A JSON-ready dict (timestamps as ISO 8601 text)."""
        return {
            "name": self.name,
            "path": self.path,
            "rows_read": self.rows_read,
            "rows_kept": self.rows_kept,
            "rows_quarantined": self.rows_quarantined,
            "quarantined_by_reason": dict(self.quarantined_by_reason),
            "time_span": [t.isoformat() for t in self.time_span] if self.time_span else None,
            "extra_columns": list(self.extra_columns),
            "absent_columns": list(self.absent_columns),
        }


@dataclass(frozen=True)
class ValidationReport:
    """The outcome for a whole source: one :class:`TableReport` per table present, in contract order."""

    source: str
    now: datetime  # timestamps after this were in the future (naive UTC)
    tables: list[TableReport]
    ignored: tuple[str, ...] = ()  # files (or tables) in the source that are not contract tables
    absent_tables: tuple[str, ...] = ()  # optional contract tables the source lacks

    @property
    def rows_read(self) -> int:
        return sum(t.rows_read for t in self.tables)

    @property
    def rows_kept(self) -> int:
        return sum(t.rows_kept for t in self.tables)

    @property
    def rows_quarantined(self) -> int:
        return sum(t.rows_quarantined for t in self.tables)

    def table(self, name: str) -> TableReport:
        """The report of table ``name``."""
        for table in self.tables:
            if table.name == name:
                return table
        raise KeyError(
            f"no table {name!r} in this report; tables: {', '.join(t.name for t in self.tables)}"
        )

    def to_dict(self) -> dict:
        """A JSON-ready dict, as written to ``validation_report.json``."""
        return {
            "source": self.source,
            "now": self.now.isoformat(),
            "rows_read": self.rows_read,
            "rows_kept": self.rows_kept,
            "rows_quarantined": self.rows_quarantined,
            "tables": [t.to_dict() for t in self.tables],
            "ignored": list(self.ignored),
            "absent_tables": list(self.absent_tables),
        }
