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
