"""Pages as HTML text: the portfolio and one scorecard per account, from compiled templates.

The Jinja2 environment is built once per process (templates compile on first use and are
cached), autoescapes everything, and fails on a missing variable instead of printing
nothing. The service serves these strings; :mod:`serving.pages.report` writes them to files.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from types import SimpleNamespace
from typing import Any

import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from serving.pages import charts, quadrants, views
from serving.pages import formatting as fmt
from serving.pages.bands import BandScale, band_scale_from_scores
from serving.pages.errors import ScoresFileError

REQUIRED_COLUMNS = (
    "account_id",
    "as_of",
    "model_version",
    "churn_probability",
    "health",
    "band",
    "arr",
    "arr_at_risk",
)
"""Score columns a page cannot do without; the others are shown when present."""


@cache
def environment() -> Environment:
    """The one Jinja2 environment of the pages (autoescaping, strict undefined)."""
    return Environment(
        loader=PackageLoader("serving.pages", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )


@cache
def stylesheet() -> str:
    """The pages' single CSS file (served as ``style.css`` next to ``index.html``)."""
    return resources.files("serving.pages").joinpath("static/style.css").read_text("utf-8")


@cache
def _filter_script() -> Markup:
    text = resources.files("serving.pages").joinpath("static/filter.js").read_text("utf-8")
    return Markup(text.replace("</", "<\\/"))


def check_scores(scores: pd.DataFrame, where: str = "scores") -> None:
    """Raise :class:`ScoresFileError` naming the missing score columns, if any."""
    missing = [column for column in REQUIRED_COLUMNS if column not in scores.columns]
    if missing:
        raise ScoresFileError(
            f"{where} has no column {', '.join(repr(c) for c in missing)}; expected the columns "
            "`churn score` writes (account_id, as_of, health, band, churn_probability, arr, "
            "arr_at_risk, ...). See docs/pages.md"
        )


def generated_now() -> str:
    return f"{datetime.now(UTC):%d %b %Y %H:%M} UTC"


def rank_by_arr_at_risk(scores: pd.DataFrame) -> pd.DataFrame:
    """Highest ARR at risk first; ties by lower health, then account id (stable, repeatable)."""
    return scores.sort_values(
        ["arr_at_risk", "health", "account_id"],
        ascending=[False, True, True],
        na_position="last",
        kind="mergesort",
    )


def render_portfolio(
    scores: pd.DataFrame,
    *,
    scale: BandScale | None = None,
    root: str = "",
    index: str = "index.html",
    currency: str = "$",
    generated: str | None = None,
) -> str:
    """The portfolio page: accounts ranked by ARR at risk, filterable by band, owner, segment.

    ``root`` is the relative URL of the folder holding ``index.html`` and ``style.css``
    (empty for the static report, where scorecards live in ``accounts/``).
    """
    check_scores(scores)
    scale = scale or band_scale_from_scores(scores)
    scores = quadrants.with_value_columns(scores)
    ranked = rank_by_arr_at_risk(scores)
    records = ranked.to_dict("records")
    rows = [views.portfolio_row(record, scale, currency) for record in records]
    total_arr = float(pd.to_numeric(scores["arr"], errors="coerce").sum())
    at_risk = pd.to_numeric(scores["arr_at_risk"], errors="coerce")
    total_at_risk = float(at_risk.sum())
    band_counts = []
    for band in scale.bands:
        in_band = scores["band"].astype(str) == band.name
        band_at_risk = float(at_risk[in_band].sum())
        band_counts.append(
            SimpleNamespace(
                band=band,
                count=int(in_band.sum()),
                arr_at_risk=fmt.money_compact(band_at_risk, currency),
                arr_at_risk_value=band_at_risk,
            )
        )
    as_of = scores["as_of"].dropna()
    latest = as_of.max() if not as_of.empty else None
    versions = sorted({str(v) for v in scores["model_version"].dropna()})
    name = _first(scores, "model_name")
    healths = pd.to_numeric(scores["health"], errors="coerce").dropna().tolist()

    def compact(value: float) -> str:
        return fmt.money_compact(value, currency)

    return (
        environment()
        .get_template("portfolio.html")
        .render(
            root=root,
            index=index,
            currency=currency,
            rows=rows,
            count=len(rows),
            total_arr=fmt.money_compact(total_arr, currency),
            total_at_risk=fmt.money_compact(total_at_risk, currency),
            total_at_risk_exact=fmt.money(total_at_risk, currency),
            share_at_risk=fmt.percent(total_at_risk / total_arr if total_arr else None),
            band_counts=band_counts,
            bands=scale.bands,
            owners=_choices(scores, "owner"),
            segments=_choices(scores, "segment"),
            quadrants=quadrants.quadrant_choices(scores),
            value=quadrants.portfolio_value(scores, currency),
            as_of=fmt.day(latest),
            as_of_iso=fmt.iso_day(latest),
            model=(f"{name} " if name else "") + ("v" + ", v".join(versions) if versions else ""),
            feature_set=_first(scores, "feature_set_version") or fmt.BLANK,
            generated=generated or generated_now(),
            histogram=charts.health_histogram(healths, scale, "portfolio-histogram"),
            arr_by_band=charts.arr_at_risk_by_band(
                [(item.band, item.arr_at_risk_value) for item in band_counts],
                compact,
                "portfolio-arr",
            ),
            arr_by_segment=_ranked(scores, "segment", compact, "ARR at risk by segment", 6),
            arr_by_owner=_ranked(scores, "owner", compact, "ARR at risk by owner, top 5", 5),
            script=_filter_script(),
        )
    )


def render_scorecard(
    account_row: Mapping[str, Any] | pd.Series,
    history: pd.DataFrame | Sequence[Mapping[str, Any]] | None = None,
    explanation: object = None,
    *,
    scale: BandScale | None = None,
    root: str = "../",
    index: str = "index.html",
    currency: str = "$",
    generated: str | None = None,
) -> str:
    """One account's scorecard.

    ``account_row`` is one row of the scores (a mapping or a pandas Series); ``history`` the
    account's past scorings (``HistoryStore.account_history``; may be None or empty);
    ``explanation`` its ``AccountExplanation`` (model, dict or JSON text; optional: it adds
    points to the sentences and owner roles and reasons to the plays). ``root`` is the
    relative URL of the portfolio folder (``../`` for ``accounts/<id>.html``) and ``index``
    the portfolio's name in it (a server that serves the portfolio at the folder's own
    address passes ``""``).
    """
    row = account_row.to_dict() if isinstance(account_row, pd.Series) else dict(account_row)
    missing = [c for c in REQUIRED_COLUMNS if c not in row]
    if missing:
        raise ScoresFileError(
            f"score row has no field {', '.join(repr(c) for c in missing)}; expected a row of "
            "the scores `churn score` writes. See docs/pages.md"
        )
    scale = scale or BandScale.of()
    card = views.scorecard(row, history, explanation, scale, currency)
    return (
        environment()
        .get_template("scorecard.html")
        .render(root=root, index=index, card=card, generated=generated or generated_now())
    )


def _ranked(
    scores: pd.DataFrame, column: str, money: Callable[[float], str], title: str, top: int
) -> Markup | None:
    if column not in scores.columns or scores[column].dropna().empty:
        return None
    totals = (
        pd.to_numeric(scores["arr_at_risk"], errors="coerce")
        .groupby(scores[column].astype("string"))
        .sum()
        .sort_values(ascending=False)
        .head(top)
    )
    items = [(str(name), float(value)) for name, value in totals.items()]
    return charts.ranked_bars(items, money, title, f"portfolio-{column}")


def _choices(scores: pd.DataFrame, column: str) -> list[str]:
    if column not in scores.columns:
        return []
    return sorted({str(value) for value in scores[column].dropna() if str(value)})


def _first(scores: pd.DataFrame, column: str) -> str:
    if column not in scores.columns:
        return ""
    values = scores[column].dropna()
    return str(values.iloc[0]) if not values.empty else ""
