"""Named, versioned feature sets: what a model is trained on and must be scored with.

A set's *fingerprint* hashes the metadata of its features and the SQL their
definitions compile to (over the full contract, for DuckDB), so any change to a
definition, a window, a template or the :class:`FeatureConfig` gives a new version.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import lru_cache

import ibis

from features.catalogue.build import compile_features
from features.catalogue.config import FeatureConfig
from features.catalogue.engines import IBIS_TYPES
from features.catalogue.errors import UnknownFeatureError
from features.catalogue.events import vocabulary_features
from features.catalogue.registry import CATALOGUE, get_feature
from features.catalogue.spec import Feature
from features.catalogue.text import SCORER_VERSION
from features.catalogue.text_table import TABLE as TEXTS
from features.catalogue.text_table import unbound_table
from features.catalogue.texts import theme_features
from features.contract import TABLES

_MEMTABLE = re.compile(r"ibis_pandas_memtable_[a-z0-9]+")
_METADATA = (
    "name",
    "description",
    "source",
    "window",
    "unit",
    "risk",
    "template",
    "empty",
    "template_empty",
    "template_zero",
    "labels",
)


@dataclass(frozen=True)
class FeatureSet:
    """A named list of catalogue features, plus (with ``per_event``) the per-event features
    of the config's usage events vocabulary (see :mod:`features.catalogue.events`) and the
    share feature of each of its text themes (see :mod:`features.catalogue.texts`)."""

    name: str
    description: str
    features: tuple[str, ...]
    per_event: bool = True

    def __post_init__(self) -> None:
        for name in self.features:
            get_feature(name)

    def names(self, config: FeatureConfig | None = None) -> tuple[str, ...]:
        """The set's feature names under ``config``: its catalogue features, then per event,
        then per text theme."""
        if not self.per_event or config is None:
            return self.features
        fitted = vocabulary_features(config.usage_events_vocabulary) + theme_features(
            tuple(config.text_themes)
        )
        return self.features + tuple(f.name for f in fitted)

    def fingerprint(self, config: FeatureConfig | None = None) -> str:
        """A SHA-256 hex digest of the set's definitions under ``config``."""
        config = config or FeatureConfig()
        return _fingerprint(
            tuple(get_feature(name) for name in self.names(config)), config.model_dump_json()
        )

    def version(self, config: FeatureConfig | None = None) -> str:
        """``<name>@<first 12 hex digits of the fingerprint>``, e.g. ``churn_v1@3f2a9c0d1b7e``."""
        return f"{self.name}@{self.fingerprint(config)[:12]}"


@lru_cache(maxsize=16)
def _fingerprint(features: tuple[Feature, ...], config_json: str) -> str:
    config = FeatureConfig.model_validate_json(config_json)
    tables = {
        name: ibis.table({c.name: IBIS_TYPES[c.kind] for c in table.columns}, name=name)
        for name, table in TABLES.items()
    }
    columns = {name: frozenset(table.column_names) for name, table in TABLES.items()}
    tables[TEXTS], columns[TEXTS] = unbound_table(), frozenset(unbound_table().columns)
    points = ibis.table({"account_id": "string", "as_of": "timestamp"}, name="points")
    sql = ibis.to_sql(
        compile_features(tables, columns, points, list(features), config, "points"),
        dialect="duckdb",
    )
    sql = _MEMTABLE.sub("memtable", str(sql))  # in-memory helper tables get random names
    metadata = [{key: str(getattr(f, key)) for key in _METADATA} for f in features]
    payload = json.dumps(
        {"features": metadata, "config": config_json, "sql": str(sql), "texts": SCORER_VERSION},
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


CHURN_V1 = FeatureSet(
    name="churn_v1",
    description="Every feature of the catalogue: usage, support, surveys, billing, relationship "
    "(free texts included) and contract, plus six per event of the fitted usage events vocabulary "
    "and one per fitted text theme.",
    features=tuple(CATALOGUE),
)

FEATURE_SETS: dict[str, FeatureSet] = {s.name: s for s in (CHURN_V1,)}
"""Every named feature set."""


def get_feature_set(name: str) -> FeatureSet:
    """The feature set ``name``, or :class:`UnknownFeatureError` listing the known ones."""
    try:
        return FEATURE_SETS[name]
    except KeyError:
        raise UnknownFeatureError(
            f"no feature set named {name!r}; known sets: {', '.join(FEATURE_SETS)}"
        ) from None
