"""``GET /audit`` and the live audit page: the history as it is now against the renewals of
the service's data source (see docs/audit.md).

Computed on each request from the stored scores (the service never writes the history, a
scoring run may have added rows since the last request); the renewals are read once, the
data source being fixed for the life of the process.
"""

from __future__ import annotations

from serving.api.errors import NotConfigured, NothingToAudit
from serving.audit import (
    HISTORY_COLUMNS,
    AuditConfig,
    AuditError,
    AuditResult,
    MissingRenewalsError,
    audit,
    open_existing_history,
)
from serving.pages import render_audit


class LiveAudit:
    """The audit of one service: needs both ``--data`` (renewals) and ``--history`` (scores)."""

    def __init__(self, state) -> None:
        self._state = state

    def result(self, include_backfilled: bool = False) -> AuditResult:
        """The audit now; :class:`NothingToAudit` (404) naming what is missing otherwise."""
        state = self._state
        if state.settings.history is None:
            raise NotConfigured(
                "the audit needs the score history; start the service with --history URL",
                "history",
            )
        if state.accounts is None:
            raise NotConfigured(
                "the audit needs the renewal outcomes of a data source; start the service "
                "with --data DIR",
                "data",
            )
        try:
            renewals = state.accounts.renewals()
            with open_existing_history(state.settings.history) as store:
                scores = store.scores(HISTORY_COLUMNS)
                described = store.description
            config = AuditConfig(include_backfilled=include_backfilled)
            return audit(
                scores, renewals, config, source=str(state.settings.data), history=described
            ).result
        except MissingRenewalsError as error:
            raise NothingToAudit(str(error), "renewals") from None
        except AuditError as error:
            raise NothingToAudit(str(error), "history") from None

    def page(self, include_backfilled: bool = False) -> str:
        """The audit page, served beside the portfolio (``/portfolio/audit.html``)."""
        return render_audit(self.result(include_backfilled), root="./", index="")
