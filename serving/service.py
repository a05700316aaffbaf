"""The churn-scorecard BentoML service: typed endpoints over one :class:`ServiceState`.

Configuration comes from ``CHURN_SERVE_*`` variables (see serving/api/settings.py and
docs/service.md); ``churn serve`` sets them and runs ``bentoml serve`` on this module.
"""

from __future__ import annotations

import anyio
import bentoml

from serving.api.audit import LiveAudit
from serving.api.auth import ApiKeyAuth
from serving.api.errors import JsonBodiesOnly, ValidationErrorBody, answer
from serving.api.pages import LivePages
from serving.api.schemas import (
    ExplainRequest,
    ExplainResponse,
    HistoryRequest,
    HistoryResponse,
    ReloadRequest,
    ReloadResponse,
    ScoreAccountsRequest,
    ScoreRequest,
    ScoreResponse,
)
from serving.api.settings import ServiceSettings
from serving.api.state import ServiceState
from serving.api.web import build_web_app

SETTINGS = ServiceSettings.from_env()
web = build_web_app()


@bentoml.service(name="churn_scorecard", workers=1, traffic={"timeout": 120})
@bentoml.asgi_app(web)
class ChurnScorecard:
    """Churn-risk scores, explanations and history for CRM systems."""

    def __init__(self) -> None:
        self.state = ServiceState(SETTINGS)
        web.state.service = self.state
        web.state.pages = LivePages(self.state)
        web.state.audit = LiveAudit(self.state)

    def __is_ready__(self) -> bool:
        return self.state.ready

    @bentoml.on_shutdown
    def close(self) -> None:
        self.state.close()

    @bentoml.api(route="/score")
    def score(self, request: ScoreRequest, /) -> ScoreResponse:
        """Score accounts from their feature records (1 to the max batch per call)."""
        return answer(self.state.score_records, request)

    @bentoml.api(route="/score_accounts")
    def score_accounts(self, request: ScoreAccountsRequest, /) -> ScoreResponse:
        """Score accounts by id, with features computed from the service's data source."""
        return answer(self.state.score_accounts, request)

    @bentoml.api(route="/explain")
    def explain(self, request: ExplainRequest, /) -> ExplainResponse:
        """One account in full: all drivers, sub-scores, plays and the score change."""
        return answer(self.state.explain, request)

    @bentoml.api(route="/history")
    def history(self, request: HistoryRequest, /) -> HistoryResponse:
        """An account's score history from the history store, oldest first."""
        return answer(self.state.history, request)

    @bentoml.api(route="/admin/reload")
    async def reload(self, request: ReloadRequest, /) -> ReloadResponse:
        """Load the version the model alias points at now; requests keep flowing meanwhile."""
        return await anyio.to_thread.run_sync(answer, self.state.reload, request)


ChurnScorecard.add_asgi_middleware(ValidationErrorBody)
ChurnScorecard.add_asgi_middleware(JsonBodiesOnly)
ChurnScorecard.add_asgi_middleware(ApiKeyAuth, key=SETTINGS.api_key())
