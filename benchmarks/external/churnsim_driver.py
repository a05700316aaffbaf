"""Run a ChurnSim world of the ``fightchurn`` package without its PostgreSQL database.

This script runs in a side virtual environment where ``fightchurn==1.2.0`` is installed
(see :mod:`benchmarks.external.churnsim`); it is ours, the simulator is theirs. It drives
``fightchurn.churnsim.churnsim.ChurnSimulation`` unchanged except for the four methods that
talk to the database, which here append each simulated customer to CSV files instead:

- ``account.csv``: ``account_id, channel, date_of_birth, country, start_date``
- ``subscription.csv``: ``account_id, product, start_date, end_date, mrr, quantity, units,
  bill_period_months, discount`` (ChurnSim's subscription tuple)
- ``event.csv``: ``account_id, event_time, event_type_id, user_id, event_value``
- ``event_type.csv``: ``event_type_id, event_type_name``
- ``world.json``: the model name, dates, seed and counts

Usage: ``python churnsim_driver.py MODEL OUT --start 2023-01-01 --end 2023-07-01
--customers 800 --growth 0.04 --seed 11``. The model is one of the package's configurations:
those with a YAML (``crm5``, ``crm6``, ``socialnet7``) are composed as hydra would (the
YAML on top of ``default.yaml``); ``biznet5`` ships only its CSV files (an older layout), so
its utility weights, transitions, population and countries are read from those CSVs, and
its plan table's ``prob`` column (where 1.2.0's code expects ``bill_period``) is replaced by
``bill_period = 1``: monthly plans.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path


def _config(model: str, conf_dir: Path, args: argparse.Namespace):
    from omegaconf import OmegaConf

    base = OmegaConf.load(conf_dir / "default.yaml")
    base.pop("defaults", None)
    base.pop("hydra", None)
    yaml = conf_dir / f"{model}.yaml"
    if yaml.exists():
        own = OmegaConf.load(yaml)
        own.pop("defaults", None)
        config = OmegaConf.merge(base, own)
    else:
        config = OmegaConf.merge(base, _csv_config(model, conf_dir))
    overrides = {
        "model": model,
        "start_date": args.start,
        "end_date": args.end,
        "init_customers": args.customers,
        "growth_rate": args.growth,
        "random_seed": args.seed,
        "n_parallel": 1,
        "dev": False,
        "live_sim": False,
        "force": True,
    }
    return OmegaConf.merge(config, overrides)


def _read_pairs(path: Path) -> dict[str, float]:
    with path.open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    return {row[0]: float(row[1]) for row in rows[1:] if row}


def _csv_config(model: str, conf_dir: Path) -> dict:
    """A configuration for a model that ships only CSVs (``biznet5``)."""
    utility = _read_pairs(conf_dir / f"{model}_utility.csv")
    population = _read_pairs(conf_dir / f"{model}_population.csv")
    country = _read_pairs(conf_dir / f"{model}_country.csv")
    total = sum(country.values())
    country = {k: v / total for k, v in country.items()}
    with (conf_dir / f"{model}_updownchurn.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    transition = {
        row["transition"]: {"scale": float(row["scale"]), "offset": float(row["offset"])}
        for row in rows
    }
    return {
        "utility": utility,
        "population": population,
        "country": country,
        "transition": transition,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model")
    parser.add_argument("out", type=Path)
    parser.add_argument("--start", default="2023-01-01")
    parser.add_argument("--end", default="2023-07-01")
    parser.add_argument("--customers", type=int, default=800)
    parser.add_argument("--growth", type=float, default=0.04)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    # ChurnSim keeps its customer-id counter in the temp folder: give it one of our own
    private_tmp = Path(tempfile.mkdtemp(prefix="churnsim-", dir=out))
    os.environ["TMPDIR"] = str(private_tmp)
    tempfile.tempdir = str(private_tmp)
    os.environ["CHURN_OUT_DIR"] = str(out / "_fightchurn")

    import numpy as np
    from fightchurn.churnsim import churnsim as cs
    from fightchurn.churnsim.customer import Customer

    Customer.ID_FILE = str(private_tmp / "churn_customer_id.txt")
    Customer.ID_LOCK_FILE = str(private_tmp / "churn_customer_id_lock.txt")

    conf_dir = Path(cs.__file__).parent / "conf"
    config = _config(args.model, conf_dir, args)
    random.seed(args.seed)
    np.random.seed(args.seed)

    accounts = (out / "account.csv").open("w", newline="")
    subscriptions = (out / "subscription.csv").open("w", newline="")
    events = (out / "event.csv").open("w", newline="")
    account_writer, subscription_writer, event_writer = (
        csv.writer(accounts),
        csv.writer(subscriptions),
        csv.writer(events),
    )
    account_writer.writerow(["account_id", "channel", "date_of_birth", "country", "start_date"])
    subscription_writer.writerow(
        [
            "account_id",
            "product",
            "start_date",
            "end_date",
            "mrr",
            "quantity",
            "units",
            "bill_period_months",
            "discount",
        ]
    )
    event_writer.writerow(["account_id", "event_time", "event_type_id", "user_id", "event_value"])
    counts = {"accounts": 0, "subscriptions": 0, "events": 0}

    class CsvSimulation(cs.ChurnSimulation):
        """ChurnSimulation writing to CSV files instead of PostgreSQL."""

        def __init__(self, config):
            super().__init__(config)
            if "bill_period" not in self.plans.columns:
                # biznet5's older plan table has a ``prob`` column where 1.2.0's code reads
                # ``bill_period`` (its upgrade step indexes it): monthly plans, as it meant
                self.plans = self.plans.drop(columns=["prob"], errors="ignore")
                self.plans.insert(1, "bill_period", 1)

        def first_sim_setup(self, force):
            self.remove_tmp_files()
            model = self.behavior_models[next(iter(self.behavior_models))]
            with (out / "event_type.csv").open("w", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(["event_type_id", "event_type_name"])
                for index, name in enumerate(model.behave_names):
                    writer.writerow([index, name])

        def sim_rate_debug_query(self):
            pass

        def add_customer_to_database(self, customer):
            country = "" if customer.country == "None" else customer.country
            account_writer.writerow(
                [
                    customer.id,
                    customer.channel,
                    customer.date_of_birth.isoformat(),
                    country,
                    customer.start_date.isoformat(),
                ]
            )
            counts["accounts"] += 1

        def customer_events_subs_to_database(self, customer):
            for s in customer.subscriptions:
                subscription_writer.writerow([customer.id, *s])
            for e in customer.events:
                event_writer.writerow(
                    [customer.id, e[0].isoformat(sep=" "), e[1], e[2], "" if e[3] is None else e[3]]
                )
            counts["subscriptions"] += len(customer.subscriptions)
            counts["events"] += len(customer.events)
            customer.clear_history()

    started = time.perf_counter()
    simulation = CsvSimulation(config)
    simulation.run_simulation(force=True)
    for handle in (accounts, subscriptions, events):
        handle.close()
    summary = {
        "model": args.model,
        "start_date": args.start,
        "end_date": args.end,
        "init_customers": args.customers,
        "growth_rate": args.growth,
        "seed": args.seed,
        "seconds": round(time.perf_counter() - started, 1),
        **counts,
    }
    (out / "world.json").write_text(json.dumps(summary, indent=2))
    print(json.dumps(summary), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
