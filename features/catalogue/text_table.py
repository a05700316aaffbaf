"""The ``texts`` table: every free text of a source, scored once, for the text features.

Free text lives in three places: ``surveys.comment``, ``interactions.note`` and, when
``FeatureConfig.ticket_text_columns`` names them, extra columns of ``support_tickets``
(a subject and a body are joined into one text per ticket). Sentiment and themes are
Python (:mod:`features.catalogue.text`), not SQL, so the build reads those columns, scores
each distinct text once and hands the engine a table of its own, one row per text:

| column | meaning |
|---|---|
| account_id, time, recorded_at | as in the text's table: its event time and when it was known |
| origin | ``survey comment``, ``CRM note`` or ``ticket`` |
| sentiment, polarity | VADER compound (-1 to 1) and -1 / 0 / 1 |
| theme | the fitted theme it is about, or null |
| sentiment_key, quote_tail | what the quoted examples are chosen and printed by (see ``texts.quote_of``) |

Blank texts are not rows. Rows keep ``recorded_at``, so the build's point-in-time rules
apply unchanged: a text counts only once it was recorded before ``as_of``. The table is an
Ibis memtable, so the same features run on DuckDB and on Spark; on Spark the texts are
scored on the driver (they are a small share of the data: 0.6 texts per account-week in
the simulated world), which bounds the text features to what one machine can score.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

import ibis
import ibis.expr.types as ir
import pandas as pd

from features.catalogue.config import FeatureConfig
from features.catalogue.engines import FeatureSource
from features.catalogue.text import score_texts

TABLE = "texts"
HORIZON_DAYS = 365

SCHEMA = {
    "account_id": "string",
    "time": "timestamp",
    "recorded_at": "timestamp",
    "origin": "string",
    "sentiment": "float64",
    "polarity": "int64",
    "theme": "string",
    "sentiment_key": "string",
    "quote_tail": "string",
}
"""The columns of the texts table and their Ibis types."""

NO_THEME = "99"
"""The theme code of a text about no fitted theme."""


@dataclass(frozen=True)
class TextSource:
    """Where one kind of text lives: its table, event time and text columns."""

    origin: str
    table: str
    time: str
    columns: tuple[str, ...]


def text_sources(source: FeatureSource, config: FeatureConfig) -> list[TextSource]:
    """The text columns ``source`` holds: survey comments, CRM notes, configured ticket texts."""
    found = []
    if source.has("surveys", ["comment"]):
        found.append(TextSource("survey comment", "surveys", "responded_at", ("comment",)))
    if source.has("interactions", ["note"]):
        found.append(TextSource("CRM note", "interactions", "timestamp", ("note",)))
    ticket_columns = ticket_text_columns(source, config)
    if ticket_columns:
        found.append(TextSource("ticket", "support_tickets", "opened_at", ticket_columns))
    return found


def ticket_text_columns(source: FeatureSource, config: FeatureConfig) -> tuple[str, ...]:
    """The stored names of the configured ticket text columns that ``source`` holds."""
    if not config.ticket_text_columns or "support_tickets" not in source.columns:
        return ()
    stored = {name.lower(): name for name in source.backend.get_schema("support_tickets").names}
    return tuple(stored[c.lower()] for c in config.ticket_text_columns if c.lower() in stored)


def missing_ticket_columns(source: FeatureSource, config: FeatureConfig) -> tuple[str, ...]:
    """The configured ticket text columns that ``source`` lacks (for a note saying so)."""
    found = {c.lower() for c in ticket_text_columns(source, config)}
    return tuple(c for c in config.ticket_text_columns if c.lower() not in found)


def has_texts(source: FeatureSource, config: FeatureConfig) -> bool:
    """Whether ``source`` holds any text column the text features read."""
    return bool(text_sources(source, config))


def raw_texts(
    source: FeatureSource,
    config: FeatureConfig,
    after: datetime | None = None,
    before: datetime | None = None,
    known_before: bool = False,
    limit: int | None = None,
) -> pd.DataFrame:
    """``account_id, time, recorded_at, origin, text`` of every non-empty text, as stored.

    ``after``/``before`` bound the event time (``after <= time < before``); with
    ``known_before`` a text also has to be recorded before ``before`` (for fitting themes
    from what was known then). ``limit`` keeps the latest texts.
    """
    parts = [
        _texts_of(source, s, after, before, known_before) for s in text_sources(source, config)
    ]
    if not parts:
        return pd.DataFrame(
            {c: [] for c in ("account_id", "time", "recorded_at", "origin", "text")}
        )
    union = parts[0] if len(parts) == 1 else ibis.union(*parts)
    if limit is not None:
        union = union.order_by([union.time.desc(), union.account_id, union.text]).limit(limit)
    frame = source.execute(union)
    for column in ("time", "recorded_at"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[us]")
    return frame


def _texts_of(
    source: FeatureSource,
    where: TextSource,
    after: datetime | None,
    before: datetime | None,
    known_before: bool,
) -> ir.Table:
    table = source.table(where.table)
    if where.table == "support_tickets":  # extra columns: outside the contract's typed view
        raw = source.backend.table(where.table)
        pieces = [raw[c].cast("string").fill_null("") for c in where.columns]
        text = pieces[0]
        for piece in pieces[1:]:
            text = text.concat(". ", piece)
        table = raw.select(
            account_id=raw.account_id.cast("string"),
            opened_at=raw.opened_at.cast("timestamp"),
            recorded_at=(
                raw.recorded_at.cast("timestamp")
                if source.has("support_tickets", ["recorded_at"])
                else ibis.null("timestamp")
            ),
            text=text,
        )
    else:
        table = table.mutate(text=table[where.columns[0]])
    time = table[where.time]
    keep = table.text.notnull() & time.notnull()
    if after is not None:
        keep &= time >= after
    if before is not None:
        keep &= time < before
        if known_before and source.has(where.table, ["recorded_at"]):
            keep &= table.recorded_at.fill_null(time) < before
    recorded = (
        table.recorded_at if source.has(where.table, ["recorded_at"]) else ibis.null("timestamp")
    )
    return table.filter(keep).select(
        account_id=table.account_id.cast("string"),
        time=time.cast("timestamp"),
        recorded_at=recorded.cast("timestamp"),
        origin=ibis.literal(where.origin),
        text=table.text.cast("string"),
    )


def text_table(
    source: FeatureSource, config: FeatureConfig, first: datetime | None, last: datetime | None
) -> ir.Table:
    """The scored texts table (see the module docstring) for points with as_of in ``[first, last]``."""
    after = first - timedelta(days=HORIZON_DAYS) if first is not None else None
    raw = raw_texts(source, config, after, last)
    scored = score_texts(raw["text"], config.text_themes)
    keep = scored["text"].notna().to_numpy()
    raw, scored = raw[keep].reset_index(drop=True), scored[keep].reset_index(drop=True)
    codes = _theme_codes(config.text_themes)
    frame = pd.DataFrame(
        {
            "account_id": raw["account_id"].astype(str),
            "time": raw["time"],
            "recorded_at": raw["recorded_at"],
            "origin": raw["origin"].astype(str),
            "sentiment": scored["sentiment"].astype("float64"),
            "polarity": scored["polarity"].astype("int64"),
            "theme": scored["theme"].astype(object),
            "sentiment_key": [f"{round((s + 1) * 10_000):05d}" for s in scored["sentiment"]],
            "quote_tail": [
                codes.get(theme, NO_THEME) + f"'{text}' ({origin})"
                for theme, text, origin in zip(
                    scored["theme"], scored["excerpt"], raw["origin"], strict=True
                )
            ],
        }
    )
    return ibis.memtable(frame, schema=SCHEMA)


def _theme_codes(themes: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """Two-digit codes of the themes, in their (sorted) order."""
    return {label: f"{k:02d}" for k, label in enumerate(themes)}


def unbound_table() -> ir.Table:
    """The texts table's schema as an unbound Ibis table (for compiling and fingerprints)."""
    return ibis.table(SCHEMA, name=TABLE)
