"""ChurnSim worlds (the ``fightchurn`` package) in our data contract, cut at a date.

The simulator runs in a side virtual environment (``fightchurn==1.2.0`` pins pandas 2 and
other versions our lock does not have), driven by ``churnsim_driver.py`` (ours), which writes
ChurnSim's own records to CSV instead of PostgreSQL: ``account.csv``, ``subscription.csv``,
``event.csv``, ``event_type.csv`` and ``world.json`` (the simulated period). This module
turns those files into contract tables. The rules, all of them:

- **accounts**: one row per ChurnSim account. ``account_id`` is ``C`` + ChurnSim's integer
  id; ``created_at`` is the customer's start date; ``segment`` is the plan of its first
  subscription (the first row written for its first start date: ChurnSim writes the base
  plan before the add-ons); ``region`` is its country (empty when ChurnSim has none);
  ``channel`` (web/appstore/app) is kept as an extra column (the contract ignores it).
- **usage_events**: one row per ChurnSim event. ``event`` is the event type's name
  (``event_type.csv``), ``timestamp`` its time, ``user_id`` ``<account_id>:<user index>``,
  ``quantity`` the event's value where ChurnSim draws one (e.g. ``win_opportunity`` in
  ``crm5``: its utility model sums those values), else 1.
- **subscriptions**: one row per account and billing period (ChurnSim writes one row for the
  base plan and one per add-on, all starting the same day; the contract keys subscriptions
  by account and start date): ``start_date``, ``end_date`` (the earliest end among the
  period's rows: ChurnSim shortens only the last row when it cuts a term short), ``mrr``
  (base plan plus add-ons), ``plan`` (the base plan), ``seats`` (the base plan's quantity
  when its unit is ``users``), ``discount``; extra columns ``term_months`` and ``add_ons``.
- **renewals**, derived from the subscriptions: the end of each period is a renewal
  decision on that date. In date order: a decision on or before the world's end date is
  ``renewed`` when a period of the account starts on that date, else ``churned``, and the
  account's later periods end there (it is gone). A decision after the world's end date is
  upcoming (empty ``outcome``). ``arr`` is 12 x the period's MRR. Monthly terms give a decision every month; ChurnSim's
  multi-month terms (``crm6``) give one per term, and a mid-term cancellation (after two or
  three unhappy months) is a churned decision on the day the subscription was cut short.

:func:`cut_world` writes a world as it was known at a date: accounts created before the
cut, events and subscriptions that started before it, renewal outcomes before it, and for
each remaining account the end of its running term as an upcoming renewal (no outcome);
later renewals are not known yet. A running term ends where its contract says (start +
its months), even when ChurnSim later cut it short: the cancellation is in the future.
:func:`decided_after` reads the labels to measure against from the full world: per account
active at the cut, whether it churned at a renewal decided in the window after the cut.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

FIGHTCHURN = "fightchurn==1.2.0"
PIP_INSTALL = ("-m", "pip", "install", "--quiet", "--disable-pip-version-check")
DRIVER = Path(__file__).with_name("churnsim_driver.py")
HIDDEN = ("contract_end",)
"""Columns the converter keeps for :func:`cut_world` and never writes."""
RAW_FILES = ("account.csv", "subscription.csv", "event.csv", "event_type.csv", "world.json")


@dataclass(frozen=True)
class WorldSpec:
    """One ChurnSim run: model name, simulated period, initial customers, growth, seed."""

    model: str
    start: str = "2023-01-01"
    end: str = "2023-06-01"
    customers: int = 700
    growth: float = 0.04
    seed: int = 11

    @property
    def name(self) -> str:
        return f"{self.model}-c{self.customers}-s{self.seed}-{self.start}-{self.end}"


def side_python(venv: Path) -> Path:
    """The side venv's interpreter, created with ``fightchurn`` the first time.

    ``wheel`` is there too: reading pysurvival's sdist needs ``pip download
    --no-build-isolation``, which runs its ``setup.py`` with the venv's numpy.
    """
    python = venv / "bin" / "python"
    marker = venv / ".fightchurn-installed"
    if marker.exists():
        return python
    if venv.exists():
        shutil.rmtree(venv)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [str(python), *PIP_INSTALL, FIGHTCHURN, "wheel"],
        check=True,
    )
    marker.write_text(FIGHTCHURN + "\n")
    return python


def simulate(spec: WorldSpec, root: Path, venv: Path) -> Path:
    """ChurnSim's raw CSV files for ``spec`` under ``root`` (simulated once, then cached)."""
    folder = root / spec.name
    if all((folder / name).exists() for name in RAW_FILES):
        return folder
    python = side_python(venv)
    work = folder.with_suffix(".tmp")
    shutil.rmtree(work, ignore_errors=True)
    command = [str(python), str(DRIVER), spec.model, str(work)]
    command += ["--start", spec.start, "--end", spec.end, "--customers", str(spec.customers)]
    command += ["--growth", str(spec.growth), "--seed", str(spec.seed)]
    log = root / f"{spec.name}.log"
    root.mkdir(parents=True, exist_ok=True)
    with log.open("w") as handle:
        done = subprocess.run(command, stdout=handle, stderr=subprocess.STDOUT, check=False)
    if done.returncode != 0:
        tail = log.read_text().strip().splitlines()[-3:]
        raise RuntimeError(f"ChurnSim {spec.model} failed (see {log}): {' | '.join(tail)}")
    shutil.rmtree(folder, ignore_errors=True)
    work.rename(folder)
    return folder


@dataclass
class ContractWorld:
    """A converted world: the contract tables and the last day the simulation covered."""

    accounts: pd.DataFrame
    usage_events: pd.DataFrame
    subscriptions: pd.DataFrame
    renewals: pd.DataFrame
    data_end: pd.Timestamp
    model: str = ""

    TABLES = ("accounts", "usage_events", "subscriptions", "renewals")

    def write(self, folder: Path) -> Path:
        """The four tables as Parquet files in ``folder`` (replaced)."""
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        for table in self.TABLES:
            frame = getattr(self, table).drop(columns=list(HIDDEN), errors="ignore")
            frame.to_parquet(folder / f"{table}.parquet", index=False)
        return folder


def convert(raw: Path) -> ContractWorld:
    """ChurnSim's CSV files in ``raw`` as contract tables (rules in the module docstring)."""
    world = json.loads((raw / "world.json").read_text())
    data_end = pd.Timestamp(world["end_date"])
    accounts_raw = pd.read_csv(raw / "account.csv", keep_default_na=False)
    subs_raw = pd.read_csv(raw / "subscription.csv", keep_default_na=False)
    events_raw = pd.read_csv(raw / "event.csv", engine="pyarrow")
    types = pd.read_csv(raw / "event_type.csv")
    names = dict(zip(types["event_type_id"], types["event_type_name"], strict=True))

    subs = _periods(subs_raw)
    plan_at_start = (
        subs.sort_values("start_date", kind="stable")
        .drop_duplicates("account_id")
        .set_index("account_id")["plan"]
    )

    account_ids = _ids(accounts_raw["account_id"])
    accounts = pd.DataFrame(
        {
            "account_id": account_ids,
            "created_at": pd.to_datetime(accounts_raw["start_date"]),
            "segment": account_ids.map(plan_at_start).fillna("none").to_numpy(),
            "region": accounts_raw["country"].astype(str).replace({"None": "", "nan": ""}),
            "channel": accounts_raw["channel"].astype(str),
        }
    )
    accounts["region"] = accounts["region"].replace("", pd.NA)

    event_account = _ids(events_raw["account_id"])
    usage = pd.DataFrame(
        {
            "account_id": event_account,
            "timestamp": pd.to_datetime(events_raw["event_time"], format="%Y-%m-%d %H:%M:%S"),
            "event": events_raw["event_type_id"].map(names).astype(str),
            "user_id": event_account + ":" + events_raw["user_id"].astype(str),
            "quantity": pd.to_numeric(events_raw["event_value"], errors="coerce")
            .fillna(1.0)
            .astype(float),
        }
    )
    renewals = derive_renewals(subs, data_end)
    return ContractWorld(accounts, usage, subs, renewals, data_end, world.get("model", ""))


def _periods(raw: pd.DataFrame) -> pd.DataFrame:
    """One subscription row per account and billing period (base plan plus its add-ons)."""
    rows = pd.DataFrame(
        {
            "account_id": _ids(raw["account_id"]),
            "start_date": pd.to_datetime(raw["start_date"]),
            "end_date": pd.to_datetime(raw["end_date"]),
            "mrr": pd.to_numeric(raw["mrr"]).astype(float),
            "product": raw["product"].astype(str),
            "seats": pd.to_numeric(raw["quantity"], errors="coerce").where(
                raw["units"].astype(str) == "users"
            ),
            "discount": pd.to_numeric(raw["discount"], errors="coerce").fillna(0.0),
            "term_months": pd.to_numeric(raw["bill_period_months"]).astype(int),
        }
    )
    grouped = rows.groupby(["account_id", "start_date"], sort=True)
    periods = grouped.agg(
        end_date=("end_date", "min"),
        mrr=("mrr", "sum"),
        plan=("product", "first"),
        seats=("seats", "first"),
        discount=("discount", "first"),
        term_months=("term_months", "first"),
    ).reset_index()
    add_ons = grouped["product"].agg(lambda products: ",".join(products.iloc[1:]))
    periods["add_ons"] = add_ons.to_numpy()
    # the term's end in the contract, even when the term was later cut short: what was known
    # while it ran (ChurnSim's own end dates are anchored on the term's start, so a term
    # ending within three days of start + its months is taken as it stands)
    term_end = pd.Series(
        [
            start + pd.DateOffset(months=int(months))
            for start, months in zip(periods["start_date"], periods["term_months"], strict=True)
        ],
        index=periods.index,
    )
    cut_short = periods["end_date"] < term_end - pd.Timedelta(days=3)
    periods["contract_end"] = periods["end_date"].where(~cut_short, term_end)
    return periods


def derive_renewals(subscriptions: pd.DataFrame, data_end: pd.Timestamp) -> pd.DataFrame:
    """One renewal decision per subscription period end, until the account churns."""
    starts = set(zip(subscriptions["account_id"], subscriptions["start_date"], strict=True))
    ends = (
        subscriptions.groupby(["account_id", "end_date"], sort=True)["mrr"]
        .sum()
        .reset_index()
        .rename(columns={"end_date": "renewal_date"})
    )
    rows = []
    for account_id, group in ends.groupby("account_id", sort=True):
        for renewal_date, mrr in zip(group["renewal_date"], group["mrr"], strict=True):
            if renewal_date > data_end:
                rows.append((account_id, renewal_date, "", 12.0 * mrr))
                break
            continued = (account_id, renewal_date) in starts
            rows.append((account_id, renewal_date, "renewed" if continued else "churned", 12 * mrr))
            if not continued:
                break
    renewals = pd.DataFrame(rows, columns=["account_id", "renewal_date", "outcome", "arr"])
    renewals["outcome"] = renewals["outcome"].replace("", pd.NA).astype("string")
    return renewals


def cut_world(world: ContractWorld, cut: pd.Timestamp) -> ContractWorld:
    """``world`` as known at ``cut`` (rules in the module docstring)."""
    accounts = world.accounts[world.accounts["created_at"] < cut].reset_index(drop=True)
    known = set(accounts["account_id"])
    usage = world.usage_events[
        (world.usage_events["timestamp"] < cut) & world.usage_events["account_id"].isin(known)
    ]
    subs = world.subscriptions[
        (world.subscriptions["start_date"] < cut) & world.subscriptions["account_id"].isin(known)
    ].copy()
    running = subs["end_date"] >= cut
    # a term running at the cut ends when its contract says: a later cancellation is not known
    subs.loc[running, "end_date"] = subs.loc[running, "contract_end"]
    renewals = world.renewals[world.renewals["account_id"].isin(known)]
    past = renewals[renewals["renewal_date"] < cut]
    churned = set(past.loc[past["outcome"] == "churned", "account_id"])
    current = subs[running & ~subs["account_id"].isin(churned)]
    current = current.sort_values("start_date").drop_duplicates("account_id", keep="last")
    upcoming = pd.DataFrame(
        {
            "account_id": current["account_id"].to_numpy(),
            "renewal_date": current["end_date"].to_numpy(),
            "outcome": pd.NA,
            "arr": 12.0 * current["mrr"].to_numpy(),
        }
    )
    renewals = pd.concat([past, upcoming]).sort_values(["account_id", "renewal_date"])
    renewals["outcome"] = renewals["outcome"].astype("string")
    return ContractWorld(
        accounts,
        usage.reset_index(drop=True),
        subs.reset_index(drop=True),
        renewals.reset_index(drop=True),
        data_end=min(world.data_end, cut),
        model=world.model,
    )


def decided_after(world: ContractWorld, cut: pd.Timestamp, window_days: int) -> pd.DataFrame:
    """Per account active at ``cut``: did it churn at a renewal decided in ``[cut, cut + window)``?

    Columns ``account_id, renewal_date`` (its first decision in the window) and ``churned``
    (1 when a decision in the window is ``churned``: with monthly terms an account can renew
    once and churn at the next). Active means created before the cut and not churned before
    it. Accounts with no decision in the window (a long term running on) are left out.
    """
    renewals = world.renewals
    created = world.accounts.set_index("account_id")["created_at"]
    gone = set(
        renewals.loc[
            (renewals["renewal_date"] < cut) & (renewals["outcome"] == "churned"), "account_id"
        ]
    )
    window = renewals[
        (renewals["renewal_date"] >= cut)
        & (renewals["renewal_date"] < cut + pd.Timedelta(days=window_days))
        & renewals["outcome"].notna()
        & ~renewals["account_id"].isin(gone)
        & (renewals["account_id"].map(created) < cut)
    ]
    grouped = window.assign(churned=(window["outcome"] == "churned").astype(int)).groupby(
        "account_id", sort=True
    )
    labels = grouped.agg(renewal_date=("renewal_date", "min"), churned=("churned", "max"))
    return labels.reset_index()


def _ids(column: pd.Series) -> pd.Series:
    return "C" + column.astype(int).astype(str).str.zfill(6)
