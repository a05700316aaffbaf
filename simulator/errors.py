"""Errors a user of the simulator can cause and fix."""

from churn_scorecard.errors import ChurnError, ConfigError


class SimulationError(ChurnError):
    """The simulator cannot build the requested world; the message says why and how to fix it."""


class SimulationConfigError(SimulationError, ConfigError):
    """A simulation setting is invalid (e.g. no accounts, or a history that ends before it starts)."""


class OutputNotEmptyError(SimulationError):
    """The output folder already holds files and overwriting was not asked for."""
