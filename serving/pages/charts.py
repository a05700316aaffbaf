"""Charts as inline SVG, drawn in Python: no JavaScript, no downloads, readable by screen readers.

Every chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` that says in words
what the chart shows, so the figure has a text alternative. All text is escaped.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from markupsafe import Markup, escape

from serving.pages.bands import BandScale, BandStyle

_GRID = "#d8dde3"
_INK = "#1f2937"
_MUTED = "#4b5563"


def _n(value: float) -> str:
    """A coordinate with one decimal: short markup, formatted fast (charts have many)."""
    return "%.1f" % value  # noqa: UP031 - measurably faster than f-strings here


def _svg(
    chart_id: str,
    width: float,
    height: float,
    title: str,
    desc: str,
    body: list[str],
    css: str = "chart",
) -> Markup:
    return Markup(
        f'<svg class="{css}" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>' + "".join(body) + "</svg>"
    )


def _text(x: float, y: float, text: object, css: str = "", anchor: str = "start") -> str:
    klass = f' class="{css}"' if css else ""
    return f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}"{klass}>{escape(text)}</text>'


# --- gauge ------------------------------------------------------------------------------------


def gauge_angle(health: float) -> float:
    """Marker angle in degrees, counter-clockwise from 3 o'clock: 180 at 0, 90 at 50, 0 at 100."""
    return 180.0 - 1.8 * min(max(float(health), 0.0), 100.0)


def _polar(cx: float, cy: float, radius: float, degrees: float) -> tuple[float, float]:
    rad = math.radians(degrees)
    return cx + radius * math.cos(rad), cy - radius * math.sin(rad)


def _arc(cx: float, cy: float, radius: float, start: float, end: float) -> str:
    """An arc path from health ``start`` to health ``end`` (clockwise on screen)."""
    x0, y0 = _polar(cx, cy, radius, gauge_angle(start))
    x1, y1 = _polar(cx, cy, radius, gauge_angle(end))
    return f"M{_n(x0)} {_n(y0)}A{_n(radius)} {_n(radius)} 0 0 1 {_n(x1)} {_n(y1)}"


_GAUGE = (240, 150, 120, 128, 100)  # width, height, centre x, centre y, radius


@cache
def _gauge_dial(scale: BandScale) -> str:
    """The part of every gauge that depends on the bands only (drawn once per scale)."""
    _, _, cx, cy, radius = _GAUGE
    body = [
        f'<path d="{_arc(cx, cy, radius, low, high)}" fill="none" stroke="{style.tint}" '
        f'stroke-width="22"/>'
        for style, low, high in scale.ranges()
    ]
    return "".join(body)


@cache
def _gauge_ticks(scale: BandScale) -> str:
    _, _, cx, cy, radius = _GAUGE
    body = []
    for _, low, _high in scale.ranges()[:-1]:
        x0, y0 = _polar(cx, cy, radius - 13, gauge_angle(low))
        x1, y1 = _polar(cx, cy, radius + 13, gauge_angle(low))
        body.append(
            f'<line x1="{_n(x0)}" y1="{_n(y0)}" x2="{_n(x1)}" y2="{_n(y1)}" '
            f'stroke="#ffffff" stroke-width="2"/>'
        )
    body.append(_text(cx - radius, cy + 18, "0", "axis", "middle"))
    body.append(_text(cx + radius, cy + 18, "100", "axis", "middle"))
    return "".join(body)


def health_gauge(health: float, band: BandStyle, scale: BandScale, chart_id: str) -> Markup:
    """A half-dial from 0 (left) to 100 (right): bands tinted, filled up to ``health``, marked there."""
    width, height, cx, cy, radius = _GAUGE
    body = [
        _gauge_dial(scale),
        f'<path d="{_arc(cx, cy, radius, 0, health)}" fill="none" stroke="{band.colour}" '
        f'stroke-width="22"/>',
        _gauge_ticks(scale),
    ]
    angle = gauge_angle(health)
    x0, y0 = _polar(cx, cy, radius - 17, angle)
    x1, y1 = _polar(cx, cy, radius + 17, angle)
    body.append(
        f'<line class="marker" x1="{_n(x0)}" y1="{_n(y0)}" x2="{_n(x1)}" y2="{_n(y1)}" '
        f'stroke="{_INK}" stroke-width="4" stroke-linecap="round"/>'
    )
    body.append(_text(cx, cy - 12, f"{health:.0f}", "gauge-value", "middle"))
    body.append(_text(cx, cy + 8, band.label, "gauge-band", "middle"))
    desc = f"Health {health:.0f} out of 100, in the {band.label.lower()} band. " + _band_words(
        scale
    )
    return _svg(chart_id, width, height, "Health gauge", desc, body)


@cache
def _band_words(scale: BandScale) -> str:
    return "; ".join(f"{s.label} from {low:g} to {high:g}" for s, low, high in scale.ranges()) + "."


# --- trend ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendPoint:
    """One past scoring: when, and the health it gave."""

    as_of: datetime
    health: float
    band: str | None = None


def trend_coordinates(
    points: Sequence[TrendPoint],
    width: float,
    height: float,
    pad: tuple[float, float, float, float],
) -> list[tuple[float, float, TrendPoint]]:
    """``(x, y, point)`` per scoring, oldest first; x by time, y = 0 at the bottom, 100 at the top.

    ``pad`` is (top, right, bottom, left). A single scoring sits in the middle.
    """
    ordered = sorted(points, key=lambda point: point.as_of)
    top, right, bottom, left = pad
    plot_w, plot_h = width - left - right, height - top - bottom
    if not ordered:
        return []
    first, last = ordered[0].as_of, ordered[-1].as_of
    span = (last - first).total_seconds()
    coords = []
    for point in ordered:
        share = 0.5 if span <= 0 else (point.as_of - first).total_seconds() / span
        y = top + plot_h * (1 - min(max(point.health, 0.0), 100.0) / 100.0)
        coords.append((left + plot_w * share, y, point))
    return coords


_TREND_SIZE = (960, 220)
_TREND_PAD = (12.0, 76.0, 28.0, 36.0)  # top, right, bottom, left


@cache
def _trend_background(scale: BandScale) -> str:
    """Band regions, thresholds, band names and the y axis: the same on every trend."""
    width, height = _TREND_SIZE
    top, right, bottom, left = _TREND_PAD
    plot_w, plot_h = width - left - right, height - top - bottom
    body = []
    for style, low, high in scale.ranges():
        y_high = top + plot_h * (1 - high / 100)
        body.append(
            f'<rect x="{_n(left)}" y="{_n(y_high)}" width="{_n(plot_w)}" '
            f'height="{_n(plot_h * (high - low) / 100)}" fill="{style.tint}"/>'
        )
        if low > 0:
            y = top + plot_h * (1 - low / 100)
            body.append(
                f'<line x1="{_n(left)}" y1="{_n(y)}" x2="{_n(left + plot_w)}" y2="{_n(y)}" '
                f'stroke="{style.colour}" stroke-width="1" stroke-dasharray="4 3"/>'
            )
        body.append(
            _text(
                left + plot_w + 8,
                top + plot_h * (1 - (low + high) / 200) + 4,
                style.label,
                "band-label",
            )
        )
    for tick in (0, 50, 100):
        body.append(_text(left - 6, top + plot_h * (1 - tick / 100) + 4, tick, "axis", "end"))
    return "".join(body)


def health_trend(points: Sequence[TrendPoint], scale: BandScale, chart_id: str) -> Markup:
    """Health over past scorings on a 0-100 axis, the band regions shaded behind the line."""
    width, height = _TREND_SIZE
    pad = _TREND_PAD
    top, right, _, left = pad
    body = [_trend_background(scale)]
    coords = trend_coordinates(points, width, height, pad)
    if len(coords) > 1:
        path = " ".join(f"{_n(x)},{_n(y)}" for x, y, _ in coords)
        body.append(
            f'<polyline class="trend-line" points="{path}" fill="none" stroke="{_INK}" '
            f'stroke-width="2.5" stroke-linejoin="round"/>'
        )
    for index, (x, y, point) in enumerate(coords):
        style = scale.of_health(point.health)
        last = index == len(coords) - 1
        body.append(
            f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{5 if last else 3.5}" fill="{style.colour}" '
            f'stroke="#ffffff" stroke-width="1.5"/>'
        )
    if coords:
        for x, _, point in (coords[0], coords[-1]) if len(coords) > 1 else coords[:1]:
            anchor = "start" if x < left + 30 else "end" if x > width - right - 30 else "middle"
            body.append(_text(x, height - 8, f"{point.as_of:%d %b %Y}", "axis", anchor))
        x, y, point = coords[-1]
        body.append(
            _text(
                x - 9,
                y - 8 if y > top + 20 else y + 18,
                f"{point.health:.0f}",
                "point-label",
                "end",
            )
        )
    ordered = [point for _, _, point in coords]
    if not ordered:
        desc = "No scorings recorded yet."
    elif len(ordered) == 1:
        desc = f"One scoring so far: health {ordered[0].health:.0f} on {ordered[0].as_of:%d %b %Y}."
    else:
        desc = (
            f"{len(ordered)} scorings from {ordered[0].as_of:%d %b %Y} to "
            f"{ordered[-1].as_of:%d %b %Y}; health went from {ordered[0].health:.0f} to "
            f"{ordered[-1].health:.0f} (lowest {min(p.health for p in ordered):.0f}, highest "
            f"{max(p.health for p in ordered):.0f})."
        )
    return _svg(chart_id, width, height, "Health over past scorings", desc, body, "chart wide")


# --- sub-score bars ---------------------------------------------------------------------------


def subscore_bars(
    scores: Sequence[tuple[str, float | None]], scale: BandScale, chart_id: str
) -> Markup:
    """One horizontal 0-100 bar per dimension, coloured by the band its score falls in."""
    row, label_w, value_w = 34, 110, 44
    width = 420
    bar_w = width - label_w - value_w
    height = row * max(len(scores), 1) + 6
    body = []
    words = []
    for index, (name, score) in enumerate(scores):
        y = index * row + 6
        body.append(_text(0, y + 16, name, "bar-label"))
        body.append(
            f'<rect x="{label_w}" y="{y + 4}" width="{bar_w}" height="16" rx="3" fill="#eef0f3"/>'
        )
        if score is None:
            body.append(_text(label_w + 8, y + 16, "no data", "axis"))
            words.append(f"{name}: no data")
            continue
        style = scale.of_health(score)
        body.append(
            f'<rect class="bar" x="{label_w}" y="{y + 4}" width="{_n(bar_w * score / 100)}" '
            f'height="16" rx="3" fill="{style.colour}"/>'
        )
        body.append(_text(width, y + 17, f"{score:.0f}", "bar-value", "end"))
        words.append(f"{name} {score:.0f} ({style.label.lower()})")
    desc = "Sub-scores out of 100: " + ("; ".join(words) if words else "none") + "."
    return _svg(chart_id, width, height, "Health by dimension", desc, body)


# --- portfolio distribution -------------------------------------------------------------------


def health_histogram(healths: Sequence[float], scale: BandScale, chart_id: str) -> Markup:
    """Accounts per 10-point health bin (0-9 ... 90-100), each bar in its band's colour."""
    counts = [0] * 10
    for health in healths:
        counts[min(int(max(health, 0)) // 10, 9)] += 1
    width, height = 520, 200
    top, bottom, left, right = 18.0, 30.0, 40.0, 8.0
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max(max(counts), 1)
    slot = plot_w / 10
    body = [
        f'<line x1="{_n(left)}" y1="{_n(top + plot_h)}" x2="{_n(width - right)}" '
        f'y2="{_n(top + plot_h)}" stroke="{_GRID}"/>'
    ]
    for tick in (0, peak):
        body.append(_text(left - 6, top + plot_h * (1 - tick / peak) + 4, tick, "axis", "end"))
    for index, count in enumerate(counts):
        style = scale.of_health(index * 10)
        bar_h = plot_h * count / peak
        x = left + index * slot + 3
        body.append(
            f'<rect class="bar" x="{_n(x)}" y="{_n(top + plot_h - bar_h)}" '
            f'width="{_n(slot - 6)}" height="{_n(bar_h)}" fill="{style.colour}"/>'
        )
        if count:
            body.append(
                _text(x + (slot - 6) / 2, top + plot_h - bar_h - 4, count, "axis", "middle")
            )
        body.append(_text(left + index * slot, height - 10, index * 10, "axis", "middle"))
    body.append(_text(width - right, height - 10, 100, "axis", "end"))
    desc = (
        f"Health of {len(healths)} accounts in bins of 10 points: "
        + ", ".join(
            f"{index * 10}-{index * 10 + 9 if index < 9 else 100}: {count}"
            for index, count in enumerate(counts)
        )
        + "."
    )
    return _svg(chart_id, width, height, "Accounts by health score", desc, body)


def arr_at_risk_by_band(
    totals: Sequence[tuple[BandStyle, float]], money: Callable[[float], str], chart_id: str
) -> Markup:
    """One stacked bar of ARR at risk split by band, with a legend underneath.

    ``money`` formats an amount for the legend and the description, e.g. ``formatting.money``.
    """
    width, bar_h = 520, 26
    total = sum(value for _, value in totals)
    body = []
    x = 0.0
    for style, value in totals:
        share = value / total if total > 0 else 0.0
        body.append(
            f'<rect class="bar" x="{_n(x)}" y="0" width="{_n(width * share)}" height="{bar_h}" '
            f'fill="{style.colour}"/>'
        )
        x += width * share
    legend_y = bar_h + 24
    column = width / max(len(totals), 1)
    for index, (style, value) in enumerate(totals):
        lx = index * column
        share = value / total if total > 0 else 0.0
        body.append(
            f'<rect x="{_n(lx)}" y="{legend_y - 11}" width="12" height="12" fill="{style.colour}"/>'
        )
        body.append(
            _text(lx + 18, legend_y, f"{style.label} {money(value)} ({share:.0%})", "legend")
        )
    desc = (
        "ARR at risk by band: "
        + "; ".join(f"{style.label} {money(value)}" for style, value in totals)
        + "."
    )
    return _svg(chart_id, width, legend_y + 8, "ARR at risk by band", desc, body)


def ranked_bars(
    items: Sequence[tuple[str, float]],
    money: Callable[[float], str],
    title: str,
    chart_id: str,
    colour: str = "#9f1239",
) -> Markup:
    """Horizontal bars of amounts, largest first (e.g. ARR at risk per segment or owner)."""
    ordered = sorted(items, key=lambda item: item[1], reverse=True)
    row, label_w, value_w, width = 26, 150, 90, 520
    bar_w = width - label_w - value_w
    peak = max([value for _, value in ordered] + [1e-9])
    body = []
    for index, (label, value) in enumerate(ordered):
        y = index * row
        name = label if len(label) <= 22 else label[:21] + "\u2026"
        body.append(_text(0, y + 16, name, "bar-label"))
        body.append(
            f'<rect class="bar" x="{label_w}" y="{y + 5}" width="{_n(max(bar_w * value / peak, 1))}" '
            f'height="14" rx="2" fill="{colour}"/>'
        )
        body.append(_text(width, y + 17, money(value), "bar-value", "end"))
    desc = f"{title}: " + "; ".join(f"{label} {money(value)}" for label, value in ordered) + "."
    return _svg(chart_id, width, row * max(len(ordered), 1) + 4, title, desc, body)


# --- health against value ---------------------------------------------------------------------


@dataclass(frozen=True)
class QuadrantStyle:
    """How one quadrant looks on the health-by-value map (its name is always written)."""

    name: str
    label: str
    colour: str
    tint: str


QUADRANT_STYLES: dict[str, QuadrantStyle] = {
    style.name: style
    for style in (
        QuadrantStyle("protect", "Protect", "#b42318", "#fde4e1"),
        QuadrantStyle("grow", "Grow", "#1f7a4d", "#e3f4ea"),
        QuadrantStyle("fix", "Fix", "#a15c00", "#fdf0d8"),
        QuadrantStyle("maintain", "Maintain", "#475569", "#eef0f3"),
    )
}
"""The four quadrants: protect (high value, at risk), grow (high value, healthy), fix (lower
value, at risk), maintain (lower value, healthy)."""


@dataclass(frozen=True)
class ValuePoint:
    """One account on the map: its subscription ARR, health and quadrant."""

    arr: float
    health: float
    quadrant: str | None
    label: str
    """The account, as its tooltip names it."""
    ringed: bool = False
    """Drawn with a ring: one of the accounts where health and money disagree."""


_MAP_SIZE = (960, 380)
_MAP_PAD = (30.0, 24.0, 46.0, 52.0)  # top, right, bottom, left
MAP_POINTS = 4000
"""The most accounts the map draws (the rest are said, not drawn: the page stays light)."""


def arr_domain(values: Sequence[float]) -> tuple[float, float]:
    """The log axis' ends: whole powers of ten around the positive ``values`` (ARR, cut)."""
    positive = [v for v in values if v > 0]
    if not positive:
        return 1.0, 10.0
    low = 10 ** math.floor(math.log10(min(positive)))
    high = 10 ** math.ceil(math.log10(max(positive)))
    return (low, high) if high > low else (low, low * 10)


def value_coordinates(
    arr: float, health: float, domain: tuple[float, float]
) -> tuple[float, float]:
    """``(x, y)`` on the map: x by log ARR (at or below the domain's low end: the left edge),
    y = health 0 at the bottom, 100 at the top."""
    width, height = _MAP_SIZE
    top, right, bottom, left = _MAP_PAD
    plot_w, plot_h = width - left - right, height - top - bottom
    low, high = (math.log10(end) for end in domain)
    share = (math.log10(arr) - low) / (high - low) if arr > domain[0] else 0.0
    x = left + plot_w * min(max(share, 0.0), 1.0)
    y = top + plot_h * (1 - min(max(health, 0.0), 100.0) / 100.0)
    return x, y


def _arr_ticks(domain: tuple[float, float]) -> list[float]:
    low, high = domain
    decades = round(math.log10(high / low))
    steps = (1, 2, 5) if decades <= 2 else (1,)
    ticks = []
    for power in range(decades + 1):
        for step in steps:
            value = low * 10**power * step
            if value <= high * (1 + 1e-9):
                ticks.append(value)
    return ticks


def health_value_map(
    points: Sequence[ValuePoint],
    health_cut: float,
    arr_cut: float | None,
    summary: Sequence[tuple[str, int, str]],
    money: Callable[[float], str],
    chart_id: str,
    not_drawn: str = "",
) -> Markup:
    """Health (up) against subscription ARR (right, log scale): the quadrants tinted and
    named, both cuts drawn and labelled, one dot per account coloured by its quadrant;
    accounts where health and money disagree are ringed.

    ``summary`` is ``(quadrant, accounts, ARR text)`` per quadrant for the labels and the
    description; ``not_drawn`` says which accounts are missing from the map, in words.
    """
    width, height = _MAP_SIZE
    top, right, bottom, left = _MAP_PAD
    plot_w, plot_h = width - left - right, height - top - bottom
    drawn = _thinned(points, MAP_POINTS)
    domain = arr_domain([p.arr for p in points] + ([arr_cut] if arr_cut else []))
    x_cut = value_coordinates(arr_cut, 0, domain)[0] if arr_cut else None
    y_cut = value_coordinates(domain[0], health_cut, domain)[1]
    counts = {name: (count, arr) for name, count, arr in summary}
    labels: list[str] = []
    body = [
        f'<rect x="{_n(left)}" y="{_n(top)}" width="{_n(plot_w)}" height="{_n(plot_h)}" '
        f'fill="#ffffff" stroke="{_GRID}"/>'
    ]
    if x_cut is not None:
        regions = (  # name, x0, y0, x1, y1, label corner
            ("maintain", left, top, x_cut, y_cut, "start"),
            ("grow", x_cut, top, left + plot_w, y_cut, "end"),
            ("fix", left, y_cut, x_cut, top + plot_h, "start"),
            ("protect", x_cut, y_cut, left + plot_w, top + plot_h, "end"),
        )
        for name, x0, y0, x1, y1, anchor in regions:
            style = QUADRANT_STYLES[name]
            body.append(
                f'<rect class="quadrant" data-quadrant="{name}" x="{_n(x0)}" y="{_n(y0)}" '
                f'width="{_n(x1 - x0)}" height="{_n(y1 - y0)}" fill="{style.tint}"/>'
            )
            count, arr = counts.get(name, (0, money(0)))
            text = f"{style.label} · {count:,} · {arr}"
            x = x0 + 8 if anchor == "start" else x1 - 8
            y = y0 + 16 if name in ("maintain", "grow") else y1 - 8
            labels.append(_text(x, y, text, "quadrant-label", anchor))  # drawn over the dots
    for tick in _arr_ticks(domain):
        x = value_coordinates(tick, 0, domain)[0]
        body.append(
            f'<line x1="{_n(x)}" y1="{_n(top + plot_h)}" x2="{_n(x)}" y2="{_n(top + plot_h + 4)}" '
            f'stroke="{_MUTED}"/>'
        )
        label = re.sub(r"\.0(?=[KMB]$)", "", money(tick))  # $1.0K -> $1K
        body.append(_text(x, top + plot_h + 17, label, "axis", "middle"))
    for tick in (0, 50, 100):
        body.append(_text(left - 6, top + plot_h * (1 - tick / 100) + 4, tick, "axis", "end"))
    body.append(
        _text(left + plot_w / 2, height - 6, "Subscription ARR (log scale)", "axis", "middle")
    )
    body.append(_text(left - 6, top - 12, "Health", "axis", "end"))
    for point in drawn:
        x, y = value_coordinates(point.arr, point.health, domain)
        style = QUADRANT_STYLES.get(point.quadrant or "")
        colour = style.colour if style else _MUTED
        ring = f' stroke="{_INK}" stroke-width="1.6"' if point.ringed else ""
        body.append(
            f'<circle class="point{" ringed" if point.ringed else ""}" '
            f'data-quadrant="{escape(point.quadrant or "")}" cx="{_n(x)}" cy="{_n(y)}" '
            f'r="{4.5 if point.ringed else 3}" fill="{colour}" fill-opacity="0.8"{ring}>'
            f"<title>{escape(point.label)}</title></circle>"
        )
    body.extend(labels)
    body.append(
        f'<line class="health-cut" x1="{_n(left)}" y1="{_n(y_cut)}" x2="{_n(left + plot_w)}" '
        f'y2="{_n(y_cut)}" stroke="{_INK}" stroke-width="1.5" stroke-dasharray="6 4"/>'
    )
    body.append(
        _text(left + plot_w - 4, y_cut - 5, f"health cut {health_cut:g}", "cut-label", "end")
    )
    if x_cut is not None:
        body.append(
            f'<line class="arr-cut" x1="{_n(x_cut)}" y1="{_n(top)}" x2="{_n(x_cut)}" '
            f'y2="{_n(top + plot_h)}" stroke="{_INK}" stroke-width="1.5" stroke-dasharray="6 4"/>'
        )
        body.append(_text(x_cut, top - 6, f"ARR cut {money(arr_cut)}", "cut-label", "middle"))
    ringed = sum(1 for p in points if p.ringed)
    words = [
        f"Health (0 to 100, upwards) against subscription ARR (log scale, rightwards) of "
        f"{_accounts(len(points))}. Health cut {health_cut:g}; "
        + (f"ARR cut {money(arr_cut)}." if arr_cut else "no ARR cut, so no quadrants.")
    ]
    if arr_cut:
        words.append(
            "; ".join(
                f"{QUADRANT_STYLES[name].label}: {_accounts(count)}, {arr} ARR"
                for name, count, arr in summary
                if name in QUADRANT_STYLES
            )
            + "."
        )
    if ringed:
        words.append(
            f"{_accounts(ringed)} where health and money disagree "
            + ("is ringed." if ringed == 1 else "are ringed.")
        )
    if len(drawn) < len(points):
        words.append(f"{len(drawn):,} of the {len(points):,} accounts are drawn.")
    if not_drawn:
        words.append(not_drawn)
    return _svg(
        chart_id, width, height, "Health against value", " ".join(words), body, "chart wide"
    )


def _accounts(count: int) -> str:
    return f"{count:,} account" + ("" if count == 1 else "s")


def _thinned(points: Sequence[ValuePoint], limit: int) -> list[ValuePoint]:
    """Every point up to ``limit``; beyond it the ringed ones and an even spread of the rest
    by ARR (the same points every time)."""
    if len(points) <= limit:
        return list(points)
    ringed = [p for p in points if p.ringed][:limit]
    rest = sorted((p for p in points if not p.ringed), key=lambda p: (p.arr, p.health, p.label))
    room = limit - len(ringed)
    step = len(rest) / room if room else 0
    return ringed + [rest[int(k * step)] for k in range(room)]
