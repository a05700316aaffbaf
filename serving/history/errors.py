"""What can go wrong opening or writing the score history, each with a message saying how to fix it."""

from __future__ import annotations

from churn_scorecard.errors import ChurnError

SEE_DOCS = "See docs/history.md"


class HistoryError(ChurnError):
    """The score history cannot be opened, read or written."""


class HistoryUnreachableError(HistoryError):
    """The history database cannot be opened: server down, wrong URL, file locked."""


class HistorySchemaError(HistoryError):
    """The history database holds tables written by another schema version."""


class MissingHistoryColumnError(HistoryError):
    """Rows given to the history lack columns the history needs."""
