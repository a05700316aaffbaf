"""MLflow: the logged pyfunc scores like the artifact; the champion alias moves only for a better model."""

import mlflow
import numpy as np
import pytest

from training.config import LightGBMConfig
from training.pipeline import train_model
from training.registry import CHAMPION, champion_version, decide_promotion, load_artifact
from training.tracking import connect, log_scoring_model, log_training_run


@pytest.fixture(scope="module")
def results(tracking_uri):
    """A strong and a weak (single-tree) model trained on the same split."""
    from tests.training.conftest import make_renewal_like_set
    from training.config import BacktestConfig, TrainingConfig

    training_set = make_renewal_like_set(seed=5)
    config = TrainingConfig(num_threads=1, shap_sample=200, backtest=BacktestConfig(folds=0))
    weak = config.model_copy(
        update={"lightgbm": LightGBMConfig(max_rounds=1, num_leaves=2, max_depth=1)}
    )
    return {"strong": train_model(training_set, config), "weak": train_model(training_set, weak)}


@pytest.fixture(scope="module")
def experiment(tracking_uri):
    return connect(tracking_uri, "tests")


def _register(result, experiment, name, force=False):
    """Log only the model (no plots: faster) and decide on its promotion."""
    with mlflow.start_run(experiment_id=experiment):
        _, version = log_scoring_model(result, name)
    return version, decide_promotion(result, name, version, result.config.promotion, force)


@pytest.fixture(scope="module")
def logged(results, experiment):
    """The strong model logged as a full training run (evaluation, plots, card, model)."""
    return log_training_run(results["strong"], experiment, "full-run")


def test_registered_model_loads_as_pyfunc_and_predicts_the_artifacts_probabilities(results, logged):
    result = results["strong"]
    decision = decide_promotion(result, "full-run", logged.version, result.config.promotion)
    assert decision.promoted
    assert "no champion yet" in decision.reason
    model = mlflow.pyfunc.load_model(f"models:/full-run@{CHAMPION}")
    frame = result.test_frame()
    predicted = model.predict(frame)
    assert list(predicted.columns) == ["churn_probability", "health", "band"]
    assert np.array_equal(
        predicted["churn_probability"].to_numpy(), result.artifact.predict_proba(frame)
    )
    assert np.array_equal(
        predicted["health"].to_numpy(), result.artifact.score(frame)["health"].to_numpy()
    )
    loaded = load_artifact(logged.model_uri)
    assert loaded.feature_set == "test_set"
    assert loaded.references == result.artifact.references


def test_promotion_keeps_the_champion_when_the_candidate_is_worse(results, experiment):
    _register(results["strong"], experiment, "keep")
    _, decision = _register(results["weak"], experiment, "keep")
    assert not decision.promoted
    assert "does not beat champion v1 on the same holdout" in decision.reason
    assert decision.champion_value > decision.candidate_value
    assert champion_version(mlflow.MlflowClient(), "keep") == "1"


def test_promotion_moves_the_champion_to_a_better_candidate(results, experiment):
    _register(results["weak"], experiment, "move")
    version, decision = _register(results["strong"], experiment, "move")
    assert decision.promoted
    assert "beats champion v1" in decision.reason
    assert champion_version(mlflow.MlflowClient(), "move") == version


def test_promotion_with_force_promotes_a_worse_candidate_and_says_so(results, experiment):
    _register(results["strong"], experiment, "force")
    version, decision = _register(results["weak"], experiment, "force", force=True)
    assert decision.promoted
    assert "--force" in decision.reason
    client = mlflow.MlflowClient()
    assert champion_version(client, "force") == version
    assert client.get_model_version("force", version).tags["promotion"] == "promoted"


def test_log_training_run_records_config_data_summary_metrics_plots_and_card(results, logged):
    client = mlflow.MlflowClient()
    run = client.get_run(logged.run_id)
    assert run.data.params["data.rows"] == str(len(results["strong"].training_set.features))
    assert run.data.params["data.feature_set_version"] == "1"
    assert {"roc_auc", "ece", "logistic.roc_auc", "ceiling.roc_auc", "segment.smb.roc_auc"} <= set(
        run.data.metrics
    )
    artifacts = {a.path for a in client.list_artifacts(logged.run_id)}
    assert {"config.yaml", "data_summary.json", "model_card.md", "plots", "evaluation"} <= artifacts
    plots = {a.path.split("/")[-1] for a in client.list_artifacts(logged.run_id, "plots")}
    assert {
        "calibration_curve.png",
        "gains_lift.png",
        "shap_summary.png",
        "score_distribution.png",
    } <= plots
