"""Behaviour every history backend shares: each test runs on DuckDB and on a real PostgreSQL."""

from __future__ import annotations

import json
from datetime import datetime

import pandas as pd
import pytest

from serving.history import (
    ALERT_COLUMNS,
    SCORE_COLUMNS,
    MissingHistoryColumnError,
    open_history,
)


def test_append_scores_returns_rows_inserted_and_reappending_inserts_nothing(store, score_rows):
    rows = score_rows(["A1", "A2", "A3"], "2025-01-01")

    assert store.append_scores(rows) == 3
    assert store.append_scores(rows) == 0
    assert len(store.latest_scores()) == 3


def test_append_scores_inserts_only_the_rows_not_stored_yet(store, score_rows):
    store.append_scores(score_rows(["A1", "A2"], "2025-01-01"))

    added = store.append_scores(score_rows(["A2", "A3"], "2025-01-01", health=10))

    assert added == 1
    latest = store.latest_scores().set_index("account_id")["health"]
    assert latest.to_dict() == {"A1": 60, "A2": 60, "A3": 10}  # A2 kept its first row


def test_append_scores_keeps_one_row_per_account_as_of_and_model_version(store, score_rows):
    store.append_scores(score_rows(["A1"], "2025-01-01", model_version="3"))
    store.append_scores(score_rows(["A1"], "2025-01-01", model_version="4"))
    store.append_scores(score_rows(["A1"], "2025-02-01", model_version="4"))

    assert len(store.account_history("A1")) == 3


def test_append_scores_with_duplicate_keys_in_one_frame_inserts_the_first(store, score_rows):
    rows = pd.concat(
        [score_rows(["A1"], "2025-01-01", health=30), score_rows(["A1"], "2025-01-01")]
    )

    assert store.append_scores(rows) == 1
    assert store.latest_scores()["health"].tolist() == [30]


def test_previous_scores_picks_the_latest_row_before_the_date(store, score_rows):
    for month, health in [("2025-01-01", 80), ("2025-02-01", 70), ("2025-03-01", 60)]:
        store.append_scores(score_rows(["A1", "A2"], month, health=health))
    store.append_scores(score_rows(["A3"], "2025-03-01"))

    previous = store.previous_scores(["A1", "A2", "A3", "A9"], before=datetime(2025, 3, 1))

    assert previous["account_id"].tolist() == ["A1", "A2"]  # A3 only at, A9 never scored
    assert previous["health"].tolist() == [70, 70]
    assert (previous["as_of"] == pd.Timestamp("2025-02-01", tz="UTC")).all()


def test_previous_scores_crosses_model_versions(store, score_rows):
    store.append_scores(score_rows(["A1"], "2025-01-01", model_version="3", health=80))
    store.append_scores(score_rows(["A1"], "2025-02-01", model_version="4", health=50))

    previous = store.previous_scores(["A1"], before=pd.Timestamp("2025-03-01", tz="UTC"))

    assert previous[["model_version", "health"]].values.tolist() == [["4", 50]]


def test_previous_scores_of_no_accounts_is_empty_with_every_column(store, score_rows):
    store.append_scores(score_rows(["A1"], "2025-01-01"))

    previous = store.previous_scores([], before=datetime(2026, 1, 1))

    assert previous.empty
    assert previous.columns.tolist() == SCORE_COLUMNS


def test_account_history_is_oldest_first_and_limit_keeps_the_newest(store, score_rows):
    for month, health in [("2025-03-01", 60), ("2025-01-01", 80), ("2025-02-01", 70)]:
        store.append_scores(score_rows(["A1", "A2"], month, health=health))

    history = store.account_history("A1")
    newest_two = store.account_history("A1", limit=2)

    assert history["health"].tolist() == [80, 70, 60]
    assert newest_two["health"].tolist() == [70, 60]
    assert set(history["account_id"]) == {"A1"}
    assert store.account_history("A9").empty


def test_account_histories_gives_each_accounts_newest_rows_oldest_first(store, score_rows):
    for month, health in [("2025-03-01", 60), ("2025-01-01", 80), ("2025-02-01", 70)]:
        store.append_scores(score_rows(["A2", "A1", "A3"], month, health=health))

    histories = store.account_histories(["A2", "A1", "A9"], limit=2)

    assert histories[["account_id", "health"]].values.tolist() == [
        ["A1", 70],
        ["A1", 60],
        ["A2", 70],
        ["A2", 60],
    ]
    assert len(store.account_histories(["A3"])) == 3


def test_scores_gives_every_stored_row_by_account_oldest_first(store, score_rows):
    store.append_scores(score_rows(["A2", "A1"], "2025-02-01", model_version="4", health=50))
    store.append_scores(score_rows(["A1"], "2025-01-01", model_version="3", health=70))
    store.append_scores(score_rows(["A1"], "2025-02-01", model_version="3", health=65))

    every = store.scores(["account_id", "as_of", "model_version", "health"])

    assert list(every.columns) == ["account_id", "as_of", "model_version", "health"]
    assert every.values.tolist() == [
        ["A1", pd.Timestamp("2025-01-01", tz="UTC"), "3", 70],
        ["A1", pd.Timestamp("2025-02-01", tz="UTC"), "3", 65],
        ["A1", pd.Timestamp("2025-02-01", tz="UTC"), "4", 50],
        ["A2", pd.Timestamp("2025-02-01", tz="UTC"), "4", 50],
    ]
    assert str(every["as_of"].dtype) == "datetime64[us, UTC]"
    assert list(store.scores().columns) == SCORE_COLUMNS


def test_scores_of_an_empty_history_is_empty_with_the_asked_columns(store):
    empty = store.scores(["account_id", "health"])

    assert empty.empty and list(empty.columns) == ["account_id", "health"]


def test_scores_names_a_column_the_history_does_not_hold(store):
    with pytest.raises(ValueError, match="score_history has no column 'healht'"):
        store.scores(["account_id", "healht"])


def test_latest_scores_gives_each_accounts_newest_row(store, score_rows):
    store.append_scores(score_rows(["A2", "A1"], "2025-01-01", health=[10, 20]))
    store.append_scores(score_rows(["A1"], "2025-02-01", health=90))

    latest = store.latest_scores()

    assert latest["account_id"].tolist() == ["A1", "A2"]
    assert latest["health"].tolist() == [90, 10]
    assert latest.columns.tolist() == SCORE_COLUMNS


def test_stored_rows_come_back_unchanged(store, score_rows):
    rows = score_rows(
        ["A1", "A2"],
        "2025-01-01 06:30",
        driver_2=['He said "no", then left\nfor good', ""],
        change_summary=["health 72 -> 51, mostly usage (-14)", None],
        explanation=['{"sentence": "Déjà vu, 42% ✓"}', None],
        renewal_date=[pd.Timestamp("2025-06-30"), None],
        previous_health=[72, None],
    )
    store.append_scores(rows)

    back = store.latest_scores()

    assert back.loc[0, "driver_2"] == 'He said "no", then left\nfor good'
    assert back.loc[1, "driver_2"] == ""  # an empty text stays empty, not missing
    assert pd.isna(back.loc[1, "change_summary"]) and pd.isna(back.loc[1, "explanation"])
    assert back.loc[0, "explanation"] == '{"sentence": "Déjà vu, 42% ✓"}'
    assert back.loc[0, "as_of"] == pd.Timestamp("2025-01-01 06:30", tz="UTC")
    assert back.loc[0, "renewal_date"] == pd.Timestamp("2025-06-30")
    assert pd.isna(back.loc[1, "renewal_date"])
    assert back["previous_health"].tolist()[0] == 72 and pd.isna(back.loc[1, "previous_health"])
    assert back["churn_probability"].tolist() == [0.4, 0.4]
    assert pd.isna(back.loc[0, "support_score"])


def test_append_scores_stores_structured_explanations_as_json(store, score_rows):
    rows = score_rows(["A1"], "2025-01-01", explanation=[{"health": 41, "drivers": ["usage"]}])

    store.append_scores(rows)

    assert json.loads(store.latest_scores().loc[0, "explanation"]) == {
        "health": 41,
        "drivers": ["usage"],
    }


def test_append_scores_without_scored_at_stamps_the_time_of_appending(store, score_rows):
    before = pd.Timestamp.now(tz="UTC").floor("s")
    store.append_scores(score_rows(["A1"], "2025-01-01").drop(columns=["scored_at"]))

    assert store.latest_scores().loc[0, "scored_at"] >= before


def test_append_scores_names_the_missing_columns(store, score_rows):
    rows = score_rows(["A1"], "2025-01-01").drop(columns=["health", "model_version"])

    with pytest.raises(MissingHistoryColumnError, match="no column 'model_version', 'health'"):
        store.append_scores(rows)


def test_append_scores_rejects_empty_key_values(store, score_rows):
    rows = score_rows(["A1", None], "2025-01-01")

    with pytest.raises(MissingHistoryColumnError, match="empty values in column 'account_id'"):
        store.append_scores(rows)


def test_append_alerts_is_idempotent(store, alert_rows):
    alerts = pd.concat(
        [alert_rows(["A1", "A2"], "2025-01-01"), alert_rows(["A1"], "2025-01-01", kind="threshold")]
    )

    assert store.append_alerts(alerts) == 3
    assert store.append_alerts(alerts) == 0
    assert len(store.alerts()) == 3
    assert store.alerts().columns.tolist() == ALERT_COLUMNS


def test_alerts_since_keeps_scorings_at_or_after_the_date(store, alert_rows):
    store.append_alerts(alert_rows(["A1"], "2025-01-01"))
    store.append_alerts(alert_rows(["A2"], "2025-02-01"))
    store.append_alerts(alert_rows(["A3"], "2025-03-01"))

    recent = store.alerts(since=datetime(2025, 2, 1))

    assert recent["account_id"].tolist() == ["A2", "A3"]
    assert recent.loc[0, "message"] == "health 72 -> 41, mostly usage (-14)"


def test_append_alerts_names_the_missing_columns(store, alert_rows):
    with pytest.raises(MissingHistoryColumnError, match="no column 'kind'"):
        store.append_alerts(alert_rows(["A1"], "2025-01-01").drop(columns=["kind"]))


def test_history_survives_closing_and_reopening(history_url, score_rows, alert_rows):
    with open_history(history_url) as first:
        first.append_scores(score_rows(["A1"], "2025-01-01"))
        first.append_alerts(alert_rows(["A1"], "2025-01-01"))

    with open_history(history_url) as second:
        assert second.append_scores(score_rows(["A1"], "2025-01-01")) == 0
        assert len(second.latest_scores()) == 1
        assert len(second.alerts()) == 1
