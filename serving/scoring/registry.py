"""Which registered model a URI means: its name, its version number and its scoring artifact."""

from __future__ import annotations

import re

from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

from serving.scoring.errors import ScoringError
from training.artifact import ScoringArtifact
from training.registry import load_artifact

_REGISTERED = re.compile(r"^models:/(?P<name>[^/@]+)(?:@(?P<alias>[^/]+)|/(?P<version>\d+))$")


def resolve_model(model_uri: str) -> tuple[str, str, ScoringArtifact]:
    """``(model name, version, artifact)`` for ``models:/name@alias``, ``models:/name/N`` or any
    other MLflow model URI (whose version is then the URI itself).

    An alias is resolved to its version first, so the loaded model is exactly the version
    recorded with the scores even if the alias moves meanwhile.
    """
    match = _REGISTERED.match(model_uri)
    if match is None:
        return model_uri, model_uri, load_artifact(model_uri)
    name, version = match["name"], match["version"]
    if version is None:
        try:
            version = str(MlflowClient().get_model_version_by_alias(name, match["alias"]).version)
        except MlflowException as error:
            raise ScoringError(
                f"no model {name!r} with alias {match['alias']!r} in the MLflow store: "
                f"{error.message}; train one with `churn train DIR` (and check MLFLOW_TRACKING_URI)"
            ) from None
    return name, version, load_artifact(f"models:/{name}/{version}")
