"""``churn features``: the features of every active account at one as_of date, to a file."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from churn_scorecard.commands.arguments import SourceArgument
from churn_scorecard.console import console, progress_callback

FORMATS = (".parquet", ".csv")


def features(
    source: SourceArgument,
    as_of: Annotated[
        datetime,
        typer.Option(
            "--as-of",
            help="Compute features as of this date or time (UTC); only rows known before it are used.",
            show_default=False,
        ),
    ],
    out: Annotated[
        Path, typer.Option(help="Output file: .parquet or .csv (one row per active account).")
    ] = Path("runs/features.parquet"),
    feature_set: Annotated[str, typer.Option(help="Named feature set to build.")] = "churn_v1",
    config: Annotated[
        Path | None,
        typer.Option(help="YAML file of feature settings (e.g. key_events).", show_default=False),
    ] = None,
) -> None:
    """Build the features of every account active at AS_OF from the tables in SOURCE.

    Validates SOURCE like churn validate, then computes every feature of the set whose
    tables are present (see docs/features.md) and writes them to OUT. Usage norms that
    --config does not set (event_quantity_norms) and the usage events that get features of
    their own (usage_events_vocabulary) are fitted from the usage before AS_OF.
    """
    from churn_scorecard.config import load_config
    from features.catalogue import (
        FeatureConfig,
        FeatureError,
        FeatureSource,
        active_accounts,
        available_features,
        feature_table,
        get_feature_set,
    )
    from features.catalogue.norms import MIN_ROWS_PER_EVENT, fit_feature_settings
    from features.data import load_dataset

    if out.suffix.lower() not in FORMATS:
        raise FeatureError(
            f"--out {out} has suffix {out.suffix or '(none)'!r}; use .parquet or .csv"
        )
    chosen = get_feature_set(feature_set)
    settings = load_config(FeatureConfig, config) if config else FeatureConfig()
    with progress_callback() as progress:
        dataset = load_dataset(source, progress=progress)
    with dataset:
        features_source = FeatureSource.from_dataset(dataset)
        given = settings
        settings = fit_feature_settings(given, features_source, as_of)
        names = chosen.names(settings)
        points = active_accounts(features_source, as_of)
        built = available_features(features_source, names, settings)
        with console.status(f"Building {len(built)} features for {len(points):,} accounts..."):
            table = feature_table(features_source, points, names, settings)
            out.parent.mkdir(parents=True, exist_ok=True)
            if out.suffix.lower() == ".csv":
                features_source.backend.to_csv(table, out)
            else:
                features_source.backend.to_parquet(table, out)
    if settings.event_quantity_norms != given.event_quantity_norms:
        console.print(
            f"Usage norms of {len(settings.event_quantity_norms)} events fitted from the usage "
            "before --as-of (set event_quantity_norms in --config to use a model's)."
        )
    elif not settings.event_quantity_norms and "usage_events" in features_source.tables:
        console.print(
            f"No usage norms: no event has {MIN_ROWS_PER_EVENT} usage rows before --as-of, so the "
            "usage intensity against the typical level is missing (set event_quantity_norms in "
            "--config)."
        )
    if settings.usage_events_vocabulary != given.usage_events_vocabulary:
        events = settings.usage_events_vocabulary
        console.print(
            f"Usage events vocabulary of {len(events)} events fitted from the usage before "
            f"--as-of ({', '.join(escape(repr(e)) for e in events)}): "
            f"{len(names) - len(chosen.features)} per-event features (set "
            "usage_events_vocabulary in --config to use a model's)."
        )
    if settings.text_themes != given.text_themes:
        console.print(
            f"{len(settings.text_themes)} text themes fitted from the texts before --as-of "
            f"({', '.join(escape(label) for label in settings.text_themes)}): one share feature "
            "each (set text_themes in --config to use a model's)."
        )
    absent = [name for name in names if name not in built]
    console.print(
        f"{len(built)} features of [bold]{chosen.version(settings)}[/bold] for {len(points):,} accounts "
        f"active at {as_of:%Y-%m-%d %H:%M} written to [bold]{escape(str(out))}[/bold]."
    )
    if absent:
        console.print(
            f"{len(absent)} features absent (their tables or columns are missing): {', '.join(absent)}"
        )
