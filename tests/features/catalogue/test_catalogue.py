"""The catalogue: complete metadata, house naming, renderable templates, docs page in sync."""

from __future__ import annotations

import dataclasses
import re

import pytest

from features.catalogue import CATALOGUE, CHURN_V1, FeatureConfig, FeatureSet, Source, get_feature
from features.catalogue.docs import PAGE, render_page
from features.catalogue.errors import UnknownFeatureError
from features.catalogue.registry import DERIVED_TABLES, HELPERS, QUOTES, TABLE_SPECS
from features.catalogue.render import SPECIAL_FIELDS, render, template_fields
from features.catalogue.spec import Empty, Unit
from features.contract import TABLES

FEATURES = list(CATALOGUE.values())
NAME = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


def test_catalogue_has_at_least_40_features_from_every_source():
    assert len(FEATURES) >= 40
    assert {f.source for f in FEATURES} == set(Source)
    tables = {f.table for f in FEATURES if f.table} | {h.table for h in HELPERS.values()}
    assert tables == set(TABLES) | set(DERIVED_TABLES), "every table feeds some feature"


def _columns_of(table: str) -> set[str]:
    """The columns of a contract table or of a table the build derives (``texts``)."""
    return set(TABLES[table].column_names) if table in TABLES else set(DERIVED_TABLES[table])


@pytest.mark.parametrize("feature", FEATURES, ids=lambda f: f.name)
def test_catalogue_feature_has_all_metadata(feature):
    assert NAME.match(feature.name)
    assert feature.description.endswith(".") and len(feature.description) > 20
    for field in ("window", "template"):
        assert getattr(feature, field).strip(), f"{feature.name} has no {field}"
    assert (feature.aggregate is None) != (feature.derive is None), "aggregate or derived, not both"
    if feature.empty in (Empty.NEVER, Empty.MISSING):
        assert feature.template_empty, f"{feature.name} can be empty, so it needs template_empty"
    if feature.empty is Empty.NEVER:
        assert feature.never_value and feature.name.startswith("days_since_")
    if feature.unit is Unit.LEVEL:
        assert feature.labels
    if feature.is_derived:
        assert feature.inputs or feature.optional_inputs
        for name in feature.inputs + feature.optional_inputs:
            assert name in CATALOGUE or name in HELPERS, f"{feature.name} reads unknown {name}"
    else:
        assert feature.table in TABLE_SPECS
        assert set(feature.columns) <= _columns_of(feature.table)


@pytest.mark.parametrize("feature", FEATURES, ids=lambda f: f.name)
def test_catalogue_name_says_what_and_over_what(feature):
    if feature.name.startswith("days_since_"):
        assert feature.unit is Unit.DAYS
    if "_pct_change_" in feature.name:
        assert feature.unit is Unit.PERCENT and re.search(r"_pct_change_\d+d$", feature.name)
    if "_count" in feature.name:
        assert re.search(r"_count(_prev)?(_\d+d)?$", feature.name)
    if re.fullmatch(r"\d+d", feature.window):
        assert feature.name.endswith(f"_{feature.window}") or feature.name.startswith("days_since_")


@pytest.mark.parametrize("feature", FEATURES, ids=lambda f: f.name)
def test_catalogue_template_refers_only_to_features_it_can_rely_on(feature):
    needs = _needs(feature.name)
    for name in template_fields(feature.template):
        if name in SPECIAL_FIELDS:
            continue
        if name in QUOTES:  # text from the data: only ever inside an optional clause
            assert f"{{{name}}}" in "".join(re.findall(r"\[[^\[\]]*\]", feature.template))
            assert _needs(name) <= needs, f"{feature.name} may be built without {name}"
            continue
        assert name in CATALOGUE, f"{feature.name}'s template refers to unknown {name}"
        assert _needs(name) <= needs, f"{feature.name} may be built without {name}"


def _needs(name: str) -> set[str]:
    """The tables and columns a feature (or helper) needs, through its inputs."""
    item = HELPERS.get(name) or QUOTES.get(name) or CATALOGUE[name]
    if getattr(item, "is_derived", False):
        return set().union(*(_needs(i) for i in item.inputs))
    return {item.table, *(f"{item.table}.{c}" for c in item.columns)}


SAMPLE_VALUES = (0, 1, -42.5, 3, 90, 730, None)


@pytest.mark.parametrize("value", SAMPLE_VALUES)
def test_catalogue_every_template_renders_with_a_sample_row(value):
    for feature in FEATURES:
        if value is None and feature.empty is not Empty.MISSING:
            continue  # only these can be missing in a built row
        row = {name: 7 for name in CATALOGUE}
        row[feature.name] = value
        if value is not None and feature.unit in (Unit.CATEGORY, Unit.LEVEL):
            row[feature.name] = "smb" if feature.unit is Unit.CATEGORY else 2
        sentence = render(feature, row)
        assert sentence and "{" not in sentence
        assert sentence == feature.template_empty or "unknown" not in sentence


def test_docs_page_matches_the_catalogue():
    assert PAGE.read_text() == render_page(), "run: uv run python -m features.catalogue.docs"


def test_docs_page_lists_every_feature_once():
    page = render_page()
    for name in CATALOGUE:
        assert page.count(f"| `{name}` |") == 1


def test_feature_set_version_changes_with_definitions_and_config(monkeypatch):
    version = CHURN_V1.version()
    assert re.fullmatch(r"churn_v1@[0-9a-f]{12}", version)
    assert CHURN_V1.version() == version
    assert CHURN_V1.version(FeatureConfig(key_events=("login",))) != version
    changed = dataclasses.replace(CATALOGUE["events_count_30d"], window="31d")
    monkeypatch.setitem(CATALOGUE, "events_count_30d", changed)
    assert CHURN_V1.version() != version
    smaller = FeatureSet("small", "Two features.", ("events_count_30d", "segment"))
    assert smaller.fingerprint() != CHURN_V1.fingerprint()


def test_get_feature_unknown_name_suggests_close_ones():
    with pytest.raises(UnknownFeatureError, match="did you mean events_count_30d"):
        get_feature("event_count_30d")


def test_year_usage_features_share_one_per_event_aggregate():
    from features.catalogue.build import _by_horizon, _item
    from features.catalogue.usage import BY_EVENT, TABLE, YEAR_DAYS

    year = [
        "_usage_rows_365d",
        "key_event_rows_share_365d",
        "quantity_per_usage_row_365d",
        "usage_intensity_vs_365d_pct_change_30d",
        "usage_intensity_vs_365d_pct_change_90d",
    ]
    items = [_item(name) for name in ["events_count_30d", "active_users_30d", *year]]
    groups = {
        (spec.horizon_days, per): [item.name for item in group]
        for spec, per, group in _by_horizon(TABLE, items)
    }
    assert groups == {
        (TABLE.horizon_days, None): ["events_count_30d", "active_users_30d"],
        (YEAR_DAYS, BY_EVENT): year,
    }
