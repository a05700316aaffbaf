"""Alerts: band drops and thresholds, stored once, posted to a real local webhook with retries."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pandas as pd
import pytest

from serving.history import open_history
from serving.scoring import AlertRules, WebhookError, detect_alerts, post_alerts, record_alerts

BANDS = ["healthy", "watch", "at_risk"]


def _scores(rows):
    frame = pd.DataFrame(rows, columns=["account_id", "band", "health", "previous_health"])
    frame["as_of"] = pd.Timestamp("2026-06-30")
    frame["model_version"] = "3"
    frame["previous_health"] = frame["previous_health"].astype("Int64")
    return frame


def test_alerts_fire_on_band_drops_and_threshold_crossings_only():
    scores = _scores(
        [
            ("A1", "watch", 60, 75),  # healthy -> watch
            ("A2", "at_risk", 35, 45),  # watch -> at_risk and below 40
            ("A3", "healthy", 80, 60),  # improved
            ("A4", "watch", 55, None),  # first scoring
            ("A5", "watch", 41, 42),  # same band, stays above 40
        ]
    )
    previous = pd.Series(["healthy", "watch", "watch", None, "watch"])
    alerts = detect_alerts(scores, previous, AlertRules(), BANDS)
    assert sorted(zip(alerts["account_id"], alerts["kind"], strict=True)) == [
        ("A1", "band_drop"),
        ("A2", "band_drop"),
        ("A2", "health_below_40"),
    ]
    message = alerts.set_index(["account_id", "kind"]).loc[("A2", "band_drop"), "message"]
    assert message == "A2 dropped from watch to at_risk (health 45 -> 35)"
    quiet = detect_alerts(
        scores, previous, AlertRules(band_drop=False, health_thresholds=[]), BANDS
    )
    assert quiet.empty


def test_recording_the_same_alerts_twice_stores_them_once(tmp_path):
    scores = _scores([("A1", "watch", 60, 75), ("A2", "at_risk", 35, 45)])
    alerts = detect_alerts(scores, pd.Series(["healthy", "watch"]), AlertRules(), BANDS)
    with open_history(tmp_path / "history.duckdb") as store:
        first = record_alerts(store, alerts)
        again = record_alerts(store, alerts)
        stored = store.alerts()
    assert len(first) == 3 and again.empty and len(stored) == 3


class _Receiver(BaseHTTPRequestHandler):
    failures_left = 0
    received: ClassVar[list] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if type(self).failures_left > 0:
            type(self).failures_left -= 1
            self.send_response(503)
            self.end_headers()
            return
        type(self).received.append(json.loads(body))
        self.send_response(204 if self.path != "/bad" else 400)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook():
    _Receiver.failures_left, _Receiver.received = 0, []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Receiver
    server.shutdown()
    server.server_close()


def _alerts():
    scores = _scores([("A1", "watch", 60, 75)])
    return detect_alerts(scores, pd.Series(["healthy"]), AlertRules(), BANDS)


def test_webhook_is_retried_after_a_failure_and_gets_the_alerts_as_json(webhook):
    url, receiver = webhook
    receiver.failures_left = 1
    attempts = post_alerts(url + "/hook", _alerts(), backoff_seconds=0.01)
    assert attempts == 2
    [payload] = receiver.received
    assert payload["alerts"][0]["account_id"] == "A1"
    assert payload["alerts"][0]["kind"] == "band_drop"
    assert payload["alerts"][0]["as_of"] == "2026-06-30T00:00:00Z"


def test_webhook_that_keeps_failing_raises_after_every_attempt(webhook):
    url, receiver = webhook
    receiver.failures_left = 10
    with pytest.raises(WebhookError, match="after 3 attempt"):
        post_alerts(url, _alerts(), attempts=3, backoff_seconds=0.01)
    assert receiver.failures_left == 7


def test_webhook_client_errors_are_not_retried(webhook):
    url, receiver = webhook
    with pytest.raises(WebhookError, match="HTTP 400"):
        post_alerts(url + "/bad", _alerts(), backoff_seconds=0.01)
    assert len(receiver.received) == 1


def test_unreachable_webhook_says_so():
    with pytest.raises(WebhookError, match="ConnectError"):
        post_alerts("http://127.0.0.1:9", _alerts(), attempts=2, backoff_seconds=0.01)
