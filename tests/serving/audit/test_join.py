"""Which stored scores count for which renewal: before the decision, after the previous one,
issued in time; on small hand-made frames."""

from __future__ import annotations

import pandas as pd

from serving.audit import AuditConfig, count_scores


def _as_of(frame: pd.DataFrame) -> list[str]:
    return [f"{t:%Y-%m-%d}" for t in frame["as_of"]]


def test_count_scores_counts_scores_between_the_previous_decision_and_this_one(stored, renewals_of):
    renewals = renewals_of(
        [("A1", "2025-01-01", "renewed", 100.0), ("A1", "2026-01-01", "churned", 200.0)]
    )
    scores = stored(
        [
            ("A1", "2024-12-01", 0.1, "healthy"),
            ("A1", "2025-03-01", 0.2, "healthy"),
            ("A1", "2025-12-01", 0.6, "at_risk"),
        ]
    )

    rows = count_scores(scores, renewals, AuditConfig()).rows

    by_renewal = rows.groupby(rows["renewal_date"].dt.strftime("%Y-%m-%d"))
    assert {k: _as_of(g) for k, g in by_renewal} == {
        "2025-01-01": ["2024-12-01"],
        "2026-01-01": ["2025-03-01", "2025-12-01"],
    }
    assert rows["window_start"].isna().tolist() == [True, False, False]
    assert rows["churned"].tolist() == [0, 1, 1]
    assert rows["arr"].tolist() == [100.0, 200.0, 200.0]  # the renewal's ARR at stake


def test_count_scores_never_counts_a_score_issued_on_or_after_the_decision(stored, renewals_of):
    renewals = renewals_of([("A1", "2025-06-30", "churned", None)])
    scores = stored(
        [
            ("A1", "2025-06-01", 0.2, "healthy"),
            ("A1", "2025-06-30", 0.9, "at_risk"),  # as of the decision itself
            ("A1", "2025-07-15", 0.9, "at_risk"),  # after it
        ]
    )
    # stored the day before its as_of, so only the as_of rule can keep it out
    scores.loc[1, "scored_at"] = pd.Timestamp("2025-06-29", tz="UTC")

    counted = count_scores(scores, renewals, AuditConfig())

    assert _as_of(counted.rows) == ["2025-06-01"]
    assert counted.last()["churn_probability"].tolist() == [0.2]


def test_count_scores_leaves_out_backfilled_scores_unless_asked(stored, renewals_of):
    renewals = renewals_of([("A1", "2025-06-30", "churned", None)])
    scores = pd.concat(
        [
            stored([("A1", "2025-05-01", 0.2, "healthy")]),
            stored(  # as of before the decision, computed a month after it
                [("A1", "2025-06-15", 0.8, "at_risk")],
                scored_at=pd.Timestamp("2025-07-30", tz="UTC"),
            ),
        ]
    )

    strict = count_scores(scores, renewals, AuditConfig())
    backtest = count_scores(scores, renewals, AuditConfig(include_backfilled=True))

    assert _as_of(strict.rows) == ["2025-05-01"] and strict.backfilled == 1
    assert _as_of(backtest.rows) == ["2025-05-01", "2025-06-15"]
    assert backtest.rows["backfilled"].tolist() == [False, True]
    assert backtest.last()["churn_probability"].tolist() == [0.8]


def test_count_scores_ignores_windows_of_upcoming_renewals_and_unknown_accounts(
    stored, renewals_of
):
    renewals = renewals_of(
        [("A1", "2025-06-30", "renewed", None), ("A1", "2026-06-30", None, None)]
    )
    scores = stored(
        [
            ("A1", "2025-06-01", 0.1, "healthy"),
            ("A1", "2026-01-01", 0.5, "watch"),  # before the upcoming renewal only
            ("A9", "2025-06-01", 0.5, "watch"),  # no renewal at all
        ]
    )

    rows = count_scores(scores, renewals, AuditConfig()).rows

    assert rows[["account_id", "outcome"]].values.tolist() == [["A1", "renewed"]]


def test_count_scores_tags_leads_in_whole_days_and_buckets_their_upper_ends_inclusive(
    stored, renewals_of
):
    renewals = renewals_of([("A1", "2025-12-31", "renewed", None)])
    leads = [0.5, 30, 31, 90, 91, 180, 181, 400]
    scores = pd.concat(
        [
            stored([("A1", pd.Timestamp("2025-12-31") - pd.Timedelta(days=d), 0.1, "healthy")])
            for d in leads
        ]
    )

    rows = count_scores(scores, renewals, AuditConfig()).rows.sort_values("lead_days")

    assert rows["lead_days"].tolist() == [0, 30, 31, 90, 91, 180, 181, 400]
    assert rows["lead_bucket"].tolist() == [
        "0-30",
        "0-30",
        "31-90",
        "31-90",
        "91-180",
        "91-180",
        "181+",
        "181+",
    ]


def test_last_per_lead_keeps_each_renewals_latest_score_in_each_bucket(stored, renewals_of):
    renewals = renewals_of([("A1", "2025-12-31", "churned", None)])
    scores = stored(
        [
            ("A1", "2025-06-01", 0.1, "healthy"),  # 213 days: 181+
            ("A1", "2025-07-01", 0.2, "healthy"),  # 183 days: 181+, later
            ("A1", "2025-11-01", 0.4, "watch"),  # 60 days: 31-90
            ("A1", "2025-12-15", 0.7, "at_risk"),  # 16 days: 0-30
        ]
    )

    counted = count_scores(scores, renewals, AuditConfig())
    per_lead = counted.last_per_lead().set_index("lead_bucket")["churn_probability"]

    assert per_lead.to_dict() == {"0-30": 0.7, "31-90": 0.4, "181+": 0.2}
    assert counted.last()["churn_probability"].tolist() == [0.7]


def test_count_scores_keeps_model_versions_apart(stored, renewals_of):
    renewals = renewals_of([("A1", "2025-12-31", "churned", None)])
    scores = pd.concat(
        [
            stored([("A1", "2025-12-01", 0.3, "watch")], model_version="1"),
            stored([("A1", "2025-11-01", 0.8, "at_risk")], model_version="2"),
        ]
    )

    last = count_scores(scores, renewals, AuditConfig()).last().set_index("model_version")

    # v1's last score is v1's own, although v2 scored too (and v1 scored later)
    assert last["churn_probability"].to_dict() == {"1": 0.3, "2": 0.8}


def test_count_scores_uses_the_scores_arr_when_the_renewal_has_none(stored, renewals_of):
    renewals = renewals_of([("A1", "2025-12-31", "churned", None)])
    scores = stored([("A1", "2025-12-01", 0.3, "watch")], arr=4_321.0)

    assert count_scores(scores, renewals, AuditConfig()).rows["arr"].tolist() == [4_321.0]
