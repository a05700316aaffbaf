"""Which issued scores count for which renewal decision: the join the audit stands on.

Each renewal of an account closes a window that opened at the account's previous
renewal (for its first renewal in the data, the window reaches back to its first
scoring). A stored score belongs to the window its ``as_of`` falls in and counts for the
decision closing it when it was **issued before that decision**: ``as_of`` and
``scored_at`` both before ``renewal_date``. A score computed after the decision from older
data (a backfill, a re-scored or simulated history) was never in front of anyone before
the decision and counts only with ``include_backfilled``. Scores issued after a decision
fall in a later window and never count for it. Rows are the history's as stored: nothing
is recomputed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from serving.audit.config import AuditConfig

HISTORY_COLUMNS = (
    "account_id",
    "as_of",
    "scored_at",
    "model_name",
    "model_version",
    "churn_probability",
    "health",
    "band",
    "segment",
    "arr",
    "driver_1",
    "driver_2",
    "driver_3",
)
"""The stored score columns the audit reads (explanations are left in the history)."""

RENEWAL_KEY = ("model_version", "account_id", "renewal_date")
"""One audited renewal of one model version."""

NO_SEGMENT = "(no segment)"


@dataclass(frozen=True)
class CountedScores:
    """Every stored score that counts for a decided renewal, and what was left out."""

    rows: pd.DataFrame
    """One row per counted score: the renewal (``account_id``, ``renewal_date``,
    ``window_start``, ``outcome``, ``churned`` 0/1, ``arr`` at stake), the score as stored
    (``as_of``, ``scored_at``, ``model_name``, ``model_version``, ``churn_probability``,
    ``health``, ``band``, ``segment``, ``score_arr``, ``driver_1..3``), its ``lead_days``
    and ``lead_bucket`` and whether it was ``backfilled``."""
    backfilled: int
    """Scores computed after the decision they would count for (left out by default)."""

    def last(self) -> pd.DataFrame:
        """Each renewal's last counted score per model version: what the team saw last."""
        return _latest(self.rows, list(RENEWAL_KEY))

    def last_per_lead(self) -> pd.DataFrame:
        """Each renewal's last counted score per model version and lead bucket."""
        return _latest(self.rows, [*RENEWAL_KEY, "lead_bucket"])


def count_scores(
    scores: pd.DataFrame, renewals: pd.DataFrame, config: AuditConfig
) -> CountedScores:
    """The scores of ``scores`` (stored rows, :data:`HISTORY_COLUMNS`) that count for the
    decided renewals of ``renewals`` (:func:`~serving.audit.renewals.checked_renewals`)."""
    windows = renewals.sort_values(["account_id", "renewal_date"], kind="mergesort").copy()
    windows["window_start"] = windows.groupby("account_id")["renewal_date"].shift(1)
    stored = scores.rename(columns={"arr": "score_arr"}).copy()
    stored["account_id"] = stored["account_id"].astype(str)
    joined = pd.merge_asof(
        stored.sort_values("as_of", kind="mergesort"),
        windows.sort_values("renewal_date", kind="mergesort"),
        left_on="as_of",
        right_on="renewal_date",
        by="account_id",
        direction="forward",
        allow_exact_matches=False,  # a score as of the decision itself is not before it
    )
    joined = joined[joined["renewal_date"].notna() & joined["outcome"].notna()].copy()
    late = (joined["scored_at"] >= joined["renewal_date"]).to_numpy()
    joined["backfilled"] = late
    if not config.include_backfilled:
        joined = joined[~late]
    lead = ((joined["renewal_date"] - joined["as_of"]) // pd.Timedelta(days=1)).astype("int64")
    joined["lead_days"] = lead
    labels = np.array(config.lead_labels(), dtype=object)
    edges = np.asarray(config.lead_buckets_days)
    joined["lead_bucket"] = labels[np.searchsorted(edges, lead.to_numpy(), side="left")]
    joined["churned"] = (joined["outcome"] == "churned").astype("int64")
    joined["arr"] = joined["renewal_arr"].fillna(joined["score_arr"])
    joined["segment"] = joined["segment"].fillna(NO_SEGMENT).astype(str)
    columns = [
        "account_id",
        "renewal_date",
        "window_start",
        "outcome",
        "churned",
        "arr",
        "model_name",
        "model_version",
        "as_of",
        "scored_at",
        "lead_days",
        "lead_bucket",
        "backfilled",
        "churn_probability",
        "health",
        "band",
        "segment",
        "score_arr",
        "driver_1",
        "driver_2",
        "driver_3",
    ]
    rows = joined[columns].sort_values(
        ["model_version", "renewal_date", "account_id", "as_of", "scored_at"], kind="mergesort"
    )
    return CountedScores(rows.reset_index(drop=True), int(late.sum()))


def _latest(rows: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    ordered = rows.sort_values([*key, "as_of", "scored_at"], kind="mergesort")
    return ordered.drop_duplicates(key, keep="last").reset_index(drop=True)
