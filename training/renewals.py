"""The renewal training set: a data source in, one labelled feature row per observation point out.

Reads and validates the source with the data layer, lays out the observation points
(:mod:`training.labels`), builds the named feature set as of each point with the
feature catalogue, and, when the source is a simulated world, attaches two ceilings: the
*fair* one, the best probability knowable at each point's ``as_of`` (from
``_truth/renewal_outlook.parquet``, see :mod:`simulator.outlook`), and the one *with
hindsight*, each renewal's true churn probability (``_truth/renewal_truth.parquet``), which
uses health from after ``as_of`` and so flatters early observation points.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from churn_scorecard.console import ProgressCallback
from features.catalogue import FeatureConfig, FeatureSource, build_features, get_feature_set
from features.catalogue.norms import fit_feature_settings
from features.catalogue.text_table import TextSource, missing_ticket_columns, text_sources
from features.contract import TABLES
from features.data import Dataset, load_dataset
from simulator import OUTLOOK_FILE, TRUTH_DIR, TRUTH_FILE
from training.config import TrainingConfig
from training.dataset import TrainingSet
from training.errors import TrainingDataError
from training.geometry import MAX_MIN_HISTORY_DAYS, min_history_days
from training.labels import ObservationPoints, observation_points

KEYS = ["account_id", "as_of"]
HISTORY_TABLES = (
    "usage_events",
    "support_tickets",
    "surveys",
    "invoices",
    "interactions",
    "incidents",
)
"""Event tables whose first row marks the start of the recorded history (usage first when present)."""

POINTS_PER_BUILD = 300_000
"""Observation points built in one feature query at most: a training set of a million points
and a per-event vocabulary aggregated at once ran out of DuckDB's memory; batches of whole
accounts give the same rows (each point's features are its own)."""

KNOWN_WITHIN_DAYS = 7
"""A week before a simulated renewal, the health window that decides it (10 to 2 weeks before,
:data:`simulator.lifecycle.DECISION_WINDOW_WEEKS`) has closed: the fair probability is the true one."""


def load_renewal_training_set(
    source: Path, config: TrainingConfig, progress: ProgressCallback | None = None
) -> TrainingSet:
    """Observation points before every decided renewal in ``source``, with features and labels."""
    with load_dataset(source, progress=progress) as dataset:
        if "renewals" not in dataset.tables:
            raise TrainingDataError(
                f"{source} has no renewals table; training learns from past renewals (renewals.parquet or "
                "renewals.csv with account_id, renewal_date, outcome), or use --table for a flat table"
            )
        renewals = dataset.relation("renewals").df()
        accounts = dataset.relation("accounts").df()
        history_start, history_end = _recorded_history(dataset)
        min_history, min_history_reason = _min_history(config, history_start, history_end)
        observed = observation_points(
            renewals,
            accounts,
            config.lead_times_days,
            history_start,
            min_history,
            min_history_reason,
        )
        if not observed.trainable and config.min_history_days is None and min_history > 0:
            observed = _without_history_floor(
                observed, renewals, accounts, config, history_start, min_history
            )
        observed.check_trainable()
        feature_set = get_feature_set(config.feature_set)
        features_source = FeatureSource.from_dataset(dataset)
        # norms and events vocabulary from before the first point: no later row informs them
        first_point = pd.Timestamp(observed.points["as_of"].min()).to_pydatetime()
        feature_config = fit_feature_settings(FeatureConfig(), features_source, first_point)
        names = feature_set.names(feature_config)
        unknown = sorted(set(config.exclude_features) - set(names))
        if unknown:
            raise TrainingDataError(
                f"exclude_features names {unknown}, which are not in feature set {feature_set.name} "
                f"with this data's events vocabulary; check their spelling against docs/features.md"
            )
        wanted = [name for name in names if name not in config.exclude_features]
        frame = _build_in_batches(
            features_source, observed.points[KEYS], wanted, feature_config, progress
        )
    points = observed.points
    hindsight = _ceiling_with_hindsight(Path(source), points)
    features = (
        points[KEYS].merge(frame, on=KEYS, how="left", validate="many_to_one").drop(columns=KEYS)
    )
    if "days_to_renewal" not in features and "days_to_renewal" not in config.exclude_features:
        features["days_to_renewal"] = points["lead_days"].to_numpy(dtype=np.float64)
    categorical = tuple(
        name for name in features.columns if not pd.api.types.is_numeric_dtype(features[name])
    )
    segment = points[["account_id"]].merge(
        accounts[["account_id", "segment"]] if "segment" in accounts else accounts[["account_id"]],
        on="account_id",
        how="left",
    )
    return TrainingSet(
        features=features,
        label=points["churned"].to_numpy(),
        categorical=categorical,
        source=str(source),
        label_name="churned at the renewal",
        feature_set=feature_set.name,
        feature_set_version=feature_set.version(feature_config),
        split_time=points["renewal_date"],
        group=pd.factorize(
            points["account_id"].astype(str) + "|" + points["renewal_date"].astype(str)
        )[0],
        as_of=points["as_of"],
        label_time=points["label_time"],
        arr=points["arr"].to_numpy(),
        segment=segment.get("segment"),
        keys=points[["account_id", "renewal_date", "as_of", "lead_days"]],
        ceiling=_fair_ceiling(Path(source), points, hindsight),
        ceiling_hindsight=hindsight,
        notes=[
            *observed.notes(),
            *_settings_notes(feature_config, first_point),
            *_text_notes(features_source, feature_config, first_point),
        ],
        geometry=observed.geometry,
        feature_config=feature_config,
    )


def _settings_notes(config: FeatureConfig, before: datetime) -> list[str]:
    """What the feature settings fitted from the data hold, in words."""
    cut = f"from usage before the first observation point ({before.date()})"
    vocabulary = config.usage_events_vocabulary
    return [
        f"events vocabulary {cut}: {len(vocabulary)} events with six features each"
        + (f" ({', '.join(vocabulary)})" if vocabulary else " (too few usage rows per event)"),
        f"usage norms {cut}: typical quantity per row of {len(config.event_quantity_norms)} events",
    ]


def _text_notes(source: FeatureSource, config: FeatureConfig, before: datetime) -> list[str]:
    """Which free texts the text features read, and the themes fitted from them, in words."""
    found = text_sources(source, config)
    if not found:
        return ["free texts: none (no surveys.comment, interactions.note or ticket text columns)"]
    themes = config.text_themes
    notes = [
        f"free texts from {', '.join(_columns_of(s) for s in found)}; "
        f"text themes from the texts before the first observation point ({before.date()}): "
        + (
            "; ".join(f"{label} ({', '.join(words)})" for label, words in themes.items())
            if themes
            else "none (too few English texts)"
        )
    ]
    missing = missing_ticket_columns(source, config)
    if missing:
        notes.append(
            f"ticket_text_columns {list(missing)} are not columns of support_tickets; left out"
        )
    return notes


def _columns_of(where: TextSource) -> str:
    return "+".join(f"{where.table}.{column}" for column in where.columns)


def _build_in_batches(
    source: FeatureSource,
    points: pd.DataFrame,
    wanted: list[str],
    config: FeatureConfig,
    progress: ProgressCallback | None,
) -> pd.DataFrame:
    """The features of ``points``, built :data:`POINTS_PER_BUILD` points (of whole accounts) at a time."""
    batches = max(1, -(-len(points) // POINTS_PER_BUILD))
    batch = pd.factorize(points["account_id"])[0] % batches
    frames = []
    for number in range(batches):
        if progress:
            progress("features", number, batches)
        frames.append(build_features(source, points[batch == number], wanted, config))
    if progress:
        progress("features", batches, batches)
    return frames[0] if batches == 1 else pd.concat(frames, ignore_index=True)


def _recorded_history(dataset: Dataset) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """The first and last usage event (or event of any source when there is no usage table)."""
    present = [name for name in HISTORY_TABLES if name in dataset.tables]
    if "usage_events" in present:
        present = ["usage_events"]
    bounds = [
        dataset.connection.cursor()
        .sql(
            f'SELECT MIN("{TABLES[name].event_time}"), MAX("{TABLES[name].event_time}") FROM "{name}"'
        )
        .fetchall()[0]
        for name in present
    ]
    firsts = [first for first, _ in bounds if first is not None]
    lasts = [last for _, last in bounds if last is not None]
    return (
        pd.Timestamp(min(firsts)) if firsts else None,
        pd.Timestamp(max(lasts)) if lasts else None,
    )


def _without_history_floor(
    observed: ObservationPoints,
    renewals: pd.DataFrame,
    accounts: pd.DataFrame,
    config: TrainingConfig,
    history_start: pd.Timestamp | None,
    min_history: int,
) -> ObservationPoints:
    """The points again with no history floor, when the derived one leaves too few renewals.

    A short history (a few months of a monthly product) puts the first renewals' points
    inside the first weeks of data; their windows are partly empty, but they are labels the
    model needs when the floor leaves too few. Kept only when that makes the set trainable.
    """
    churned, renewed = observed.labelled_renewals
    relaxed = observation_points(
        renewals,
        accounts,
        config.lead_times_days,
        history_start,
        0,
        f"lowered from {min_history} days, which left only {churned} churned and {renewed} renewed "
        "renewals with points; early points' windows reach back before the recorded history",
    )
    return relaxed if relaxed.trainable else observed


def _min_history(
    config: TrainingConfig, start: pd.Timestamp | None, end: pd.Timestamp | None
) -> tuple[int, str]:
    """The history a point needs: the config's ``min_history_days``, else scaled to the data's."""
    if config.min_history_days is not None:
        return config.min_history_days, "from the config"
    if start is None or end is None:
        return min_history_days(None), "the most, with no event dates to measure the history by"
    span = (end - start).total_seconds() / 86_400
    return (
        min_history_days(span),
        f"a third of the {span:,.0f} days of recorded history, at most {MAX_MIN_HISTORY_DAYS}",
    )


def _fair_ceiling(
    source: Path, points: pd.DataFrame, hindsight: np.ndarray | None
) -> np.ndarray | None:
    """Churn probability of each point's renewal given the world's latent state at its ``as_of``.

    The outlook file has one row per renewal and week, covering ``as_of`` from
    ``as_of_from`` to six days later, down to about a week before the renewal; points
    without a row there, :data:`KNOWN_WITHIN_DAYS` days or less before it, take the
    renewal's true probability (``hindsight``), which the fair one equals by then. None when ``source`` is not a simulated world (or one written before the
    outlook existed) or a point has no probability.
    """
    path = source / TRUTH_DIR / OUTLOOK_FILE
    if not path.is_file():
        return None
    outlook = pd.read_parquet(path)
    for column in ("renewal_date", "as_of_from"):
        outlook[column] = outlook[column].astype("datetime64[ns]")
    outlook["account_id"] = outlook["account_id"].astype(str)
    wanted = points[["account_id", "renewal_date", "as_of"]].copy()
    wanted["account_id"] = wanted["account_id"].astype(str)
    for column in ("renewal_date", "as_of"):
        wanted[column] = pd.to_datetime(wanted[column]).astype("datetime64[ns]")
    wanted["row"] = np.arange(len(wanted))
    joined = pd.merge_asof(
        wanted.sort_values("as_of", kind="stable"),
        outlook.sort_values("as_of_from", kind="stable"),
        left_on="as_of",
        right_on="as_of_from",
        by=["account_id", "renewal_date"],
        direction="backward",
        tolerance=pd.Timedelta(days=6),
    ).sort_values("row")
    probability = joined["fair_churn_probability"].to_numpy(dtype=np.float64)
    if hindsight is not None:
        known = points["lead_days"].to_numpy() <= KNOWN_WITHIN_DAYS
        probability = np.where(np.isnan(probability) & known, hindsight, probability)
    return None if np.isnan(probability).any() else probability


def _ceiling_with_hindsight(source: Path, points: pd.DataFrame) -> np.ndarray | None:
    """True churn probability of each point's renewal, when ``source`` is a simulated world."""
    path = source / TRUTH_DIR / TRUTH_FILE
    if not path.is_file():
        return None
    truth = pd.read_parquet(path, columns=["account_id", "renewal_date", "true_churn_probability"])
    truth["account_id"] = truth["account_id"].astype(points["account_id"].dtype)
    truth["renewal_date"] = truth["renewal_date"].astype(points["renewal_date"].dtype)
    joined = points[["account_id", "renewal_date"]].merge(
        truth, on=["account_id", "renewal_date"], how="left"
    )
    probability = joined["true_churn_probability"].to_numpy(dtype=np.float64)
    return None if np.isnan(probability).any() else probability
