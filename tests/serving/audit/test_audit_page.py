"""The audit page's HTML: the figures as the result holds them, notes for small groups,
escaped text, and lists cut to the page's length."""

from __future__ import annotations

import pandas as pd

from serving.audit import AuditConfig, audit
from serving.pages import render_audit, write_audit_page
from serving.pages.audit import LIST_LIMIT


def _result(stored, renewals_of, driver: str = "usage fell", n: int = 40):
    rows, decisions = [], []
    for i in range(n):
        churned = i % 4 == 0
        account = f"A{i:03d}"
        decisions.append((account, "2025-06-30", "churned" if churned else "renewed", 1000.0 + i))
        band = "healthy" if i % 8 == 0 else ("at_risk" if i % 3 == 0 else "watch")
        rows.append((account, "2025-06-01", 0.1 + 0.8 * churned * (i % 8 != 0), band))
    scores = stored(rows, driver_1=driver)
    return audit(scores, renewals_of(decisions), AuditConfig()).result


def test_render_audit_shows_each_versions_figures_and_lists(stored, renewals_of):
    result = _result(stored, renewals_of)
    version = result.versions[0]

    html = render_audit(result)

    assert f'id="version-1-auc">{version.overall.auc:.3f}<' in html
    assert f'id="version-1-lift">{version.overall.top_decile_lift:.2f}\u00d7<' in html
    assert html.count('<tr data-group="') == len(version.by_lead) + len(version.by_segment)
    assert f"Healthy before churn ({len(version.healthy_before_churn)})" in html
    assert 'href="style.css"' in html and 'href="index.html"' in html  # beside the portfolio


def test_render_audit_writes_the_note_instead_of_a_meaningless_auc(stored, renewals_of):
    result = _result(stored, renewals_of, n=12)

    html = render_audit(result)

    assert 'id="version-1-auc">\u2014<' in html
    assert "12 renewal(s): too few for AUC and lift (the audit needs 20)" in html


def test_render_audit_escapes_stored_text(stored, renewals_of):
    result = _result(stored, renewals_of, driver="<script>alert(1)</script>")

    html = render_audit(result)

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_render_audit_cuts_long_lists_and_points_to_the_csv(stored, renewals_of):
    n = 8 * (LIST_LIMIT + 5)  # every eighth account churns from a healthy score
    result = _result(stored, renewals_of, n=n)
    listed = len(result.versions[0].healthy_before_churn)
    assert listed > LIST_LIMIT

    html = render_audit(result)

    assert html.count('<tr data-account="') <= 2 * LIST_LIMIT
    assert f"{listed - LIST_LIMIT} more in healthy_before_churn.csv" in html


def test_write_audit_page_puts_the_page_and_stylesheet_in_the_folder(stored, renewals_of, tmp_path):
    page = write_audit_page(_result(stored, renewals_of), tmp_path / "report")

    assert page == tmp_path / "report" / "audit.html"
    assert (tmp_path / "report" / "style.css").read_text().startswith("/* churn-scorecard")
    assert pd.Series([page.read_text()]).str.contains("How the scores we issued did").all()
