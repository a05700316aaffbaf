"""Proof on data nobody here wrote: ChurnSim worlds and public flat churn tables, product defaults vs quick references.

Part ``churnsim`` (see docs/external_benchmarks.md): for each world of the ``fightchurn``
package's simulator (run once in a side venv, cached under ``data/external/``), cut the
world at a date, train the product with its default ``TrainingConfig()`` on what was known
then, score every active account at the cut as ``churn score`` does (the artifact's feature
settings, then its ``Scorer``), and measure ROC-AUC on each account's first renewal decided
in the ``--window`` days after the cut. Beside it, in the same run, the quick reference:
LightGBM defaults and a logistic regression on counts per event type over 28 days
(:mod:`benchmarks.external.reference`). Target: product - reference LightGBM >= 0.02 on
each world.

Part ``tables``: flat tables through the product's ``--table`` path (``load_table`` and
``train_model`` with the default config), stratified 5-fold CV, the product trained on
each fold's training rows and scored on its held-out rows, against
``lightgbm.LGBMClassifier()`` on the same columns and folds. Target: product >= LightGBM
defaults on every table; Telco >= 0.85.

    uv run --frozen python benchmarks/bench_external.py                 # everything
    uv run --frozen python benchmarks/bench_external.py --only tables   # or churnsim
    uv run --frozen python benchmarks/bench_external.py --worlds crm5 --size small
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import io
import os
import subprocess
import sys
import tarfile
import time
import traceback
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.external.churnsim import (  # noqa: E402
    WorldSpec,
    convert,
    cut_world,
    decided_after,
    side_python,
    simulate,
)
from benchmarks.external.reference import reference_scores  # noqa: E402

EXTERNAL = ROOT / "data" / "external"
VENV = EXTERNAL / "fightchurn-venv"
WORLDS = ("crm5", "biznet5")
SIZES = {"small": 250, "default": 700}
"""Initial customers per world (ChurnSim adds 4% a month)."""
TELCO = Path("/work/shared/datasets/telco_ibm/Telco-Customer-Churn.csv")
TELCO_FIXTURE = ROOT / "tests" / "fixtures" / "telco" / "Telco-Customer-Churn.csv"
PYSURVIVAL = "pysurvival==0.1.2"
TARGET_WORLD_MARGIN = 0.02
TARGET_TELCO = 0.85
_START = time.perf_counter()


def say(message: str) -> None:
    print(f"[{time.perf_counter() - _START:7.1f} s] {message}", flush=True)


# ---------------------------------------------------------------------------- churnsim


@functools.cache
def contract_world(spec: WorldSpec):
    """The world simulated (cached on disk) and converted to the contract (once per run)."""
    say(f"{spec.model}: simulating {spec.name} (cached after the first run)")
    raw = simulate(spec, EXTERNAL / "churnsim", VENV)
    say(f"{spec.model}: converting to the data contract")
    return convert(raw)


def run_world(
    spec: WorldSpec, cut: pd.Timestamp, window: int, bootstrap: int, counts_only: bool = False
) -> dict:
    """One world at one cut: simulate (cached), convert, cut, product and references, AUCs."""
    world = contract_world(spec)
    known = cut_world(world, cut)
    folder = known.write(EXTERNAL / "churnsim" / spec.name / f"cut-{cut:%Y-%m-%d}")
    labels = decided_after(world, cut, window)
    row = {
        "world": spec.model,
        "cut": f"{cut:%Y-%m-%d}",
        "accounts": len(world.accounts),
        "events": len(world.usage_events),
        "active_at_cut": int(
            known.accounts["account_id"]
            .isin(set(known.renewals.loc[known.renewals["outcome"].isna(), "account_id"]))
            .sum()
        ),
        "past_decisions": int(known.renewals["outcome"].notna().sum()),
        "past_churn": float((known.renewals["outcome"] == "churned").mean()),
        "terms": ", ".join(
            f"{m}m {n}"
            for m, n in world.subscriptions["term_months"].value_counts().sort_index().items()
        ),
    }
    say(
        f"{spec.model}: {row['accounts']} accounts, {row['events']:,} events; cut {cut:%Y-%m-%d}: "
        f"{row['past_decisions']} past decisions ({row['past_churn']:.1%} churned), "
        f"{len(labels)} accounts with a decision in the next {window} days "
        f"({labels['churned'].mean():.1%} churned)"
    )

    product = None
    try:
        say(f"{spec.model}: product: churn train with the default TrainingConfig()")
        product, chosen = product_scores(folder, cut, counts_only)
        row["product_chose"] = chosen
    except Exception as error:  # the product's own errors are a result, not a crash
        message = " ".join(str(error).split())
        row["product_error"] = f"{type(error).__name__}: {message}"
        say(f"{spec.model}: product failed: {row['product_error'][:400]}")
        if os.environ.get("BENCH_TRACEBACK"):
            traceback.print_exc()

    evaluated = labels
    if product is not None:
        evaluated = labels.merge(product, on="account_id", how="inner")
        row["labelled_not_scored"] = len(labels) - len(evaluated)
    say(f"{spec.model}: quick reference (counts per event type over 28 days)")
    reference = reference_scores(known, evaluated["account_id"].tolist(), cut)
    row["reference_rows"] = reference["rows"]
    row["reference_churn"] = reference["churn_rate"]
    y = evaluated["churned"].to_numpy()
    row["renewals_after_cut"] = len(y)
    row["churn_rate"] = float(y.mean()) if len(y) else float("nan")
    row["reference_lightgbm_auc"] = _auc(y, reference["lightgbm"])
    row["logistic_auc"] = _auc(y, reference["logistic"])
    scores = evaluated[["account_id", "renewal_date", "churned"]].copy()
    scores["reference_lightgbm"] = reference["lightgbm"]
    scores["logistic"] = reference["logistic"]
    if product is not None:
        p = evaluated["churn_probability"].to_numpy(dtype=float)
        scores["product"] = p
        row["product_distinct_scores"] = len(np.unique(p))
        row["product_auc"] = _auc(y, p)
        row["product_minus_reference"] = row["product_auc"] - row["reference_lightgbm_auc"]
        row["difference_sd"] = _paired_bootstrap_sd(y, p, reference["lightgbm"], bootstrap)
    scores.to_csv(folder.parent / f"scores-{cut:%Y-%m-%d}.csv", index=False)
    return row


def product_config():
    """``TrainingConfig()`` with only its two reporting steps off (they change no model).

    The bench measures on data of its own (renewals after the cut, held-out folds), so the
    product's own cross-validation table (``cv_folds``) and rolling backtest
    (``backtest.folds``) would only cost time: each refits the model several times. Every
    setting that shapes the model (geometry, features, LightGBM, calibration) is the default.
    """
    from training.config import TrainingConfig

    config = TrainingConfig()
    return config.model_copy(
        update={"cv_folds": 0, "backtest": config.backtest.model_copy(update={"folds": 0})}
    )


COUNT_SUFFIXES = ("_count_30d", "_count_90d")
"""``--counts-only``: the per-event features the product keeps (an experiment, not a product option)."""


def product_scores(
    folder: Path, cut: pd.Timestamp, counts_only: bool = False
) -> tuple[pd.DataFrame, dict]:
    """Train on ``folder`` with the default config, score its active accounts at ``cut``.

    With ``counts_only`` the training set keeps only the per-event 30- and 90-day counts
    (an experiment on small, noisy worlds: fewer features; the default config otherwise).
    """
    from features.data import load_dataset
    from serving.scoring.run import account_context, scoring_features
    from serving.scoring.scorer import Scorer
    from training.pipeline import MODEL, train_model
    from training.renewals import load_renewal_training_set

    config = product_config()
    training_set = load_renewal_training_set(folder, config)
    if counts_only:
        kept = [
            name
            for name in training_set.feature_names
            if name.startswith("event_") and name.endswith(COUNT_SUFFIXES)
        ]
        dropped = [name for name in training_set.feature_names if name not in kept]
        training_set = training_set.without(dropped, "--counts-only: per-event counts only")
    say(
        f"    training set: {len(training_set.features):,} observation points x "
        f"{training_set.features.shape[1]} features, churn {training_set.churn_rate:.1%}"
    )
    for note in training_set.notes:
        say(f"    note: {note}")
    result = train_model(training_set, config)
    test_auc = (
        float(result.metrics.loc[MODEL, "roc_auc"]) if MODEL in result.metrics.index else None
    )
    scorer = Scorer(result.artifact)
    moment = cut.to_pydatetime()
    with load_dataset(folder) as dataset:
        features = scoring_features(dataset, scorer, moment)
        accounts = account_context(dataset, moment)
    batch = scorer.score(features, accounts)
    frame = batch.frame[["account_id", "churn_probability"]].copy()
    frame["account_id"] = frame["account_id"].astype(str)
    chosen = _chosen(result, training_set, test_auc)
    say(f"    product chose: {chosen}")
    return frame, chosen


def _chosen(result, training_set, test_auc) -> dict:
    chosen = _shape(result)
    chosen["points"] = len(training_set.features)
    if training_set.keys is not None and "lead_days" in training_set.keys:
        leads = training_set.keys["lead_days"].value_counts().sort_index()
        chosen["lead_days"] = {int(k): int(v) for k, v in leads.items()}
    vocabulary = getattr(result.artifact.feature_config, "usage_events_vocabulary", ())
    chosen["event_vocabulary"] = len(vocabulary)
    if test_auc is not None:
        chosen["own_test_auc"] = round(test_auc, 4)
    capacity = result.artifact.metadata.get("capacity")
    if isinstance(capacity, dict):
        chosen["capacity"] = capacity.get("reason", capacity.get("chosen"))
        chosen["candidates"] = {
            c.get("candidate"): f"log loss {c.get('valid_log_loss', float('nan')):.4f}, "
            f"rounds {c.get('rounds')}"
            for c in capacity.get("candidates", [])
        }
    geometry = result.artifact.metadata.get("geometry")
    if geometry is not None:
        chosen["geometry"] = str(geometry)[:400]
    return chosen


SHAPE_KEYS = ("num_leaves", "max_depth", "min_data_in_leaf", "min_child_samples", "lambda_l2")


def _shape(result) -> dict:
    """The tree shape the product trained with (whatever chose it) and its number of trees."""
    shape = {key: result.params[key] for key in SHAPE_KEYS if key in result.params}
    shape["trees"] = int(result.artifact.booster.num_trees())
    return shape


def _auc(y: np.ndarray, score: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    if len(np.unique(y)) < 2:
        return float("nan")
    return float(roc_auc_score(y, score))


def _paired_bootstrap_sd(y: np.ndarray, a: np.ndarray, b: np.ndarray, n: int) -> float:
    """Standard deviation of AUC(a) - AUC(b) over ``n`` paired bootstrap resamples (seeded)."""
    rng = np.random.default_rng(0)
    differences = []
    for _ in range(n):
        take = rng.integers(0, len(y), len(y))
        if len(np.unique(y[take])) < 2:
            continue
        differences.append(_auc(y[take], a[take]) - _auc(y[take], b[take]))
    return float(np.std(differences)) if differences else float("nan")


def print_worlds(rows: list[dict], window: int) -> bool:
    print()
    print(
        "ChurnSim worlds: AUC at the cut on the accounts active then, label = churned at a "
        f"renewal decided in the {window} days after it"
    )
    several = len({row["cut"] for row in rows}) > 1
    for row in rows:
        row["label"] = f"{row['world']} {row['cut']}" if several else row["world"]
    width = max(9, *(len(row["label"]) + 1 for row in rows))
    header = (
        f"{'world':<{width}}{'accounts':>9}{'labelled':>9}{'churn':>7}{'product':>9}"
        f"{'ref LGBM':>9}{'logistic':>9}{'prod-ref':>10}{'(sd)':>7}"
    )
    print(header)
    print("-" * len(header))
    met = True
    for row in rows:
        start = (
            f"{row['label']:<{width}}{row['accounts']:>9}{row['renewals_after_cut']:>9}"
            f"{row['churn_rate']:>7.1%}"
        )
        refs = f"{row['reference_lightgbm_auc']:>9.3f}{row['logistic_auc']:>9.3f}"
        if "product_error" in row:
            print(f"{start}{'failed':>9}{refs}{'-':>10}")
            print(f"{'':<{width}}failed: {row['product_error'][:300]}")
            met = False
        else:
            print(
                f"{start}{row['product_auc']:>9.3f}{refs}{row['product_minus_reference']:>+10.3f}"
                f"{row['difference_sd']:>7.3f}"
            )
            difference, sd = row["product_minus_reference"], row["difference_sd"]
            if not several:
                met &= difference >= TARGET_WORLD_MARGIN
            row["verdict"] = _verdict(difference, sd)
    if several:
        met = _print_pooled(rows, width) and met
    for row in rows:
        extra = f"terms {row['terms']}; reference trained on {row['reference_rows']} points"
        if "product_distinct_scores" in row:
            extra += f"; the product gave {row['product_distinct_scores']} distinct scores"
        if "labelled_not_scored" in row:
            extra += f"; {row['labelled_not_scored']} labelled accounts not scored by the product"
        print(f"  {row['label']}: {extra}")
        if "verdict" in row:
            print(f"  {row['label']}: target {row['verdict']}")
        if "product_chose" in row:
            print(f"  {row['label']}: product chose {row['product_chose']}")
    verdict = "met" if met else "NOT met"
    print(
        f"Target: product beats the quick reference by >= {TARGET_WORLD_MARGIN} AUC on each world: {verdict}"
    )
    return met


def _verdict(difference: float, sd: float) -> str:
    resolved = abs(difference - TARGET_WORLD_MARGIN) >= 2 * sd
    return (
        f"{'met' if difference >= TARGET_WORLD_MARGIN else 'NOT met'}"
        f"{'' if resolved else ' (within 2 sd of the target: not resolved at this size)'}"
    )


def _print_pooled(rows: list[dict], width: int) -> bool:
    """Per world over its cuts: the mean prod-ref and its sd, and whether the target is met.

    The sd of the mean treats the cuts' bootstrap sds as independent (sqrt of the sum of
    squares over the number of cuts); the cuts share accounts, so it is somewhat optimistic.
    """
    met = True
    for world in dict.fromkeys(row["world"] for row in rows):
        cuts = [row for row in rows if row["world"] == world]
        if any("product_error" in row for row in cuts):
            met = False
            continue
        difference = float(np.mean([row["product_minus_reference"] for row in cuts]))
        sd = float(np.sqrt(sum(row["difference_sd"] ** 2 for row in cuts)) / len(cuts))
        verdict = _verdict(difference, sd)
        met &= difference >= TARGET_WORLD_MARGIN
        print(
            f"{world + ' pooled':<{width}}{sum(r['renewals_after_cut'] for r in cuts):>18}"
            f"{'':>34}{difference:>+10.3f}{sd:>7.3f}  {len(cuts)} cuts: target {verdict}"
        )
    return met


# ---------------------------------------------------------------------------- tables


def pysurvival_churn() -> Path:
    """pysurvival 0.1.2's ``datasets/churn.csv``, read from its sdist (downloaded once, cached)."""
    target = EXTERNAL / "tables" / "pysurvival_churn.csv"
    if target.exists():
        return target
    python = side_python(VENV)
    download = EXTERNAL / "downloads"
    download.mkdir(parents=True, exist_ok=True)
    archive = next(download.glob("pysurvival-0.1.2.tar.gz"), None)
    if archive is None:
        say("tables: pip download --no-deps pysurvival==0.1.2 (its sdist ships datasets/churn.csv)")
        subprocess.run(
            [
                str(python),
                *("-m", "pip", "download", "--quiet", "--no-deps", "--no-build-isolation"),
                *("--disable-pip-version-check", PYSURVIVAL, "-d", str(download)),
            ],
            check=True,
        )
        archive = next(download.glob("pysurvival-0.1.2.tar.gz"))
    with tarfile.open(archive) as tar:
        data = tar.extractfile("pysurvival-0.1.2/pysurvival/datasets/churn.csv").read()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    pd.read_csv(io.BytesIO(data))  # readable, or fail here
    return target


def tables() -> list[dict]:
    telco = TELCO if TELCO.exists() else TELCO_FIXTURE
    return [
        {"table": "telco", "path": telco, "label": "Churn", "id": "customerID"},
        {"table": "pysurvival churn", "path": pysurvival_churn(), "label": "churned", "id": None},
    ]


def run_table(spec: dict, folds: int) -> dict:
    import lightgbm
    from sklearn.model_selection import StratifiedKFold

    from training.pipeline import train_model
    from training.table import load_table

    training_set = load_table(spec["path"], spec["label"], id_column=spec["id"])
    features, label = training_set.features, training_set.label
    encoded = features.copy()
    for name in training_set.categorical:
        encoded[name] = pd.Categorical(
            encoded[name], categories=sorted(encoded[name].dropna().unique())
        )
    config = product_config()
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=config.seed)
    product_aucs, reference_aucs, chosen = [], [], []
    for fold, (rest, held) in enumerate(splitter.split(features, label), start=1):
        part = _subset(training_set, rest)
        result = train_model(part, config)
        probability = result.artifact.predict_proba(features.iloc[held])
        product_aucs.append(_auc(label[held], probability))
        reference = lightgbm.LGBMClassifier(verbose=-1)
        reference.fit(encoded.iloc[rest], label[rest])
        reference_aucs.append(_auc(label[held], reference.predict_proba(encoded.iloc[held])[:, 1]))
        chosen.append(_shape(result))
        say(
            f"{spec['table']}: fold {fold}/{folds}: product {product_aucs[-1]:.4f}, "
            f"LightGBM defaults {reference_aucs[-1]:.4f}; product steps "
            + ", ".join(f"{k} {v:.0f} s" for k, v in result.timings.items())
        )
    return {
        "table": spec["table"],
        "rows": len(features),
        "columns": features.shape[1],
        "churn_rate": float(label.mean()),
        "product": np.array(product_aucs),
        "reference": np.array(reference_aucs),
        "chosen": chosen,
    }


def _subset(training_set, rows: np.ndarray):
    """The training set's rows ``rows`` (every per-row field taken along)."""
    updates = {}
    for field in dataclasses.fields(training_set):
        value = getattr(training_set, field.name)
        if field.name == "features" or isinstance(value, pd.Series | pd.DataFrame):
            updates[field.name] = value.iloc[rows]
        elif isinstance(value, np.ndarray) and len(value) == len(training_set.features):
            updates[field.name] = value[rows]
    return dataclasses.replace(training_set, **updates)


def print_tables(rows: list[dict], folds: int) -> bool:
    print()
    print(f"Flat tables: stratified {folds}-fold CV ROC-AUC (same folds), mean +- sd")
    header = f"{'table':<18}{'rows':>7}{'cols':>6}{'churn':>7}{'product':>17}{'LGBM defaults':>17}{'diff':>9}"
    print(header)
    print("-" * len(header))
    met = True
    for row in rows:
        p, r = row["product"], row["reference"]
        print(
            f"{row['table']:<18}{row['rows']:>7}{row['columns']:>6}{row['churn_rate']:>7.1%}"
            f"{p.mean():>10.4f} +- {p.std(ddof=1):.4f}{r.mean():>10.4f} +- {r.std(ddof=1):.4f}"
            f"{p.mean() - r.mean():>+9.4f}"
        )
        met &= p.mean() >= r.mean()
        if row["table"] == "telco":
            met &= p.mean() >= TARGET_TELCO
    for row in rows:
        for fold, shape in enumerate(row["chosen"], start=1):
            print(f"  {row['table']}: fold {fold}: the product trained {shape}")
    verdict = "met" if met else "NOT met"
    print(
        f"Target: product >= LightGBM defaults on every table; Telco >= {TARGET_TELCO}: {verdict}"
    )
    return met


# ---------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["churnsim", "tables"], help="run one part only")
    parser.add_argument(
        "--worlds", default=",".join(WORLDS), help="ChurnSim models, comma-separated"
    )
    parser.add_argument("--size", choices=sorted(SIZES), default="default", help="world size")
    parser.add_argument(
        "--customers", type=int, help="initial customers per world (overrides --size)"
    )
    parser.add_argument("--start", default="2023-01-01", help="first simulated day")
    parser.add_argument("--end", default="2023-06-01", help="the day the simulation stops")
    parser.add_argument(
        "--cut",
        default="2023-04-01",
        help="train on what was known before this day; several, comma-separated, are pooled per world",
    )
    parser.add_argument(
        "--window", type=int, default=60, help="days after the cut whose renewals are scored"
    )
    parser.add_argument("--seed", type=int, default=11, help="ChurnSim seed")
    parser.add_argument(
        "--counts-only",
        action="store_true",
        help="experiment: the product learns from its per-event 30- and 90-day counts only",
    )
    parser.add_argument("--folds", type=int, default=5, help="CV folds for the flat tables")
    parser.add_argument("--bootstrap", type=int, default=500, help="paired bootstrap resamples")
    args = parser.parse_args()
    try:
        cuts = [pd.Timestamp(value) for value in args.cut.split(",") if value.strip()]
    except ValueError as error:
        parser.error(f"--cut {args.cut!r}: {error}; give dates like 2023-04-01,2023-06-01")
    if not cuts:
        parser.error("--cut needs at least one date, e.g. 2023-04-01")
    if any(cut + pd.Timedelta(days=args.window) > pd.Timestamp(args.end) for cut in cuts):
        parser.error("--cut + --window must not pass --end: those renewals are not decided yet")

    print(f"bench_external: {' '.join(sys.argv[1:]) or '(defaults)'}", flush=True)
    results = {}
    if args.only in (None, "churnsim"):
        rows = []
        for model in [m.strip() for m in args.worlds.split(",") if m.strip()]:
            spec = WorldSpec(
                model,
                args.start,
                args.end,
                customers=args.customers or SIZES[args.size],
                seed=args.seed,
            )
            rows += [
                run_world(spec, cut, args.window, args.bootstrap, args.counts_only) for cut in cuts
            ]
        results["churnsim"] = print_worlds(rows, args.window)
    if args.only in (None, "tables"):
        rows = [run_table(spec, args.folds) for spec in tables()]
        results["tables"] = print_tables(rows, args.folds)
    print()
    print(
        f"Total time {time.perf_counter() - _START:.1f} s; targets: "
        + ", ".join(f"{part} {'met' if met else 'NOT met'}" for part, met in results.items())
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
