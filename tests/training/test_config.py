"""Training config: defaults, unknown keys, bands, scorecard points, tracking URI resolution."""

from pathlib import Path

import pytest

from churn_scorecard.errors import ConfigError
from training.config import TrainingConfig, load_training_config, resolve_tracking_uri


def test_load_training_config_defaults_when_no_file():
    config = load_training_config(None)
    assert (config.lead_times_days, config.min_history_days) == (None, None)  # from the data
    assert config.mlflow.registered_model == "churn-scorecard"
    assert [band.name for band in config.health.bands] == ["healthy", "watch", "at_risk"]


def test_load_training_config_reads_nested_keys(tmp_path: Path):
    path = tmp_path / "train.yaml"
    path.write_text("seed: 3\nlead_times_days: [90, 30]\nlightgbm:\n  num_leaves: 7\n")
    config = load_training_config(path)
    assert (config.seed, config.lead_times_days, config.lightgbm.num_leaves) == (3, [30, 90], 7)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sede: 3\n", r"unknown key 'sede'"),
        ("lightgbm:\n  num_leafs: 7\n", r"unknown key 'lightgbm.num_leafs'"),
        (
            "health:\n  bands:\n    - {name: ok, min_health: 50}\n",
            r"the last band must start at min_health 0",
        ),
        (
            "health:\n  bands:\n    - {name: a, min_health: 10}\n    - {name: b, min_health: 40}\n",
            r"from the highest min_health down",
        ),
        (
            "baselines:\n  scorecard:\n    - {feature: x, op: '>=', threshold: 1, points: 60}\n",
            "sum to 100, got 60",
        ),
        ("split:\n  valid_fraction: 0.45\n  test_fraction: 0.45\n", "must stay below 0.8"),
        ("lead_times_days: [0, 30]\n", "above 0 days"),
        ("calibration:\n  method: sigmoid\n", r"calibration.method"),
    ],
)
def test_load_training_config_rejects_bad_keys_naming_them(tmp_path: Path, text: str, message: str):
    path = tmp_path / "train.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_training_config(path)


def test_resolve_tracking_uri_order(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    config = TrainingConfig(mlflow={"tracking_uri": "sqlite:///from-config.db"})
    assert (
        resolve_tracking_uri(TrainingConfig()) == f"sqlite:///{tmp_path / 'models' / 'mlflow.db'}"
    )
    assert (tmp_path / "models").is_dir()
    assert resolve_tracking_uri(config) == "sqlite:///from-config.db"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://mlflow.example:5000")
    assert resolve_tracking_uri(config) == "http://mlflow.example:5000"
    assert resolve_tracking_uri(config, "sqlite:///explicit.db") == "sqlite:///explicit.db"
