"""GET /audit and the audit page on the real server of the scored world.

The scored world's history was scored after its renewals were decided (scored_at is the
time the tests ran): by default nothing counts and the answer says how to audit it as a
backtest; with ``include_backfilled`` the figures equal the in-process audit."""

from __future__ import annotations

import pytest

from serving.audit import AuditConfig, AuditResult, audit_source

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def backtest(scored_world) -> AuditResult:
    config = AuditConfig(include_backfilled=True)
    return audit_source(scored_world.world, scored_world.history_url, config).result


def test_audit_of_a_backfilled_history_answers_404_saying_how_to_backtest(served) -> None:
    response = served.get("/audit")

    assert response.status_code == 404, response.text
    body = response.json()
    assert body["field"] == "history"
    assert "were all computed after it" in body["error"]
    assert "GET /audit?include_backfilled=true" in body["error"]


def test_audit_with_backfilled_scores_equals_the_in_process_audit(served, backtest) -> None:
    response = served.get("/audit?include_backfilled=true")

    assert response.status_code == 200, response.text
    served_result = AuditResult.model_validate(response.json())
    assert served_result.include_backfilled and served_result.backfilled_scores > 0
    assert [v.model_version for v in served_result.versions] == ["1"]
    version, expected = served_result.versions[0], backtest.versions[0]
    assert version.overall == expected.overall
    assert version.by_lead == expected.by_lead and version.by_segment == expected.by_segment
    assert version.healthy_before_churn == expected.healthy_before_churn
    assert version.renewals > 50  # the renewals decided in the 30 days between the scorings


def test_audit_page_is_served_beside_the_portfolio(served, backtest) -> None:
    page = served.get("/portfolio/audit.html?include_backfilled=true")

    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "How the scores we issued did" in page.text
    assert f'id="version-1-auc">{backtest.versions[0].overall.auc:.3f}<' in page.text
    assert 'href="./style.css"' in page.text
    assert served.get("/portfolio/audit.html").status_code == 404


def test_audit_needs_the_api_key(served) -> None:
    assert served.get("/audit", key=None).status_code == 401


@pytest.mark.parametrize(
    ("settings", "field", "message"),
    [
        ({"data": "world"}, "history", "start the service with --history URL"),
        ({"history": "runs/history.duckdb"}, "data", "start the service with --data DIR"),
    ],
)
def test_audit_names_the_setting_the_service_lacks(settings, field, message) -> None:
    from types import SimpleNamespace

    from serving.api.audit import LiveAudit
    from serving.api.errors import NotConfigured
    from serving.api.settings import ServiceSettings

    state = SimpleNamespace(settings=ServiceSettings(**settings), accounts=None)

    with pytest.raises(NotConfigured, match=message) as raised:
        LiveAudit(state).result()
    assert raised.value.field == field and raised.value.status == 404
