"""Schemathesis against the service's own OpenAPI document: no 5xx, responses match it."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.serving.service.conftest import API_KEY

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def api_schema(served):
    return schemathesis.openapi.from_url(
        f"{served.url}/docs.json", headers={"X-API-Key": API_KEY}
    ).include(path_regex="^/(score|score_accounts|explain|history|model|admin/reload)$")


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_never_fails_and_answers_match_the_schema(case) -> None:
    case.call_and_validate(
        headers={"X-API-Key": API_KEY},
        checks=[not_a_server_error, response_schema_conformance],
        timeout=30,
    )
