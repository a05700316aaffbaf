"""The portfolio's health-against-value section: quadrant tiles, the map, the disagreements.

It reads the value columns of the scores (``subscription_arr``, ``quadrant``, the cuts,
``disagreement``, ...; see docs/scoring.md#value-and-quadrants). The history stores them
inside each scoring's explanation, not as columns, so scores read back from the history
(``churn report`` without ``--scores``) get them from there (:func:`with_value_columns`);
scores made before value existed have none, and the section says so.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from types import SimpleNamespace as View
from typing import Any

import pandas as pd

from serving.pages import charts
from serving.pages import formatting as fmt
from serving.pages.bands import band_label
from serving.pages.views import account_name, scorecard_filename

VALUE_COLUMNS: dict[str, str] = {
    "subscription_arr": "arr",
    "subscription_arr_90d_ago": "arr_90d_ago",
    "subscription_arr_pct_change_90d": "arr_pct_change_90d",
    "seats": "seats",
    "quadrant": "quadrant",
    "quadrant_health_cut": "health_cut",
    "quadrant_arr_cut": "arr_cut",
    "disagreement": "disagreement",
}
"""Score column -> its key in a stored explanation's ``value`` record."""

QUADRANT_ORDER = ("protect", "grow", "fix", "maintain")
QUADRANT_WORDS = {
    "protect": "high value, at risk",
    "grow": "high value, healthy",
    "fix": "lower value, at risk",
    "maintain": "lower value, healthy",
    "no_value_data": "no paid subscription on record at as_of or 90 days before",
}
"""Each quadrant in a few words: ``serving.scoring.quadrants.QUADRANT_MEANINGS`` (a test keeps
them equal; not imported, as importing ``serving.scoring`` loads the model libraries)."""
LISTED = 25
"""Accounts listed per kind of disagreement (the largest ARR moves); the rest are counted."""


def with_value_columns(scores: pd.DataFrame) -> pd.DataFrame:
    """``scores`` with every value column: as given, else from each row's stored
    ``explanation`` (JSON), else empty."""
    missing = [column for column in VALUE_COLUMNS if column not in scores.columns]
    if not missing:
        return scores
    scores = scores.copy()
    records = [_value_of(text) for text in scores.get("explanation", [None] * len(scores))]
    for column in missing:
        key = VALUE_COLUMNS[column]
        scores[column] = [record.get(key) for record in records]
    for column in missing:
        if column not in ("quadrant", "disagreement"):
            scores[column] = pd.to_numeric(scores[column], errors="coerce")
    return scores


def _value_of(explanation: object) -> Mapping[str, Any]:
    if explanation is None or fmt.is_blank(explanation):
        return {}
    document = json.loads(explanation) if isinstance(explanation, str) else explanation
    if hasattr(document, "model_dump"):
        document = document.model_dump(mode="json")
    return (document or {}).get("value") or {}


def quadrant_choices(scores: pd.DataFrame) -> list[tuple[str, str]]:
    """``(quadrant, label)`` of the quadrants the scores hold, for the portfolio's filter."""
    present = set(scores["quadrant"].dropna().astype(str))
    names = [*QUADRANT_ORDER, "no_value_data"]
    return [(name, band_label(name)) for name in names if name in present]


def portfolio_value(scores: pd.DataFrame, currency: str) -> View:
    """What the section shows, from scores that carry the value columns (see above)."""
    arr = pd.to_numeric(scores["subscription_arr"], errors="coerce")
    quadrant = scores["quadrant"].astype("string")
    health_cut = _first(scores["quadrant_health_cut"])
    arr_cut = _first(scores["quadrant_arr_cut"])
    known = arr.notna()

    def compact(value: float) -> str:
        return fmt.money_compact(value, currency)

    tiles = []
    for name in QUADRANT_ORDER:
        inside = quadrant == name
        total = float(arr[inside.fillna(False)].sum())
        tiles.append(
            View(
                name=name,
                label=charts.QUADRANT_STYLES[name].label,
                colour=charts.QUADRANT_STYLES[name].colour,
                words=QUADRANT_WORDS[name],
                count=int(inside.sum()),
                arr=compact(total),
            )
        )
    without = int((quadrant == "no_value_data").sum())
    if not known.any() or health_cut is None:
        note = (
            "These scores carry no value figures: no account has a paid subscription on record, "
            "or the scores were made before churn-scorecard read them. Re-run `churn score`."
        )
        return View(drawn=False, note=note, tiles=tiles, without=without,
                    without_words=QUADRANT_WORDS["no_value_data"], map=None,
                    contracting=[], expanding=[], more_contracting=0, more_expanding=0,
                    cuts="")  # fmt: skip
    disagree = scores["disagreement"].notna() & scores["disagreement"].astype(str).ne("")
    records = scores.to_dict("records")
    points = [
        charts.ValuePoint(
            arr=float(arr.iloc[i]),
            health=float(record["health"]),
            quadrant=None if pd.isna(quadrant.iloc[i]) else str(quadrant.iloc[i]),
            label=f"{account_name(record)} · health {float(record['health']):.0f} · ARR "
            f"{fmt.money(arr.iloc[i], currency)}",
            ringed=bool(disagree.iloc[i]),
        )
        for i, record in enumerate(records)
        if known.iloc[i]
    ]
    summary = [(tile.name, tile.count, tile.arr) for tile in tiles]
    not_drawn = f"{without:,} accounts without value data are not drawn." if without else ""
    contracting, expanding = _disagreements(scores, disagree, currency)
    cuts = f"healthy means health {health_cut:g} or more; high value means subscription ARR of " + (
        f"{fmt.money(arr_cut, currency)} or more" if arr_cut is not None else "(no value cut)"
    )
    return View(
        drawn=True,
        note=""
        if arr_cut is not None
        else "No value cut could be read from these scores, "
        "so no account has a quadrant (see docs/scoring.md#value-and-quadrants).",
        tiles=tiles,
        without=without,
        without_words=QUADRANT_WORDS["no_value_data"],
        map=charts.health_value_map(
            points, health_cut, arr_cut, summary, compact, "portfolio-value", not_drawn
        ),
        contracting=contracting[:LISTED],
        expanding=expanding[:LISTED],
        more_contracting=max(len(contracting) - LISTED, 0),
        more_expanding=max(len(expanding) - LISTED, 0),
        cuts=cuts,
    )


def _disagreements(
    scores: pd.DataFrame, disagree: pd.Series, currency: str
) -> tuple[list[View], list[View]]:
    """The healthy-but-contracting and at-risk-but-expanding accounts, largest ARR move first."""
    rows = scores[disagree]
    change = pd.to_numeric(rows["subscription_arr_pct_change_90d"], errors="coerce")
    moved = pd.to_numeric(rows["subscription_arr"], errors="coerce") - pd.to_numeric(
        rows["subscription_arr_90d_ago"], errors="coerce"
    )
    out: dict[bool, list[View]] = {True: [], False: []}
    order = moved.abs().sort_values(ascending=False, kind="mergesort").index
    for index in order:
        record = rows.loc[index].to_dict()
        quadrant = record.get("quadrant")
        style = charts.QUADRANT_STYLES.get(str(quadrant))
        out[bool(change.loc[index] < 0)].append(
            View(
                account_id=str(record["account_id"]),
                name=account_name(record),
                href="accounts/" + scorecard_filename(record["account_id"]),
                quadrant=style.label if style else fmt.text(quadrant).replace("_", " "),
                health=f"{float(record['health']):.0f}",
                moved=f"{_signed_money(moved.loc[index], currency)} ({change.loc[index]:+.0f}%)",
                reason=str(record["disagreement"]),
            )
        )
    return out[True], out[False]


def _signed_money(value: float, currency: str) -> str:
    """``-12654`` -> ``-$12,654``, ``300`` -> ``+$300``."""
    return ("-" if value < 0 else "+") + fmt.money(abs(value), currency)


def _first(column: pd.Series) -> float | None:
    values = pd.to_numeric(column, errors="coerce").dropna()
    return float(values.iloc[0]) if not values.empty else None
