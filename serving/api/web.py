"""The GET side of the service, as a small FastAPI app mounted into BentoML: GET /model,
GET /audit and, when serving.pages is installed, the portfolio, account and audit pages."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from serving.api.errors import RequestError
from serving.api.schemas import ModelInfo
from serving.audit import AuditResult
from serving.pages import stylesheet


def build_web_app() -> FastAPI:
    """The mounted app; the service puts its :class:`ServiceState` on ``app.state.service``."""
    app = FastAPI(title="churn-scorecard", docs_url=None, redoc_url=None, openapi_url=None)

    @app.get("/model", response_model=ModelInfo, tags=["Service APIs"])
    def model(request: Request) -> ModelInfo:
        """The served model: name, version, when and on what it was trained, its test
        metrics, feature set, and the drift of the latest scoring batch against training."""
        return request.app.state.service.model_info()

    @app.get("/audit", response_model=AuditResult, tags=["Service APIs"])
    def audit(request: Request, include_backfilled: bool = False) -> AuditResult | Response:
        """How the scores issued before renewal decisions did, per model version: AUC, lift,
        churned ARR caught, calibration per band, by segment and lead (needs --data and
        --history). ``include_backfilled`` also counts scores computed after the decision."""
        try:
            return request.app.state.audit.result(include_backfilled)
        except RequestError as error:
            return error.response()

    @app.get("/portfolio/audit.html", response_class=HTMLResponse, include_in_schema=False)
    def audit_page(request: Request, include_backfilled: bool = False) -> Response:
        """The audit page beside the portfolio."""
        return _page(lambda: request.app.state.audit.page(include_backfilled))

    @app.get("/portfolio", include_in_schema=False)
    def portfolio_folder() -> RedirectResponse:
        return RedirectResponse("/portfolio/")

    @app.get("/portfolio/", response_class=HTMLResponse, include_in_schema=False)
    def portfolio(request: Request) -> Response:
        """Every account ranked by ARR at risk (needs --data)."""
        return _page(lambda: request.app.state.pages.portfolio())

    @app.get("/portfolio/style.css", include_in_schema=False)
    def style() -> Response:
        return Response(stylesheet(), media_type="text/css")

    @app.get("/portfolio/accounts/{filename}", response_class=HTMLResponse, include_in_schema=False)
    def scorecard(request: Request, filename: str) -> Response:
        """One account's scorecard: scores, history, drivers and plays."""
        return _page(lambda: request.app.state.pages.scorecard(filename))

    @app.get("/accounts/{account_id}", include_in_schema=False)
    def account(request: Request, account_id: str) -> RedirectResponse:
        return RedirectResponse(
            "/portfolio/accounts/" + request.app.state.pages.filename(account_id)
        )

    return app


def _page(render) -> Response:
    try:
        return HTMLResponse(render())
    except RequestError as error:
        return error.response()
