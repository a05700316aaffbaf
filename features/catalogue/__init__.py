"""Point-in-time features for churn: declared once, built set-based on DuckDB or Spark.

``build_features(FeatureSource.from_dataset(dataset), points)`` returns one row per
``(account_id, as_of)`` point with every catalogue feature whose tables are present,
computed only from rows known before each ``as_of``. See docs/features.md for the
catalogue and docs/feature_engine.md for how it is computed.
"""

from features.catalogue.build import available_features, build_features, feature_table
from features.catalogue.config import DEFAULT_KEY_EVENTS, FeatureConfig
from features.catalogue.engines import (
    FeatureSource,
    export_parquet,
    register_parquet,
    spark_session,
)
from features.catalogue.errors import EngineError, FeatureError, PointsError, UnknownFeatureError
from features.catalogue.points import active_accounts, observation_points
from features.catalogue.registry import CATALOGUE, find_feature, get_feature
from features.catalogue.render import format_value, render
from features.catalogue.sets import CHURN_V1, FEATURE_SETS, FeatureSet, get_feature_set
from features.catalogue.spec import Empty, Feature, Risk, Source, Unit

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
    "find_feature",
    "format_value",
    "get_feature",
    "get_feature_set",
    "observation_points",
    "register_parquet",
    "render",
    "spark_session",
]
