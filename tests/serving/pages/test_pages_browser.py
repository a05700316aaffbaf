"""The report in real headless Chromium: loads clean from file:// and over HTTP, shows the
right figures, filters, and leaves a screenshot."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import expect

from serving.pages import scorecard_filename
from tests.serving.pages.conftest import SCREENSHOTS, Watched, save_screenshot

pytestmark = pytest.mark.slow


def _band_label(band: str) -> str:
    text = band.replace("_", " ")
    return text[:1].upper() + text[1:]


def _riskiest_with_driver(scores: pd.DataFrame) -> pd.Series:
    ranked = scores.dropna(subset=["driver_1"]).sort_values("arr_at_risk", ascending=False)
    return ranked.iloc[0]


def _open(watched: Watched, url: str) -> None:
    watched.page.goto(url, wait_until="load")
    assert watched.problems() == [], f"{url}: {watched.problems()}"


def test_portfolio_loads_from_file_without_errors_or_requests_elsewhere(
    watched: Watched, report_dir: Path, report_scores: pd.DataFrame, tmp_path: Path
) -> None:
    _open(watched, (report_dir / "index.html").as_uri())
    page = watched.page
    assert all(url.startswith("file://") for url in watched.requests), watched.requests
    rows = page.locator("#accounts tbody tr")
    assert rows.count() == len(report_scores)
    top = report_scores.sort_values("arr_at_risk", ascending=False).iloc[0]
    assert rows.first.get_attribute("data-account") == str(top["account_id"])
    assert f"${top['arr_at_risk']:,.0f}" in rows.first.inner_text()
    shot = save_screenshot(page, tmp_path, "portfolio.png", full_page=False)
    assert shot.stat().st_size > 20_000 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_scorecard_shows_the_figures_of_its_own_account(
    watched: Watched, report_dir: Path, report_scores: pd.DataFrame, tmp_path: Path
) -> None:
    row = _riskiest_with_driver(report_scores)
    _open(watched, (report_dir / "accounts" / scorecard_filename(row["account_id"])).as_uri())
    page = watched.page
    assert page.locator("h1").inner_text() == str(row["account_id"])
    assert page.locator("#health").inner_text() == f"{row['health']:.0f}"
    assert page.locator("#band").inner_text() == _band_label(row["band"])
    assert page.locator("#probability").inner_text() == f"{row['churn_probability'] * 100:.1f}%"
    assert page.locator("#arr-at-risk").inner_text() == f"${row['arr_at_risk']:,.0f}"
    assert page.locator("#drivers li").first.inner_text().startswith(row["driver_1"])
    assert page.locator("svg.chart").count() >= 3
    for chart in page.locator("svg.chart").all():
        assert chart.get_attribute("role") == "img"
        assert (chart.locator("desc").text_content() or "").strip()
    shot = save_screenshot(page, tmp_path, "scorecard.png")
    assert shot.stat().st_size > 20_000


def test_filtering_by_band_hides_the_other_bands(
    watched: Watched, report_dir: Path, report_scores: pd.DataFrame
) -> None:
    _open(watched, (report_dir / "index.html").as_uri())
    page = watched.page
    band = report_scores["band"].value_counts().index[-1]  # the rarest band
    expected = int((report_scores["band"] == band).sum())
    page.select_option("#filter-band", band)
    visible = page.locator("#accounts tbody tr:visible")
    assert visible.count() == expected
    assert {row.get_attribute("data-band") for row in visible.all()} == {band}
    assert f"Showing {expected} of {len(report_scores)} accounts" in page.inner_text(
        "#filter-status"
    )
    page.click("button[type=reset]")  # the form's values reset after the event: wait for it
    expect(page.locator("#accounts tbody tr:visible")).to_have_count(len(report_scores))
    assert watched.problems() == []


def test_filters_combine_owner_and_segment(
    watched: Watched, report_dir: Path, report_scores: pd.DataFrame
) -> None:
    _open(watched, (report_dir / "index.html").as_uri())
    row = report_scores.dropna(subset=["owner", "segment"]).iloc[0]
    watched.page.select_option("#filter-owner", str(row["owner"]))
    watched.page.select_option("#filter-segment", str(row["segment"]))
    expected = int(
        (
            (report_scores["owner"] == row["owner"]) & (report_scores["segment"] == row["segment"])
        ).sum()
    )
    assert watched.page.locator("#accounts tbody tr:visible").count() == expected


def test_pages_load_over_http_without_errors(
    watched: Watched, report_server: str, report_scores: pd.DataFrame
) -> None:
    _open(watched, report_server + "index.html")
    assert watched.page.locator("#accounts tbody tr").count() == len(report_scores)
    watched.page.locator("#accounts tbody tr").first.locator("a").click()
    watched.page.wait_for_load_state("load")
    assert "/accounts/" in watched.page.url
    assert watched.page.locator("#health").inner_text().isdigit()
    watched.page.click("text=← Portfolio")
    watched.page.wait_for_load_state("load")
    assert watched.page.url.endswith("/index.html")
    assert watched.problems() == []
    assert all(url.startswith(report_server) for url in watched.requests), watched.requests


def test_the_harness_catches_a_missing_stylesheet(
    watched: Watched, report_dir: Path, tmp_path: Path
) -> None:
    """The checks above can fail: a page whose stylesheet is missing is reported."""
    (tmp_path / "index.html").write_text((report_dir / "index.html").read_text())
    watched.page.goto((tmp_path / "index.html").as_uri(), wait_until="load")
    assert any("style.css" in problem for problem in watched.problems()), watched.problems()


def test_portfolio_draws_health_against_value_and_lists_the_disagreements(
    watched: Watched, report_dir: Path, report_scores: pd.DataFrame, tmp_path: Path
) -> None:
    _open(watched, (report_dir / "index.html").as_uri())
    page = watched.page
    chart = page.locator("#value svg.chart")
    expect(chart).to_be_visible()
    assert chart.get_attribute("role") == "img"
    assert "Health cut 70" in (chart.locator("desc").text_content() or "")
    assert chart.locator("rect.quadrant").count() == 4
    assert chart.locator("line.health-cut").count() == chart.locator("line.arr-cut").count() == 1
    valued = report_scores.dropna(subset=["subscription_arr"])
    assert chart.locator("circle.point").count() == len(valued)
    ringed = chart.locator("circle.ringed").count()
    assert ringed == report_scores["disagreement"].notna().sum() > 0
    box = chart.bounding_box()
    assert box and box["width"] > 600 and box["height"] > 250  # drawn, not collapsed
    told = report_scores.dropna(subset=["disagreement"])
    moved = (told["subscription_arr"] - told["subscription_arr_90d_ago"]).abs()
    told = told.assign(moved=moved).sort_values("moved", ascending=False, kind="mergesort")
    for kind, rows in (
        ("contracting", told[told["subscription_arr_pct_change_90d"] < 0]),
        ("expanding", told[told["subscription_arr_pct_change_90d"] > 0]),
    ):
        listed = page.locator(f"#{kind} tbody tr")
        assert listed.count() == min(len(rows), 25), kind
        if len(rows):
            first = listed.first
            assert first.get_attribute("data-account-id") == str(rows["account_id"].iloc[0])
            assert first.locator("td.reason").inner_text() == rows["disagreement"].iloc[0]
    shot = tmp_path / "portfolio-value.png"
    page.locator("#value").screenshot(path=str(shot))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shot, SCREENSHOTS / "portfolio-value.png")
    assert shot.stat().st_size > 20_000
    assert watched.problems() == []


def test_filtering_by_quadrant_hides_the_other_quadrants(
    watched: Watched, report_dir: Path, report_scores: pd.DataFrame
) -> None:
    _open(watched, (report_dir / "index.html").as_uri())
    page = watched.page
    page.select_option("#filter-quadrant", "protect")
    expected = int((report_scores["quadrant"] == "protect").sum())
    visible = page.locator("#accounts tbody tr:visible")
    assert 0 < visible.count() == expected
    assert {row.get_attribute("data-quadrant") for row in visible.all()} == {"protect"}
    assert {row.locator("td.quadrant").inner_text() for row in visible.all()} == {"Protect"}
    assert watched.problems() == []
