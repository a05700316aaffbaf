"""``churn train``: the report a data scientist reads, end to end on a flat table."""

import pytest
from typer.testing import CliRunner

from churn_scorecard.cli import app

runner = CliRunner()


@pytest.fixture
def quick_config(tmp_path):
    path = tmp_path / "train.yaml"
    path.write_text("num_threads: 1\ncv_folds: 2\nshap_sample: 300\n")
    return path


def test_train_table_prints_the_report_and_promotes_only_a_better_model(
    telco_path, quick_config, tracking_uri
):
    args = ["train", "--table", str(telco_path), "--label", "Churn", "--config", str(quick_config)]
    args += ["--tracking-uri", tracking_uri, "--model-name", "cli-telco", "--segment", "Contract"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    for expected in (
        "Test metrics",
        "Logistic",
        "against the logistic regression baseline",
        "Calibration of LightGBM: ",  # platt or isotonic, whichever the chosen capacity needs
        "chosen: cross-validated Brier",
        "By segment",
        "Stratified 2-fold cross-validation",
        "Registered cli-telco version 1",
        "promoted: there was no champion yet",
    ):
        assert expected in first.output
    assert "learned nothing" not in first.output  # the constant-model warning is for real cases
    second = runner.invoke(app, args)
    assert second.exit_code == 0, second.output
    assert (
        "not promoted: candidate v2 does not beat champion v1 on the same holdout" in second.output
    )
    forced = runner.invoke(app, [*args, "--force"])
    assert "promoted because --force was given" in forced.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "give a data directory"),
        (["--table", "x.csv"], "--table needs --label"),
        (["some-dir", "--table", "x.csv", "--label", "y"], "not both"),
    ],
)
def test_train_says_what_to_give(args, message):
    result = runner.invoke(app, ["train", *args])
    assert result.exit_code != 0
    assert message in str(result.exception)


def test_train_data_dir_without_renewals_says_what_is_needed(tmp_path):
    (tmp_path / "accounts.csv").write_text("account_id,segment\nA1,smb\nA2,smb\n")
    result = runner.invoke(app, ["train", str(tmp_path)])
    assert result.exit_code != 0
    assert "has no renewals table" in str(result.exception)


def _train_table(frame, folder, config, tracking_uri, name: str) -> str:
    """``churn train --table`` on ``frame`` (label ``churned``); what it said, on one line."""
    table = folder / f"{name}.csv"
    frame.to_csv(table, index=False)
    args = ["train", "--table", str(table), "--label", "churned", "--config", str(config)]
    result = runner.invoke(app, [*args, "--tracking-uri", tracking_uri, "--model-name", name])
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def test_train_warns_when_the_model_learned_nothing(tmp_path, quick_config, tracking_uri):
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"seats": 5, "churned": rng.integers(0, 2, 400)})
    said = _train_table(frame, tmp_path, quick_config, tracking_uri, "flat")
    assert "warning: the model gives every test row the same churn probability" in said
    assert "it learned nothing from these rows" in said


def test_train_warns_when_the_model_ranks_hardly_better_than_chance(
    tmp_path, quick_config, tracking_uri
):
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(1)
    rows = 600
    frame = pd.DataFrame(
        {
            "usage": rng.normal(size=rows),
            "tickets": rng.poisson(2, size=rows),
            "churned": rng.integers(0, 2, rows),
        }
    )
    said = _train_table(frame, tmp_path, quick_config, tracking_uri, "noise")
    assert "warning: the model ranks the test rows hardly better than chance (ROC-AUC 0." in said
    assert "treat its scores as a weak signal" in said
