"""``audit()`` on small frames: versions apart, the two lists, and errors that say what to do."""

from __future__ import annotations

import pandas as pd
import pytest

from serving.audit import (
    AuditConfig,
    MissingRenewalsError,
    NoCountedScoresError,
    NoHistoryError,
    UnknownBandError,
    audit,
    checked_renewals,
    open_existing_history,
)


@pytest.fixture
def small(stored, renewals_of):
    renewals = renewals_of(
        [
            ("A1", "2025-06-30", "churned", 50_000.0),
            ("A2", "2025-06-30", "renewed", 20_000.0),
            ("A3", "2025-06-30", "churned", 10_000.0),
        ]
    )
    scores = pd.concat(
        [
            stored(
                [
                    ("A1", "2025-04-01", 0.6, "at_risk"),
                    ("A1", "2025-06-01", 0.05, "healthy"),  # last before churn: healthy
                    ("A2", "2025-06-01", 0.7, "at_risk"),  # flagged, renewed
                    ("A3", "2025-06-01", 0.4, "watch"),
                ],
                model_version="1",
            ),
            stored([("A1", "2025-06-01", 0.9, "at_risk")], model_version="2"),
        ]
    )
    return scores, renewals


def test_audit_lists_healthy_before_churn_with_the_drivers_stored_then(small):
    result = audit(*small).result

    v1 = result.versions[0]
    assert [r.account_id for r in v1.healthy_before_churn] == ["A1"]
    listed = v1.healthy_before_churn[0]
    assert listed.drivers == ["driver of A1 as of 2025-06-01"]
    assert (listed.health, listed.band, listed.lead_days) == (85, "healthy", 29)
    assert [r.account_id for r in v1.flagged_but_renewed] == ["A2"]


def test_audit_keeps_model_versions_apart(small):
    result = audit(*small).result

    assert [v.model_version for v in result.versions] == ["1", "2"]
    v1, v2 = result.versions
    assert (v1.renewals, v2.renewals) == (3, 1)
    assert v2.healthy_before_churn == [] and v2.overall.churned_arr_caught == 1.0
    assert v1.overall.churned_arr_caught == 0.0  # v1 had A1 healthy and A3 on watch
    assert result.renewals_with_scores == 3 and result.decided_renewals == 3


def test_audit_flags_the_bands_it_is_told_to(small):
    config = AuditConfig(flagged_bands=["watch", "at_risk"])

    v1 = audit(*small, config).result.versions[0]

    assert v1.flagged_bands == ["watch", "at_risk"]
    assert v1.overall.churned_arr_caught == pytest.approx(10_000 / 60_000)


def test_audit_refuses_a_band_no_score_has(small):
    with pytest.raises(UnknownBandError, match="flagged_bands: band 'red' is not a band"):
        audit(*small, AuditConfig(flagged_bands=["red"]))


def test_audit_of_an_empty_history_says_to_score_first(small):
    scores, renewals = small

    with pytest.raises(
        NoHistoryError, match=r"holds no scores \(table score_history is empty\); run `churn score`"
    ):
        audit(scores.iloc[0:0], renewals, history="runs/history.duckdb")


def test_audit_says_when_every_score_was_backfilled(stored, renewals_of):
    renewals = renewals_of([("A1", "2025-06-30", "churned", None)])
    scores = stored(
        [("A1", "2025-06-01", 0.3, "watch")], scored_at=pd.Timestamp("2026-12-01", tz="UTC")
    )

    with pytest.raises(NoCountedScoresError, match="--include-backfilled"):
        audit(scores, renewals)
    assert audit(scores, renewals, AuditConfig(include_backfilled=True)).result.versions


def test_audit_says_when_no_renewal_was_decided_after_the_first_score(stored, renewals_of):
    renewals = renewals_of(
        [("A1", "2025-06-30", "renewed", None), ("A1", "2026-06-30", None, None)]
    )
    scores = stored([("A1", "2025-09-01", 0.3, "watch")])

    with pytest.raises(NoCountedScoresError, match="no decided renewal comes after the first"):
        audit(scores, renewals)


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (
            pd.DataFrame({"account_id": ["A1"], "renewal_date": ["2025-06-30"]}),
            "renewals has no column 'outcome'; expected account_id, renewal_date and outcome",
        ),
        (
            pd.DataFrame({"account_id": ["A1"], "renewal_date": ["2027-06-30"], "outcome": [None]}),
            "renewals has no decided renewal: column 'outcome' is empty",
        ),
    ],
)
def test_checked_renewals_names_the_column_at_fault(frame, message):
    with pytest.raises(MissingRenewalsError, match=message):
        checked_renewals(frame)


def test_open_existing_history_never_creates_a_missing_duckdb_file(tmp_path):
    missing = tmp_path / "nope.duckdb"

    with pytest.raises(NoHistoryError, match=r"nope.duckdb does not exist.*`churn score` first"):
        open_existing_history(f"duckdb://{missing}")
    assert not missing.exists()
