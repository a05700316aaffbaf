"""``churn validate``: the report on screen, the files in --out, exit codes, clean errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from churn_scorecard.cli import app

runner = CliRunner()


def test_validate_good_directory_exits_zero_and_writes_the_report(
    source, good_rows, tmp_path
) -> None:
    directory = source(usage_events=[good_rows["usage_events"]])
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["validate", str(directory), "--out", str(out), "--now", "2025-01-01"]
    )
    assert result.exit_code == 0, result.output
    assert "usage_events" in result.output
    assert "2024-05-01..2024-05-01" in result.output
    assert "Tables not present (optional): renewals" in result.output
    assert json.loads((out / "validation_report.json").read_text())["rows_quarantined"] == 0
    assert sorted(p.name for p in out.iterdir()) == ["validation_report.json"]


def test_validate_bad_directory_prints_reasons_and_writes_quarantine(
    source, good_rows, tmp_path
) -> None:
    bad = {**good_rows["usage_events"], "account_id": "ZZZ"}
    directory = source(usage_events=[good_rows["usage_events"], bad, bad])
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["validate", str(directory), "--out", str(out), "--now", "2025-01-01"]
    )
    assert result.exit_code == 0, result.output
    assert "unknown_account" in result.output
    assert (out / "usage_events.parquet").exists()
    assert f"Quarantine and report written to {out}" in result.output.replace("\n", "")


def test_validate_strict_exits_one_when_rows_were_quarantined(source, good_rows, tmp_path) -> None:
    bad = {**good_rows["usage_events"], "account_id": "ZZZ"}
    directory = source(usage_events=[bad])
    result = runner.invoke(
        app, ["validate", str(directory), "--out", str(tmp_path / "out"), "--strict"]
    )
    assert result.exit_code == 1
    assert "--strict: 1 rows were quarantined" in result.output


def test_validate_strict_exits_zero_when_all_rows_are_clean(source, tmp_path) -> None:
    result = runner.invoke(
        app, ["validate", str(source()), "--out", str(tmp_path / "out"), "--strict"]
    )
    assert result.exit_code == 0, result.output


def test_validate_help_describes_every_option() -> None:
    result = runner.invoke(app, ["validate", "--help"])
    assert result.exit_code == 0
    text = " ".join(result.output.replace("│", " ").split())
    assert "--out PATH Folder for the quarantine files" in text
    assert "--strict Exit with code 1 when any row was quarantined." in text
    assert "The time of validation (UTC)" in text


def test_validate_missing_source_prints_a_clean_error_without_traceback(tmp_path) -> None:
    churn = Path(sys.executable).with_name("churn")  # the installed entry point `uv run churn` runs
    env = {**os.environ, "COLUMNS": "300"}
    result = subprocess.run(
        [str(churn), "validate", str(tmp_path / "nonexistent")],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "error:" in result.stderr
    assert "does not exist" in result.stderr
