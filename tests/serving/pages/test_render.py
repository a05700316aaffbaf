"""The HTML of the pages, rendered from the shared scoring run: escaping, ranking, errors."""

from __future__ import annotations

import re

import pytest

from serving.history import open_history
from serving.pages import (
    ScoresFileError,
    band_scale_from_scores,
    render_portfolio,
    render_scorecard,
    scorecard_filename,
)
from serving.pages.report import explanation_of
from serving.scoring.columns import VALUE_COLUMNS

ATTACK = '<script>alert("x")</script>'


def test_render_scorecard_escapes_the_account_name_and_sentences(report_scores) -> None:
    row = report_scores.iloc[0].to_dict() | {"account_name": ATTACK, "driver_1": f"Usage {ATTACK}"}
    html = render_scorecard(row)
    assert ATTACK not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert html.count("<script") == 0  # a scorecard has no script at all


def test_render_portfolio_escapes_owners_everywhere_they_appear(report_scores) -> None:
    scores = report_scores.copy()
    scores.loc[scores.index[0], "owner"] = ATTACK
    html = render_portfolio(scores)
    assert ATTACK not in html
    assert html.count("<script") == 1  # only the page's own filter script
    assert 'data-owner="&lt;script&gt;' in html and '<option value="&lt;script&gt;' in html


def test_render_portfolio_ranks_accounts_by_arr_at_risk(report_scores) -> None:
    html = render_portfolio(report_scores.sample(frac=1, random_state=3))
    order = re.findall(r'<tr data-account="([^"]+)"', html)
    # ties (equal ARR at risk) go to the lower health, then the lower account id
    expected = report_scores.sort_values(
        ["arr_at_risk", "health", "account_id"], ascending=[False, True, True]
    )["account_id"]
    assert order == expected.astype(str).tolist()


def test_render_portfolio_names_the_missing_score_columns(report_scores) -> None:
    with pytest.raises(ScoresFileError, match="no column 'health', 'arr_at_risk'"):
        render_portfolio(report_scores.drop(columns=["health", "arr_at_risk"]))


def test_render_scorecard_names_the_missing_fields(report_scores) -> None:
    row = report_scores.iloc[0].drop(["band"])
    with pytest.raises(ScoresFileError, match="no field 'band'"):
        render_scorecard(row)


def test_scorecard_shows_points_and_play_owners_from_the_stored_explanation(
    scored_world, report_scores
) -> None:
    row = report_scores.sort_values("arr_at_risk", ascending=False).iloc[0]
    with open_history(scored_world.history_url) as store:
        history = store.account_history(str(row["account_id"]))
    explanation = explanation_of(row.to_dict(), history.to_dict("records"))
    assert explanation is not None, "the churn score run stores an explanation per row"
    html = render_scorecard(row, history, explanation)
    first = explanation["drivers"][0]
    assert f"{first['points'] * 100:+.1f} pts" in html
    for play in explanation["plays"]:
        assert f"<td>{play['owner_role']}</td>" in html
    assert f"{len(history)} scorings from" in html


def test_scorecard_without_history_draws_this_scoring_only(report_scores) -> None:
    html = render_scorecard(report_scores.iloc[0])
    assert "One scoring so far" in html
    assert "Scoring history as a table (1)" in html


def test_scorecard_filename_keeps_safe_ids_and_makes_odd_ones_safe_and_distinct() -> None:
    assert scorecard_filename("A0000001") == "A0000001.html"
    odd = [scorecard_filename(x) for x in ("acme/emea", "acme emea", "../x", "<b>")]
    assert len(set(odd)) == 4
    assert all(re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*\.html", name) for name in odd)


def test_band_scale_from_scores_recovers_the_models_cut_offs(report_scores) -> None:
    scale = band_scale_from_scores(report_scores)
    assert [(band.name, band.min_health) for band in scale.bands] == [
        ("healthy", 70.0),
        ("watch", 40.0),
        ("at_risk", 0.0),
    ]
    renamed = report_scores.assign(
        band=report_scores["band"].map({"healthy": "green", "watch": "amber", "at_risk": "red"})
    )
    inferred = band_scale_from_scores(renamed)
    assert inferred.names == ["green", "amber", "red"]
    assert inferred.bands[-1].min_health == 0
    for band in inferred.bands:
        in_band = renamed.loc[renamed["band"] == band.name, "health"]
        assert (in_band >= band.min_health).all()


def test_pages_link_back_to_the_portfolio_as_a_file_or_as_a_served_folder(report_scores) -> None:
    row = report_scores.iloc[0]
    assert '<a href="../index.html">← Portfolio</a>' in render_scorecard(row)
    assert '<a href="../">← Portfolio</a>' in render_scorecard(row, index="")
    assert 'href="style.css"' in render_portfolio(report_scores)


def test_portfolio_draws_health_against_value_and_counts_each_disagreement(report_scores) -> None:
    html = render_portfolio(report_scores)
    section = html[html.index('id="value"') : html.index('aria-labelledby="accounts-heading"')]
    assert 'aria-labelledby="portfolio-value-title portfolio-value-desc"' in section
    assert section.count('class="point') == report_scores["subscription_arr"].notna().sum()
    told = report_scores.dropna(subset=["disagreement"])
    falling = told["subscription_arr_pct_change_90d"] < 0
    assert f'Healthy but contracting <span class="muted">({int(falling.sum())})</span>' in section
    assert f'At risk but expanding <span class="muted">({int((~falling).sum())})</span>' in section
    cut = report_scores["quadrant_arr_cut"].iloc[0]
    assert f"high value means subscription ARR of ${cut:,.0f} or more" in section


def test_portfolio_of_scores_without_value_figures_says_so_instead_of_failing(report_scores):
    html = render_portfolio(report_scores.drop(columns=list(VALUE_COLUMNS)))
    assert "These scores carry no value figures" in html
    assert 'class="point' not in html and 'id="filter-quadrant"' not in html


def test_a_disagreement_sentence_is_escaped_on_the_portfolio(report_scores) -> None:
    scores = report_scores.copy()
    row = scores["disagreement"].notna().idxmax()
    scores.loc[row, "disagreement"] = ATTACK
    html = render_portfolio(scores)
    assert ATTACK not in html and "&lt;script&gt;" in html


def test_portfolio_without_a_value_cut_draws_no_quadrants_and_says_why(report_scores) -> None:
    scores = report_scores.assign(quadrant_arr_cut=float("nan"), quadrant=None)
    html = render_portfolio(scores)
    assert "No value cut could be read from these scores" in html
    assert '<rect class="quadrant"' not in html and "no ARR cut, so no quadrants" in html
    assert html.count('class="point') == report_scores["subscription_arr"].notna().sum()
