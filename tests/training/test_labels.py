"""Observation points: lead times before decided renewals, within the term, never undecided ones."""

import pandas as pd
import pytest

from training.errors import TrainingDataError
from training.labels import observation_points

T = pd.Timestamp


def _renewals(rows):
    frame = pd.DataFrame(
        rows, columns=["account_id", "renewal_date", "outcome", "arr", "recorded_at"]
    )
    frame["renewal_date"] = pd.to_datetime(frame["renewal_date"])
    frame["recorded_at"] = pd.to_datetime(frame["recorded_at"])
    return frame


ACCOUNTS = pd.DataFrame(
    {
        "account_id": ["annual", "monthly", "young"],
        "created_at": pd.to_datetime(["2022-01-10", "2023-01-15", "2024-03-01"]),
        "arr": [1000.0, 500.0, 300.0],
    }
)

RENEWALS = _renewals(
    [
        ("annual", "2023-01-10", "renewed", 900.0, "2023-01-12"),
        ("annual", "2024-01-10", "churned", None, "2024-01-15"),
        ("monthly", "2024-02-15", "renewed", 40.0, None),
        (
            "monthly",
            "2024-03-15",
            "renewed",
            40.0,
            None,
        ),  # February: 29 days since the last renewal
        ("monthly", "2024-04-15", "churned", 40.0, None),  # March: 31 days
        (
            "monthly",
            "2024-05-15",
            "renewed",
            40.0,
            None,
        ),  # April: 30 days, as_of is the renewal day
        ("young", "2024-09-01", "renewed", 300.0, "2024-09-02"),
        ("young", "2025-09-01", None, 300.0, None),  # upcoming: never a label
    ]
)


def _points(**kwargs):
    return observation_points(RENEWALS, ACCOUNTS, [30, 60, 90, 180], **kwargs)


def test_observation_points_one_per_lead_time_inside_the_term():
    points = _points().points
    annual = points[points["renewal_date"] == T("2024-01-10")]
    assert annual["lead_days"].tolist() == [30, 60, 90, 180]
    assert (
        annual["as_of"] == T("2024-01-10") - pd.to_timedelta(annual["lead_days"], unit="D")
    ).all()
    assert annual["churned"].tolist() == [1, 1, 1, 1]


def test_observation_points_monthly_keep_only_points_after_the_previous_renewal():
    points = _points().points
    monthly = points[points["account_id"] == "monthly"].set_index("renewal_date")["lead_days"]
    assert monthly.loc[[T("2024-04-15")]].tolist() == [30]
    assert T("2024-03-15") not in monthly.index  # 30 days back is before the 15 February renewal
    assert T("2024-05-15") not in monthly.index  # 30 days back is the 15 April renewal itself


def test_observation_points_skip_points_before_the_account_existed():
    points = _points().points
    young = points[points["account_id"] == "young"]
    assert young["lead_days"].tolist() == [30, 60, 90, 180]
    assert (young["as_of"] >= T("2024-03-01")).all()
    first_annual = points[
        (points["account_id"] == "annual") & (points["renewal_date"] == T("2023-01-10"))
    ]
    assert first_annual["lead_days"].tolist() == [30, 60, 90, 180]
    skipped = _points().skipped
    assert skipped["before the account was created"] == 0  # 2022-01-10 + 180 days fits


def test_observation_points_never_label_undecided_renewals():
    result = _points()
    assert T("2025-09-01") not in set(result.points["renewal_date"])
    assert result.undecided_renewals == 1
    assert "1 renewals without an outcome yet are not labels" in result.notes()


def test_observation_points_label_time_and_arr_fall_back_sensibly():
    points = _points().points.set_index(["account_id", "renewal_date", "lead_days"])
    assert points.loc[("annual", T("2024-01-10"), 30), "label_time"] == T("2024-01-15")
    assert points.loc[("monthly", T("2024-04-15"), 30), "label_time"] == T("2024-04-15")
    assert points.loc[("annual", T("2024-01-10"), 30), "arr"] == 1000.0  # from accounts
    assert points.loc[("monthly", T("2024-04-15"), 30), "arr"] == 40.0


def test_observation_points_need_history_behind_them():
    result = _points(history_start=T("2023-06-01"), min_history_days=90)
    assert (result.points["as_of"] >= T("2023-08-30")).all()
    assert sum(result.skipped.values()) > 0
    assert any("first recorded event (2023-06-01)" in note for note in result.notes())


def test_observation_points_without_decided_renewals_say_so():
    undecided = RENEWALS.assign(outcome=None)
    with pytest.raises(TrainingDataError, match="no renewal with an outcome"):
        observation_points(undecided, ACCOUNTS, [30])


def _by_term(**kwargs):
    return observation_points(RENEWALS, ACCOUNTS, None, **kwargs)


def test_observation_points_by_term_place_annual_points_at_the_classic_leads():
    points = _by_term().points
    annual = points[points["renewal_date"] == T("2024-01-10")]
    assert annual["lead_days"].tolist() == [30, 60, 90, 180]
    assert annual["term_days"].tolist() == [365] * 4


def test_observation_points_by_term_give_each_monthly_renewal_one_point_inside_its_term():
    points = _by_term().points
    monthly = points[points["account_id"] == "monthly"]
    # every decided monthly renewal keeps exactly one point, a sixth/half/five sixths in turn
    assert monthly["renewal_date"].tolist() == [
        T("2024-02-15"),
        T("2024-03-15"),
        T("2024-04-15"),
        T("2024-05-15"),
    ]
    # the first term is the account's usual spacing (30 days), then 29, 31 and 30 days; each
    # point falls at a sixth, half or five sixths of its term
    assert monthly["term_days"].tolist() == [30, 29, 31, 30]
    shares = (monthly["lead_days"] / monthly["term_days"]).round(1).tolist()
    assert set(shares) <= {0.2, 0.5, 0.8}
    assert (
        monthly["lead_days"].tolist() == _by_term().points.loc[monthly.index, "lead_days"].tolist()
    )
    previous = monthly["renewal_date"] - pd.to_timedelta(monthly["term_days"], unit="D")
    assert (monthly["as_of"] > previous).all()


def test_observation_points_by_term_never_fall_before_the_term_or_the_account():
    points = _by_term().points.merge(ACCOUNTS, on="account_id")
    assert (points["as_of"] >= points["created_at"]).all()
    starts = points["renewal_date"] - pd.to_timedelta(points["term_days"], unit="D")
    assert (points["as_of"] > starts).all()


def test_observation_points_by_term_describe_the_geometry_per_term():
    result = _by_term()
    geometry = result.geometry.set_index("term")
    assert geometry.loc["monthly", "renewals"] == 4
    assert geometry.loc["monthly", "points"] == 4
    assert geometry.loc["annual", "leads"] == "30/60/90/180 days before"
    notes = " ".join(result.notes())
    assert "placed by contract term" in notes
    assert (
        "monthly terms (29-31 days, median 30): 4 decided renewals, 4 points kept, one per" in notes
    )


def test_observation_points_check_trainable_names_how_many_renewals_it_needs():
    result = _by_term()
    with pytest.raises(TrainingDataError, match="at least 20 churned and 20 renewed"):
        result.check_trainable()


def test_observation_points_by_term_mix_the_positions_in_every_period():
    # 300 monthly accounts renewing on the same days: each month holds all three positions
    rows = [
        (f"m{i}", f"2024-{month:02d}-01", "renewed", 10.0, None)
        for i in range(300)
        for month in range(1, 8)
    ]
    accounts = pd.DataFrame({"account_id": [f"m{i}" for i in range(300)]})
    points = observation_points(_renewals(rows), accounts, None).points
    for _, month in points.groupby("renewal_date"):
        shares = (month["lead_days"] / month["term_days"]).round(1).value_counts(normalize=True)
        assert set(shares.index) == {0.2, 0.5, 0.8}
        assert shares.min() > 0.2
