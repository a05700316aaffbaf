"""The model registry: one registered model, numbered versions, and the ``champion`` alias.

A new version becomes ``champion`` only if it beats the current champion on the
candidate's own holdout (both models score the same test rows; the comparison metric is
``promotion.metric`` in the config), or when promotion is forced. The decision and its
reason are written on the version (tags and description) and returned for the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass

import mlflow
import pandas as pd
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

from training.artifact import ScoringArtifact
from training.config import LOWER_IS_BETTER, PromotionConfig
from training.errors import ArtifactError, RegistryError
from training.metrics import METRIC_LABELS, evaluate
from training.pipeline import MODEL, TrainingResult

CHAMPION = "champion"
"""The alias serving loads: ``models:/<name>@champion``."""


@dataclass(frozen=True)
class PromotionDecision:
    """Whether the candidate version became champion, and why, in one sentence."""

    promoted: bool
    reason: str
    candidate_version: str
    champion_version: str | None = None
    candidate_value: float | None = None
    champion_value: float | None = None


def champion_version(client: MlflowClient, model_name: str) -> str | None:
    """The version number holding the ``champion`` alias, or None when there is none yet."""
    try:
        return str(client.get_model_version_by_alias(model_name, CHAMPION).version)
    except MlflowException:
        return None


def load_artifact(model_uri: str) -> ScoringArtifact:
    """The scoring artifact inside a logged or registered pyfunc model, e.g. ``models:/name@champion``."""
    try:
        return mlflow.pyfunc.load_model(model_uri).unwrap_python_model().artifact
    except MlflowException as error:
        raise RegistryError(f"cannot load model {model_uri}: {error.message}") from None


def decide_promotion(
    result: TrainingResult,
    model_name: str,
    candidate_version: str,
    config: PromotionConfig,
    force: bool = False,
) -> PromotionDecision:
    """Compare the candidate with the current champion on the candidate's holdout; set the alias if it wins."""
    client = MlflowClient()
    metric = config.metric
    label_text = METRIC_LABELS[metric]
    candidate_value = float(result.metrics.loc[MODEL, metric])
    current = champion_version(client, model_name)
    if current is None:
        decision = PromotionDecision(
            True,
            f"promoted: there was no champion yet; version {candidate_version} has test {label_text} "
            f"{candidate_value:.4f}",
            candidate_version,
            candidate_value=candidate_value,
        )
        return _record(client, model_name, decision)

    champion_value, problem, caveat = _champion_on_holdout(model_name, result, metric)
    if force:
        shown = (
            "could not score this holdout" if champion_value is None else f"{champion_value:.4f}"
        )
        reason = (
            f"promoted because --force was given: candidate v{candidate_version} {label_text} "
            f"{candidate_value:.4f}, champion v{current} {shown}"
        )
        promoted = True
    elif champion_value is None:
        reason = (
            f"not promoted: champion v{current} cannot score this holdout ({problem}); "
            "retrain it on the same features or pass --force to promote anyway"
        )
        promoted = False
    else:
        better = (
            champion_value - candidate_value
            if metric in LOWER_IS_BETTER
            else candidate_value - champion_value
        )
        promoted = better > config.min_improvement
        relation = "beats" if promoted else "does not beat"
        rows = len(result.split.test)
        reason = (
            f"{'promoted' if promoted else 'not promoted'}: candidate v{candidate_version} {relation} champion "
            f"v{current} on the same holdout ({rows:,} test rows): {label_text} {candidate_value:.4f} vs "
            f"{champion_value:.4f} (needs an improvement above {config.min_improvement:g})"
        )
    if caveat:
        reason += f". Caveat: {caveat}"
    decision = PromotionDecision(
        promoted, reason, candidate_version, current, candidate_value, champion_value
    )
    return _record(client, model_name, decision)


def _champion_on_holdout(
    model_name: str, result: TrainingResult, metric: str
) -> tuple[float | None, str, str]:
    """The champion's ``metric`` on the candidate's test rows (or None and why not), and any caveat."""
    try:
        champion = load_artifact(f"models:/{model_name}@{CHAMPION}")
        probability = champion.predict_proba(result.test_frame())
    except (ArtifactError, RegistryError) as error:
        return None, str(error), ""
    arr = None if result.training_set.arr is None else result.training_set.arr[result.split.test]
    value = float(evaluate(result.test_label, probability, arr, result.config.ece_bins)[metric])
    return value, "", _overlap_caveat(champion, result)


def _overlap_caveat(champion: ScoringArtifact, result: TrainingResult) -> str:
    """A warning when the champion learned from rows dated inside the candidate's holdout."""
    trained_until = champion.metadata.get("trained_until")
    if result.training_set.split_time is None or trained_until is None:
        return ""
    holdout_start = pd.to_datetime(result.training_set.split_time.iloc[result.split.test]).min()
    if pd.Timestamp(trained_until) >= holdout_start:
        return (
            f"the champion was trained on rows up to {trained_until}, inside this holdout (from "
            f"{holdout_start}), so the comparison favours the champion"
        )
    return ""


def _record(
    client: MlflowClient, model_name: str, decision: PromotionDecision
) -> PromotionDecision:
    """Write the decision on the candidate version and move the alias if it was promoted."""
    version = decision.candidate_version
    try:
        client.set_model_version_tag(
            model_name, version, "promotion", "promoted" if decision.promoted else "rejected"
        )
        client.set_model_version_tag(model_name, version, "promotion_reason", decision.reason)
        if decision.promoted:
            client.set_registered_model_alias(model_name, CHAMPION, version)
        client.update_model_version(model_name, version, description=decision.reason)
    except MlflowException as error:
        raise RegistryError(
            f"cannot record the promotion decision on {model_name} v{version}: {error.message}"
        ) from None
    return decision
