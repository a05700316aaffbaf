"""Errors a user of ``churn train`` can cause and fix."""

from churn_scorecard.errors import ChurnError


class TrainingError(ChurnError):
    """Training cannot go on; the message says what was found, where, and what to do."""


class TrainingDataError(TrainingError):
    """The training data cannot give a model: a missing column, a label that is not binary, too few rows."""


class SplitError(TrainingError):
    """The rows cannot be split into train, validation and test sets as configured."""


class ArtifactError(TrainingError):
    """A scoring artifact is missing, unreadable, or cannot score the rows it was given."""


class RegistryError(TrainingError):
    """The MLflow tracking store or model registry cannot be reached or holds something unexpected."""
