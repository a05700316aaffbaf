"""Pages for people: a portfolio ranked by ARR at risk, a scorecard per account, the audit.

``render_portfolio``, ``render_scorecard`` and ``render_audit`` return HTML text (the
service serves it); ``write_report`` writes the static report that ``churn report``
produces, ``write_audit_page`` the audit page beside it (``churn audit``). Charts are
inline SVG drawn in Python; see docs/pages.md and docs/audit.md.
"""

from serving.pages.audit import AUDIT_PAGE, render_audit, write_audit_page
from serving.pages.bands import DEFAULT_BANDS, BandScale, band_scale_from_scores
from serving.pages.errors import PagesError, ScoresFileError
from serving.pages.render import render_portfolio, render_scorecard, stylesheet
from serving.pages.report import Report, read_scores, write_report
from serving.pages.views import scorecard_filename

__all__ = [
    "AUDIT_PAGE",
    "DEFAULT_BANDS",
    "BandScale",
    "PagesError",
    "Report",
    "ScoresFileError",
    "band_scale_from_scores",
    "read_scores",
    "render_audit",
    "render_portfolio",
    "render_scorecard",
    "scorecard_filename",
    "stylesheet",
    "write_audit_page",
    "write_report",
]
