"""Contract terms from the renewals, points placed by term, and the history a point needs."""

import pandas as pd
import pytest

from training.geometry import lead_times, min_history_days, renewal_terms, term_name

T = pd.Timestamp


def _terms(rows, created=None):
    renewals = pd.DataFrame(rows, columns=["account_id", "renewal_date"])
    renewals["renewal_date"] = pd.to_datetime(renewals["renewal_date"])
    accounts = pd.DataFrame({"account_id": sorted(set(renewals["account_id"]))})
    if created is not None:
        accounts["created_at"] = accounts["account_id"].map(created).astype("datetime64[ns]")
    renewals = renewals.sort_values(["account_id", "renewal_date"], ignore_index=True)
    return renewals.join(renewal_terms(renewals, accounts))


def test_renewal_terms_read_the_spacing_and_fill_a_first_term_from_the_accounts_usual_one():
    terms = _terms(
        [
            ("m", "2024-01-31"),
            ("m", "2024-03-01"),
            ("m", "2024-03-31"),
            ("a", "2024-06-01"),
            ("a", "2025-06-01"),
        ]
    )
    by_row = terms.set_index(["account_id", "renewal_date"])["term_days"]
    assert by_row[("m", T("2024-03-01"))] == 30
    assert by_row[("m", T("2024-01-31"))] == 30  # first renewal: the account's median spacing
    assert by_row[("a", T("2025-06-01"))] == 365
    assert by_row[("a", T("2024-06-01"))] == 365


def test_renewal_terms_of_a_single_renewal_come_from_creation_then_from_everyone():
    terms = _terms(
        [
            ("new", "2024-02-01"),
            ("old", "2024-02-01"),
            ("old", "2024-03-02"),
            ("lone", "2024-05-01"),
        ],
        created={"new": T("2024-01-01"), "old": T("2023-12-01"), "lone": None},
    )
    by_account = terms.groupby("account_id")["term_days"].first()
    assert by_account["new"] == 31  # since created: a usual term
    assert by_account["lone"] == 30  # the typical spacing of all accounts
    start = terms.set_index("account_id").loc["new", "term_start"]
    assert start == T("2024-01-01")


def test_lead_times_keep_long_term_leads_inside_the_term_and_rotate_short_ones():
    terms = pd.Series([365, 150, 30, 30, 30, 7])
    ordinal = pd.Series([0, 0, 0, 1, 2, 5])
    points = lead_times(terms, ordinal)
    by_row = points.groupby("row")["lead_days"].apply(list)
    assert by_row[0] == [30, 60, 90, 180]
    assert by_row[1] == [30, 60, 90]
    assert [by_row[2], by_row[3], by_row[4]] == [[15], [5], [25]]
    assert by_row[5] == [6]  # five sixths of a week, inside the term


def test_lead_times_of_a_one_day_term_stay_positive():
    assert lead_times(pd.Series([1]), pd.Series([0]))["lead_days"].tolist() == [1]


@pytest.mark.parametrize(
    ("history", "needed"), [(90, 30), (200, 66), (1000, 90), (0, 0), (None, 90)]
)
def test_min_history_days_is_a_third_of_the_history_at_most_90(history, needed):
    assert min_history_days(history) == needed


@pytest.mark.parametrize(
    ("days", "name"),
    [
        (30, "monthly"),
        (28, "monthly"),
        (91, "quarterly"),
        (365, "annual"),
        (730, "two-year"),
        (45, "other"),
    ],
)
def test_term_name_names_the_usual_terms(days, name):
    assert term_name(days) == name


def test_renewal_terms_ignore_an_age_that_is_no_usual_term():
    # created years before its only recorded renewal: the age says nothing about its term
    terms = _terms(
        [("old", "2024-02-01"), ("m", "2024-01-01"), ("m", "2024-01-31")],
        created={"old": T("2019-05-17"), "m": T("2023-12-01")},
    )
    assert terms.set_index("account_id").loc["old", "term_days"] == 30


def test_renewal_terms_of_a_first_renewal_that_changed_plan_close_the_month_it_ends():
    # monthly at first, then annual from the first renewal on: that renewal closed a month
    terms = _terms(
        [
            ("switch", "2024-01-31"),
            ("switch", "2025-01-31"),
            ("old", "2023-03-05"),
            ("old", "2024-03-05"),
        ],
        created={"switch": T("2024-01-01"), "old": T("2021-03-05")},
    )
    by_row = terms.set_index(["account_id", "renewal_date"])["term_days"]
    assert by_row[("switch", T("2024-01-31"))] == 30
    assert by_row[("switch", T("2025-01-31"))] == 366
    # created two years before its first recorded renewal: an annual account, not a two-year one
    assert by_row[("old", T("2023-03-05"))] == 366
