"""The catalogue: every feature, helper and table spec from the source modules, by name."""

from __future__ import annotations

import difflib

from features.catalogue import account, billing, relationship, support, surveys, usage
from features.catalogue.errors import UnknownFeatureError
from features.catalogue.spec import Feature, Helper, TableSpec

TABLE_SPECS: dict[str, TableSpec] = {
    spec.table: spec
    for spec in (
        account.ACCOUNTS,
        account.RENEWALS,
        usage.TABLE,
        support.TABLE,
        surveys.TABLE,
        billing.INVOICES,
        billing.SUBSCRIPTIONS,
        relationship.INTERACTIONS,
        relationship.INCIDENTS,
    )
}
"""How each contract table is joined to the points, by table name."""


def _by_name(items: tuple) -> dict:
    named = {}
    for item in items:
        if item.name in named:
            raise ValueError(f"{item.name!r} is declared twice in the feature catalogue")
        named[item.name] = item
    return named


CATALOGUE: dict[str, Feature] = _by_name(
    usage.FEATURES
    + support.FEATURES
    + surveys.FEATURES
    + billing.FEATURES
    + relationship.FEATURES
    + account.FEATURES
)
"""Every feature, in catalogue order (by source, then as declared)."""

HELPERS: dict[str, Helper] = _by_name(
    usage.HELPERS + support.HELPERS + billing.HELPERS + account.HELPERS
)
"""Intermediate aggregates derived features read; never in the output."""


def get_feature(name: str) -> Feature:
    """The feature ``name``, or :class:`UnknownFeatureError` naming the closest ones."""
    try:
        return CATALOGUE[name]
    except KeyError:
        close = difflib.get_close_matches(name, CATALOGUE, n=3)
        hint = f"did you mean {', '.join(close)}? " if close else ""
        raise UnknownFeatureError(
            f"no feature named {name!r} in the catalogue; {hint}see docs/features.md for all {len(CATALOGUE)}"
        ) from None
