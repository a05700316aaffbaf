"""The training geometry on whole simulated worlds: monthly-only and mixed monthly/annual terms,
trained with the default config."""

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from simulator import SimulationConfig, simulate_world
from training.config import TrainingConfig
from training.errors import TrainingDataError
from training.pipeline import train_model
from training.renewals import load_renewal_training_set

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def monthly_world(tmp_path_factory) -> Path:
    """A monthly-only product with three months of history: the default config stopped on it."""
    out = tmp_path_factory.mktemp("monthly")
    config = SimulationConfig(
        seed=5, n_accounts=1500, start=date(2026, 3, 1), end=date(2026, 6, 1), monthly_share=1.0
    )
    simulate_world(config, out, overwrite=True, workers=0)
    return out


@pytest.fixture(scope="module")
def mixed_world(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("mixed")
    simulate_world(SimulationConfig(seed=4, n_accounts=500), out, overwrite=True, workers=0)
    return out


def _points(training_set) -> pd.DataFrame:
    return training_set.keys.assign(
        term_days=training_set.features["contract_term_months"].to_numpy(),
        churned=training_set.label,
    )


def test_monthly_only_world_trains_with_the_default_config(monthly_world):
    config = TrainingConfig(num_threads=1, shap_sample=200)
    training_set = load_renewal_training_set(monthly_world, config)
    notes = " ".join(training_set.notes)
    assert "placed by contract term" in notes
    assert "min_history_days 30 (a third of the 92 days of recorded history" in notes
    assert "monthly terms" in notes
    assert "events vocabulary from usage before the first observation point (2026-03-31)" in notes
    points = _points(training_set)
    # one point per renewal, inside its month
    assert not points.duplicated(["account_id", "renewal_date"]).any()
    assert points["lead_days"].between(1, 30).all()
    result = train_model(training_set, config)
    assert result.metrics.loc["model", "roc_auc"] > 0.65


def test_mixed_world_places_points_by_each_renewals_term(mixed_world):
    training_set = load_renewal_training_set(mixed_world, TrainingConfig())
    points = _points(training_set)
    truth = pd.read_parquet(mixed_world / "_truth" / "renewal_truth.parquet")
    points = points.merge(
        truth[["account_id", "renewal_date", "term"]].astype({"account_id": "string"}),
        on=["account_id", "renewal_date"],
        how="left",
        validate="many_to_one",
    )
    annual = points[points["term"] == "annual"]
    monthly = points[points["term"] == "monthly"]
    assert set(annual["lead_days"]) == {30, 60, 90, 180}
    assert monthly["lead_days"].between(1, 30).all()
    assert not monthly.duplicated(["account_id", "renewal_date"]).any()
    assert len(monthly) > 1000 and len(annual) > 1000
    # the fair ceiling covers every point, the monthly ones five days before renewal too
    assert training_set.ceiling is not None


def test_no_point_falls_before_its_term_or_its_account(mixed_world):
    training_set = load_renewal_training_set(mixed_world, TrainingConfig())
    keys = training_set.keys
    renewals = pd.read_parquet(mixed_world / "renewals.parquet").sort_values(
        ["account_id", "renewal_date"]
    )
    renewals["previous"] = renewals.groupby("account_id")["renewal_date"].shift(1)
    accounts = pd.read_parquet(mixed_world / "accounts.parquet")[["account_id", "created_at"]]
    joined = (
        keys.astype({"account_id": "string"})
        .merge(
            renewals[["account_id", "renewal_date", "previous"]].astype({"account_id": "string"}),
            on=["account_id", "renewal_date"],
        )
        .merge(accounts.astype({"account_id": "string"}), on="account_id")
    )
    assert len(joined) == len(keys)
    as_of = pd.to_datetime(joined["as_of"])
    previous = pd.to_datetime(joined["previous"])
    assert (as_of[previous.notna()] > previous[previous.notna()]).all()
    assert (as_of >= pd.to_datetime(joined["created_at"]).dt.tz_localize(None)).all()


def test_fixed_lead_times_in_the_config_still_override_the_geometry(mixed_world):
    config = TrainingConfig(lead_times_days=[45], min_history_days=120)
    training_set = load_renewal_training_set(mixed_world, config)
    assert set(training_set.keys["lead_days"]) == {45}
    assert "lead_times_days [45] from the config" in " ".join(training_set.notes)
    assert "min_history_days 120 (from the config)" in " ".join(training_set.notes)


def test_too_few_labelled_renewals_stop_with_how_many_training_needs(tmp_path):
    config = SimulationConfig(
        seed=5, n_accounts=80, start=date(2026, 3, 1), end=date(2026, 6, 1), monthly_share=1.0
    )
    simulate_world(config, tmp_path, overwrite=True, workers=0)
    with pytest.raises(TrainingDataError, match="too few labelled renewals") as error:
        load_renewal_training_set(tmp_path, TrainingConfig())
    assert "Training needs at least 20 churned and 20 renewed renewals" in str(error.value)


def test_a_short_history_drops_its_history_floor_when_that_alone_leaves_too_few_renewals(tmp_path):
    config = SimulationConfig(
        seed=5, n_accounts=320, start=date(2026, 3, 1), end=date(2026, 6, 1), monthly_share=1.0
    )
    simulate_world(config, tmp_path, overwrite=True, workers=0)
    with pytest.raises(TrainingDataError, match="too few labelled renewals"):
        load_renewal_training_set(tmp_path, TrainingConfig(min_history_days=30))
    training_set = load_renewal_training_set(tmp_path, TrainingConfig())
    notes = " ".join(training_set.notes)
    assert "min_history_days 0 (lowered from 30 days, which left only 15 churned" in notes
    assert training_set.label.sum() >= 20


def test_exclude_features_may_name_a_feature_of_the_fitted_vocabulary(mixed_world):
    fitted = load_renewal_training_set(mixed_world, TrainingConfig())
    per_event = [name for name in fitted.feature_names if name.startswith("event_")]
    assert per_event  # the world's own events became features
    config = TrainingConfig(exclude_features=[per_event[0]])
    assert per_event[0] not in load_renewal_training_set(mixed_world, config).feature_names
