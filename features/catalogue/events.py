"""Usage features of each event of the customer's own vocabulary.

The catalogue's usage features sum over all events; a customer's product has its own
events (``post``, ``Page View``, ``Rechnung erstellt``) and churn often shows in one of
them first. For each event of ``FeatureConfig.usage_events_vocabulary`` (fitted at
training from the events with the most usage rows, see :mod:`features.catalogue.norms`)
the catalogue declares, with the fight-churn book's recipes:

- ``event_<slug>_count_30d``, ``event_<slug>_count_90d``: the event's summed quantity;
- ``event_<slug>_count_prev_30d`` and ``event_<slug>_pct_change_30d``: the 30 days before
  the last 30, and the last 30 against them in percent (base floored at 1);
- ``event_<slug>_per_active_user_30d``: per active user (when usage has ``user_id``);
- ``days_since_event_<slug>``: whole days since its last row, capped at 90 ("never").

All of them read the per-event partials the year's usage features already compute
(``usage.BY_EVENT``): one conditional sum per feature over a few rows per point and
event, never a scan of their own. An event absent from the data gives 0 (and 90 days).

``<slug>`` is the event name itself when it is already a short lower-case name
(``report_run``); otherwise its lower-case ASCII transliteration, cut to 32
characters, plus 8 hex digits of its SHA-256 (``Page View`` -> ``page_view_0c6bd0b9``), so
a name is valid, stable (a pure function of the event) and distinct for any event.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import replace
from functools import lru_cache

from features.catalogue.rows import Rows, Values, pct_change, ratio, whole_days
from features.catalogue.spec import Feature, Risk, Source, Unit, recency
from features.catalogue.usage import BY_EVENT, HORIZON_DAYS, TABLE, YEAR_DAYS

SLUG_LENGTH = 32
"""The longest slug kept from an event name (before its hash)."""

DISPLAY_LENGTH = 40
"""The longest event name printed in a sentence (longer names end with an ellipsis)."""

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def event_slug(event: str) -> str:
    """The event's part of its feature names: ``[a-z0-9_]``, stable, distinct per event."""
    ascii_name = unicodedata.normalize("NFKD", event).encode("ascii", "ignore").decode()
    slug = _NOT_SLUG.sub("_", ascii_name.lower()).strip("_")[:SLUG_LENGTH].rstrip("_")
    if slug == event:  # already a short lower-case name: it stands for itself
        return slug
    digest = hashlib.sha256(event.encode()).hexdigest()[:8]
    return f"{slug}_{digest}" if slug else digest


def event_label(event: str) -> str:
    """The event as printed in sentences: underscores and runs of blanks become one space,
    brackets and braces (template syntax) become parentheses, long names are cut."""
    text = "".join(
        " " if unicodedata.category(c)[0] in "CZ" or c == "_" else c
        for c in unicodedata.normalize("NFC", event)
    )
    text = " ".join(text.split()).translate(str.maketrans("{}[]", "()()"))
    if len(text) > DISPLAY_LENGTH:
        text = text[: DISPLAY_LENGTH - 1].rstrip() + "…"
    return text or "(unnamed event)"


def event_feature_names(event: str) -> tuple[str, ...]:
    """The names of ``event``'s features, in declaration order."""
    return tuple(f.name for f in event_features(event))


@lru_cache(maxsize=1024)
def event_features(event: str) -> tuple[Feature, ...]:
    """The per-event features of ``event`` (see the module docstring)."""
    slug, label = event_slug(event), event_label(event)
    title = label[:1].upper() + label[1:]
    quoted = repr(event if len(event) <= 80 else event[:79] + "…")
    base = f"event_{slug}"
    count_30d, count_prev_30d = f"{base}_count_30d", f"{base}_count_prev_30d"
    usage = {"source": Source.USAGE, "table": TABLE.table}
    per_event = {"horizon_days": YEAR_DAYS, "per": BY_EVENT}

    def total(partial: str):
        return lambda e: getattr(e, partial).sum(where=e.event == event)

    def count(days: int) -> Feature:
        return Feature(
            name=f"{base}_count_{days}d",
            description=f"Usage events {quoted} in the last {days} days (the sum of quantity).",
            window=f"{days}d",
            unit=Unit.COUNT,
            risk=Risk.NEITHER,
            template=f"{title}: {{value}} in the last {days} days",
            template_zero=f"No {label} in the last {days} days",
            aggregate=total(f"quantity_{days}d"),
            **usage,
            **per_event,
        )

    return (
        count(30),
        count(90),
        Feature(
            name=count_prev_30d,
            description=f"Usage events {quoted} in the 30 days before the last 30 (days 31-60 "
            "before as_of; the sum of quantity).",
            window="30d before the last 30d",
            unit=Unit.COUNT,
            risk=Risk.NEITHER,
            template=f"{title}: {{value}} in the 30 days before the last 30",
            template_zero=f"No {label} in the 30 days before the last 30",
            aggregate=total("quantity_prev_30d"),
            **usage,
            **per_event,
        ),
        Feature(
            name=f"{base}_pct_change_30d",
            description=f"Percent change of usage events {quoted}, last 30 days against the "
            "30 before (base floored at 1).",
            source=Source.USAGE,
            window="30d vs previous 30d",
            unit=Unit.PERCENT,
            risk=Risk.NEITHER,
            template=f"{title} {{change}} in the last 30 days ({{{count_prev_30d}}} -> {{{count_30d}}})",
            derive=lambda v: pct_change(getattr(v, count_30d), getattr(v, count_prev_30d)),
            inputs=(count_30d, count_prev_30d),
        ),
        Feature(
            name=f"{base}_per_active_user_30d",
            description=f"Usage events {quoted} per active user in the last 30 days (0 "
            "without active users).",
            source=Source.USAGE,
            window="30d",
            unit=Unit.RATE,
            risk=Risk.NEITHER,
            template=f"{title}: {{value}} per active user in the last 30 days",
            template_zero=f"No {label} by active users in the last 30 days",
            derive=lambda v: _per_user(v, count_30d),
            inputs=(count_30d, "active_users_30d"),
        ),
        _days_since(event, base, label, quoted),
    )


def _per_user(v: Values, count: str):
    return ratio(getattr(v, count), v.active_users_30d)


def _days_since(event: str, base: str, label: str, quoted: str) -> Feature:
    feature = recency(
        f"days_since_{base}",
        description=f"Whole days since the account's last usage event {quoted}.",
        source=Source.USAGE,
        table=TABLE.table,
        horizon_days=HORIZON_DAYS,
        template=f"Last {label} {{value:day}} ago",
        template_zero=f"Last {label} less than a day ago",
        template_empty=f"No {label} in the last {HORIZON_DAYS} days",
        aggregate=lambda e: whole_days(_last_age(e, event)),
    )
    # read from the per-event partials (the age of each event's last row in the horizon)
    return replace(feature, risk=Risk.NEITHER, horizon_days=YEAR_DAYS, per=BY_EVENT)


def _last_age(e: Rows, event: str):
    return e.last_age_90d.min(where=e.event == event)


def vocabulary_features(events: tuple[str, ...]) -> tuple[Feature, ...]:
    """The per-event features of every event of a vocabulary, event by event."""
    return tuple(f for event in events for f in event_features(event))
