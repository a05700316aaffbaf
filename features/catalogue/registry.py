"""The catalogue: every feature, helper and table spec from the source modules, by name."""

from __future__ import annotations

import difflib

from features.catalogue import account, billing, relationship, support, surveys, texts, usage
from features.catalogue.errors import UnknownFeatureError
from features.catalogue.events import event_features, vocabulary_features
from features.catalogue.spec import Feature, Helper, Quote, TableSpec
from features.catalogue.text_table import SCHEMA as TEXTS_SCHEMA

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
        texts.TEXTS,
    )
}
"""How each table is joined to the points, by table name: the contract's, then the derived ``texts``."""

DERIVED_TABLES: dict[str, tuple[str, ...]] = {texts.TEXTS.table: tuple(TEXTS_SCHEMA)}
"""Tables the build makes from contract tables (not read from the source), with their columns."""


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
    + texts.FEATURES
    + account.FEATURES
)
"""Every feature, in catalogue order (by source, then as declared)."""

HELPERS: dict[str, Helper] = _by_name(
    usage.HELPERS + support.HELPERS + billing.HELPERS + account.HELPERS
)
"""Intermediate aggregates derived features read; never in the output."""

QUOTES: dict[str, Quote] = _by_name(texts.QUOTES)
"""Texts sentences quote (built only for explanations, never model inputs), by name; the
quotes of every registered theme join them (see :func:`register_themes`)."""


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


def register_themes(labels: tuple[str, ...]) -> tuple[Feature, ...]:
    """Make the share feature and the quote of each text theme resolvable by name; returns the
    features. Like :func:`register_vocabulary`, names are a pure function of the label."""
    for label in labels:
        feature, quote = texts.theme_items(label)
        for item, taken in ((feature, CATALOGUE), (quote, QUOTES)):
            owner = _THEME_OF.get(item.name, label)
            if (item.name in taken and item.name not in _THEME_OF) or owner != label:
                raise ValueError(
                    f"text themes: theme {label!r} gives the name {item.name!r}, which another "
                    "feature has; rename the theme in text_themes"
                )
            _THEME_OF[item.name] = label
        _VOCABULARY[feature.name] = feature
        QUOTES[quote.name] = quote
    return texts.theme_features(labels)


_THEME_OF: dict[str, str] = {}


def find_quote(name: str) -> Quote | None:
    """The quote ``name`` (of the catalogue or of a registered theme), else None."""
    return QUOTES.get(name)


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
