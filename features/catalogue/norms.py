"""Settings fitted from the data: the population's norms, the customer's event vocabulary and
the recurring themes of its free texts.

Some measures only mean something against other customers: a usage row of ``api_call``
typically carries about 40 calls, one of ``invite_user`` one invite. The typical quantity
per row of each event, over all accounts, is fitted once from usage *before* the first
point a model learns from (so no later row informs it), stored in
:class:`~features.catalogue.config.FeatureConfig` and, through it, in the feature-set
version and the trained model, which hands it to every later build.

The same holds for the usage events vocabulary: the events that get features of their
own (see :mod:`features.catalogue.events`) are the customer's most used, by usage rows
before the cut, and the text themes (:mod:`features.catalogue.themes`) are learned from the
texts known before it. :func:`fit_feature_settings` fits all three.
"""

from __future__ import annotations

from datetime import datetime

from features.catalogue.config import FeatureConfig
from features.catalogue.engines import FeatureSource
from features.catalogue.text_table import raw_texts
from features.catalogue.themes import MAX_TEXTS, fit_themes

MIN_ROWS_PER_EVENT = 100
"""Events with fewer usage rows than this before the cut get no norm (too few to say what is typical)."""

MIN_ROWS_PER_VOCABULARY_EVENT = 100
"""Events with fewer usage rows than this before the cut get no features of their own."""

MAX_VOCABULARY_EVENTS = 40
"""At most this many events get features of their own (six each), which bounds the feature
count and the build whatever the customer's vocabulary (TreeSHAP's cost is set by the trees,
not the feature count).

Volume is not what makes an event matter: in ChurnSim's CRM world (27 event types) a cap of
12 kept the searches and edits and left out meetings, stage advances and disqualified
opportunities, the events its churn model weighs most, and the product's AUC at the cut
pooled over three cuts went from 0.027 below the quick reference to 0.008 below with this
cap (docs/external_benchmarks.md). Our own simulator has 12 events, so its worlds are
unchanged."""

SIGNIFICANT_DIGITS = 4
"""Norms are rounded, so that the feature-set version does not turn on noise in the last digits."""


def _known_usage(source: FeatureSource, before: datetime):
    """Usage rows with an event that happened and were recorded before ``before``."""
    usage = source.table("usage_events")
    usage = usage.filter(usage.timestamp < before, usage.event.notnull())
    if source.has("usage_events", ["recorded_at"]):
        usage = usage.filter(usage.recorded_at.fill_null(usage.timestamp) < before)
    return usage


def event_quantity_norms(
    source: FeatureSource, before: datetime, min_rows: int = MIN_ROWS_PER_EVENT
) -> dict[str, float]:
    """Mean quantity per usage row of each event over all accounts, from rows known before ``before``.

    A row counts when it happened and was recorded (``recorded_at``, when present) before
    ``before``; empty quantities count as 1, as in the usage features. Events with fewer
    than ``min_rows`` such rows get no norm; no usage table, no norms.
    """
    if not source.has("usage_events", ["event"]):
        return {}
    usage = _known_usage(source, before)
    per_event = usage.group_by("event").aggregate(
        rows=usage.count(), quantity=usage.quantity.fill_null(1).cast("float64").mean()
    )
    frame = source.execute(per_event.filter(per_event.rows >= min_rows))
    return {
        str(event): float(f"{quantity:.{SIGNIFICANT_DIGITS}g}")
        for event, quantity in zip(frame["event"], frame["quantity"], strict=True)
        if quantity > 0
    }


def with_fitted_norms(
    config: FeatureConfig, source: FeatureSource, before: datetime
) -> FeatureConfig:
    """``config`` with the norms it lacks fitted from ``source``'s rows before ``before``.

    Norms ``config`` already holds (set by hand or carried by a trained model) are kept;
    ``config`` itself comes back when it has norms or none can be fitted.
    """
    if config.event_quantity_norms:
        return config
    norms = event_quantity_norms(source, before)
    if not norms:
        return config
    return FeatureConfig.model_validate({**config.model_dump(), "event_quantity_norms": norms})


def usage_events_vocabulary(
    source: FeatureSource,
    before: datetime,
    min_rows: int = MIN_ROWS_PER_VOCABULARY_EVENT,
    max_events: int = MAX_VOCABULARY_EVENTS,
) -> tuple[str, ...]:
    """The events with the most usage rows known before ``before`` (at least ``min_rows``
    each, at most ``max_events``), in alphabetical order.

    Rows count as for the norms (happened and recorded before ``before``). Ties in rows go
    to the alphabetically first event; the chosen events are then sorted by name, so the
    feature order (and the feature-set version) changes only when the chosen events do.
    No usage table, or no event with ``min_rows``, no vocabulary.
    """
    if not source.has("usage_events", ["event"]):
        return ()
    usage = _known_usage(source, before)
    per_event = usage.group_by("event").aggregate(rows=usage.count())
    top = (
        per_event.filter(per_event.rows >= min_rows)
        .order_by([per_event.rows.desc(), per_event.event])
        .limit(max_events)
    )
    frame = source.execute(top)
    return tuple(sorted(str(event) for event in frame["event"]))


def text_themes(
    source: FeatureSource, config: FeatureConfig, before: datetime
) -> dict[str, tuple[str, ...]]:
    """Themes of the texts (survey comments, CRM notes, configured ticket texts) that were
    written and recorded before ``before``: the latest :data:`~features.catalogue.themes.MAX_TEXTS`
    of them (see :func:`~features.catalogue.themes.fit_themes`); {} without enough texts."""
    texts = raw_texts(source, config, before=before, known_before=True, limit=MAX_TEXTS)
    return fit_themes(texts["text"])


def fit_feature_settings(
    config: FeatureConfig, source: FeatureSource, before: datetime
) -> FeatureConfig:
    """``config`` with the norms, the usage events vocabulary and the text themes it lacks
    fitted from ``source``'s rows before ``before`` (what ``churn train`` and ``churn
    features`` use).

    Settings ``config`` already holds (set by hand or carried by a trained model) are
    kept; ``config`` itself comes back when nothing is fitted.
    """
    fitted = with_fitted_norms(config, source, before)
    if not fitted.usage_events_vocabulary:
        events = usage_events_vocabulary(source, before)
        if events:
            fitted = _with(fitted, usage_events_vocabulary=events)
    if not fitted.text_themes:
        themes = text_themes(source, fitted, before)
        if themes:
            fitted = _with(fitted, text_themes=themes)
    return fitted


def _with(config: FeatureConfig, **settings: object) -> FeatureConfig:
    return FeatureConfig.model_validate({**config.model_dump(), **settings})
