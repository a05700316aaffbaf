"""Point-in-time features for churn: declared once, built set-based on DuckDB or Spark.

``build_features(FeatureSource.from_dataset(dataset), points)`` returns one row per
``(account_id, as_of)`` point with every catalogue feature whose tables are present,
computed only from rows known before each ``as_of``. See docs/features.md for the
catalogue and docs/feature_engine.md for how it is computed.
"""

import importlib
from typing import Any

_EXPORTS = {
    "available_features": "features.catalogue.build",
    "build_features": "features.catalogue.build",
    "feature_table": "features.catalogue.build",
    "DEFAULT_KEY_EVENTS": "features.catalogue.config",
    "FeatureConfig": "features.catalogue.config",
    "FeatureSource": "features.catalogue.engines",
    "export_parquet": "features.catalogue.engines",
    "register_parquet": "features.catalogue.engines",
    "spark_session": "features.catalogue.engines",
    "EngineError": "features.catalogue.errors",
    "FeatureError": "features.catalogue.errors",
    "PointsError": "features.catalogue.errors",
    "UnknownFeatureError": "features.catalogue.errors",
    "active_accounts": "features.catalogue.points",
    "observation_points": "features.catalogue.points",
    "CATALOGUE": "features.catalogue.registry",
    "get_feature": "features.catalogue.registry",
    "format_value": "features.catalogue.render",
    "render": "features.catalogue.render",
    "CHURN_V1": "features.catalogue.sets",
    "FEATURE_SETS": "features.catalogue.sets",
    "FeatureSet": "features.catalogue.sets",
    "get_feature_set": "features.catalogue.sets",
    "Empty": "features.catalogue.spec",
    "Feature": "features.catalogue.spec",
    "Risk": "features.catalogue.spec",
    "Source": "features.catalogue.spec",
    "Unit": "features.catalogue.spec",
}


def __getattr__(name: str) -> Any:
    """Import a public name on first use, so that ``features.catalogue.config`` (which the
    scoring artifact reads) loads without Ibis and the catalogue behind it."""
    if name not in _EXPORTS:
        raise AttributeError(f"module 'features.catalogue' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value


__all__ = [
    "CATALOGUE",
    "CHURN_V1",
    "DEFAULT_KEY_EVENTS",
    "FEATURE_SETS",
    "Empty",
    "EngineError",
    "Feature",
    "FeatureConfig",
    "FeatureError",
    "FeatureSet",
    "FeatureSource",
    "PointsError",
    "Risk",
    "Source",
    "Unit",
    "UnknownFeatureError",
    "active_accounts",
    "available_features",
    "build_features",
    "export_parquet",
    "feature_table",
    "format_value",
    "get_feature",
    "get_feature_set",
    "observation_points",
    "register_parquet",
    "render",
    "spark_session",
]
