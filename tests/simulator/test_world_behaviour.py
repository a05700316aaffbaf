"""The simulated world behaves like the brief says: churn rates, signals before churn, clean rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from features.contract import EARLIEST_TIMESTAMP, TABLES, Kind, Ordered, ScoreRangeByKind
from simulator import roc_auc

EVENT_TABLES = {
    "usage_events": "timestamp",
    "support_tickets": "opened_at",
    "surveys": "responded_at",
    "interactions": "timestamp",
    "incidents": "started_at",
    "invoices": "issued_at",
}


@pytest.fixture(scope="module")
def clean(moderate_world) -> dict[str, pd.DataFrame]:
    """The clean rows of every table as pandas frames (strings, not categoricals)."""
    frames = {}
    for table in TABLES:
        frame = moderate_world.clean(table).to_pandas()
        for column in frame.columns:
            if isinstance(frame[column].dtype, pd.CategoricalDtype):
                frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
        frames[table] = frame
    return frames


def test_world_annual_churn_per_segment_is_in_band(moderate_world):
    annual = moderate_world.summary.churn_rate_by_term["annual"]
    assert 0.12 <= annual["smb"] <= 0.25
    assert 0.07 <= annual["mid_market"] <= 0.18
    assert 0.04 <= annual["enterprise"] <= 0.16
    assert annual["smb"] > annual["enterprise"]
    monthly = moderate_world.summary.churn_rate_by_term["monthly"]
    assert 0.005 <= monthly["smb"] <= 0.04


def test_world_ceiling_auc_is_high_but_not_perfect(moderate_world):
    assert 0.8 <= moderate_world.summary.ceiling_auc <= 0.93
    assert 0.75 <= moderate_world.summary.ceiling_auc_by_term["annual"] <= 0.92


def test_world_truth_matches_decided_renewals(moderate_world, clean):
    truth = moderate_world.truth().to_pandas()
    decided = clean["renewals"].dropna(subset=["outcome"])
    merged = decided.merge(
        truth, on=["account_id", "renewal_date"], how="outer", validate="one_to_one", indicator=True
    )
    assert (merged["_merge"] == "both").all()
    assert ((merged["outcome"] == "churned") == merged["churned"]).all()
    assert truth["true_churn_probability"].between(0, 1, inclusive="neither").all()
    assert ((truth["cause"] == "none") == ~truth["churned"]).all()
    assert set(truth["cause"]) == {"none", "health", "shock"}


def test_world_has_one_open_renewal_per_account_still_a_customer(clean):
    renewals = clean["renewals"]
    churned = set(renewals.loc[renewals["outcome"] == "churned", "account_id"])
    open_rows = renewals[renewals["outcome"].isna()]
    assert open_rows["account_id"].is_unique
    assert set(open_rows["account_id"]) == set(clean["accounts"]["account_id"]) - churned
    assert (
        open_rows["recorded_at"].isna().all()
        and renewals.dropna(subset=["outcome"])["recorded_at"].notna().all()
    )
    last_decided = renewals.dropna(subset=["outcome"]).groupby("account_id")["renewal_date"].max()
    later = open_rows.set_index("account_id")["renewal_date"].reindex(last_decided.index).dropna()
    assert (later > last_decided.reindex(later.index)).all()


def test_world_clean_rows_follow_every_contract_rule(clean):
    accounts = set(clean["accounts"]["account_id"])
    for name, table in TABLES.items():
        frame = clean[name]
        assert set(frame["account_id"]) <= accounts, name
        if table.unique_key:
            assert not frame.duplicated(list(table.unique_key)).any(), name
        for column in table.columns:
            if column.name not in frame:
                continue
            values = frame[column.name]
            if not column.nullable:
                assert values.notna().all(), (name, column.name)
            if column.choices:
                assert set(values.dropna()) <= set(column.choices), (name, column.name)
            if column.minimum is not None:
                assert (values.dropna() >= column.minimum).all(), (name, column.name)
            if column.maximum is not None:
                assert (values.dropna() <= column.maximum).all(), (name, column.name)
            if column.kind is Kind.TIMESTAMP:
                assert (values.dropna() >= pd.Timestamp(EARLIEST_TIMESTAMP)).all(), (
                    name,
                    column.name,
                )
        for rule in table.rules:
            if isinstance(rule, Ordered):
                both = frame[[rule.earlier, rule.later]].dropna()
                assert (both[rule.later] >= both[rule.earlier]).all(), (name, rule)
            elif isinstance(rule, ScoreRangeByKind):
                for kind, (low, high) in rule.ranges.items():
                    assert (
                        frame.loc[frame[rule.kind_column] == kind, rule.score_column]
                        .between(low, high)
                        .all()
                    )


def test_world_only_future_ok_columns_pass_the_end_of_history(moderate_world, clean):
    end = pd.Timestamp(moderate_world.config.end) + pd.Timedelta(days=1)
    for name, table in TABLES.items():
        for column in table.columns:
            if (
                column.kind is Kind.TIMESTAMP
                and column.name in clean[name]
                and not column.future_ok
            ):
                assert (clean[name][column.name].dropna() < end).all(), (name, column.name)


def test_world_late_arriving_rows_are_recorded_after_they_happen(clean):
    for name, event_time in (
        ("surveys", "responded_at"),
        ("interactions", "timestamp"),
        ("renewals", "renewal_date"),
    ):
        frame = clean[name].dropna(subset=["recorded_at"])
        lag = frame["recorded_at"] - frame[event_time]
        assert (lag > pd.Timedelta(0)).all(), name
        assert (lag > pd.Timedelta(days=7)).mean() > 0.02, f"{name}: too few late arrivals"


def test_world_churned_accounts_stop_producing_events(clean):
    renewals = clean["renewals"]
    churn_date = renewals[renewals["outcome"] == "churned"].set_index("account_id")["renewal_date"]
    for name, column in EVENT_TABLES.items():
        frame = clean[name]
        after = frame[column] >= frame["account_id"].map(churn_date)
        assert not after.any(), f"{name} has rows after the churn date"


def _window(
    events: pd.DataFrame,
    renewals: pd.DataFrame,
    column: str,
    value: str,
    start: int,
    stop: int,
    how: str = "sum",
) -> pd.Series:
    """``how`` of ``value`` per renewal over days [renewal - start, renewal - stop); NaN without rows (0 for sums)."""
    joined = renewals.reset_index().merge(events[["account_id", column, value]], on="account_id")
    days = (joined["renewal_date"] - joined[column]).dt.days
    inside = joined[(days < start) & (days >= stop)]
    result = inside.groupby("index")[value].agg(how).reindex(renewals.index)
    return result.fillna(0) if how == "sum" else result


@pytest.fixture(scope="module")
def annual_renewals(moderate_world, clean) -> pd.DataFrame:
    """Decided annual renewals with at least 180 days of history before them."""
    truth = moderate_world.truth().to_pandas()
    first_day = pd.Timestamp(moderate_world.config.start) + pd.Timedelta(days=180)
    keep = (truth["term"] == "annual") & (truth["renewal_date"] >= first_day)
    created = clean["accounts"].set_index("account_id")["created_at"]
    keep &= truth["renewal_date"] - truth["account_id"].map(created) >= pd.Timedelta(days=180)
    return truth[keep].reset_index(drop=True)


def test_world_usage_falls_before_churn(clean, annual_renewals):
    usage = clean["usage_events"]
    recent = _window(usage, annual_renewals, "timestamp", "quantity", 90, 0)
    before = _window(usage, annual_renewals, "timestamp", "quantity", 180, 90)
    annual_renewals = annual_renewals.assign(recent=recent, trend=(recent + 1) / (before + 1))
    by_segment = annual_renewals.groupby(["segment", "churned"])["recent"].mean().unstack()
    assert (by_segment[True] < 0.8 * by_segment[False]).all(), by_segment
    trend = annual_renewals.groupby("churned")["trend"].median()
    assert trend[True] < trend[False], trend


def test_world_signals_point_to_churn(clean, annual_renewals):
    """Each source, summarised over the 180 to 30 days before a renewal, separates churn from renewal."""
    surveys = clean["surveys"].assign(score=lambda f: f["score"].astype(float))
    tickets = clean["support_tickets"].assign(
        satisfaction=lambda f: f["satisfaction"].astype(float)
    )
    touches = clean["interactions"].assign(negative=lambda f: f["sentiment"] == "negative", one=1)
    invoices = clean["invoices"].assign(
        late=lambda f: (f["status"] == "failed") | (f["paid_at"] > f["due_at"])
    )
    risk = {
        "low nps": -_window(
            surveys[surveys["kind"] == "nps"],
            annual_renewals,
            "responded_at",
            "score",
            180,
            30,
            "mean",
        ),
        "low ticket satisfaction": -_window(
            tickets, annual_renewals, "opened_at", "satisfaction", 180, 30, "mean"
        ),
        "few touchpoints": -_window(touches, annual_renewals, "timestamp", "one", 180, 30),
        "negative touchpoints": _window(
            touches, annual_renewals, "timestamp", "negative", 180, 30, "mean"
        ),
        "late payments": _window(invoices, annual_renewals, "issued_at", "late", 400, 30, "mean"),
    }
    for name, values in risk.items():
        seen = values.notna().to_numpy()
        assert (
            roc_auc(annual_renewals["churned"].to_numpy()[seen], values.to_numpy()[seen]) > 0.55
        ), name


def test_world_ticket_bursts_follow_incidents(clean):
    incidents = clean["incidents"]
    severe = incidents[incidents["severity"].isin(["high", "critical"])]
    tickets = clean["support_tickets"][["account_id", "opened_at"]]
    joined = severe.merge(tickets, on="account_id")
    delay = (joined["opened_at"] - joined["started_at"]).dt.total_seconds() / 86400
    after = ((delay >= 0) & (delay < 2)).sum() / len(severe) / 2
    before = ((delay >= -30) & (delay < -2)).sum() / len(severe) / 28
    assert after > 3 * before


def test_roc_auc_counts_ties_as_half():
    assert roc_auc(np.array([0, 1]), np.array([0.2, 0.2])) == 0.5
    assert roc_auc(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8])) == 0.75
    assert roc_auc(np.array([1, 1]), np.array([0.1, 0.2])) is None
