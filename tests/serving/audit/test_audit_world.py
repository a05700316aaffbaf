"""The audit of a simulated world scored monthly for a year equals a direct computation.

The direct computation shares no code with the audit: it reads the stored rows with plain
SQL, joins them to the renewals with a window condition instead of an as-of merge, and
computes every figure with scikit-learn and pandas.
"""

from __future__ import annotations

import math

import duckdb
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from serving.audit import HISTORY_COLUMNS, AuditConfig, audit, checked_renewals
from serving.history import open_history

pytestmark = pytest.mark.slow

LEADS = [(0, 30, "0-30"), (31, 90, "31-90"), (91, 180, "91-180"), (181, 10**6, "181+")]


def _raw_counted(history_path, renewals: pd.DataFrame) -> pd.DataFrame:
    """Every stored score issued for an account after its previous renewal and before this
    decided one (as_of and scored_at), straight from the DuckDB file."""
    frame = renewals.copy()
    frame["renewal_date"] = pd.to_datetime(frame["renewal_date"]).dt.tz_localize("UTC")
    with duckdb.connect(str(history_path), read_only=True) as connection:
        connection.register("renewal_rows", frame)
        return (
            connection.execute(
                """
            WITH r AS (
              SELECT account_id, renewal_date, outcome, arr AS renewal_arr,
                     lag(renewal_date) OVER (PARTITION BY account_id ORDER BY renewal_date)
                       AS previous_decision
              FROM renewal_rows
            )
            SELECT s.account_id, r.renewal_date, r.outcome, s.model_version, s.as_of,
                   s.scored_at, s.churn_probability, s.band, s.health, s.segment,
                   coalesce(r.renewal_arr, s.arr) AS arr_at_stake,
                   s.driver_1, s.driver_2, s.driver_3,
                   floor((epoch(r.renewal_date) - epoch(s.as_of)) / 86400)::BIGINT AS lead
            FROM r JOIN score_history AS s
              ON s.account_id = r.account_id
             AND s.as_of < r.renewal_date AND s.scored_at < r.renewal_date
             AND (r.previous_decision IS NULL OR s.as_of >= r.previous_decision)
            WHERE r.outcome IS NOT NULL
            """
            )
            .arrow()
            .read_all()
            .to_pandas()
        )


def _latest(frame: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    frame = frame.sort_values(["as_of", "scored_at"])
    return frame.groupby(key, as_index=False).tail(1)


def _direct(rows: pd.DataFrame) -> dict:
    label = (rows["outcome"] == "churned").to_numpy().astype(int)
    p = rows["churn_probability"].to_numpy()
    ranked = rows.assign(label=label).sort_values(
        ["churn_probability", "account_id", "renewal_date"], ascending=[False, True, True]
    )
    top = ranked.head(math.ceil(len(rows) / 10))
    arr = rows["arr_at_stake"].fillna(0).to_numpy()
    flagged = (rows["band"] == "at_risk").to_numpy()
    calibration = (
        rows.assign(label=label)
        .groupby("band")
        .agg(n=("label", "size"), churned=("label", "sum"), p=("churn_probability", "mean"))
    )
    return {
        "renewals": len(rows),
        "churned": int(label.sum()),
        "auc": roc_auc_score(label, p),
        "lift": top["label"].mean() / label.mean(),
        "caught": arr[(label == 1) & flagged].sum() / arr[label == 1].sum(),
        "bands": {
            band: (int(c.n), int(c.churned), c.p, c.churned / c.n)
            for band, c in calibration.iterrows()
        },
    }


def _assert_matches(figures, direct: dict) -> None:
    assert (figures.renewals, figures.churned) == (direct["renewals"], direct["churned"])
    assert figures.note is None
    assert figures.auc == pytest.approx(direct["auc"], abs=1e-12)
    assert figures.top_decile_lift == pytest.approx(direct["lift"], abs=1e-12)
    assert figures.churned_arr_caught == pytest.approx(direct["caught"], abs=1e-12)
    bands = {
        b.band: (b.renewals, b.churned, b.mean_probability, b.churn_rate) for b in figures.bands
    }
    assert bands.keys() == direct["bands"].keys()
    for band, (n, churned, p, rate) in direct["bands"].items():
        assert bands[band][:2] == (n, churned)
        assert bands[band][2:] == pytest.approx((p, rate), abs=1e-12)


@pytest.fixture(scope="module")
def direct(monthly_history):
    counted = _raw_counted(monthly_history.history_path, monthly_history.renewals)
    return counted, _latest(counted, ["model_version", "account_id", "renewal_date"])


def _audit(url: str, renewals: pd.DataFrame, config: AuditConfig | None = None):
    with open_history(url) as store:
        scores = store.scores(HISTORY_COLUMNS)
    return audit(scores, checked_renewals(renewals), config, history=url)


def test_audit_of_a_year_of_monthly_scores_equals_a_direct_computation(
    monthly_history, monthly_url, direct
):
    counted, last = direct

    result = _audit(monthly_url, monthly_history.renewals).result

    assert [v.model_version for v in result.versions] == ["1"]
    version = result.versions[0]
    assert version.renewals == len(last) > 500 and version.counted_scores == len(counted)
    assert counted["lead"].max() > 181  # annual renewals seen up to a year ahead
    _assert_matches(version.overall, _direct(last))
    assert version.overall.churned > 20 and version.overall.auc > 0.6


def test_audit_by_segment_and_by_lead_equal_a_direct_computation(
    monthly_history, monthly_url, direct
):
    counted, last = direct
    version = _audit(monthly_url, monthly_history.renewals).result.versions[0]

    segments = {g.group: g for g in version.by_segment}
    assert set(segments) == set(last["segment"])
    for segment, rows in last.groupby("segment"):
        _assert_matches(segments[segment], _direct(rows))

    leads = {g.group: g for g in version.by_lead}
    assert list(leads) == [label for *_, label in LEADS]
    for low, high, label in LEADS:
        in_bucket = counted[(counted["lead"] >= low) & (counted["lead"] <= high)]
        rows = _latest(in_bucket, ["model_version", "account_id", "renewal_date"])
        if leads[label].note is None:
            _assert_matches(leads[label], _direct(rows))
        else:  # a bucket too small for AUC still counts right
            assert leads[label].renewals == len(rows)


def test_audit_lists_equal_the_renewals_that_surprised(monthly_history, monthly_url, direct):
    _, last = direct
    version = _audit(monthly_url, monthly_history.renewals).result.versions[0]

    churned = last["outcome"] == "churned"
    healthy = last[churned & (last["band"] == "healthy")]
    assert {(r.account_id, r.renewal_date) for r in version.healthy_before_churn} == set(
        zip(healthy["account_id"], healthy["renewal_date"], strict=True)
    )
    assert len(healthy) > 0
    stored = healthy.set_index(["account_id", "renewal_date"])
    for item in version.healthy_before_churn:
        row = stored.loc[(item.account_id, item.renewal_date)]
        expected = [row[c] for c in ("driver_1", "driver_2", "driver_3") if isinstance(row[c], str)]
        assert item.drivers == [d for d in expected if d]
        assert item.health == row["health"] and item.band == "healthy"
    flagged = last[~churned & (last["band"] == "at_risk")]
    assert {r.account_id for r in version.flagged_but_renewed} == set(flagged["account_id"])


def test_scores_issued_after_a_decision_never_count(monthly_history, direct, tmp_path):
    """Rows stored after the churned renewals' decisions, and rows as of before them but
    computed after them, change nothing; the backfilled ones count only when asked."""
    _, last = direct
    url = monthly_history.copy(tmp_path)
    churned = last[last["outcome"] == "churned"]
    with open_history(url) as store:
        rows = store.scores()
        rows = rows[rows["account_id"].isin(churned["account_id"])]
        rows = rows.drop_duplicates("account_id", keep="last").set_index("account_id")
        decision = churned.set_index("account_id")["renewal_date"]
        # a day after each decision, and a second before it but computed two days after it
        for shift in (pd.Timedelta(days=1), -pd.Timedelta(seconds=1)):
            late = rows.loc[decision.index].reset_index()
            late["as_of"] = decision.to_numpy() + shift
            late["scored_at"] = decision.to_numpy() + pd.Timedelta(days=2)
            late["churn_probability"], late["band"], late["health"] = 0.001, "healthy", 99
            assert store.append_scores(late) == len(late)

    before = _audit(monthly_history.history_url, monthly_history.renewals).result.versions[0]
    after = _audit(url, monthly_history.renewals)
    assert after.result.versions[0].overall == before.overall
    assert after.result.backfilled_scores >= len(churned)

    backtest = _audit(url, monthly_history.renewals, AuditConfig(include_backfilled=True))
    last_seen = backtest.last.set_index(["account_id", "renewal_date"])["churn_probability"]
    keys = list(zip(churned["account_id"], churned["renewal_date"], strict=True))
    assert (last_seen.loc[keys] == 0.001).all()
    assert backtest.result.versions[0].overall.auc < before.overall.auc


def test_model_versions_are_audited_apart(monthly_history, tmp_path):
    """A second version scoring the last six months, with its probabilities shuffled, leaves
    version 1's figures as they were and gets figures of its own rows only."""
    url = monthly_history.copy(tmp_path)
    with open_history(url) as store:
        rows = store.scores()
        recent = rows[rows["as_of"] >= pd.Timestamp(monthly_history.as_of[-6], tz="UTC")].copy()
        recent["model_version"] = "2"
        recent["churn_probability"] = np.random.default_rng(5).permutation(
            recent["churn_probability"].to_numpy()
        )
        store.append_scores(recent)

    result = _audit(url, monthly_history.renewals).result

    v1, v2 = result.versions
    assert (v1.model_version, v2.model_version) == ("1", "2")
    alone = _audit(monthly_history.history_url, monthly_history.renewals).result.versions[0]
    assert v1.overall == alone.overall and v1.by_lead == alone.by_lead
    counted = _raw_counted(tmp_path / "history.duckdb", monthly_history.renewals)
    v2_last = _latest(counted[counted["model_version"] == "2"], ["account_id", "renewal_date"])
    assert v2.renewals == len(v2_last) < v1.renewals
    _assert_matches(v2.overall, _direct(v2_last))
    assert v2.overall.auc < v1.overall.auc - 0.1  # shuffled: no pooling hid it
