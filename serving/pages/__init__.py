"""Pages for people: a portfolio ranked by ARR at risk and a scorecard per account.

``render_portfolio`` and ``render_scorecard`` return HTML text (the service serves it);
``write_report`` writes the static report that ``churn report`` produces. Charts are
inline SVG drawn in Python; see docs/pages.md.
"""

from serving.pages.bands import DEFAULT_BANDS, BandScale, band_scale_from_scores
from serving.pages.errors import PagesError, ScoresFileError
from serving.pages.render import render_portfolio, render_scorecard, stylesheet
from serving.pages.report import Report, read_scores, write_report
from serving.pages.views import scorecard_filename

__all__ = [
    "DEFAULT_BANDS",
    "BandScale",
    "PagesError",
    "Report",
    "ScoresFileError",
    "band_scale_from_scores",
    "read_scores",
    "render_portfolio",
    "render_scorecard",
    "scorecard_filename",
    "stylesheet",
    "write_report",
]
