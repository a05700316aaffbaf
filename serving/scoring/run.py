"""One scoring run on a data source: what ``churn score DIR`` does, as a function.

Validate the source, pick ``as_of`` (default: the latest event time in the data), build
the model's features for every account active then, score them against the previous
scoring in the history, write the score files and ``drift.json``, append the scores and
any new alerts to the history, and post new alerts to a webhook.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd

from churn_scorecard.console import ProgressCallback
from features.catalogue import FeatureSource, active_accounts, build_features, find_feature
from features.catalogue.points import parse_as_of
from features.data import Dataset, load_dataset
from serving.scoring.alerts import post_alerts, record_alerts
from serving.scoring.errors import ScoringError, WebhookError
from serving.scoring.scorer import DEFAULT_MODEL_URI, ScoredBatch, Scorer
from serving.scoring.value import VALUE_FEATURES

EVENT_TIMES = {
    "usage_events": "timestamp",
    "support_tickets": "opened_at",
    "surveys": "responded_at",
    "invoices": "issued_at",
    "interactions": "timestamp",
    "incidents": "started_at",
}
"""The event tables and time columns whose latest value is the default ``as_of``."""

DEFAULT_OUT = Path("runs/scores")


@dataclass
class ScoringRun:
    """What a scoring run did: its scores, where they went and what it alerted."""

    batch: ScoredBatch
    as_of: datetime
    as_of_note: str
    files: dict[str, Path]
    history: str
    history_rows: int
    new_alerts: pd.DataFrame
    bands: list[str]
    webhook_attempts: int | None = None
    webhook_problem: str | None = None
    notes: list[str] = field(default_factory=list)


def score_source(
    source: Path | str,
    *,
    as_of: str | datetime | None = None,
    out: Path | None = None,
    model_uri: str = DEFAULT_MODEL_URI,
    plays: Path | None = None,
    history_url: str | None = None,
    webhook: str | None = None,
    scorer: Scorer | None = None,
    progress: ProgressCallback | None = None,
) -> ScoringRun:
    """Score every active account of ``source`` with the model at ``model_uri``."""
    from serving.history import open_history

    scorer = scorer or Scorer.from_registry(model_uri, plays)
    with load_dataset(source, progress=progress) as dataset:
        if as_of is None:
            moment = latest_event_time(dataset)
            note = f"as_of {moment:%Y-%m-%d %H:%M:%S} UTC: the latest event time in {source}"
        else:
            moment = parse_as_of([as_of]).iloc[0].to_pydatetime()
            note = f"as_of {moment:%Y-%m-%d %H:%M:%S} UTC (given)"
        features = scoring_features(dataset, scorer, moment)
        accounts = account_context(dataset, moment)
    with open_history(history_url) as store:
        previous = store.previous_scores(features["account_id"].tolist(), before=moment)
        batch = scorer.score(features, accounts, previous)
        folder = Path(out) if out is not None else DEFAULT_OUT / f"{moment:%Y-%m-%d}"
        files = write_scores(batch, folder)
        inserted = store.append_scores(batch.history_rows())
        new_alerts = record_alerts(store, batch.alerts)
        described = store.description
    run = ScoringRun(batch, moment, note, files, described, inserted, new_alerts, scorer.bands)
    if webhook and len(new_alerts):
        try:
            run.webhook_attempts = post_alerts(webhook, new_alerts)
        except WebhookError as error:
            run.webhook_problem = str(error)
    return run


def latest_event_time(dataset: Dataset) -> datetime:
    """The latest event time across the event tables of ``dataset`` (after validation)."""
    latest = []
    for table, column in EVENT_TIMES.items():
        if table in dataset.tables:
            value = dataset.relation(table).aggregate(f'max("{column}") AS latest').df()
            if len(value) and not pd.isna(value["latest"].iloc[0]):
                latest.append(pd.Timestamp(value["latest"].iloc[0]))
    if not latest:
        raise ScoringError(
            f"{dataset.report.source} has no events to date the scoring by; pass --as-of DATE"
        )
    moment = max(latest)
    return (moment.tz_convert(None) if moment.tzinfo else moment).to_pydatetime()


def account_context(dataset: Dataset, as_of: datetime) -> pd.DataFrame:
    """``account_id, arr, segment, owner, renewal_date`` (the next renewal on or after as_of)."""
    accounts = dataset.relation("accounts").df()
    context = pd.DataFrame({"account_id": accounts["account_id"].astype(str)})
    for column in ("arr", "segment", "owner"):
        if column in accounts:
            context[column] = accounts[column].to_numpy()
    if "renewals" in dataset.tables:
        renewals = dataset.relation("renewals").df()
        upcoming = renewals[pd.to_datetime(renewals["renewal_date"]) >= pd.Timestamp(as_of)]
        upcoming = upcoming.groupby(upcoming["account_id"].astype(str))["renewal_date"].min()
        context["renewal_date"] = context["account_id"].map(upcoming)
    return context


def write_scores(batch: ScoredBatch, folder: Path) -> dict[str, Path]:
    """``scores.csv``, ``scores.parquet`` and ``drift.json`` in ``folder`` (created)."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "csv": folder / "scores.csv",
        "parquet": folder / "scores.parquet",
        "drift": folder / "drift.json",
    }
    batch.frame.to_csv(files["csv"], index=False)
    batch.frame.to_parquet(files["parquet"], index=False)
    batch.drift.write(files["drift"])
    return files


def scoring_features(dataset: Dataset, scorer: Scorer, as_of: datetime) -> pd.DataFrame:
    """The model's features (and the value features) for every account active in ``dataset``
    at ``as_of``, and the texts their sentences quote (examples of what customers wrote)."""
    source = FeatureSource.from_dataset(dataset)
    points = active_accounts(source, as_of)
    if points.empty:
        raise ScoringError(
            f"no account of {dataset.report.source} is active at {as_of:%Y-%m-%d}; check --as-of "
            "(accounts created later or already churned are not scored)"
        )
    names = scoring_feature_names(scorer.artifact.features)
    return build_features(source, points, names, scorer.artifact.feature_config, quotes=True)


def scoring_feature_names(model_features: tuple[str, ...]) -> list[str]:
    """The catalogue features to build for scoring: the model's and the value features
    (:data:`~serving.scoring.value.VALUE_FEATURES`) whatever the model reads."""
    wanted = [name for name in model_features if find_feature(name) is not None]
    return list(dict.fromkeys([*wanted, *VALUE_FEATURES]))
