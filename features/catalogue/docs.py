"""The catalogue page, docs/features.md, generated from the declarations.

Regenerate it after changing a feature: ``uv run python -m features.catalogue.docs``
(a test fails while the page and the code disagree).
"""

from __future__ import annotations

import sys
from pathlib import Path

from features.catalogue.events import event_slug
from features.catalogue.norms import MAX_VOCABULARY_EVENTS, MIN_ROWS_PER_VOCABULARY_EVENT
from features.catalogue.registry import CATALOGUE, HELPERS, find_feature, register_vocabulary
from features.catalogue.sets import FEATURE_SETS
from features.catalogue.spec import Empty, Feature, Helper, Risk, Source

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
        f"{len(CATALOGUE)} features (and six per event of the fitted usage events vocabulary, "
        "at the end), each computed for an (account_id, as_of) point from the rows known "
        "before as_of. How they are computed, and why, is in [feature_engine.md](feature_engine.md).",
        "",
        "Columns: **window** the span of event time read; **unit**; **risk** whether higher or lower values "
        "raise churn risk; **empty** the value when nothing was found (0, missing, or the recency cap); "
        "**reads** the table and optional columns it needs (it is absent from the build without them); "
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
        return _table_columns(feature)
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
