"""The catalogue: every feature, helper and table spec from the source modules, by name."""

from __future__ import annotations

import difflib

from features.catalogue import account, billing, relationship, support, surveys, usage
from features.catalogue.errors import UnknownFeatureError
from features.catalogue.events import event_features, vocabulary_features
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


_VOCABULARY: dict[str, Feature] = {}
"""The per-event features of every vocabulary a FeatureConfig held in this process (see
:func:`register_vocabulary`), by name."""
_EVENT_OF: dict[str, str] = {}


def register_vocabulary(events: tuple[str, ...]) -> tuple[Feature, ...]:
    """Make the per-event features of ``events`` resolvable by name; returns them.

    Called by every :class:`~features.catalogue.config.FeatureConfig` for its vocabulary.
    A per-event feature's name and definition are a pure function of its event, so
    registering only ever adds names. Raises ``ValueError`` if two events' features would
    share a name (or take a catalogue name), which their hashed slugs make all but impossible.
    """
    for event in events:
        for feature in event_features(event):
            if feature.name in CATALOGUE or _EVENT_OF.get(feature.name, event) != event:
                raise ValueError(
                    f"usage events vocabulary: event {event!r} gives the feature name "
                    f"{feature.name!r}, which another feature has; rename the event in "
                    "usage_events_vocabulary"
                )
            _VOCABULARY[feature.name], _EVENT_OF[feature.name] = feature, event
    return vocabulary_features(events)


def find_feature(name: str) -> Feature | None:
    """The feature ``name`` (of the catalogue or of a registered vocabulary), else None."""
    return CATALOGUE.get(name) or _VOCABULARY.get(name)


def get_feature(name: str) -> Feature:
    """The feature ``name``, or :class:`UnknownFeatureError` naming the closest ones."""
    feature = find_feature(name)
    if feature is not None:
        return feature
    close = difflib.get_close_matches(name, [*CATALOGUE, *_VOCABULARY], n=3)
    hint = f"did you mean {', '.join(close)}? " if close else ""
    per_event = (
        " (per-event features exist for the events of FeatureConfig.usage_events_vocabulary)"
        if "event_" in name
        else ""
    )
    raise UnknownFeatureError(
        f"no feature named {name!r} in the catalogue{per_event}; {hint}see docs/features.md "
        f"for all {len(CATALOGUE)}"
    )
