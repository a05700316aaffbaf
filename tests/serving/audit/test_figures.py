"""A group's figures, and the notes that replace them when its sample cannot carry them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from serving.audit import AuditConfig
from serving.audit.figures import group_figures, sample_note

BANDS = ["healthy", "watch", "at_risk"]


def _renewals(churned: list[int], probability: list[float], bands: list[str], arr=None):
    n = len(churned)
    return pd.DataFrame(
        {
            "account_id": [f"A{i:03d}" for i in range(n)],
            "renewal_date": pd.Timestamp("2025-06-30", tz="UTC"),
            "churned": churned,
            "churn_probability": probability,
            "band": bands,
            "arr": arr if arr is not None else [1_000.0] * n,
        }
    )


def test_group_figures_match_a_direct_computation():
    rng = np.random.default_rng(3)
    probability = rng.random(200)
    churned = (rng.random(200) < probability * 0.5).astype(int).tolist()
    bands = np.where(probability > 0.7, "at_risk", np.where(probability > 0.4, "watch", "healthy"))
    arr = rng.integers(1_000, 50_000, 200).astype(float)
    rows = _renewals(churned, probability.tolist(), bands.tolist(), arr.tolist())

    figures = group_figures("all", rows, BANDS, ["at_risk"], AuditConfig())

    label = np.array(churned)
    top = np.argsort(-probability, kind="stable")[:20]
    assert figures.auc == pytest.approx(roc_auc_score(label, probability))
    assert figures.top_decile_lift == pytest.approx(label[top].mean() / label.mean())
    caught = arr[(label == 1) & (bands == "at_risk")].sum() / arr[label == 1].sum()
    assert figures.churned_arr_caught == pytest.approx(caught)
    assert figures.flagged == int((bands == "at_risk").sum())
    assert [b.band for b in figures.bands] == BANDS
    at_risk = figures.bands[2]
    assert at_risk.renewals == int((bands == "at_risk").sum())
    assert at_risk.mean_probability == pytest.approx(probability[bands == "at_risk"].mean())
    assert at_risk.churn_rate == pytest.approx(label[bands == "at_risk"].mean())
    assert figures.note is None


@pytest.mark.parametrize(
    ("churned", "expected"),
    [
        ([1] * 3 + [0] * 7, "10 renewal(s): too few for AUC and lift (the audit needs 20)"),
        ([0] * 40, "no churn among the 40 renewals: AUC and lift need both outcomes"),
        ([1] * 40, "all 40 renewals churned: AUC and lift need both outcomes"),
        (
            [1] * 3 + [0] * 37,
            "3 churned and 37 renewed: too few of one outcome for AUC and lift (the audit "
            "needs 5 of each)",
        ),
    ],
)
def test_group_figures_say_why_instead_of_a_meaningless_auc(churned, expected):
    n = len(churned)
    rows = _renewals(churned, np.linspace(0, 1, n).tolist(), ["watch"] * n)

    figures = group_figures("smb", rows, BANDS, ["at_risk"], AuditConfig())

    assert figures.auc is None and figures.top_decile_lift is None
    assert figures.note == expected
    assert figures.renewals == n and figures.bands[0].renewals == n  # counts still shown


def test_sample_note_follows_the_configured_sizes():
    config = AuditConfig(min_renewals=4, min_per_outcome=2)

    assert sample_note(4, 2, config) is None
    assert sample_note(3, 2, config) is not None
    assert sample_note(10, 1, config) is not None


def test_group_figures_leave_churned_arr_caught_empty_when_no_arr_churned():
    rows = _renewals([0] * 30, [0.1] * 30, ["healthy"] * 30)

    figures = group_figures("all", rows, BANDS, ["at_risk"], AuditConfig())

    assert figures.churned_arr == 0 and figures.churned_arr_caught is None


def test_top_decile_lift_breaks_ties_by_account_id():
    # 20 renewals, all at the same probability: the top decile is A000 and A001
    churned = [1, 1] + [0] * 15 + [1] * 3
    rows = _renewals(churned, [0.5] * 20, ["watch"] * 20)

    figures = group_figures("all", rows, BANDS, ["at_risk"], AuditConfig(min_per_outcome=1))

    assert figures.top_decile_lift == pytest.approx(1.0 / (5 / 20))
