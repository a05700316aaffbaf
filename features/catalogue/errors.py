"""Errors of the feature catalogue and its build."""

from __future__ import annotations

from churn_scorecard.errors import ChurnError


class FeatureError(ChurnError):
    """A feature build cannot run as asked."""


class UnknownFeatureError(FeatureError):
    """A feature or feature set name is not in the catalogue."""


class PointsError(FeatureError):
    """The observation points handed to a build are not usable."""


class EngineError(FeatureError):
    """The engine (DuckDB or Spark) cannot serve the tables a build needs."""
