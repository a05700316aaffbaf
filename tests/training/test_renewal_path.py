"""The renewal path end to end on a small simulated world: ``churn train DIR`` and the notebooks."""

from pathlib import Path

import jupytext
import mlflow
import pytest
from nbclient import NotebookClient
from typer.testing import CliRunner

from churn_scorecard.cli import app
from simulator import SimulationConfig, simulate_world

pytestmark = pytest.mark.slow

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
MODEL_NAME = "world"


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("world")
    simulate_world(SimulationConfig(seed=3, n_accounts=600), out, overwrite=True, workers=0)
    return out


@pytest.fixture(scope="module")
def trained(world, tracking_uri, tmp_path_factory):
    """``churn train`` on the world once; its printed report."""
    config = tmp_path_factory.mktemp("config") / "train.yaml"
    config.write_text("num_threads: 1\nshap_sample: 300\nbacktest:\n  folds: 2\n")
    args = [
        "train",
        str(world),
        "--config",
        str(config),
        "--tracking-uri",
        tracking_uri,
        "--model-name",
        MODEL_NAME,
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    return result.output


def test_churn_train_on_a_world_reports_model_baselines_ceiling_and_promotion(
    trained, tracking_uri
):
    for expected in (
        "Ceiling",
        "Scorecard",
        "Logistic",
        "By lead_days",
        "By segment",
        "of the ceiling",
        "Observation points by contract term",
        "placed by contract term",
    ):
        assert expected in trained
    assert "Rolling-origin backtest" in trained
    assert "promoted: there was no champion yet" in trained
    version = mlflow.MlflowClient(tracking_uri).get_model_version_by_alias(MODEL_NAME, "champion")
    metrics = mlflow.MlflowClient(tracking_uri).get_run(version.run_id).data.metrics
    assert metrics["roc_auc"] > metrics["scorecard.roc_auc"]
    assert 0.6 < metrics["roc_auc"] <= metrics["ceiling.roc_auc"] + 0.02
    assert metrics["ece"] < 0.1


def test_champion_from_a_world_scores_feature_rows_as_a_pyfunc(trained, tracking_uri, world):
    model = mlflow.pyfunc.load_model(f"models:/{MODEL_NAME}@champion")
    artifact = model.unwrap_python_model().artifact
    assert artifact.feature_set == "churn_v1"
    assert artifact.feature_set_version.startswith("churn_v1@")
    assert "days_to_renewal" in artifact.features
    assert artifact.categorical_levels["segment"] == ("enterprise", "mid_market", "smb")


@pytest.mark.parametrize("notebook", ["explore_data.py", "evaluate_model.py"])
def test_notebook_runs_on_the_world(notebook, trained, world, tracking_uri, monkeypatch):
    monkeypatch.setenv("CHURN_DATA_DIR", str(world))
    monkeypatch.setenv("MLFLOW_TRACKING_URI", tracking_uri)
    monkeypatch.setenv("CHURN_MODEL_NAME", MODEL_NAME)
    document = jupytext.read(NOTEBOOKS / notebook)
    NotebookClient(
        document,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS.parent)}},
    ).execute()
    outputs = [
        output
        for cell in document.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
    ]
    assert not [output for output in outputs if output.get("output_type") == "error"]
    assert any("image/png" in output.get("data", {}) for output in outputs)
