"""The catalogue page, docs/features.md, generated from the declarations.

Regenerate it after changing a feature: ``uv run python -m features.catalogue.docs``
(a test fails while the page and the code disagree).
"""

from __future__ import annotations

import sys
from pathlib import Path

from features.catalogue.events import event_slug
from features.catalogue.norms import MAX_VOCABULARY_EVENTS, MIN_ROWS_PER_VOCABULARY_EVENT
from features.catalogue.registry import (
    CATALOGUE,
    HELPERS,
    QUOTES,
    TABLE_SPECS,
    find_feature,
    register_themes,
    register_vocabulary,
)
from features.catalogue.sets import FEATURE_SETS
from features.catalogue.spec import Empty, Feature, Helper, Risk, Source
from features.catalogue.text import (
    EXCERPT_CHARS,
    MAX_SCORED_CHARS,
    NEGATIVE_BELOW,
    POSITIVE_ABOVE,
)
from features.catalogue.texts import QUOTES as TEXT_QUOTES
from features.catalogue.themes import MIN_TEXTS, THEME_COUNT
from features.catalogue.tiled import tileable

PAGE = Path(__file__).resolve().parents[2] / "docs" / "features.md"

_RISK = {Risk.HIGHER: "higher", Risk.LOWER: "lower", Risk.NEITHER: "-"}
_EMPTY = {Empty.ZERO: "0", Empty.MISSING: "missing"}


def render_page() -> str:
    """The whole catalogue page as Markdown."""
    lines = [
        "# Feature catalogue",
        "",
        "<!-- Generated from features/catalogue by `uv run python -m features.catalogue.docs`; do not edit. -->",
        "",
        f"{len(CATALOGUE)} features (and six per event of the fitted usage events vocabulary and "
        "one per fitted text theme, at the end), each computed for an (account_id, as_of) point from the rows known "
        "before as_of. How they are computed, and why, is in [feature_engine.md](feature_engine.md).",
        "",
        "Columns: **window** the span of event time read; **unit**; **risk** whether higher or lower values "
        "raise churn risk; **empty** the value when nothing was found (0, missing, or the recency cap); "
        "**reads** the table and optional columns it needs (it is absent from the build without them; "
        "*(tiles)*: `build_features(..., tiles=True)` can build it from per-day tiles, the others are "
        "always built from rows); "
        "**sentence** the template explanations are rendered from (see `features.catalogue.render`), "
        "with the sentences used instead at 0 and when nothing is known.",
        "",
        "## Feature sets",
        "",
        "| set | version | features | description |",
        "|---|---|---|---|",
    ]
    for feature_set in FEATURE_SETS.values():
        lines.append(
            f"| `{feature_set.name}` | `{feature_set.version()}` | {len(feature_set.features)} | "
            f"{feature_set.description} |"
        )
    for source in Source:
        features = [f for f in CATALOGUE.values() if f.source is source]
        lines += [
            "",
            f"## {source.value.capitalize()} ({len(features)})",
            "",
            "| feature | description | window | unit | risk | empty | reads | sentence |",
            "|---|---|---|---|---|---|---|---|",
        ]
        lines += [_row(f) for f in features]
    lines += _per_event()
    lines += _per_theme()
    return "\n".join(lines) + "\n"


EXAMPLE_EVENT = "Page View"
"""The event the per-event features are shown for."""


def _per_event() -> list[str]:
    features = register_vocabulary((EXAMPLE_EVENT,))
    slug = event_slug(EXAMPLE_EVENT)
    return [
        "",
        f"## Per event of the usage events vocabulary ({len(features)} per event)",
        "",
        "`churn train` fits `FeatureConfig.usage_events_vocabulary` from the usage known before "
        f"the first observation point: the events with the most usage rows (at least "
        f"{MIN_ROWS_PER_VOCABULARY_EVENT} rows, at most {MAX_VOCABULARY_EVENTS} events, sorted by "
        "name), and the model carries it to `churn score` and the service (`GET /model` shows it "
        "in `feature_settings`). `churn_v1` then adds these features for each of its events "
        "(see `features.catalogue.events`); an event absent from the data gives 0, and the cap "
        "for days since. Risk is `-`: whether more of an event means less risk depends on what "
        "the event is. In the names, an event that is already a short lower-case name "
        "(`report_run`) stands for itself; any other becomes its lower-case ASCII form plus 8 "
        f"hex digits of its SHA-256. Shown here for an event named `{EXAMPLE_EVENT}` (`{slug}`):",
        "",
        "| feature | description | window | unit | risk | empty | reads | sentence |",
        "|---|---|---|---|---|---|---|---|",
        *(_row(f) for f in features),
    ]


EXAMPLE_THEME = "billing"
"""The theme the per-theme feature is shown for."""


def _per_theme() -> list[str]:
    features = register_themes((EXAMPLE_THEME,))
    shown = [*TEXT_QUOTES, QUOTES[f"text_theme_{EXAMPLE_THEME}_example_90d"]]
    return [
        "",
        "## Free texts: sentiment, themes and quotes",
        "",
        "The relationship features above whose names hold `texts` (and the per-theme ones below) "
        "read what was written: `surveys.comment`, `interactions.note` and, when "
        "`FeatureConfig.ticket_text_columns` names them, extra columns of `support_tickets` (a "
        "subject and a body become one text per ticket). Each text counts from when it was "
        "recorded (`recorded_at`, else its event time), like every event; the build scores each "
        "distinct text once, in Python, into a derived `texts` table (see "
        "`features.catalogue.text_table`) the features aggregate like any other table, on DuckDB "
        "and on Spark alike (on Spark the texts are scored on the driver).",
        "",
        f"- **Sentiment**: VADER's compound score (-1 to 1) of the first {MAX_SCORED_CHARS:,} "
        "characters, from the lexicon inside the `vaderSentiment` wheel (nothing is downloaded); "
        f"negative at {NEGATIVE_BELOW} or below, positive at {POSITIVE_ABOVE} or above, VADER's "
        "own thresholds.",
        f"- **Themes**: `churn train` learns up to {THEME_COUNT} from the texts known before its "
        "first observation point (TF-IDF of the English texts' words and a non-negative matrix "
        f"factorisation, NNDSVD-initialised, on the texts sorted: the same texts give the same "
        f"themes; fewer than {MIN_TEXTS} English texts, no themes; see "
        "`features.catalogue.themes`). A theme is its keywords, most characteristic first, named "
        "by the first; the model carries them in `FeatureConfig.text_themes` to `churn score` and "
        "the service (`GET /model` shows them in `feature_settings`), as it carries the usage "
        "norms. A text is about the theme whose keywords it holds most (the k-th of n keywords "
        "weighs (n - k) / n; none held, no theme). The number of themes is fixed, so data with "
        "fewer real topics may see one topic split in two themes, and a rare topic may get none.",
        "- **Bad input never stops a build.** Empty or blank texts, and texts with nothing but "
        "symbols, digits or control characters once cleaned, are *no text*: not counted at all. "
        "Undecodable bytes (U+FFFD replacement characters, lone surrogates) and control or "
        "format characters become spaces, and what is left is scored. A very long text counts "
        f"once, scored on its first {MAX_SCORED_CHARS:,} characters. A text that is not English "
        "(mostly non-Latin letters, or more of the commonest words of German, Spanish, French, "
        "Portuguese, Italian or Dutch than English stop words) counts as a text but is "
        "*neutral*: sentiment 0 and no theme, since the English lexicon would score its words by "
        "accident (`No funciona` would read as negative). The language test is a heuristic, not "
        "a model.",
        "- **Quotes**: a sentence may quote what was written: the most negative text of the "
        'window (the latest of equals), its theme and where it was written, e.g. "3 negative '
        "comments or notes in the last 90 days, the most negative about billing: 'charged twice "
        "this month' (survey comment)\". Quotes are built beside the features only for "
        "explanations (`build_features(..., quotes=True)`: `churn score` and the service do, "
        "training does not) and are never model inputs; records sent to `POST /score` without "
        "them get the sentence without its example. An example is cut to "
        f"{EXCERPT_CHARS} characters at a word, with e-mail addresses and runs of six or more "
        "digits (phones, cards, accounts) replaced by `[…]`: nothing is added to what the source "
        "holds, and less of it is repeated.",
        "",
        f"One feature per theme, shown here for a theme labelled `{EXAMPLE_THEME}`:",
        "",
        "| feature | description | window | unit | risk | empty | reads | sentence |",
        "|---|---|---|---|---|---|---|---|",
        *(_row(f) for f in features),
        "",
        "The quotes sentences use (never model inputs):",
        "",
        "| quote | description | reads |",
        "|---|---|---|",
        *(f"| `{q.name}` | {q.description} | `{q.table}` |" for q in shown),
    ]


def _row(feature: Feature) -> str:
    empty = (
        f"{feature.never_value} (never)" if feature.empty is Empty.NEVER else _EMPTY[feature.empty]
    )
    sentence = feature.template
    if feature.template_zero:
        sentence += f" / at 0: *{feature.template_zero}*"
    if feature.template_empty:
        sentence += f" / empty: *{feature.template_empty}*"
    cells = [
        f"`{feature.name}`",
        feature.description,
        feature.window,
        feature.unit.value,
        _RISK[feature.risk],
        empty,
        _reads(feature),
        sentence,
    ]
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def _reads(feature: Feature) -> str:
    """What a feature needs: its table and columns, or the features (and helper tables) it derives from."""
    if not feature.is_derived:
        tiles = tileable(TABLE_SPECS[feature.table], [feature], feature.per)
        return _table_columns(feature) + (" (tiles)" if tiles else "")
    names = feature.inputs + feature.optional_inputs
    return "from " + ", ".join(
        f"`{n}`" if find_feature(n) else _table_columns(HELPERS[n]) for n in names
    )


def _table_columns(item: Feature | Helper) -> str:
    return ", ".join([f"`{item.table}`", *(f"`{item.table}.{c}`" for c in item.columns)])


def main(argv: list[str] | None = None) -> int:
    """Write the page (or, with ``--check``, exit 1 when it is out of date)."""
    argv = sys.argv[1:] if argv is None else argv
    page = render_page()
    if "--check" in argv:
        current = PAGE.read_text() if PAGE.exists() else ""
        if current != page:
            print(f"{PAGE} is out of date; run: uv run python -m features.catalogue.docs")
            return 1
        return 0
    PAGE.write_text(page)
    print(f"wrote {PAGE} ({len(CATALOGUE)} features)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
