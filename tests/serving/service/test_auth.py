"""API-key authentication on the live server: 401 without or with a wrong key, probes open,
the key never in the server's log."""

from __future__ import annotations

import httpx
import pytest

from tests.serving.service.conftest import API_KEY

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("key", [None, "", "wrong-key", API_KEY + "x", API_KEY[:-1]])
def test_requests_without_the_right_key_get_401(served, key) -> None:
    response = served.post("/score_accounts", {"account_ids": ["A0000001"]}, key=key)
    assert response.status_code == 401
    assert "API key" in response.json()["error"]
    assert served.get("/model", key=key).status_code == 401


def test_bearer_token_is_accepted_like_the_api_key_header(served) -> None:
    response = httpx.get(f"{served.url}/model", headers={"Authorization": f"Bearer {API_KEY}"})
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/healthz", "/livez", "/readyz", "/docs.json"])
def test_health_probes_and_api_docs_need_no_key(served, path) -> None:
    assert served.get(path, key=None).status_code == 200


def test_the_key_never_appears_in_the_server_log(served) -> None:
    served.post("/score_accounts", {"account_ids": ["A-NOT-THERE"]})
    served.post("/score", {"records": [{"bad": 1}]})
    served.get("/model", key="wrong-key")
    assert API_KEY not in served.server.log()
