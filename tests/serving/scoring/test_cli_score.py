"""``churn score`` on the scored world: files with exactly the score columns, summary, history."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from churn_scorecard.cli import app
from serving.history import open_history
from serving.scoring import SCORE_COLUMNS, score_source


def test_score_writes_exactly_the_score_columns_to_csv_and_parquet(scored_world):
    parquet = pd.read_parquet(scored_world.scores_parquet)
    csv = pd.read_csv(scored_world.scores_csv)
    assert list(parquet.columns) == list(SCORE_COLUMNS)
    assert list(csv.columns) == list(SCORE_COLUMNS)
    assert len(parquet) == len(csv) > 100
    assert parquet["account_id"].is_unique
    assert parquet["health"].between(0, 100).all()
    assert (
        parquet["arr_at_risk"] - parquet["churn_probability"] * parquet["arr"]
    ).abs().max() < 1e-6


def test_score_files_carry_each_accounts_value_quadrant_and_the_cuts(scored_world):
    scores = pd.read_parquet(scored_world.scores_parquet)
    paying = scores.loc[scores["subscription_arr"] > 0, "subscription_arr"]
    assert len(paying) > 0.9 * len(scores)  # the simulated accounts all have subscriptions
    cut = scores["quadrant_arr_cut"].iloc[0]
    assert (scores["quadrant_arr_cut"] == cut).all() and (scores["quadrant_health_cut"] == 70).all()
    assert cut == pytest.approx(np.percentile(paying, 75))
    assert set(scores["quadrant"]) <= {"protect", "grow", "fix", "maintain", "no_value_data"}
    high = scores["quadrant"].isin(["protect", "grow"])
    assert (scores.loc[high, "subscription_arr"] >= cut).all()
    assert (
        scores.loc[scores["quadrant"].isin(["fix", "maintain"]), "subscription_arr"] < cut
    ).all()
    assert high.mean() == pytest.approx(0.25, abs=0.02)  # the top quarter of paying accounts
    protect = scores["quadrant"] == "protect"
    assert (scores.loc[protect, "health"] < 70).all()
    assert scores.loc[protect, "plays"].str.contains("Save plan").all()


def test_score_summary_names_as_of_bands_arr_drift_alerts_and_files(scored_world):
    output = scored_world.cli_output
    for expected in (
        "the latest event time in",
        "active accounts with churn-scorecard",
        "Bands",
        "ARR at risk:",
        "Drift:",
        "Quadrants: health cut 70, ARR cut",
        "75th percentile",
        "Health and money disagree on",
        "Alerts:",
        "History:",
        "scores.parquet",
        "drift.json",
    ):
        assert expected in output, expected
    drift = json.loads(scored_world.drift_json.read_text())
    assert set(drift) >= {"feature_psi", "drifted", "score_psi", "rows"}


def test_score_appends_both_scorings_to_the_history_and_reports_the_change(scored_world):
    scores = pd.read_parquet(scored_world.scores_parquet)
    with open_history(scored_world.history_url) as store:
        latest = store.latest_scores()
        history = store.account_history(scores["account_id"].iloc[0])
    assert set(scores["account_id"]) <= set(latest["account_id"])  # plus accounts churned since
    assert len(history) == 2
    assert scores["previous_health"].notna().mean() > 0.8
    changed = scores.dropna(subset=["previous_health"])
    assert (changed["health_change"] == changed["health"] - changed["previous_health"]).all()
    assert changed["change_summary"].str.startswith("health ").all()


def test_rerunning_the_same_scoring_adds_no_rows_and_no_alerts(scored_world, tmp_path):
    with open_history(scored_world.history_url) as store:
        alerts_before = len(store.alerts())
    result = CliRunner().invoke(
        app,
        [
            "score",
            str(scored_world.world),
            "--out",
            str(tmp_path),
            "--history",
            scored_world.history_url,
        ],
    )
    assert result.exit_code == 0, result.output
    assert "History: 0 new rows" in result.output
    assert "Alerts: 0 new" in result.output
    with open_history(scored_world.history_url) as store:
        assert len(store.alerts()) == alerts_before
    rerun = pd.read_parquet(tmp_path / "scores.parquet")
    first = pd.read_parquet(scored_world.scores_parquet)
    pd.testing.assert_frame_equal(rerun, first)


@pytest.mark.slow
def test_new_alerts_are_posted_to_the_webhook_once(scored_world, tmp_path):
    received = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/alerts"
    history = f"duckdb://{tmp_path / 'history.duckdb'}"
    try:
        score_source(
            scored_world.world,
            as_of=scored_world.previous_as_of,
            out=tmp_path / "first",
            history_url=history,
        )
        args = ["score", str(scored_world.world), "--out", str(tmp_path / "second")]
        args += ["--history", history, "--webhook", url]
        first = CliRunner().invoke(app, args)
        again = CliRunner().invoke(app, args)
    finally:
        server.shutdown()
        server.server_close()
    assert first.exit_code == 0 and again.exit_code == 0, first.output + again.output
    with open_history(history) as store:
        stored = store.alerts()
    assert len(stored) > 0, "the world should have accounts dropping a band within 30 days"
    assert len(received) == 1  # the re-run posted nothing
    assert len(received[0]["alerts"]) == len(stored)
    assert "Posted" in first.output and "Posted" not in again.output


def test_a_bad_playbook_stops_the_run_naming_the_key(scored_world, tmp_path):
    plays = tmp_path / "plays.yaml"
    plays.write_text("plays:\n  - name: Call\n    owner_role: CSM\n    drivers: [usage_drop]\n")
    result = CliRunner().invoke(
        app, ["score", str(scored_world.world), "--plays", str(plays), "--out", str(tmp_path)]
    )
    assert result.exit_code != 0
    assert "driver 'usage_drop'" in str(result.exception)
    assert not (tmp_path / "scores.csv").exists()
