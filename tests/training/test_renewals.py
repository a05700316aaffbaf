"""The renewal training set on a simulated world: both ceilings attached to every observation point."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from simulator import SimulationConfig, roc_auc, simulate_world
from training.config import TrainingConfig
from training.renewals import load_renewal_training_set

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("world")
    simulate_world(SimulationConfig(seed=3, n_accounts=600), out, overwrite=True, workers=0)
    return out


@pytest.fixture(scope="module")
def points(world):
    config = TrainingConfig(lead_times_days=[7, 30, 180], exclude_features=[])
    return load_renewal_training_set(world, config)


def test_renewal_set_fair_ceiling_is_the_true_probability_a_week_before(points):
    week = points.keys["lead_days"].to_numpy() == 7
    assert points.ceiling is not None and points.ceiling_hindsight is not None
    np.testing.assert_allclose(points.ceiling[week], points.ceiling_hindsight[week], rtol=1e-12)
    assert not np.allclose(points.ceiling[~week], points.ceiling_hindsight[~week])


def test_renewal_set_fair_ceiling_knows_less_half_a_year_before(points):
    early = points.keys["lead_days"].to_numpy() == 180
    label = points.label[early]
    fair = roc_auc(label, points.ceiling[early])
    hindsight = roc_auc(label, points.ceiling_hindsight[early])
    assert 0.55 < fair < hindsight - 0.03


def test_renewal_set_without_outlook_file_has_only_the_hindsight_ceiling(world, tmp_path):
    copy = tmp_path / "world"
    copy.mkdir()
    for path in world.rglob("*"):
        if path.is_file() and path.name != "renewal_outlook.parquet":
            target = copy / path.relative_to(world)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    older = load_renewal_training_set(copy, TrainingConfig(lead_times_days=[30]))
    assert older.ceiling is None
    assert older.ceiling_hindsight is not None


def test_renewal_set_fits_usage_norms_before_the_first_point_into_its_version(world, points):
    from features.catalogue import CHURN_V1, FeatureSource
    from features.catalogue.norms import event_quantity_norms
    from features.data import load_dataset

    first_point = points.as_of.min().to_pydatetime()
    with load_dataset(world) as dataset:
        expected = event_quantity_norms(FeatureSource.from_dataset(dataset), first_point)
    assert points.feature_config is not None
    assert points.feature_config.event_quantity_norms == expected
    assert expected.keys() >= {"login", "api_call"}
    assert points.feature_set_version == CHURN_V1.version(points.feature_config)
    assert points.features["usage_intensity_vs_typical_pct_change_30d"].notna().mean() > 0.9


def test_renewal_set_built_in_batches_of_accounts_equals_one_build(world, points, monkeypatch):
    import pandas as pd

    import training.renewals

    monkeypatch.setattr(training.renewals, "POINTS_PER_BUILD", 700)
    batched = load_renewal_training_set(
        world, TrainingConfig(lead_times_days=[7, 30, 180], exclude_features=[])
    )
    assert len(points.features) > 3 * 700  # several batches
    pd.testing.assert_frame_equal(batched.features, points.features)
    np.testing.assert_array_equal(batched.label, points.label)
