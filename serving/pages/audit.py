"""The audit page: how the scores issued before renewal decisions did, per model version.

It lays out an :class:`~serving.audit.AuditResult` (the same figures as ``audit.json`` and
``GET /audit``): headline tiles, figures per lead bucket and per segment, calibration per
band, and the two lists. It sits beside the portfolio (``audit.html`` next to
``index.html``); see docs/audit.md.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace as View
from typing import TYPE_CHECKING

from serving.pages import formatting as fmt
from serving.pages.bands import BandScale
from serving.pages.errors import PagesError
from serving.pages.render import environment, generated_now, stylesheet

if TYPE_CHECKING:
    from serving.audit.result import AuditResult, GroupFigures, ListedRenewal, VersionAudit

AUDIT_PAGE = "audit.html"
"""The page's file name, beside the portfolio's ``index.html``."""

LIST_LIMIT = 25
"""Rows shown per list on the page (most ARR first); the CSV files hold them all."""


def render_audit(
    result: AuditResult,
    *,
    root: str = "",
    index: str = "index.html",
    currency: str = "$",
    list_limit: int = LIST_LIMIT,
    generated: str | None = None,
) -> str:
    """The audit page as HTML; ``root`` and ``index`` locate the portfolio as for the others."""
    versions = [_version(v, currency, list_limit) for v in result.versions]
    return (
        environment()
        .get_template("audit.html")
        .render(
            root=root,
            index=index,
            result=result,
            versions=versions,
            decided=f"{result.decided_renewals:,}",
            with_scores=f"{result.renewals_with_scores:,}",
            backfilled=f"{result.backfilled_scores:,}",
            generated=generated or generated_now(),
        )
    )


def write_audit_page(result: AuditResult, folder: Path, *, currency: str = "$") -> Path:
    """Write ``audit.html`` (and ``style.css``) into ``folder``, beside the portfolio."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "style.css").write_text(stylesheet(), encoding="utf-8")
        page = folder / AUDIT_PAGE
        page.write_text(render_audit(result, currency=currency), encoding="utf-8")
    except OSError as error:
        raise PagesError(f"cannot write the audit page into {folder}: {error}") from error
    return page


def _version(version: VersionAudit, currency: str, limit: int) -> View:
    scale = BandScale.of([(name, 0.0) for name in version.bands])
    overall = _group(version.overall, currency)
    return View(
        id=f"version-{_slug(version.model_version)}",
        title=f"{version.model_name or 'Model'} v{version.model_version}",
        version=version.model_version,
        renewals=f"{version.renewals:,}",
        counted=f"{version.counted_scores:,}",
        first=fmt.day(version.first_decision),
        last=fmt.day(version.last_decision),
        flagged=", ".join(scale.style(b).label for b in version.flagged_bands),
        healthy=", ".join(scale.style(b).label for b in version.healthy_bands),
        overall=overall,
        by_lead=[_group(g, currency) for g in version.by_lead],
        by_segment=[_group(g, currency) for g in version.by_segment],
        bands=[_band(b, scale) for b in version.overall.bands],
        healthy_before_churn=[
            _listed(r, scale, currency) for r in version.healthy_before_churn[:limit]
        ],
        healthy_before_churn_total=len(version.healthy_before_churn),
        flagged_but_renewed=[
            _listed(r, scale, currency) for r in version.flagged_but_renewed[:limit]
        ],
        flagged_but_renewed_total=len(version.flagged_but_renewed),
    )


def _group(figures: GroupFigures, currency: str) -> View:
    return View(
        group=figures.group,
        renewals=f"{figures.renewals:,}",
        churned=f"{figures.churned:,}",
        churn_rate=fmt.percent(figures.churn_rate),
        auc=fmt.BLANK if figures.auc is None else f"{figures.auc:.3f}",
        lift=fmt.BLANK
        if figures.top_decile_lift is None
        else f"{figures.top_decile_lift:.2f}\u00d7",
        caught=fmt.percent(figures.churned_arr_caught),
        churned_arr=fmt.money(figures.churned_arr, currency),
        churned_arr_flagged=fmt.money(figures.churned_arr_flagged, currency),
        flagged=f"{figures.flagged:,}",
        note=figures.note or "",
    )


def _band(band, scale: BandScale) -> View:
    return View(
        style=scale.style(band.band),
        renewals=f"{band.renewals:,}",
        churned=f"{band.churned:,}",
        predicted=fmt.percent(band.mean_probability),
        observed=fmt.percent(band.churn_rate),
    )


def _listed(item: ListedRenewal, scale: BandScale, currency: str) -> View:
    return View(
        account_id=item.account_id,
        renewal=fmt.day(item.renewal_date),
        renewal_iso=fmt.iso_day(item.renewal_date),
        arr=fmt.money(item.arr, currency),
        segment=item.segment,
        as_of=fmt.day(item.as_of),
        lead=f"{item.lead_days:,}",
        health=str(item.health),
        band=scale.style(item.band),
        probability=fmt.percent(item.churn_probability),
        drivers=item.drivers,
    )


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text)
