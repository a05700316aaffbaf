"""What can stop an audit, each with a message naming the table or column and what to do."""

from __future__ import annotations

from churn_scorecard.errors import ChurnError

SEE_DOCS = "See docs/audit.md"


class AuditError(ChurnError):
    """The audit cannot be computed from the history and renewals it was given."""


class NoHistoryError(AuditError):
    """There is no score history to audit: the store does not exist or holds no scores."""


class MissingRenewalsError(AuditError):
    """The data source has no renewals table, or no renewal with an outcome yet."""


class NoCountedScoresError(AuditError):
    """No decided renewal has a score that was issued before its decision."""


class UnknownBandError(AuditError):
    """A band the audit was told to flag is not a band of any stored score."""
