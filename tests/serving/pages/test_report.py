"""``write_report`` and ``churn report``: the files, the history behind the trends, errors."""

from __future__ import annotations

from html import escape
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from churn_scorecard.cli import app
from serving.history import open_history
from serving.pages import ScoresFileError, read_scores, scorecard_filename
from serving.pages.report import history_by_account


def test_write_report_writes_the_portfolio_the_stylesheet_and_a_scorecard_per_account(
    report_dir: Path, report_scores: pd.DataFrame
) -> None:
    cards = sorted(path.name for path in (report_dir / "accounts").glob("*.html"))
    assert cards == sorted(scorecard_filename(a) for a in report_scores["account_id"])
    assert (report_dir / "style.css").read_text().startswith("/* churn-scorecard pages")
    index = (report_dir / "index.html").read_text()
    table = index[index.index('<table class="accounts"') :]  # the disagreements link too
    assert table.count('href="accounts/') == len(report_scores)
    assert "https://" not in index and "http://" not in index.replace(
        "http://www.w3.org/2000/svg", ""
    )


def test_history_read_gives_every_stored_scoring_of_every_account(
    scored_world, report_scores: pd.DataFrame
) -> None:
    with open_history(scored_world.history_url) as store:
        walked = history_by_account(store, report_scores)
        for account_id in report_scores["account_id"].astype(str).iloc[::50]:
            stored = store.account_history(account_id)
            assert [row["as_of"] for row in walked[account_id]] == stored["as_of"].tolist()
    assert sum(len(rows) for rows in walked.values()) > len(report_scores)  # two scorings


def test_scorecards_trend_over_both_scorings(report_dir: Path, report_scores: pd.DataFrame) -> None:
    row = report_scores.dropna(subset=["previous_health"]).iloc[0]
    html = (report_dir / "accounts" / scorecard_filename(row["account_id"])).read_text()
    assert "2 scorings from" in html
    assert f"health went from {row['previous_health']:.0f} to {row['health']:.0f}" in html
    assert escape(row["change_summary"], quote=False) in html


def test_read_scores_names_the_missing_columns(tmp_path: Path, report_scores) -> None:
    path = tmp_path / "scores.csv"
    report_scores.drop(columns=["churn_probability"]).to_csv(path, index=False)
    with pytest.raises(ScoresFileError, match=r"scores.csv has no column 'churn_probability'"):
        read_scores(path)


def test_read_scores_of_csv_and_parquet_agree(scored_world) -> None:
    csv = read_scores(scored_world.scores_csv)
    parquet = read_scores(scored_world.scores_parquet)
    columns = ["account_id", "health", "band", "arr_at_risk", "as_of"]
    pd.testing.assert_frame_equal(csv[columns], parquet[columns], check_dtype=False)


def test_cli_report_writes_the_pages_from_a_scores_file_and_the_history(
    scored_world, report_scores: pd.DataFrame, tmp_path: Path
) -> None:
    out = tmp_path / "report"
    result = CliRunner().invoke(
        app,
        [
            "report",
            "--scores",
            str(scored_world.scores_csv),
            "--history",
            scored_world.history_url,
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert f"Wrote the portfolio and {len(report_scores):,} scorecards" in result.output
    assert len(list((out / "accounts").glob("*.html"))) == len(report_scores)


def test_cli_report_without_scores_uses_the_latest_scoring_in_the_history(
    scored_world, tmp_path: Path
) -> None:
    out = tmp_path / "report"
    result = CliRunner().invoke(
        app, ["report", "--history", scored_world.history_url, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    with open_history(scored_world.history_url) as store:
        latest = store.latest_scores()
    assert len(list((out / "accounts").glob("*.html"))) == len(latest)


def test_cli_report_of_a_missing_scores_file_says_run_churn_score(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["report", "--scores", str(tmp_path / "none.csv"), "--out", str(tmp_path / "r")]
    )
    assert isinstance(result.exception, ScoresFileError)
    assert "none.csv does not exist; run `churn score` first" in str(result.exception)


def test_scorecards_list_the_contract_context_of_the_stored_explanation(
    scored_world, report_dir: Path, report_scores: pd.DataFrame
) -> None:
    import json

    account = str(report_scores["account_id"].iloc[0])
    with open_history(scored_world.history_url) as store:
        stored = store.account_history(account).iloc[-1]
    context = json.loads(stored["explanation"])["context"]
    assert context, "the shared model gives every account some contract context"
    html = (report_dir / "accounts" / scorecard_filename(account)).read_text()
    assert 'id="context"' in html
    assert escape(context[0]["sentence"], quote=False) in html


def test_scores_read_back_from_the_history_get_their_value_from_the_stored_explanations(
    scored_world, report_scores: pd.DataFrame
) -> None:
    from serving.pages.quadrants import with_value_columns

    with open_history(scored_world.history_url) as store:
        latest = store.latest_scores()
    assert "quadrant" not in latest.columns  # the history keeps them in the explanation
    lifted = with_value_columns(latest).set_index("account_id")
    expected = report_scores.set_index("account_id")
    for column in ("quadrant", "disagreement", "subscription_arr", "quadrant_arr_cut"):
        pd.testing.assert_series_equal(
            lifted.loc[expected.index, column], expected[column], check_dtype=False
        )
