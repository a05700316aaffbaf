"""Batch scoring for people: scores, explanations, sub-scores, plays, alerts and drift.

``Scorer.from_registry().score(features, accounts, previous)`` turns one feature row
per account into a :class:`ScoredBatch`: the flat score columns (``SCORE_COLUMNS``), one
:class:`AccountExplanation` per account, the run's :class:`DriftSummary` and the alert
rows. ``churn score DIR`` runs it on a data source (:func:`score_source`). See
docs/scoring.md.
"""

from serving.scoring.alerts import detect_alerts, post_alerts, record_alerts
from serving.scoring.attribution import ProbabilityPoints, probability_points, sub_scores
from serving.scoring.change import change_summary
from serving.scoring.columns import DIMENSIONS, SCORE_COLUMNS, SUB_SCORE_COLUMNS
from serving.scoring.drift import DRIFT_THRESHOLD, DriftSummary, drift_summary
from serving.scoring.errors import FeatureRowsError, ScoringError, WebhookError
from serving.scoring.explanation import (
    AccountExplanation,
    DimensionScore,
    Driver,
    Explanations,
    RecommendedPlay,
    ScoreChange,
)
from serving.scoring.plays import DEFAULT_PLAYS, AlertRules, Play, Playbook
from serving.scoring.run import ScoringRun, score_source
from serving.scoring.scorer import DEFAULT_MODEL_URI, ScoredBatch, Scorer

__all__ = [
    "DEFAULT_MODEL_URI",
    "DEFAULT_PLAYS",
    "DIMENSIONS",
    "DRIFT_THRESHOLD",
    "SCORE_COLUMNS",
    "SUB_SCORE_COLUMNS",
    "AccountExplanation",
    "AlertRules",
    "DimensionScore",
    "DriftSummary",
    "Driver",
    "Explanations",
    "FeatureRowsError",
    "Play",
    "Playbook",
    "ProbabilityPoints",
    "RecommendedPlay",
    "ScoreChange",
    "ScoredBatch",
    "Scorer",
    "ScoringError",
    "ScoringRun",
    "WebhookError",
    "change_summary",
    "detect_alerts",
    "drift_summary",
    "post_alerts",
    "probability_points",
    "record_alerts",
    "score_source",
    "sub_scores",
]
