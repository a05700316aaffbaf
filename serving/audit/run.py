"""The audit as functions: :func:`audit` on frames, :func:`audit_source` on a data source
and a history store (what ``churn audit`` and ``GET /audit`` run)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from churn_scorecard.console import ProgressCallback
from serving.audit.config import AuditConfig
from serving.audit.errors import (
    SEE_DOCS,
    NoCountedScoresError,
    NoHistoryError,
    UnknownBandError,
)
from serving.audit.figures import group_figures
from serving.audit.join import HISTORY_COLUMNS, CountedScores, count_scores
from serving.audit.renewals import read_renewals
from serving.audit.result import AuditResult, ListedRenewal, VersionAudit

BACKFILL_HINT = (
    "set include_backfilled to audit them as a backtest (churn audit --include-backfilled, "
    "GET /audit?include_backfilled=true)"
)


def rule(config: AuditConfig) -> str:
    """Which issued scores count for a renewal, in the words the outputs carry."""
    backfill = (
        "Scores computed after the decision from older data (backfilled) count too: this is "
        "a backtest."
        if config.include_backfilled
        else "A score computed after the decision from older data (backfilled) does not count."
    )
    return (
        "A decided renewal (outcome renewed or churned) is judged by the scores issued for its "
        "account after the account's previous renewal and before its renewal date: as_of and "
        f"scored_at both before the decision. {backfill} A score's lead is the whole days from "
        "its as_of to the decision. Per model version, never pooled: the headline figures, "
        "segments, bands and lists use each renewal's last counted score (what the team saw "
        "last); each lead bucket uses each renewal's last counted score within that bucket."
    )


@dataclass(frozen=True)
class Audit:
    """An audit's result and the frames it was computed from (written beside it as CSV)."""

    result: AuditResult
    counted: CountedScores
    """Every counted score (one row each)."""
    last: pd.DataFrame
    """Each renewal's last counted score per model version."""


def audit(
    scores: pd.DataFrame,
    renewals: pd.DataFrame,
    config: AuditConfig | None = None,
    *,
    source: str = "",
    history: str = "",
) -> Audit:
    """Audit the stored ``scores`` (:data:`HISTORY_COLUMNS`) against ``renewals``
    (:func:`~serving.audit.renewals.checked_renewals`)."""
    config = config or AuditConfig()
    if scores.empty:
        raise NoHistoryError(
            f"history {history} holds no scores (table score_history is empty); run "
            f"`churn score` first. {SEE_DOCS}"
        )
    _check_bands(scores, config)
    counted = count_scores(scores, renewals, config)
    first_scoring = scores["as_of"].min()
    decided = renewals[renewals["outcome"].notna() & (renewals["renewal_date"] > first_scoring)]
    if counted.rows.empty:
        raise NoCountedScoresError(_nothing_counted(scores, renewals, decided, counted, history))
    last = counted.last()
    per_lead = counted.last_per_lead()
    versions = [
        _version(version, last, per_lead, counted.rows, scores, config)
        for version in _ordered(last["model_version"].unique())
    ]
    result = AuditResult(
        source=source,
        history=history,
        generated_at=datetime.now(UTC),
        rule=rule(config),
        lead_buckets=config.lead_labels(),
        include_backfilled=config.include_backfilled,
        min_renewals=config.min_renewals,
        min_per_outcome=config.min_per_outcome,
        decided_renewals=len(decided),
        renewals_with_scores=len(last.drop_duplicates(["account_id", "renewal_date"])),
        backfilled_scores=counted.backfilled,
        versions=versions,
    )
    return Audit(result, counted, last)


def audit_source(
    source: Path | str,
    history_url: str | Path | None = None,
    config: AuditConfig | None = None,
    *,
    progress: ProgressCallback | None = None,
) -> Audit:
    """Audit the history at ``history_url`` (default ``runs/history.duckdb``, which must
    exist) against the renewals of the data source ``source``."""
    from features.data import load_dataset

    with open_existing_history(history_url) as store:
        scores = store.scores(HISTORY_COLUMNS)
        described = store.description
    with load_dataset(source, progress=progress) as dataset:
        renewals = read_renewals(dataset)
    return audit(scores, renewals, config, source=str(source), history=described)


def open_existing_history(url: str | Path | None):
    """The history store at ``url``; a DuckDB file must exist already (none is created)."""
    from features.data.postgres import is_postgres_url
    from serving.history import DEFAULT_PATH, open_history

    text = "" if url is None else str(url)
    if not is_postgres_url(text):
        path = Path(text.removeprefix("duckdb://")) if text else DEFAULT_PATH
        if not path.exists():
            where = "the default history " if not text else "history "
            raise NoHistoryError(
                f"{where}{path} does not exist: there are no issued scores to audit; run "
                f"`churn score` first (it writes the history), or pass --history URL. {SEE_DOCS}"
            )
    return open_history(url)


def band_order(scores: pd.DataFrame) -> list[str]:
    """The bands of ``scores``, healthiest first (by the lowest health seen in each)."""
    lowest = scores.groupby(scores["band"].astype(str))["health"].min()
    return [str(b) for b in lowest.sort_values(ascending=False, kind="mergesort").index]


def _version(
    version: str,
    last: pd.DataFrame,
    per_lead: pd.DataFrame,
    counted: pd.DataFrame,
    scores: pd.DataFrame,
    config: AuditConfig,
) -> VersionAudit:
    mine = last[last["model_version"] == version]
    order = band_order(scores)  # the whole history's, so one band seen alone keeps its rank
    seen = set(scores.loc[scores["model_version"].astype(str) == version, "band"].astype(str))
    bands = [band for band in order if band in seen]
    flagged = config.flagged_bands or order[-1:]
    healthy = config.healthy_bands or order[:1]
    leads = per_lead[per_lead["model_version"] == version]
    by_lead = [
        group_figures(label, leads[leads["lead_bucket"] == label], bands, flagged, config)
        for label in config.lead_labels()
        if (leads["lead_bucket"] == label).any()
    ]
    by_segment = [
        group_figures(segment, rows, bands, flagged, config)
        for segment, rows in mine.groupby("segment", sort=True)
    ]
    names = mine["model_name"].dropna()
    churned = mine["churned"] == 1
    return VersionAudit(
        model_name=str(names.iloc[0]) if len(names) else None,
        model_version=version,
        renewals=len(mine),
        counted_scores=int((counted["model_version"] == version).sum()),
        first_decision=mine["renewal_date"].min(),
        last_decision=mine["renewal_date"].max(),
        bands=bands,
        flagged_bands=list(flagged),
        healthy_bands=list(healthy),
        overall=group_figures("all", mine, bands, flagged, config),
        by_segment=by_segment,
        by_lead=by_lead,
        healthy_before_churn=_listed(mine[churned & mine["band"].isin(healthy)]),
        flagged_but_renewed=_listed(mine[~churned & mine["band"].isin(flagged)]),
    )


def _listed(rows: pd.DataFrame) -> list[ListedRenewal]:
    ranked = rows.sort_values(
        ["arr", "renewal_date", "account_id"], ascending=[False, True, True], kind="mergesort"
    )
    listed = []
    for row in ranked.to_dict("records"):
        drivers = [row[c] for c in ("driver_1", "driver_2", "driver_3")]
        listed.append(
            ListedRenewal(
                account_id=row["account_id"],
                renewal_date=row["renewal_date"],
                outcome=row["outcome"],
                arr=None if pd.isna(row["arr"]) else float(row["arr"]),
                segment=row["segment"],
                as_of=row["as_of"],
                scored_at=row["scored_at"],
                lead_days=int(row["lead_days"]),
                health=int(row["health"]),
                band=str(row["band"]),
                churn_probability=float(row["churn_probability"]),
                drivers=[str(d) for d in drivers if isinstance(d, str) and d],
            )
        )
    return listed


def _check_bands(scores: pd.DataFrame, config: AuditConfig) -> None:
    known = band_order(scores)
    for key in ("flagged_bands", "healthy_bands"):
        for band in getattr(config, key) or []:
            if band not in known:
                raise UnknownBandError(
                    f"{key}: band {band!r} is not a band of any stored score; the history's "
                    f"bands are {', '.join(known)} (healthiest first). {SEE_DOCS}"
                )


def _ordered(versions: Sequence[str]) -> list[str]:
    """Model versions in release order: numbers numerically, then any others by name."""
    return sorted(
        (str(v) for v in versions),
        key=lambda v: (0, int(v), "") if v.isdigit() else (1, 0, v),
    )


def _nothing_counted(
    scores: pd.DataFrame,
    renewals: pd.DataFrame,
    decided: pd.DataFrame,
    counted: CountedScores,
    history: str,
) -> str:
    first, latest = scores["as_of"].min(), scores["as_of"].max()
    span = f"history {history} holds scores as of {first:%Y-%m-%d} to {latest:%Y-%m-%d}"
    if decided.empty:
        outcomes = renewals.loc[renewals["outcome"].notna(), "renewal_date"]
        return (
            f"no decided renewal comes after the first stored score: the {span}, and the "
            f"renewals with an outcome end on {outcomes.max():%Y-%m-%d}. Audit once renewals "
            f"decided after {first:%Y-%m-%d} have their outcome in the renewals table. {SEE_DOCS}"
        )
    if counted.backfilled:
        return (
            f"none of the {len(decided):,} decided renewals after the first stored score has "
            f"a score issued before its decision: the {counted.backfilled:,} stored scores as "
            "of dates before a decision were all computed after it (scored_at on or after "
            "renewal_date: a backfilled, re-scored or simulated history); "
            f"{BACKFILL_HINT}. {SEE_DOCS}"
        )
    return (
        f"none of the {len(decided):,} decided renewals after the first stored score has a "
        f"stored score before it ({span}; those renewals run from "
        f"{decided['renewal_date'].min():%Y-%m-%d} to {decided['renewal_date'].max():%Y-%m-%d}); "
        f"check that the history and the renewals are of the same accounts. {SEE_DOCS}"
    )
