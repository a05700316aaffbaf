"""The service over HTTP on the scored world: every endpoint, and bad input as clear 4xx."""

from __future__ import annotations

import json
import math

import httpx
import pandas as pd
import pytest

from tests.serving.service.conftest import API_KEY, MAX_BATCH

pytestmark = pytest.mark.slow


def test_score_accounts_matches_the_churn_score_files(served) -> None:
    expected = pd.read_csv(served.world.scores_csv).head(25)
    ids = expected["account_id"].astype(str).tolist()
    response = served.post("/score_accounts", {"account_ids": ids})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["model_version"] == str(expected["model_version"].iloc[0])
    assert [s["account_id"] for s in body["scores"]] == ids
    assert [s["health"] for s in body["scores"]] == expected["health"].tolist()
    assert pd.Timestamp(body["as_of"]) == _utc(expected["as_of"].iloc[0])
    for score, probability in zip(body["scores"], expected["churn_probability"], strict=True):
        assert math.isclose(score["churn_probability"], probability, rel_tol=1e-9)


def test_score_records_give_the_same_scores_as_score_accounts(served, feature_records) -> None:
    by_records = served.post("/score", {"records": feature_records})
    assert by_records.status_code == 200, by_records.text
    ids = [r["account_id"] for r in feature_records]
    by_ids = served.post("/score_accounts", {"account_ids": ids}).json()
    got = [(s["account_id"], s["health"], s["band"]) for s in by_records.json()["scores"]]
    assert got == [(s["account_id"], s["health"], s["band"]) for s in by_ids["scores"]]


def test_scores_carry_value_and_quadrant_as_in_the_churn_score_files(served, feature_records):
    expected = pd.read_csv(served.world.scores_csv).set_index("account_id", drop=False)
    ids = [r["account_id"] for r in feature_records]
    body = served.post("/score_accounts", {"account_ids": ids}).json()
    by_records = served.post("/score", {"records": feature_records}).json()
    for score, from_record in zip(body["scores"], by_records["scores"], strict=True):
        row = expected.loc[score["account_id"]]
        assert score["quadrant"] == row["quadrant"] == from_record["quadrant"]
        assert score["quadrant_arr_cut"] == pytest.approx(row["quadrant_arr_cut"])
        assert score["subscription_arr"] == pytest.approx(row["subscription_arr"])
        assert score["seats"] == row["seats"] and score["quadrant_health_cut"] == 70
        assert (score["disagreement"] or None) == (
            None if pd.isna(row["disagreement"]) else row["disagreement"]
        )
    assert {s["quadrant"] for s in body["scores"]} <= {"protect", "grow", "fix", "maintain"}
    protect = [s for s in body["scores"] if s["quadrant"] == "protect"]
    assert all("Save plan" in s["plays"] for s in protect)


def test_explain_by_id_gives_every_driver_and_the_change_since_the_stored_score(served) -> None:
    account = str(pd.read_csv(served.world.scores_csv)["account_id"].iloc[0])
    response = served.post("/explain", {"account_id": account})
    assert response.status_code == 200, response.text
    body = response.json()
    explanation = body["explanation"]
    assert explanation["account_id"] == account
    assert body["model_version"] == explanation["model_version"]
    assert len(explanation["drivers"]) + len(explanation["protective"]) > 5
    assert explanation["change"] is not None
    # times in UTC with their offset, straight from the scorer
    assert pd.Timestamp(explanation["as_of"]).tzinfo is not None
    assert pd.Timestamp(explanation["change"]["previous_as_of"]).tzinfo is not None
    scored = served.post("/score_accounts", {"account_ids": [account]}).json()["scores"][0]
    assert body["score"] == scored


def test_explain_from_a_record_needs_no_data_source_lookup(served, feature_records) -> None:
    response = served.post("/explain", {"record": feature_records[0]})
    assert response.status_code == 200, response.text
    assert response.json()["explanation"]["account_id"] == feature_records[0]["account_id"]


def test_history_returns_the_stored_scores_oldest_first(served) -> None:
    account = str(pd.read_csv(served.world.scores_csv)["account_id"].iloc[0])
    response = served.post("/history", {"account_id": account})
    assert response.status_code == 200, response.text
    as_of = [pd.Timestamp(s["as_of"]) for s in response.json()["scores"]]
    assert as_of == sorted(as_of) and len(as_of) == 2
    assert as_of[-1] == _utc(served.world.as_of)


def test_model_reports_version_training_metrics_feature_settings_and_drift(served) -> None:
    body = served.get("/model").json()
    assert body["name"] == "churn-scorecard" and body["version"] == "1"
    # what a caller needs to build /score records the way the model was trained
    assert body["feature_settings"]["event_quantity_norms"]["api_call"] > 1
    # the fitted events vocabulary (the simulator's events) and the features it adds
    vocabulary = body["feature_settings"]["usage_events_vocabulary"]
    assert {"api_call", "login", "report_run"} <= set(vocabulary) and len(vocabulary) <= 12
    assert {"event_report_run_pct_change_30d", "days_since_event_login"} <= set(body["features"])
    assert body["trained_on"]["train_rows"] > 0
    assert 0.5 < body["metrics"]["roc_auc"] <= 1
    assert set(body["drift"]["feature_psi"]) == set(body["features"])
    assert pd.Timestamp(body["drift_as_of"]) == _utc(served.world.as_of)


def test_records_carry_the_served_models_per_event_features(served, feature_records) -> None:
    record = feature_records[0]
    name = "event_report_run_count_30d"
    assert name in record  # the fixture builds the model's per-event features too
    missing = served.post("/score", {"records": [_without(record, name)]})
    assert missing.status_code == 400 and missing.json()["field"] == f"records[0].{name}"
    assert "required field is missing" in missing.json()["error"]
    other = served.post("/explain", {"record": _with(record, event_no_such_count_30d=1)})
    assert other.status_code == 400 and other.json()["field"] == "record.event_no_such_count_30d"
    text = served.post("/score", {"records": [_with(record, **{name: "many"})]})
    assert text.status_code == 400 and "not a finite number" in text.json()["error"]
    unknown = served.post("/score", {"records": [_with(record, **{name: None})]})
    assert unknown.status_code == 200, unknown.text


def test_metrics_endpoint_speaks_prometheus(served) -> None:
    served.post("/score_accounts", {"account_ids": [_first_account(served)]})
    text = served.get("/metrics").text
    assert "bentoml_service_request_total" in text
    assert 'endpoint="/score_accounts"' in text


def _utc(moment) -> pd.Timestamp:
    """A naive time of the data (UTC) as the aware time the service answers with."""
    return pd.Timestamp(moment).tz_localize("UTC")


def _first_account(served) -> str:
    return str(pd.read_csv(served.world.scores_csv)["account_id"].iloc[0])


def _with(record: dict, **changes) -> dict:
    return {**record, **changes}


def _without(record: dict, name: str) -> dict:
    return {k: v for k, v in record.items() if k != name}


@pytest.mark.parametrize(
    ("path", "make_body", "status", "field"),
    [
        ("/score", lambda r: {"records": [_with(r, colour="red")]}, 400, "records[0].colour"),
        ("/score", lambda r: {"records": [_with(r, mrr="lots")]}, 400, "records[0].mrr"),
        (
            "/explain",
            lambda r: {"record": _with(r, max_incident_severity_90d=7)},
            400,
            "record.max_incident_severity_90d",
        ),
        (
            "/score",
            lambda r: {"records": [_without(r, "nps_latest")]},
            400,
            "records[0].nps_latest",
        ),
        ("/score", lambda r: {"records": []}, 400, "records"),
        ("/score", lambda r: {"records": [r] * (MAX_BATCH + 1)}, 400, "records"),
        ("/score", lambda r: {"records": [r, r]}, 400, "records[1].account_id"),
        ("/score_accounts", lambda r: {"account_ids": ["A-NOT-THERE"]}, 404, "account_ids[0]"),
        ("/score_accounts", lambda r: {"account_ids": "A1"}, 400, "account_ids"),
        ("/explain", lambda r: {"account_id": "A-NOT-THERE"}, 404, "account_id"),
        ("/explain", lambda r: {}, 400, "account_id"),
        ("/history", lambda r: {"account_id": "A-NOT-THERE"}, 404, "account_id"),
    ],
)
def test_bad_requests_get_a_4xx_naming_the_field(
    served, feature_records, path, make_body, status, field
) -> None:
    response = served.post(path, make_body(feature_records[0]))
    assert response.status_code == status, response.text
    body = response.json()
    assert body["field"] == field
    assert field in body["error"]


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_numbers_are_rejected_naming_the_field(served, feature_records, literal) -> None:
    sentinel = 123456.789125
    text = json.dumps({"records": [_with(feature_records[0], mrr=sentinel)]})
    response = httpx.post(
        f"{served.url}/score",
        content=text.replace(str(sentinel), literal),
        headers={"content-type": "application/json", "X-API-Key": API_KEY},
    )
    assert response.status_code == 400, response.text
    assert response.json()["field"] == "records[0].mrr"


def test_portfolio_and_scorecard_pages_are_served_from_the_live_scores(served) -> None:
    account = _first_account(served)
    portfolio = served.get("/portfolio/")
    assert portfolio.status_code == 200 and "text/html" in portfolio.headers["content-type"]
    assert account in portfolio.text
    card = httpx.get(
        f"{served.url}/accounts/{account}", headers={"X-API-Key": API_KEY}, follow_redirects=True
    )
    assert card.status_code == 200 and account in card.text
    assert served.get("/portfolio/accounts/nobody.html").status_code == 404
