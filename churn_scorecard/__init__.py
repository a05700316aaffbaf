"""churn-scorecard: the cross-cutting pieces (errors, config, console) and the ``churn`` CLI."""

from churn_scorecard.errors import ChurnError, ConfigError

__all__ = ["ChurnError", "ConfigError"]
