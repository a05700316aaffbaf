"""The SVG charts: geometry, ordering and text alternatives, checked on the markup itself."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import pytest

from serving.pages import charts
from serving.pages.bands import BandScale

SVG = "{http://www.w3.org/2000/svg}"
SCALE = BandScale.of()


def _parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))


@pytest.mark.parametrize(("health", "angle"), [(0, 180.0), (50, 90.0), (100, 0.0), (-5, 180.0)])
def test_gauge_angle_runs_from_left_at_0_to_right_at_100(health: float, angle: float) -> None:
    assert charts.gauge_angle(health) == pytest.approx(angle)


@pytest.mark.parametrize(("health", "side"), [(0, "left"), (50, "top"), (100, "right")])
def test_gauge_marker_sits_where_the_health_is(health: int, side: str) -> None:
    svg = _parse(charts.health_gauge(health, SCALE.of_health(health), SCALE, "g"))
    marker = next(el for el in svg.iter(f"{SVG}line") if el.get("class") == "marker")
    dx = (float(marker.get("x1")) + float(marker.get("x2"))) / 2 - 120
    dy = 128 - (float(marker.get("y1")) + float(marker.get("y2"))) / 2
    seen = math.degrees(math.atan2(dy, dx))
    assert seen == pytest.approx({"left": 180, "top": 90, "right": 0}[side], abs=0.5)
    texts = [el.text for el in svg.iter(f"{SVG}text")]
    assert str(health) in texts


def test_gauge_has_a_text_alternative_naming_health_and_band() -> None:
    svg = _parse(charts.health_gauge(35, SCALE.of_health(35), SCALE, "g1"))
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "g1-title g1-desc"
    desc = svg.find(f"{SVG}desc").text
    assert desc.startswith("Health 35 out of 100, in the at risk band.")


def test_trend_points_are_ordered_by_as_of_whatever_the_input_order() -> None:
    start = datetime(2026, 1, 1)
    points = [
        charts.TrendPoint(start + timedelta(days=60), 40),
        charts.TrendPoint(start, 80),
        charts.TrendPoint(start + timedelta(days=30), 65),
    ]
    coords = charts.trend_coordinates(points, 500, 200, (10, 10, 10, 10))
    assert [point.health for _, _, point in coords] == [80, 65, 40]
    xs = [x for x, _, _ in coords]
    assert xs == sorted(xs) and xs[0] == 10 and xs[-1] == 490
    assert xs[1] == pytest.approx(10 + 480 * 30 / 60)
    ys = [y for _, y, _ in coords]
    assert ys[0] == pytest.approx(10 + 180 * 0.2)  # health 80: 20% down from the top


def test_trend_line_draws_every_scoring_and_describes_first_and_last() -> None:
    start = datetime(2026, 1, 31)
    points = [
        charts.TrendPoint(start + timedelta(days=30 * i), h) for i, h in enumerate([72, 60, 51])
    ]
    svg = _parse(charts.health_trend(points[::-1], SCALE, "t"))
    line = svg.find(f"{SVG}polyline")
    pairs = [tuple(map(float, pair.split(","))) for pair in line.get("points").split()]
    assert len(pairs) == 3 and [x for x, _ in pairs] == sorted(x for x, _ in pairs)
    assert pairs[0][1] < pairs[1][1] < pairs[2][1]  # falling health: y grows downwards
    desc = svg.find(f"{SVG}desc").text
    assert "3 scorings from 31 Jan 2026 to 01 Apr 2026" in desc
    assert "health went from 72 to 51" in desc


def test_trend_with_one_scoring_draws_a_point_and_no_line() -> None:
    svg = _parse(charts.health_trend([charts.TrendPoint(datetime(2026, 6, 30), 88)], SCALE, "t"))
    assert svg.find(f"{SVG}polyline") is None
    assert "One scoring so far: health 88" in svg.find(f"{SVG}desc").text


def test_trend_shades_each_band_and_draws_its_threshold() -> None:
    svg = _parse(charts.health_trend([], SCALE, "t"))
    dashed = [el for el in svg.iter(f"{SVG}line") if el.get("stroke-dasharray")]
    assert len(dashed) == len(SCALE.bands) - 1  # one line per cut-off above 0
    labels = {el.text for el in svg.iter(f"{SVG}text")}
    assert {"Healthy", "Watch", "At risk"} <= labels


def test_subscore_bars_are_as_long_as_the_score_and_say_no_data_for_missing() -> None:
    svg = _parse(charts.subscore_bars([("Usage", 50.0), ("Surveys", None)], SCALE, "d"))
    bars = [el for el in svg.iter(f"{SVG}rect") if el.get("class") == "bar"]
    tracks = [el for el in svg.iter(f"{SVG}rect") if el.get("class") is None]
    assert len(bars) == 1
    assert float(bars[0].get("width")) == pytest.approx(float(tracks[0].get("width")) / 2, abs=0.1)
    assert bars[0].get("fill") == SCALE.style("watch").colour
    assert "Surveys: no data" in svg.find(f"{SVG}desc").text


def test_health_histogram_counts_each_account_once_in_its_bin() -> None:
    healths = [0, 9, 10, 55, 99, 100, 100]
    svg = _parse(charts.health_histogram(healths, SCALE, "h"))
    desc = svg.find(f"{SVG}desc").text
    assert "Health of 7 accounts" in desc
    assert "0-9: 2" in desc and "10-19: 1" in desc and "50-59: 1" in desc and "90-100: 3" in desc


def test_chart_text_is_escaped() -> None:
    markup = str(charts.ranked_bars([("<script>x</script>", 10.0)], str, "ARR & more", "r"))
    assert "<script>" not in markup
    assert "&lt;script&gt;" in markup and "ARR &amp; more" in markup
    _parse(markup)  # still well-formed XML


def test_chart_ids_make_title_and_desc_unique_per_chart() -> None:
    markup = str(charts.health_gauge(50, SCALE.of_health(50), SCALE, "acc-1-gauge"))
    assert re.findall(r'id="([^"]+)"', markup) == ["acc-1-gauge-title", "acc-1-gauge-desc"]


def _value_points() -> list[charts.ValuePoint]:
    return [
        charts.ValuePoint(arr=1_000.0, health=90, quadrant="maintain", label="small healthy"),
        charts.ValuePoint(arr=100_000.0, health=20, quadrant="protect", label="big at risk", ringed=True),
        charts.ValuePoint(arr=30_000.0, health=80, quadrant="grow", label="<b>mid</b>"),
        charts.ValuePoint(arr=0.0, health=60, quadrant="fix", label="ended"),
    ]  # fmt: skip


SUMMARY = [("protect", 1, "$100K"), ("grow", 1, "$30K"), ("fix", 1, "$0"), ("maintain", 1, "$1K")]


def test_value_coordinates_put_arr_on_a_log_axis_and_health_upwards() -> None:
    domain = (1_000.0, 100_000.0)
    left, bottom = charts.value_coordinates(1_000.0, 0, domain)
    right, top = charts.value_coordinates(100_000.0, 100, domain)
    middle, half = charts.value_coordinates(10_000.0, 50, domain)
    assert left < middle < right and middle == pytest.approx((left + right) / 2)
    assert top < half < bottom and half == pytest.approx((top + bottom) / 2)
    assert charts.value_coordinates(0.0, 0, domain)[0] == left  # ARR 0 sits on the left edge
    assert charts.arr_domain([1_500.0, 84_000.0, 0.0]) == (1_000.0, 100_000.0)


def test_value_map_splits_the_quadrants_at_the_cuts_and_marks_them() -> None:
    svg = _parse(
        charts.health_value_map(_value_points(), 70, 25_000.0, SUMMARY, lambda v: f"${v:,.0f}", "v")
    )
    domain = charts.arr_domain([1_000.0, 100_000.0, 30_000.0, 25_000.0])
    x_cut = charts.value_coordinates(25_000.0, 0, domain)[0]
    y_cut = charts.value_coordinates(1_000.0, 70, domain)[1]
    regions = {
        el.get("data-quadrant"): el
        for el in svg.iter(f"{SVG}rect")
        if el.get("class") == "quadrant"
    }
    assert set(regions) == {"protect", "grow", "fix", "maintain"}
    grow, fix = regions["grow"], regions["fix"]
    assert float(grow.get("x")) == pytest.approx(x_cut, abs=0.1)
    assert float(grow.get("y")) + float(grow.get("height")) == pytest.approx(y_cut, abs=0.1)
    assert float(fix.get("x")) + float(fix.get("width")) == pytest.approx(x_cut, abs=0.1)
    assert float(fix.get("y")) == pytest.approx(y_cut, abs=0.1)
    lines = {el.get("class"): el for el in svg.iter(f"{SVG}line") if el.get("class")}
    assert float(lines["arr-cut"].get("x1")) == pytest.approx(x_cut, abs=0.1)
    assert float(lines["health-cut"].get("y1")) == pytest.approx(y_cut, abs=0.1)
    texts = [el.text for el in svg.iter(f"{SVG}text")]
    assert "health cut 70" in texts and "ARR cut $25,000" in texts
    assert "Protect · 1 · $100K" in texts
    points = [el for el in svg.iter(f"{SVG}circle")]
    assert len(points) == 4 and sum(el.get("class") == "point ringed" for el in points) == 1
    protect = next(el for el in points if el.get("data-quadrant") == "protect")
    assert float(protect.get("cx")) > x_cut and float(protect.get("cy")) > y_cut  # right, below
    desc = svg.find(f"{SVG}desc").text
    assert "Health cut 70; ARR cut $25,000." in desc
    assert "Protect: 1 account, $100K ARR" in desc
    assert "1 account where health and money disagree is ringed" in desc


def test_value_map_without_an_arr_cut_draws_no_quadrants_and_says_why() -> None:
    svg = _parse(charts.health_value_map(_value_points(), 70, None, SUMMARY, str, "v"))
    assert not [el for el in svg.iter(f"{SVG}rect") if el.get("class") == "quadrant"]
    assert "no ARR cut, so no quadrants" in svg.find(f"{SVG}desc").text


def test_value_map_escapes_account_labels_and_thins_big_portfolios_keeping_ringed_ones() -> None:
    markup = str(charts.health_value_map(_value_points(), 70, 25_000.0, SUMMARY, str, "v"))
    assert "<b>mid</b>" not in markup and "&lt;b&gt;mid&lt;/b&gt;" in markup
    many = [
        charts.ValuePoint(arr=100.0 + i, health=i % 100, quadrant="fix", label=f"A{i}", ringed=i % 997 == 0)
        for i in range(charts.MAP_POINTS * 2)
    ]  # fmt: skip
    svg = _parse(charts.health_value_map(many, 70, 5_000.0, SUMMARY, str, "big"))
    circles = list(svg.iter(f"{SVG}circle"))
    assert len(circles) == charts.MAP_POINTS
    assert sum(el.get("class") == "point ringed" for el in circles) == sum(p.ringed for p in many)
    assert (
        f"{charts.MAP_POINTS:,} of the {len(many):,} accounts are drawn"
        in svg.find(f"{SVG}desc").text
    )


def test_the_pages_name_the_quadrants_as_the_scorer_does() -> None:
    from serving.pages.quadrants import QUADRANT_ORDER, QUADRANT_WORDS
    from serving.scoring.quadrants import QUADRANT_MEANINGS, Quadrant

    meanings = {q.value: words for q, words in QUADRANT_MEANINGS.items()}
    assert meanings == QUADRANT_WORDS
    assert {*QUADRANT_ORDER, "no_value_data"} == {q.value for q in Quadrant}
    assert set(charts.QUADRANT_STYLES) == set(QUADRANT_ORDER)
