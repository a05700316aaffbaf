"""The ChurnSim converter (benchmarks/external/churnsim.py) on a hand-made world in ChurnSim's CSV layout.

fightchurn is not installed in the test venv: the fixture writes the files its simulator
writes through our driver (account, subscription, event, event_type, world.json).
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pandas as pd
import pytest

from features.data import load_dataset

ROOT = Path(__file__).resolve().parents[2]


def _module(name: str):
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return importlib.import_module(name)


churnsim = _module("benchmarks.external.churnsim")

SUBSCRIPTIONS = [
    # account 0: monthly, renews twice, then churns on 2023-04-10
    (0, "basic_mthly", "2023-01-10", "2023-02-10", 200.0, 10, "users", 1, 0.0),
    (0, "meetings", "2023-01-10", "2023-02-10", 300, 5000, "schedule_meeting", 1, 0.0),
    (0, "basic_mthly", "2023-02-10", "2023-03-10", 200.0, 10, "users", 1, 0.0),
    (0, "basic_mthly", "2023-03-10", "2023-04-10", 200.0, 10, "users", 1, 0.0),
    # account 1: monthly, still running when the simulation stops (2023-05-01)
    (1, "starter_mthly", "2023-01-20", "2023-02-20", 100.0, 5, "users", 1, 0.0),
    (1, "starter_mthly", "2023-02-20", "2023-03-20", 100.0, 5, "users", 1, 0.0),
    (1, "starter_mthly", "2023-03-20", "2023-04-20", 100.0, 5, "users", 1, 0.0),
    (1, "starter_mthly", "2023-04-20", "2023-05-20", 100.0, 5, "users", 1, 0.0),
    # account 2: annual, cut short mid-term on 2023-03-05; ChurnSim shortens only its last row
    (2, "basic_annual", "2023-01-05", "2024-01-05", 180.0, 10, "users", 12, 0.1),
    (2, "meetings", "2023-01-05", "2023-03-05", 300, 5000, "schedule_meeting", 12, 0.1),
]


@pytest.fixture
def raw_world(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    pd.DataFrame(
        [
            (0, "web", "1990-01-01", "CA", "2023-01-10"),
            (1, "appstore1", "1985-06-01", "None", "2023-01-20"),
            (2, "web", "1970-03-01", "NY", "2023-01-05"),
        ],
        columns=["account_id", "channel", "date_of_birth", "country", "start_date"],
    ).to_csv(raw / "account.csv", index=False)
    pd.DataFrame(
        SUBSCRIPTIONS,
        columns=[
            "account_id",
            "product",
            "start_date",
            "end_date",
            "mrr",
            "quantity",
            "units",
            "bill_period_months",
            "discount",
        ],
    ).to_csv(raw / "subscription.csv", index=False)
    events = [
        (0, "2023-01-11 10:00:00", 0, 0, ""),
        (0, "2023-03-01 09:30:00", 1, 3, "1250.5"),
        (0, "2023-04-05 09:30:00", 0, 1, ""),
        (1, "2023-02-01 12:00:00", 0, 0, ""),
        (1, "2023-04-02 12:00:00", 0, 0, ""),
        (2, "2023-01-06 08:00:00", 0, 2, ""),
    ]
    pd.DataFrame(
        events, columns=["account_id", "event_time", "event_type_id", "user_id", "event_value"]
    ).to_csv(raw / "event.csv", index=False)
    pd.DataFrame(
        {"event_type_id": [0, 1], "event_type_name": ["search", "win_opportunity"]}
    ).to_csv(raw / "event_type.csv", index=False)
    (raw / "world.json").write_text(
        json.dumps({"model": "crm5", "start_date": "2023-01-01", "end_date": "2023-05-01"})
    )
    return raw


def _outcomes(renewals: pd.DataFrame) -> list[tuple[str, str, object]]:
    return [
        (a, f"{d:%Y-%m-%d}", None if pd.isna(o) else o)
        for a, d, o in zip(
            renewals["account_id"], renewals["renewal_date"], renewals["outcome"], strict=True
        )
    ]


def test_convert_derives_renewals_from_subscription_periods(raw_world: Path) -> None:
    world = churnsim.convert(raw_world)
    assert _outcomes(world.renewals) == [
        ("C000000", "2023-02-10", "renewed"),
        ("C000000", "2023-03-10", "renewed"),
        ("C000000", "2023-04-10", "churned"),
        ("C000001", "2023-02-20", "renewed"),
        ("C000001", "2023-03-20", "renewed"),
        ("C000001", "2023-04-20", "renewed"),
        ("C000001", "2023-05-20", None),  # after the simulation's end: upcoming
        ("C000002", "2023-03-05", "churned"),  # mid-term cancellation, the annual end is dropped
    ]
    first = world.renewals.iloc[0]
    assert first["arr"] == pytest.approx(12 * 500.0)  # base plan plus the add-on


def test_convert_keeps_one_subscription_row_per_period(raw_world: Path) -> None:
    subs = churnsim.convert(raw_world).subscriptions
    assert len(subs) == 8
    annual = subs[subs["account_id"] == "C000002"].iloc[0]
    assert f"{annual['end_date']:%Y-%m-%d}" == "2023-03-05"
    assert annual["plan"] == "basic_annual"
    assert annual["add_ons"] == "meetings"
    assert annual["mrr"] == pytest.approx(480.0)
    assert annual["term_months"] == 12


def test_convert_names_events_and_keeps_values(raw_world: Path) -> None:
    world = churnsim.convert(raw_world)
    usage = world.usage_events
    assert usage["event"].tolist()[:2] == ["search", "win_opportunity"]
    assert usage["quantity"].tolist()[:3] == [1.0, 1250.5, 1.0]
    assert usage["user_id"].iloc[1] == "C000000:3"
    accounts = world.accounts.set_index("account_id")
    assert accounts.loc["C000000", "segment"] == "basic_mthly"
    assert pd.isna(accounts.loc["C000001", "region"])


def test_cut_world_hides_the_future(raw_world: Path) -> None:
    world = churnsim.convert(raw_world)
    known = churnsim.cut_world(world, pd.Timestamp("2023-04-01"))
    assert _outcomes(known.renewals) == [
        ("C000000", "2023-02-10", "renewed"),
        ("C000000", "2023-03-10", "renewed"),
        ("C000000", "2023-04-10", None),  # decided after the cut: upcoming
        ("C000001", "2023-02-20", "renewed"),
        ("C000001", "2023-03-20", "renewed"),
        ("C000001", "2023-04-20", None),  # the next one only; 2023-05-20 is not known yet
        ("C000002", "2023-03-05", "churned"),
    ]
    assert known.usage_events["timestamp"].max() < pd.Timestamp("2023-04-01")
    assert known.subscriptions["start_date"].max() < pd.Timestamp("2023-04-01")


def test_cut_world_shows_a_running_term_as_contracted(raw_world: Path) -> None:
    world = churnsim.convert(raw_world)
    known = churnsim.cut_world(world, pd.Timestamp("2023-02-01"))
    annual = known.subscriptions[known.subscriptions["account_id"] == "C000002"]
    # cut short on 2023-03-05, after the cut: at the cut the term still ends in 2024
    assert [f"{d:%Y-%m-%d}" for d in annual["end_date"]] == ["2024-01-05"]
    upcoming = known.renewals[known.renewals["outcome"].isna()]
    dates = upcoming["renewal_date"].dt.strftime("%Y-%m-%d")
    assert dict(zip(upcoming["account_id"], dates, strict=True)) == {
        "C000000": "2023-02-10",
        "C000001": "2023-02-20",
        "C000002": "2024-01-05",
    }
    assert (
        "contract_end"
        not in pd.read_parquet(
            known.write(raw_world.parent / "cut") / "subscriptions.parquet"
        ).columns
    )


def test_decided_after_labels_churn_in_the_window(raw_world: Path) -> None:
    world = churnsim.convert(raw_world)
    labels = churnsim.decided_after(world, pd.Timestamp("2023-04-01"), 30)
    assert labels["account_id"].tolist() == ["C000000", "C000001"]  # C000002 churned before
    assert labels["churned"].tolist() == [1, 0]
    assert [f"{d:%Y-%m-%d}" for d in labels["renewal_date"]] == ["2023-04-10", "2023-04-20"]


def test_decided_after_counts_a_churn_after_a_renewal_in_the_window(raw_world: Path) -> None:
    world = churnsim.convert(raw_world)
    labels = churnsim.decided_after(world, pd.Timestamp("2023-03-01"), 45)
    # C000000 renews on 03-10 and churns on 04-10; C000002 cancels its annual term on 03-05
    assert labels.set_index("account_id")["churned"].to_dict() == {
        "C000000": 1,
        "C000001": 0,
        "C000002": 1,
    }


def test_converted_world_passes_contract_validation(raw_world: Path, tmp_path: Path) -> None:
    world = churnsim.convert(raw_world)
    for name, table in (
        ("full", world),
        ("cut", churnsim.cut_world(world, pd.Timestamp("2023-04-01"))),
    ):
        folder = table.write(tmp_path / name)
        with load_dataset(folder) as dataset:
            report = dataset.report
            assert report.rows_quarantined == 0, report.to_dict()
            assert {"accounts", "usage_events", "subscriptions", "renewals"} <= set(dataset.tables)
            assert report.table("renewals").rows_kept == len(table.renewals)
