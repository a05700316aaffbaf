"""``churn features``: every active account's features at one as_of, to Parquet or CSV."""

from __future__ import annotations

import pandas as pd
from typer.testing import CliRunner

from churn_scorecard.cli import app
from features.catalogue import CATALOGUE, FeatureError

runner = CliRunner()


def test_features_command_writes_parquet_of_active_accounts(small_world, tmp_path):
    out = tmp_path / "features.parquet"
    result = runner.invoke(
        app, ["features", str(small_world), "--as-of", "2026-03-31", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    frame = pd.read_parquet(out)
    # the simulator's events are the vocabulary: six features each after the catalogue's
    said = " ".join(result.output.split())
    assert "Usage events vocabulary of 12 events fitted" in said
    assert list(frame.columns[: 2 + len(CATALOGUE)]) == ["account_id", "as_of", *CATALOGUE]
    # and the world's texts give themes, one share feature each after the per-event ones
    themes = [c for c in frame.columns if c.startswith("text_theme_")]
    assert f"{len(themes)} text themes fitted" in said and len(themes) >= 3
    assert all(c.endswith("_share_90d") for c in themes) and frame.columns[-1] in themes
    assert len(frame.columns) == 2 + len(CATALOGUE) + 6 * 12 + len(themes)
    assert "event_report_run_count_30d" in frame and "days_since_event_login" in frame
    assert frame.account_id.is_unique and 100 < len(frame) < 300
    assert (frame.as_of == pd.Timestamp("2026-03-31")).all()
    assert f"{len(CATALOGUE) + 72 + len(themes)} features of churn_v1@" in said
    # usage norms fitted from the usage before as_of, so the intensity against them is known
    assert "Usage norms of 12 events fitted" in said
    assert frame.usage_intensity_vs_typical_pct_change_90d.notna().mean() > 0.8


def test_features_command_writes_csv_with_a_feature_config(small_world, tmp_path):
    config = tmp_path / "features.yaml"
    config.write_text("key_events: [login]\nevent_quantity_norms: {login: 1.0}\n")
    out = tmp_path / "features.csv"
    args = [
        "features",
        str(small_world),
        "--as-of",
        "2025-12-31",
        "--out",
        str(out),
        "--config",
        str(config),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out)
    assert len(frame) > 100 and frame.key_features_used_30d.max() == 1
    # the norms given are used, not fitted: a login row carries at least 1, so never below
    assert "Usage norms" not in result.output
    intensity = frame.usage_intensity_vs_typical_pct_change_90d.dropna()
    assert len(intensity) > 100 and (intensity >= 0).all()


def test_features_command_says_when_no_usage_norms_can_be_fitted(small_world, tmp_path):
    out = tmp_path / "features.parquet"
    args = ["features", str(small_world), "--as-of", "2023-01-01", "--out", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "No usage norms: no event has 100 usage rows before --as-of" in said
    assert pd.read_parquet(out).usage_intensity_vs_typical_pct_change_30d.isna().all()


def test_features_command_rejects_an_unknown_output_format(small_world, tmp_path):
    result = runner.invoke(
        app,
        ["features", str(small_world), "--as-of", "2025-12-31", "--out", str(tmp_path / "f.xlsx")],
    )
    assert isinstance(result.exception, FeatureError)
    assert "use .parquet or .csv" in str(result.exception)
