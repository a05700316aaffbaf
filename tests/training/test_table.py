"""Bring your own features: a flat table, here the IBM Telco sample."""

import numpy as np
import pandas as pd
import pytest

from training.config import TrainingConfig
from training.errors import TrainingDataError
from training.pipeline import MODEL, train_model
from training.table import load_table


def test_load_table_reads_telco_with_native_categoricals(telco_path):
    training_set = load_table(telco_path, "Churn")
    assert len(training_set.features) == 7043
    assert training_set.churn_rate == pytest.approx(1869 / 7043)
    assert "customerID" not in training_set.features
    assert training_set.features["TotalCharges"].dtype == np.float64
    assert training_set.features["TotalCharges"].isna().sum() == 11
    assert {"Contract", "PaymentMethod", "InternetService"} <= set(training_set.categorical)
    assert "tenure" not in training_set.categorical
    assert any("customerID" in note for note in training_set.notes)


def test_train_model_on_telco_cross_validates_above_the_published_band(telco_path):
    training_set = load_table(telco_path, "Churn")
    result = train_model(training_set, TrainingConfig(num_threads=1, cv_folds=5))
    cv = result.cross_validation
    assert len(cv) == 5
    assert cv["roc_auc"].mean() > 0.80
    assert result.metrics.loc[MODEL, "roc_auc"] > 0.80
    assert result.artifact.categorical_levels["Contract"] == (
        "Month-to-month",
        "One year",
        "Two year",
    )
    scores = result.artifact.score(pd.read_csv(telco_path).head(3))
    assert scores["churn_probability"].between(0, 1).all()


def test_load_table_with_time_gives_an_out_of_time_training_set(tmp_path):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "signup": pd.date_range("2023-01-01", periods=400, freq="D").astype(str),
            "usage": rng.normal(size=400),
            "churned": rng.choice(["true", "false"], 400),
        }
    )
    path = tmp_path / "t.parquet"
    frame.to_parquet(path)
    training_set = load_table(path, "churned", time="signup")
    assert training_set.split_time.is_monotonic_increasing
    assert list(training_set.features.columns) == ["usage"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"label": "Outcome"}, r"has no column 'Outcome' \(given as --label\)"),
        ({"label": "churn"}, r"no column 'churn' \(given as --label\); did you mean 'Churn'\?"),
        ({"label": "Churn", "time": "when"}, r"no column 'when' \(given as --time\)"),
        ({"label": "gender"}, r"label column 'gender' holds \['female', 'male'\]; expected yes/no"),
        (
            {"label": "Churn", "time": "Contract"},
            r"column 'Contract' \(--time\) holds 'Month-to-month', not a date",
        ),
    ],
)
def test_load_table_names_the_problem(telco_path, kwargs, message):
    with pytest.raises(TrainingDataError, match=message):
        load_table(telco_path, **kwargs)


def test_load_table_leaves_out_rows_without_a_label(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("x,churn\n1,yes\n2,\n3,no\n4,yes\n")
    training_set = load_table(path, "churn")
    assert training_set.label.tolist() == [1, 0, 1]
    assert "1 rows with no value in 'churn' left out" in training_set.notes[0]
