"""MLflow tracking: one run per training with its config, data summary, metrics, plots and model card.

The tracking URI is always set explicitly (see :func:`training.config.resolve_tracking_uri`).
For a local SQLite store, artifacts go to ``mlartifacts/`` beside the database file;
for a tracking server, the server decides.
"""

from __future__ import annotations

import json
import math
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import lightgbm
import mlflow
import numpy as np
import pandas as pd
import sklearn
import yaml
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException
from mlflow.models import ModelSignature
from mlflow.types.schema import AnyType, ColSpec, Schema

from training.artifact import ScoringArtifact
from training.errors import RegistryError
from training.model_card import model_card
from training.pipeline import MODEL, TrainingResult
from training.plots import write_plots
from training.pyfunc import ARTIFACT_KEY, CODE_PATH

PIP_REQUIREMENTS = [
    f"mlflow=={mlflow.__version__}",
    f"lightgbm=={lightgbm.__version__}",
    f"numpy=={np.__version__}",
    f"pandas=={pd.__version__}",
    f"scikit-learn=={sklearn.__version__}",
]
"""What the logged pyfunc needs besides this package; given explicitly (inferring takes seconds)."""


@dataclass(frozen=True)
class LoggedRun:
    """Where a training run went: its run id, the logged model's URI and its registered version."""

    run_id: str
    experiment_id: str
    model_uri: str
    version: str


def connect(tracking_uri: str, experiment: str) -> str:
    """Point MLflow at ``tracking_uri`` and return the id of ``experiment`` (created if new)."""
    mlflow.set_tracking_uri(tracking_uri)
    client = MlflowClient(tracking_uri)
    try:
        found = client.get_experiment_by_name(experiment)
        if found is not None:
            return found.experiment_id
        return client.create_experiment(
            experiment, artifact_location=_local_artifact_location(tracking_uri)
        )
    except MlflowException as error:
        raise RegistryError(
            f"cannot use MLflow tracking store {tracking_uri}: {error.message}; check the URI "
            "(MLFLOW_TRACKING_URI or mlflow.tracking_uri in the config) and that the server is up"
        ) from None


def log_training_run(result: TrainingResult, experiment_id: str, model_name: str) -> LoggedRun:
    """Log ``result`` as one MLflow run and register its model as a new version of ``model_name``."""
    with mlflow.start_run(
        experiment_id=experiment_id, run_name=f"train-{result.training_set.feature_set}"
    ) as run:
        log_evaluation(result, model_name)
        model_uri, version = log_scoring_model(result, model_name)
        return LoggedRun(run.info.run_id, experiment_id, model_uri, version)


def log_evaluation(result: TrainingResult, model_name: str) -> None:
    """Into the active run: config, data summary, metrics, evaluation tables, plots and the model card."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        _log_inputs(result)
        _log_metrics(result)
        _log_tables(result, folder / "tables")
        mlflow.log_artifacts(str(folder / "tables"), "evaluation")
        write_plots(result, folder / "plots")
        mlflow.log_artifacts(str(folder / "plots"), "plots")
        mlflow.log_text(model_card(result, model_name), "model_card.md")


def log_scoring_model(result: TrainingResult, model_name: str) -> tuple[str, str]:
    """Into the active run: the pyfunc model (scoring artifact inside), registered under ``model_name``.

    Returns the logged model's URI and its new registered version.
    """
    with tempfile.TemporaryDirectory() as scratch, warnings.catch_warnings():
        # No input example on purpose: it would copy customer rows into the registry.
        warnings.filterwarnings("ignore", message=".*An input example was not provided")
        artifact_dir = result.artifact.save(Path(scratch) / ARTIFACT_KEY)
        info = mlflow.pyfunc.log_model(
            name="model",
            python_model=str(CODE_PATH),
            artifacts={ARTIFACT_KEY: str(artifact_dir)},
            pip_requirements=PIP_REQUIREMENTS,
            signature=model_signature(result.artifact),
            registered_model_name=model_name,
        )
    return info.model_uri, str(info.registered_model_version)


def model_signature(artifact: ScoringArtifact) -> ModelSignature:
    """Inputs: every feature by name (types are checked by the artifact, which accepts ints and
    floats alike, so MLflow's stricter type enforcement is off); outputs: the three scores."""
    inputs = Schema([ColSpec(AnyType(), name, required=False) for name in artifact.features])
    outputs = Schema(
        [
            ColSpec("double", "churn_probability"),
            ColSpec("long", "health"),
            ColSpec("string", "band"),
        ]
    )
    return ModelSignature(inputs=inputs, outputs=outputs)


def _log_inputs(result: TrainingResult) -> None:
    """Config (as YAML and flattened params), data summary and split, as params and tags."""
    config = result.config.model_dump(mode="json")
    mlflow.log_text(yaml.safe_dump(config, sort_keys=False), "config.yaml")
    summary = result.training_set.summary()
    mlflow.log_dict(summary, "data_summary.json")
    params = {**_flatten(config), **{f"data.{k}": v for k, v in summary.items()}}
    params.update({f"split.{k}": v for k, v in result.split.describe().items()})
    params["boosting_rounds"] = result.artifact.booster.current_iteration()
    params["calibration"] = result.artifact.calibration.method
    if result.capacity is not None:
        params["capacity"] = f"{result.capacity.mode}: {result.capacity.chosen}"
        params["capacity.reason"] = result.capacity.reason
    mlflow.log_params({key: str(value)[:500] for key, value in params.items()})
    mlflow.set_tags(
        {
            "feature_set": result.training_set.feature_set,
            "feature_set_version": result.training_set.feature_set_version,
            "source": result.training_set.source,
        }
    )


def _log_metrics(result: TrainingResult) -> None:
    """Test metrics (model unprefixed, others prefixed by scorer), breakdowns, backtest, CV and timings."""
    metrics: dict[str, float] = {}
    for scorer, row in result.metrics.iterrows():
        prefix = "" if scorer == MODEL else f"{scorer}."
        metrics.update({f"{prefix}{name}": value for name, value in row.items()})
    for name, table in result.breakdowns.items():
        for group, row in table.iterrows():
            metrics.update({f"{name}.{group}.{metric}": value for metric, value in row.items()})
    if result.cross_validation is not None:
        for metric in ("roc_auc", "brier", "ece", "logistic_roc_auc", "lightgbm_defaults_roc_auc"):
            metrics[f"cv.{metric}_mean"] = float(result.cross_validation[metric].mean())
        metrics["cv.roc_auc_std"] = float(result.cross_validation["roc_auc"].std())
    metrics.update({f"time.{step}_seconds": seconds for step, seconds in result.timings.items()})
    clean = {_metric_key(k): float(v) for k, v in metrics.items() if _is_number(v)}
    mlflow.log_metrics(clean)
    if result.backtest is not None and "roc_auc" in result.backtest:
        for step, row in (
            result.backtest.dropna(subset=["roc_auc"]).reset_index(drop=True).iterrows()
        ):
            mlflow.log_metrics(
                {f"backtest.{m}": float(row[m]) for m in ("roc_auc", "brier", "ece")}, step=step
            )


def _log_tables(result: TrainingResult, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    result.metrics.to_csv(folder / "test_metrics.csv", index_label="scorer")
    for name, table in result.breakdowns.items():
        table.to_csv(folder / f"by_{name}.csv")
    for name, table in (
        ("backtest", result.backtest),
        ("cross_validation", result.cross_validation),
    ):
        if table is not None:
            table.to_csv(folder / f"{name}.csv", index=False)
    if result.tuning_trials is not None:
        result.tuning_trials.to_csv(folder / "tuning_trials.csv", index=False)
    if result.capacity is not None and result.capacity.candidates is not None:
        result.capacity.candidates.to_csv(folder / "capacity_candidates.csv", index=False)
    calibrations = {
        name: {"method": c.calibration.method, "cv_brier": c.cv_brier, "reason": c.reason}
        for name, c in result.calibrations.items()
    }
    (folder / "calibration.json").write_text(json.dumps(calibrations, indent=1))
    (folder / "timings.json").write_text(json.dumps(result.timings, indent=1))


def _flatten(values: dict, prefix: str = "") -> dict[str, object]:
    flat: dict[str, object] = {}
    for key, value in values.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _metric_key(key: str) -> str:
    """MLflow metric names allow letters, digits, ``_ - . / space``; anything else becomes ``_``."""
    return "".join(c if c.isalnum() or c in "_-./ " else "_" for c in key)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | np.number) and not math.isnan(float(value))


def _local_artifact_location(tracking_uri: str) -> str | None:
    """``file://.../mlartifacts`` beside a local SQLite store; None (server default) otherwise."""
    prefix = "sqlite:///"
    if not tracking_uri.startswith(prefix) or tracking_uri == prefix or ":memory:" in tracking_uri:
        return None
    database = Path(unquote(tracking_uri[len(prefix) :].split("?")[0]))
    return (database.parent / "mlartifacts").resolve().as_uri()
