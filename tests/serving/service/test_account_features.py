"""Features by account id follow the served model: its feature list and its fitted usage norms."""

from __future__ import annotations

from features.catalogue import FeatureConfig
from serving.api.account_features import AccountFeatures
from serving.scoring import Scorer

NAME = "usage_intensity_vs_typical_pct_change_30d"


def test_account_features_rebuild_when_a_model_brings_other_norms(scored_world):
    trained = Scorer.from_registry(scored_world.model_uri).artifact.feature_config
    names = ("events_count_30d", NAME)
    accounts = AccountFeatures(scored_world.world, names, FeatureConfig(), None)
    try:
        first = accounts.snapshot
        assert first[NAME].isna().all()  # no norms, nothing to compare with

        accounts.use(names, FeatureConfig())
        assert accounts.snapshot is first  # same model settings: nothing rebuilt

        accounts.use(names, trained)
        assert accounts.snapshot[NAME].notna().mean() > 0.5
        ids = list(accounts.snapshot.dropna(subset=[NAME]).index[:3])
        rows, _ = accounts.features(ids)
        assert rows[NAME].tolist() == accounts.snapshot.loc[ids, NAME].tolist()
        assert rows["events_count_30d"].tolist() == first.loc[ids, "events_count_30d"].tolist()
    finally:
        accounts.close()
