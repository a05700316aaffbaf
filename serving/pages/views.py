"""What a page shows, worked out from score rows, score history and explanations.

Templates only lay out what these functions return: every figure is formatted here, once,
with :mod:`serving.pages.formatting`, so the portfolio row and the scorecard of one account
always print the same text for the same number.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from types import SimpleNamespace as View
from typing import Any

import pandas as pd

from serving.pages import charts
from serving.pages import formatting as fmt
from serving.pages.bands import BandScale, band_label

DIMENSIONS: tuple[tuple[str, str], ...] = (
    ("usage_score", "Usage"),
    ("support_score", "Support"),
    ("survey_score", "Surveys"),
    ("billing_score", "Billing"),
    ("relationship_score", "Relationship"),
)
"""Sub-score columns of the scores file and their labels, in the order a scorecard lists them."""

NAME_COLUMNS = ("account_name", "name")
"""Optional columns with a person-readable account name; the account id is shown otherwise."""

_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,80}$")


def scorecard_filename(account_id: object) -> str:
    """``accounts/<file>`` name of an account's scorecard: the id itself when it is file-safe,
    else a safe slug plus a short hash (so two odd ids never share a file)."""
    text = str(account_id)
    if _SAFE_ID.match(text):
        return f"{text}.html"
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._")[:60] or "account"
    return f"{slug}-{hashlib.sha1(text.encode()).hexdigest()[:8]}.html"


def _row_value(row: Mapping[str, Any], key: str) -> Any:
    value = row.get(key)
    return None if fmt.is_blank(value) else value


def account_name(row: Mapping[str, Any]) -> str:
    for column in NAME_COLUMNS:
        value = _row_value(row, column)
        if value is not None and str(value).strip():
            return str(value)
    return str(row["account_id"])


def _as_dict(explanation: object) -> dict[str, Any] | None:
    """An explanation as plain data: a pydantic model, a dict or its JSON text."""
    if explanation is None or fmt.is_blank(explanation):
        return None
    if isinstance(explanation, str):
        return json.loads(explanation)
    if hasattr(explanation, "model_dump"):
        return explanation.model_dump(mode="json")
    return dict(explanation)  # type: ignore[call-overload]


CONTEXT_SHOWN = 3
"""Contract facts (tenure, renewal timing, size) shown beside the drivers, largest effect first."""


def _sentences(
    row: Mapping[str, Any], columns: Iterable[str], explained: list[dict[str, Any]]
) -> list[View]:
    """The row's sentences, each with its probability points when the explanation has them."""
    by_sentence = {item.get("sentence"): item for item in explained}
    out = []
    for column in columns:
        sentence = _row_value(row, column)
        if sentence is None:
            continue
        item = by_sentence.get(sentence, {})
        out.append(
            View(
                sentence=str(sentence),
                points=fmt.points(item.get("points")),
                dimension=str(item.get("dimension") or ""),
            )
        )
    return out


def _plays(row: Mapping[str, Any], explanation: dict[str, Any] | None) -> list[View]:
    if explanation and explanation.get("plays"):
        return [
            View(
                name=str(play.get("name", "")),
                owner_role=str(play.get("owner_role") or ""),
                reason=str(play.get("reason") or ""),
            )
            for play in explanation["plays"]
        ]
    text = _row_value(row, "plays")
    if text is None:
        return []
    return [
        View(name=name.strip(), owner_role="", reason="")
        for name in str(text).split(";")
        if name.strip()
    ]


def history_records(
    history: pd.DataFrame | Sequence[Mapping[str, Any]] | None,
) -> list[Mapping[str, Any]]:
    """Past score rows as a list of mappings (a frame is converted once)."""
    if history is None:
        return []
    if isinstance(history, pd.DataFrame):
        return history.to_dict("records")
    return list(history)


def trend_points(
    history: pd.DataFrame | Sequence[Mapping[str, Any]] | None, row: Mapping[str, Any]
) -> list[charts.TrendPoint]:
    """Past scorings of the account plus this one, one point per as_of, oldest first.

    Rows after this scoring's as_of are left out. When one as_of was scored by several model
    versions, the row of this page's model version wins, else the latest stored.
    """
    by_day: dict[pd.Timestamp, tuple[int, charts.TrendPoint]] = {}
    current_version = str(row.get("model_version"))
    current = fmt.as_timestamp(row.get("as_of"))
    rows = [*history_records(history), row]
    for order, item in enumerate(rows):
        stamp = fmt.as_timestamp(item.get("as_of"))
        health = _row_value(item, "health")
        if stamp is None or health is None or (current is not None and stamp > current):
            continue
        rank = (2 if str(item.get("model_version")) == current_version else 1, order)
        point = charts.TrendPoint(stamp.to_pydatetime(), float(health), item.get("band"))
        if stamp not in by_day or rank > by_day[stamp][0]:
            by_day[stamp] = (rank, point)  # type: ignore[assignment]
    return [point for _, (_, point) in sorted(by_day.items())]


def portfolio_row(row: Mapping[str, Any], scale: BandScale, currency: str) -> View:
    """One table row of the portfolio page."""
    band = scale.style(_row_value(row, "band"))
    change = _row_value(row, "health_change")
    health = _row_value(row, "health")
    return View(
        account_id=str(row["account_id"]),
        name=account_name(row),
        href="accounts/" + scorecard_filename(row["account_id"]),
        band=band,
        health=fmt.BLANK if health is None else f"{float(health):.0f}",
        change="" if change is None else fmt.signed(change),
        change_sign=0 if change is None else (change > 0) - (change < 0),
        probability=fmt.percent(_row_value(row, "churn_probability")),
        arr=fmt.money(_row_value(row, "arr"), currency),
        arr_at_risk=fmt.money(_row_value(row, "arr_at_risk"), currency),
        arr_at_risk_value=float(_row_value(row, "arr_at_risk") or 0.0),
        renewal=fmt.day(_row_value(row, "renewal_date")),
        renewal_iso=fmt.iso_day(_row_value(row, "renewal_date")),
        owner=fmt.text(_row_value(row, "owner")),
        segment=fmt.text(_row_value(row, "segment")),
        driver=fmt.text(_row_value(row, "driver_1")),
        quadrant=fmt.text(_row_value(row, "quadrant")),
        quadrant_label=quadrant_label(_row_value(row, "quadrant")),
    )


def quadrant_label(quadrant: object) -> str:
    """``no_value_data`` -> ``No value data``; blank when the account has no quadrant."""
    return "" if quadrant is None else band_label(str(quadrant))


def scorecard(
    row: Mapping[str, Any],
    history: pd.DataFrame | Sequence[Mapping[str, Any]] | None,
    explanation: object,
    scale: BandScale,
    currency: str,
) -> View:
    """Everything one account's scorecard shows, formatted, charts included."""
    explained = _as_dict(explanation) or {}
    health = float(row["health"])
    band = scale.style(_row_value(row, "band"))
    chart_id = "c-" + hashlib.sha1(str(row["account_id"]).encode()).hexdigest()[:8]
    points = trend_points(history, row)
    as_of = _row_value(row, "as_of")
    renewal = _row_value(row, "renewal_date")
    days_left = fmt.days_between(as_of, renewal)
    change = _row_value(row, "health_change")
    dimensions = [
        (label, None if _row_value(row, column) is None else float(row[column]))
        for column, label in DIMENSIONS
        if column in row
    ]
    return View(
        account_id=str(row["account_id"]),
        name=account_name(row),
        band=band,
        health=f"{health:.0f}",
        probability=fmt.percent(_row_value(row, "churn_probability")),
        baseline=fmt.percent(_row_value(row, "baseline_probability")),
        arr=fmt.money(_row_value(row, "arr"), currency),
        arr_at_risk=fmt.money(_row_value(row, "arr_at_risk"), currency),
        renewal=fmt.day(renewal),
        renewal_iso=fmt.iso_day(renewal),
        days_to_renewal=days_left,
        segment=fmt.text(_row_value(row, "segment")),
        owner=fmt.text(_row_value(row, "owner")),
        previous_health=fmt.text(
            None if _row_value(row, "previous_health") is None else int(row["previous_health"])
        ),
        change=None if change is None else fmt.signed(change),
        change_sign=0 if change is None else (change > 0) - (change < 0),
        change_summary=fmt.text(_row_value(row, "change_summary")),
        drivers=_sentences(
            row, ("driver_1", "driver_2", "driver_3"), list(explained.get("drivers") or [])
        ),
        protective=_sentences(
            row, ("protective_1", "protective_2"), list(explained.get("protective") or [])
        ),
        context=[
            View(sentence=str(item.get("sentence", "")), points=fmt.points(item.get("points")))
            for item in list(explained.get("context") or [])[:CONTEXT_SHOWN]
        ],
        plays=_plays(row, explained),
        model_name=fmt.text(_row_value(row, "model_name")),
        model_version=fmt.text(_row_value(row, "model_version")),
        feature_set_version=fmt.text(_row_value(row, "feature_set_version")),
        as_of=fmt.day(as_of),
        as_of_iso=fmt.iso_day(as_of),
        history=[
            View(
                as_of=f"{point.as_of:%d %b %Y}",
                as_of_iso=f"{point.as_of:%Y-%m-%d}",
                health=f"{point.health:.0f}",
                band=scale.of_health(point.health).label,
            )
            for point in reversed(points)
        ],
        gauge=charts.health_gauge(health, band, scale, f"{chart_id}-gauge"),
        trend=charts.health_trend(points, scale, f"{chart_id}-trend"),
        subscores=charts.subscore_bars(dimensions, scale, f"{chart_id}-dims")
        if dimensions
        else None,
    )
