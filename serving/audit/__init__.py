"""The audit: how the scores we issued did once the renewal outcomes came in.

The renewals of a data source are joined to the scores the history holds, as stored:
each decided renewal counts the scores issued for its account after the previous renewal
and before its decision (:mod:`serving.audit.join`). Per model version, never pooled: AUC,
top-decile lift, churned ARR caught and calibration per band, overall, per segment and
per lead bucket, plus the renewals that churned while healthy and those flagged that
renewed. ``churn audit`` and ``GET /audit`` run :func:`audit_source`; see docs/audit.md.
"""

from serving.audit.config import AuditConfig
from serving.audit.errors import (
    AuditError,
    MissingRenewalsError,
    NoCountedScoresError,
    NoHistoryError,
    UnknownBandError,
)
from serving.audit.files import DEFAULT_OUT, FILES, write_audit
from serving.audit.join import HISTORY_COLUMNS, CountedScores, count_scores
from serving.audit.renewals import checked_renewals, read_renewals
from serving.audit.result import (
    AuditResult,
    BandFigures,
    GroupFigures,
    ListedRenewal,
    VersionAudit,
)
from serving.audit.run import Audit, audit, audit_source, open_existing_history

__all__ = [
    "DEFAULT_OUT",
    "FILES",
    "HISTORY_COLUMNS",
    "Audit",
    "AuditConfig",
    "AuditError",
    "AuditResult",
    "BandFigures",
    "CountedScores",
    "GroupFigures",
    "ListedRenewal",
    "MissingRenewalsError",
    "NoCountedScoresError",
    "NoHistoryError",
    "UnknownBandError",
    "VersionAudit",
    "audit",
    "audit_source",
    "checked_renewals",
    "count_scores",
    "open_existing_history",
    "read_renewals",
    "write_audit",
]
