"""The quick reference a practitioner writes in twenty lines, beside the product on a ChurnSim world.

Rows: one observation point per past renewal with an outcome, ``LEAD_DAYS`` before it (and
not before the account was created), label = churned at that renewal; all of them from the
world as known at the cut. Features: the number of events of each type in the 28 days
before the point (every event type of the cut world's usage, zero when absent). Two models
on the same rows: LightGBM with its library defaults (``lightgbm.LGBMClassifier()``) and a
logistic regression on ``log1p`` of the counts, standardised. Both then score the accounts
at the cut, with the 28 days before it.
"""

from __future__ import annotations

import duckdb
import lightgbm
import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from benchmarks.external.churnsim import ContractWorld

WINDOW_DAYS = 28
LEAD_DAYS = 14


def event_counts(usage: pd.DataFrame, points: pd.DataFrame, events: list[str]) -> pd.DataFrame:
    """Per point (``account_id, as_of``): events of each type in the ``WINDOW_DAYS`` before it."""
    con = duckdb.connect()
    con.register("usage", usage[["account_id", "timestamp", "event"]])
    con.register("points", points[["account_id", "as_of"]].drop_duplicates())
    counts = con.execute(
        f"""
        SELECT p.account_id, p.as_of, u.event, count(*) AS n
        FROM points p JOIN usage u
          ON u.account_id = p.account_id
         AND u.timestamp < p.as_of
         AND u.timestamp >= p.as_of - INTERVAL {WINDOW_DAYS} DAY
        GROUP BY ALL
        """
    ).df()
    con.close()
    wide = counts.pivot_table(
        index=["account_id", "as_of"], columns="event", values="n", fill_value=0
    )
    wide = wide.reindex(columns=events, fill_value=0)
    frame = points[["account_id", "as_of"]].merge(
        wide.reset_index(), on=["account_id", "as_of"], how="left"
    )
    frame[events] = frame[events].fillna(0).astype(float)
    return frame


def training_points(known: ContractWorld) -> pd.DataFrame:
    """``account_id, as_of, churned``: one point ``LEAD_DAYS`` before each decided renewal."""
    renewals = known.renewals[known.renewals["outcome"].notna()]
    points = pd.DataFrame(
        {
            "account_id": renewals["account_id"].to_numpy(),
            "as_of": (renewals["renewal_date"] - pd.Timedelta(days=LEAD_DAYS)).to_numpy(),
            "churned": (renewals["outcome"] == "churned").astype(int).to_numpy(),
        }
    )
    created = known.accounts.set_index("account_id")["created_at"]
    return points[points["as_of"] >= points["account_id"].map(created)].reset_index(drop=True)


def reference_scores(known: ContractWorld, accounts: list[str], cut: pd.Timestamp) -> dict:
    """Scores of both reference models at ``cut`` for ``accounts``, and the training rows used."""
    events = sorted(known.usage_events["event"].unique())
    points = training_points(known)
    train = event_counts(known.usage_events, points, events)
    x, y = train[events], points["churned"].to_numpy()
    at_cut = pd.DataFrame({"account_id": accounts, "as_of": cut})
    scoring = event_counts(known.usage_events, at_cut, events)[events]

    booster = lightgbm.LGBMClassifier(verbose=-1)
    booster.fit(x, y)
    logistic = make_pipeline(
        FunctionTransformer(np.log1p), StandardScaler(), LogisticRegression(max_iter=2000)
    )
    logistic.fit(x, y)
    return {
        "lightgbm": booster.predict_proba(scoring)[:, 1],
        "logistic": logistic.predict_proba(scoring)[:, 1],
        "rows": len(points),
        "churn_rate": float(y.mean()),
        "events": len(events),
    }
