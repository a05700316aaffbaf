"""Errors of the pages: inputs a report cannot be drawn from."""

from churn_scorecard.errors import ChurnError


class PagesError(ChurnError):
    """The pages cannot be drawn from what they were given."""


class ScoresFileError(PagesError):
    """A scores file is missing, unreadable or lacks the score columns."""
