"""What can go wrong while scoring, each with a message saying what to do next."""

from __future__ import annotations

from churn_scorecard.errors import ChurnError


class ScoringError(ChurnError):
    """Accounts cannot be scored: bad rows, an unusable model or an empty data source."""


class FeatureRowsError(ScoringError):
    """The feature rows to score lack keys or hold duplicate accounts."""


class WebhookError(ScoringError):
    """Alerts could not be delivered to the webhook after every retry."""
