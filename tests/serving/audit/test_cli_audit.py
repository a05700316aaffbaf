"""``churn audit``: the terminal tables, the files beside the other outputs, the page beside
the portfolio, and one clean line for each thing that is missing."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pandas as pd
import pytest
from typer.testing import CliRunner

from churn_scorecard.cli import app
from churn_scorecard.errors import ChurnError
from serving.audit import FILES

pytestmark = pytest.mark.slow

runner = CliRunner()


@pytest.fixture(scope="module")
def audited(monthly_history, tmp_path_factory):
    folder = tmp_path_factory.mktemp("audit_cli")
    out, pages = folder / "audit", folder / "report"
    result = runner.invoke(
        app,
        [
            "audit",
            str(monthly_history.world),
            "--history",
            monthly_history.history_url,
            "--out",
            str(out),
            "--pages",
            str(pages),
        ],
    )
    assert result.exit_code == 0, result.output
    return result.output, out, pages


def test_audit_prints_the_figures_per_version_lead_and_segment(audited):
    output, out, _ = audited
    body = json.loads((out / "audit.json").read_text())
    overall = body["versions"][0]["overall"]
    for expected in (
        "decided renewals after the first stored score",
        "churn-scorecard v1:",
        "lead 0-30 days",
        "lead 181+",
        "Churned ARR: $",
        "smb",
        "Calibration per band",
        f"{overall['auc']:.3f}",
        f"{overall['top_decile_lift']:.2f}",
        "Healthy before churn:",
        "Flagged but renewed:",
        "audit.html",
    ):
        assert expected in output, expected


def test_audit_writes_its_files_and_the_page_beside_the_portfolio(audited):
    _, out, pages = audited
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    body = json.loads((out / "audit.json").read_text())
    figures = pd.read_csv(out / "figures.csv", dtype={"model_version": str})
    row = figures[(figures["breakdown"] == "all") & (figures["model_version"] == "1")].iloc[0]
    assert row["auc"] == pytest.approx(body["versions"][0]["overall"]["auc"])
    counted = pd.read_csv(out / "counted_scores.csv")
    assert len(counted) == body["versions"][0]["counted_scores"]
    assert (pd.to_datetime(counted["as_of"]) < pd.to_datetime(counted["renewal_date"])).all()
    healthy = pd.read_csv(out / "healthy_before_churn.csv")
    assert len(healthy) == len(body["versions"][0]["healthy_before_churn"])
    assert {(pages / "audit.html").exists(), (pages / "style.css").exists()} == {True}


def test_audit_without_a_history_is_one_error_line_and_creates_none(monthly_history, tmp_path):
    completed = subprocess.run(
        [sys.executable, "-m", "churn_scorecard", "audit", str(monthly_history.world)],
        cwd=tmp_path,  # no runs/history.duckdb here
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert completed.returncode == 2
    said = " ".join(completed.stderr.split())  # rich wraps long lines
    assert said.startswith("error: the default history runs/history.duckdb does not exist")
    assert "run `churn score` first" in said and "Traceback" not in said
    assert not (tmp_path / "runs").exists()


def test_audit_errors_name_the_table_or_setting_at_fault(monthly_history, tmp_path):
    no_renewals = tmp_path / "world"
    no_renewals.mkdir()
    shutil.copy(monthly_history.world / "accounts.parquet", no_renewals / "accounts.parquet")
    cases = {
        "renewals": (
            [str(no_renewals), "--history", monthly_history.history_url],
            f"data source {no_renewals} has no renewals table; the audit joins the issued "
            "scores to renewal outcomes: add renewals.parquet or renewals.csv",
        ),
        "history": (
            [str(monthly_history.world), "--history", str(tmp_path / "none.duckdb")],
            "none.duckdb does not exist: there are no issued scores to audit",
        ),
        "band": (
            [
                str(monthly_history.world),
                *("--history", monthly_history.history_url),
                *("--flagged-band", "red", "--out", str(tmp_path / "a")),
            ],
            "flagged_bands: band 'red' is not a band of any stored score; the history's bands "
            "are healthy, watch, at_risk",
        ),
    }
    for name, (arguments, message) in cases.items():
        result = runner.invoke(app, ["audit", *arguments])
        assert isinstance(result.exception, ChurnError), (name, result.output)
        assert message in str(result.exception), (name, str(result.exception))
