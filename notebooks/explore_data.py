# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Exploring a data directory
#
# What a customer's history holds before any model sees it: the tables and how validation
# went, the renewals and their outcomes over time, and how the sources (usage, support,
# surveys, billing) differ between accounts that churned and accounts that renewed.
#
# Point it at a data directory with `CHURN_DATA_DIR` (default `data/demo/world`, written by
# `churn demo`); the paired `.ipynb` is built with `jupytext --to ipynb notebooks/explore_data.py`.

# %%
import os
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from features.data import load_dataset

DATA_DIR = Path(os.environ.get("CHURN_DATA_DIR", "data/demo/world"))
dataset = load_dataset(DATA_DIR)
sql = dataset.connection.cursor().sql

# %% [markdown]
# ## Tables and validation
# Rows kept and set aside (quarantined) per table; quarantined rows break the data contract.

# %%
pd.DataFrame(
    [
        {
            "table": t.name,
            "rows read": t.rows_read,
            "kept": t.rows_kept,
            "quarantined": t.rows_quarantined,
        }
        for t in dataset.report.tables
    ]
).set_index("table")

# %% [markdown]
# ## Renewals
# Decided renewals by quarter and outcome; renewals with no outcome yet are upcoming and are
# never training labels.

# %%
renewals = sql(
    """
    SELECT r.account_id, r.renewal_date, r.outcome, r.arr, a.segment
    FROM renewals r LEFT JOIN accounts a USING (account_id)
    """
).df()
renewals["quarter"] = renewals["renewal_date"].dt.to_period("Q").astype(str)
print(f"{len(renewals):,} renewals, {renewals['outcome'].isna().sum():,} without an outcome yet")
by_quarter = renewals.pivot_table(
    index="quarter", columns="outcome", values="account_id", aggfunc="count"
).fillna(0)
by_quarter.plot.bar(stacked=True, figsize=(9, 3.5), title="Decided renewals per quarter")
plt.tight_layout()

# %%
decided = renewals.dropna(subset=["outcome"]).assign(churned=lambda f: f["outcome"].eq("churned"))
decided.groupby("segment").agg(
    renewals=("churned", "size"), churn_rate=("churned", "mean"), median_arr=("arr", "median")
)

# %% [markdown]
# ## Usage before the renewal
# Weekly usage in the 180 days before each decided renewal, relative to the account's own
# average over that span: churners' usage tends to fall as the renewal nears.

# %%
usage = sql(
    """
    WITH decided AS (
        SELECT account_id, renewal_date, outcome FROM renewals WHERE outcome IS NOT NULL
    )
    SELECT d.outcome,
           CAST(FLOOR(DATE_DIFF('day', u.timestamp, d.renewal_date) / 7) AS INTEGER) AS weeks_before,
           SUM(COALESCE(u.quantity, 1)) AS quantity,
           d.account_id, d.renewal_date
    FROM decided d JOIN usage_events u
      ON u.account_id = d.account_id
     AND u.timestamp < d.renewal_date
     AND u.timestamp >= d.renewal_date - INTERVAL 180 DAY
    GROUP BY ALL
    """
).df()
usage["relative"] = usage["quantity"] / usage.groupby(["account_id", "renewal_date"])[
    "quantity"
].transform("mean")
curve = usage.groupby(["weeks_before", "outcome"])["relative"].mean().unstack()
ax = curve.sort_index(ascending=False).plot(
    figsize=(8, 3.5), title="Relative weekly usage before the renewal"
)
ax.set(xlabel="weeks before the renewal", ylabel="usage / own mean")
ax.invert_xaxis()
plt.tight_layout()

# %% [markdown]
# ## Support, surveys and billing in the 90 days before the renewal
# Per decided renewal: tickets opened, the last NPS score, and invoices paid late.


# %%
def per_renewal(table: str, time_column: str, expression: str, name: str) -> pd.DataFrame:
    """One value per decided renewal from ``table`` rows in the 90 days before it."""
    if table not in dataset.tables:
        return pd.DataFrame(columns=["account_id", "renewal_date", name])
    return sql(
        f"""
        SELECT r.account_id, r.renewal_date, {expression} AS {name}
        FROM renewals r LEFT JOIN {table} t
          ON t.account_id = r.account_id
         AND t.{time_column} < r.renewal_date
         AND t.{time_column} >= r.renewal_date - INTERVAL 90 DAY
        WHERE r.outcome IS NOT NULL
        GROUP BY ALL
        """
    ).df()


signals = decided[["account_id", "renewal_date", "outcome"]]
for frame in (
    per_renewal("support_tickets", "opened_at", "COUNT(t.ticket_id)", "tickets_90d"),
    per_renewal(
        "surveys",
        "responded_at",
        "ARG_MAX(t.score, t.responded_at) FILTER (t.kind = 'nps')",
        "last_nps",
    ),
    per_renewal(
        "invoices",
        "issued_at",
        "COUNT(*) FILTER (t.paid_at > t.due_at OR t.paid_at IS NULL)",
        "late_invoices",
    ),
):
    signals = signals.merge(frame, on=["account_id", "renewal_date"], how="left")
signals.groupby("outcome")[["tickets_90d", "last_nps", "late_invoices"]].mean().round(2)

# %%
figure, axes = plt.subplots(1, 3, figsize=(12, 3.5))
for axis, column in zip(axes, ["tickets_90d", "last_nps", "late_invoices"], strict=True):
    for outcome, group in signals.groupby("outcome"):
        axis.hist(group[column].dropna(), bins=20, alpha=0.6, density=True, label=outcome)
    axis.set_title(column)
axes[0].legend()
figure.tight_layout()

# %%
dataset.close()
