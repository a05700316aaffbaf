"""Text features: what customers wrote (survey comments), what CSMs noted (CRM notes) and,
when configured, ticket texts, as sentiment and recurring themes.

They read the ``texts`` table (:mod:`features.catalogue.text_table`), one scored row per
text, joined to the points like any event table: by event time within a year, and only
once recorded before ``as_of``. All of them describe the relationship (the scorecard has
five fixed dimensions; what was said in it sits with the CRM touchpoints), and a sentence
can quote an example of what was written (:class:`~features.catalogue.spec.Quote`):
"3 negative comments or notes in the last 90 days, the most negative about billing:
'charged twice this month' (survey comment)".

Per theme of ``FeatureConfig.text_themes`` (fitted at training, see
:mod:`features.catalogue.themes`) one more feature, ``text_theme_<slug>_share_90d``, and one
quote, its most negative example; like the per-event features their names are a pure
function of the theme's label, registered by every config that holds the theme.
"""

from __future__ import annotations

from functools import lru_cache

import ibis
import ibis.expr.types as ir

from features.catalogue.events import event_label, event_slug
from features.catalogue.rows import Rows, ratio
from features.catalogue.spec import Empty, Feature, Quote, Risk, Source, TableSpec, Unit
from features.catalogue.text_table import HORIZON_DAYS, NO_THEME, TABLE

TEXTS = TableSpec(table=TABLE, time="time", horizon_days=HORIZON_DAYS)

_KEY_DIGITS = 5
_AGE_DIGITS = 10
_THEME_DIGITS = 2


def _quote_key(r: Rows) -> ir.StringValue:
    """Sorts texts most negative first, then most recent, then by text: the quote is its minimum.

    A string (sentiment code, zero-padded age in seconds, theme code, the printed excerpt), so
    one ``min`` picks the example deterministically on DuckDB and Spark alike, without a
    window over the joined rows.
    """
    age = r.age.cast("int64").cast("string").lpad(_AGE_DIGITS, "0")
    return r.sentiment_key.concat(age, r.quote_tail)


def _worst(r: Rows, where: ir.BooleanValue) -> ir.StringScalar:
    return _quote_key(r).min(where=where)


def _example(r: Rows, where: ir.BooleanValue) -> ir.StringScalar:
    return _worst(r, where).substr(_KEY_DIGITS + _AGE_DIGITS + _THEME_DIGITS)


def _theme_of_worst(r: Rows, where: ir.BooleanValue) -> ir.StringScalar:
    code = _worst(r, where).substr(_KEY_DIGITS + _AGE_DIGITS, _THEME_DIGITS)
    branches = [(f"{k:02d}", label) for k, label in enumerate(r.config.text_themes)]
    if not branches:
        return code.nullif(NO_THEME)
    return code.cases(*branches, else_=ibis.null("string"))


def _negative_90d(r: Rows) -> ir.BooleanValue:
    return r.within(90) & (r.polarity < 0)


_WHAT = "survey comments, CRM notes and the configured ticket texts; blank ones do not count"

QUOTES = (
    Quote(
        name="negative_text_example_90d",
        description="The most negative text of the last 90 days (the latest of equals), cut to "
        "80 characters, with where it was written: quoted by negative_texts_count_90d.",
        table=TABLE,
        aggregate=lambda r: _example(r, _negative_90d(r)),
    ),
    Quote(
        name="negative_text_theme_90d",
        description="The theme of the most negative text of the last 90 days (none when it is "
        "about no fitted theme).",
        table=TABLE,
        aggregate=lambda r: _theme_of_worst(r, _negative_90d(r)),
    ),
)


FEATURES = (
    Feature(
        name="texts_count_90d",
        description=f"Free texts written in the last 90 days ({_WHAT}).",
        source=Source.RELATIONSHIP,
        window="90d",
        unit=Unit.COUNT,
        risk=Risk.NEITHER,
        template="{value:comment or note|comments or notes} written in the last 90 days",
        template_zero="No comments or notes written in the last 90 days",
        table=TABLE,
        aggregate=lambda r: r.count(where=r.within(90)),
    ),
    Feature(
        name="negative_texts_count_90d",
        description="Free texts of the last 90 days whose sentiment is negative (VADER "
        "compound -0.05 or below; texts that are not English count as neutral).",
        source=Source.RELATIONSHIP,
        window="90d",
        unit=Unit.COUNT,
        risk=Risk.HIGHER,
        template="{value:negative comment or note|negative comments or notes} in the last 90 "
        "days[, the most negative about {negative_text_theme_90d}][: {negative_text_example_90d}]",
        template_zero="No negative comments or notes in the last 90 days",
        table=TABLE,
        aggregate=lambda r: r.count(where=_negative_90d(r)),
    ),
    Feature(
        name="positive_texts_count_90d",
        description="Free texts of the last 90 days whose sentiment is positive (VADER "
        "compound 0.05 or above).",
        source=Source.RELATIONSHIP,
        window="90d",
        unit=Unit.COUNT,
        risk=Risk.LOWER,
        template="{value:positive comment or note|positive comments or notes} in the last 90 days",
        template_zero="No positive comments or notes in the last 90 days",
        table=TABLE,
        aggregate=lambda r: r.count(where=r.within(90) & (r.polarity > 0)),
    ),
    Feature(
        name="negative_texts_share_90d",
        description="Share of the last 90 days' free texts whose sentiment is negative (0 "
        "without texts).",
        source=Source.RELATIONSHIP,
        window="90d",
        unit=Unit.RATIO,
        risk=Risk.HIGHER,
        template="{value} of the {texts_count_90d:comment or note|comments or notes} of the "
        "last 90 days were negative",
        template_zero="No negative comments or notes in the last 90 days",
        derive=lambda v: ratio(v.negative_texts_count_90d, v.texts_count_90d),
        inputs=("negative_texts_count_90d", "texts_count_90d"),
    ),
    *(
        Feature(
            name=f"texts_sentiment_avg_{days}d",
            description=f"Mean sentiment (VADER compound, -1 to 1) of the free texts of the "
            f"last {days} days; missing without texts.",
            source=Source.RELATIONSHIP,
            window=f"{days}d",
            unit=Unit.SCORE,
            risk=Risk.LOWER,
            template=f"Comments and notes of the last {days} days averaged a sentiment of "
            "{value} (from -1 to 1)",
            template_empty=f"No comments or notes in the last {days} days",
            empty=Empty.MISSING,
            table=TABLE,
            aggregate=lambda r, days=days: r.sentiment.mean(where=r.within(days)),
        )
        for days in (90, 365)
    ),
)


def theme_slug(label: str) -> str:
    """The theme's part of its feature names (as for usage events: ``billing`` stands for itself)."""
    return event_slug(label)


@lru_cache(maxsize=256)
def theme_items(label: str) -> tuple[Feature, Quote]:
    """The share feature of theme ``label`` and the quote its sentence uses."""
    slug, shown = theme_slug(label), event_label(label)
    quote = Quote(
        name=f"text_theme_{slug}_example_90d",
        description=f"The most negative text of the last 90 days about theme {label!r}, cut to "
        "80 characters, with where it was written.",
        table=TABLE,
        aggregate=lambda r: _example(r, r.within(90) & (r.theme == label)),
    )
    feature = Feature(
        name=f"text_theme_{slug}_share_90d",
        description=f"Share of the last 90 days' free texts about theme {label!r} (the fitted "
        "theme whose keywords the text holds most; 0 without texts).",
        source=Source.RELATIONSHIP,
        window="90d",
        unit=Unit.RATIO,
        risk=Risk.NEITHER,
        template=f"{{value}} of comments and notes in the last 90 days were about {shown}"
        f"[: {{{quote.name}}}]",
        template_zero=f"No comment or note in the last 90 days was about {shown}",
        table=TABLE,
        aggregate=lambda r: ratio(
            r.count(where=r.within(90) & (r.theme == label)), r.count(where=r.within(90))
        ),
    )
    return feature, quote


def theme_features(labels: tuple[str, ...]) -> tuple[Feature, ...]:
    """The share features of every theme, in the themes' order."""
    return tuple(theme_items(label)[0] for label in labels)
