"""``churn serve`` refuses a broken setup with one clear sentence, before starting BentoML."""

from __future__ import annotations

from typer.testing import CliRunner

from churn_scorecard.cli import app

runner = CliRunner()


def test_serve_without_the_api_key_variable_says_which_variable(monkeypatch) -> None:
    monkeypatch.delenv("CHURN_UNSET_KEY", raising=False)
    result = runner.invoke(app, ["serve", "--api-key-env", "CHURN_UNSET_KEY"])
    assert result.exit_code != 0
    assert "CHURN_UNSET_KEY is empty or unset" in str(result.exception)


def test_serve_with_a_missing_data_folder_names_it(tmp_path) -> None:
    result = runner.invoke(app, ["serve", "--data", str(tmp_path / "nowhere")])
    assert result.exit_code != 0
    assert "nowhere does not exist" in str(result.exception)


def test_serve_without_a_champion_says_to_train_one(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path / 'empty.db'}")
    result = runner.invoke(app, ["serve"])
    assert result.exit_code != 0
    assert "churn train" in str(result.exception)


def test_serve_rejects_a_model_uri_that_is_not_registered() -> None:
    result = runner.invoke(app, ["serve", "--model", "runs:/abc/model"])
    assert result.exit_code != 0
    assert "models:/<name>@<alias>" in str(result.exception)
