"""Benchmark of the capacity choice on flat tables: the product against LightGBM's library defaults.

For each table, ``churn train --table``'s procedure (``train_model``: split, capacity
choice on the validation rows, fit with early stopping, calibration, refit, then the
stratified 5-fold cross-validation) runs once per capacity mode (``auto``, the default,
and ``fixed``, the settings before the choice existed), and the cross-validation's own
references run in the same folds: LightGBM with its library defaults
(``lightgbm.LGBMClassifier()``: 100 rounds, 31 leaves) and the logistic regression.
Prints per table and mode: 5-fold CV ROC-AUC of the product, of LightGBM defaults and of
the logistic regression, the capacity chosen and why, the booster's trees, their TreeSHAP cost (units of
``training.capacity.shap_cost``) and measured milliseconds per row (one thread; the modes'
boosters timed in turn, best of five).

Tables: IBM Telco (``tests/fixtures/telco``, not written by us), and scikit-learn
``make_classification`` tables with strong interactions (8 informative features, 6
clusters per class, 3% flipped labels, 25% positives) as stand-ins for small flat churn
tables, at 2k, 5k, 20k and 50k rows; ``--table PATH:LABEL`` adds any CSV or Parquet file.

    uv run python benchmarks/bench_capacity.py [--tables telco mc2k mc5k mc20k mc50k]
        [--table data.csv:churn] [--modes auto fixed] [--threads 2]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.datasets import make_classification

from training.artifact import encode_features
from training.capacity import shap_cost
from training.config import LightGBMConfig, TrainingConfig
from training.dataset import TrainingSet
from training.model_card import describe_capacity
from training.pipeline import train_model
from training.table import load_table

TELCO = (
    Path(__file__).resolve().parents[1]
    / "tests"
    / "fixtures"
    / "telco"
    / "Telco-Customer-Churn.csv"
)
STAND_INS = {"mc2k": 2_000, "mc5k": 5_000, "mc20k": 20_000, "mc50k": 50_000}
SHAP_ROWS = 5_000


def interaction_table(rows: int, seed: int = 0) -> TrainingSet:
    """A ``make_classification`` table whose classes are 6 clusters each in 8 informative dimensions."""
    matrix, label = make_classification(
        n_samples=rows,
        n_features=20,
        n_informative=8,
        n_redundant=2,
        n_clusters_per_class=6,
        flip_y=0.03,
        weights=[0.75],
        random_state=seed,
    )
    return TrainingSet(
        features=pd.DataFrame(matrix, columns=[f"x{j:02d}" for j in range(matrix.shape[1])]),
        label=label.astype(np.int8),
        categorical=(),
        source=f"make_classification {rows:,} rows",
        label_name="y",
        feature_set="make_classification",
        feature_set_version="1",
    )


def tables(names: list[str], extra: list[str]) -> dict[str, TrainingSet]:
    found: dict[str, TrainingSet] = {}
    for name in names:
        if name == "telco":
            found[name] = load_table(TELCO, "Churn")
        elif name in STAND_INS:
            found[name] = interaction_table(STAND_INS[name])
        else:
            raise SystemExit(f"unknown table {name!r}; choose from telco, {', '.join(STAND_INS)}")
    for spec in extra:
        path, _, label = spec.rpartition(":")
        found[Path(path).stem] = load_table(Path(path), label)
    return found


def treeshap_ms(results: list) -> list[float]:
    """Milliseconds per row of ``predict(pred_contrib=True)`` on test rows, one thread, for each result.

    The boosters are timed in turn, five times each, and the best time of each is kept, so
    a busy shared machine slows them alike.
    """
    work = []
    for result in results:
        artifact = result.artifact
        rows = result.test_frame().iloc[:SHAP_ROWS]
        matrix = encode_features(rows, artifact.features, artifact.categorical_levels)
        work.append((artifact.booster, matrix))
    best = [float("inf")] * len(work)
    for _ in range(5):
        for k, (booster, matrix) in enumerate(work):
            started = time.perf_counter()
            booster.predict(matrix, pred_contrib=True, num_threads=1)
            best[k] = min(best[k], (time.perf_counter() - started) * 1000 / len(matrix))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", nargs="*", default=["telco", *STAND_INS])
    parser.add_argument("--table", action="append", default=[], help="PATH:LABEL of another table")
    parser.add_argument("--modes", nargs="*", default=["auto", "fixed"])
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    lines = []
    for name, training_set in tables(args.tables, args.table).items():
        print(
            f"\n== {name}: {len(training_set.label):,} rows x {len(training_set.feature_names)} features, "
            f"churn {training_set.churn_rate:.1%}",
            flush=True,
        )
        results = {}
        for mode in args.modes:
            config = TrainingConfig(
                num_threads=args.threads, lightgbm=LightGBMConfig(capacity=mode)
            )
            started = time.perf_counter()
            result = train_model(training_set, config)
            seconds = time.perf_counter() - started
            results[mode] = result
            cv = result.cross_validation
            product, defaults = cv["roc_auc"].mean(), cv["lightgbm_defaults_roc_auc"].mean()
            booster = result.artifact.booster
            print(
                f"  {mode:<5}  CV ROC-AUC {product:.4f} (std {cv['roc_auc'].std():.4f})  "
                f"LightGBM defaults {defaults:.4f} ({product - defaults:+.4f})  "
                f"logistic {cv['logistic_roc_auc'].mean():.4f}  holdout {result.metrics.loc['model', 'roc_auc']:.4f}\n"
                f"         capacity: {describe_capacity(result.artifact)}\n"
                f"         {booster.current_iteration()} trees, TreeSHAP cost "
                f"{shap_cost(booster):,} units; trained and cross-validated in {seconds:.1f}s",
                flush=True,
            )
            if result.capacity is not None and result.capacity.candidates is not None:
                print(result.capacity.candidates.to_string(index=False, float_format="%.4f"))
            lines.append([name, mode, product, defaults, booster.current_iteration()])
        for line, ms in zip(
            lines[-len(results) :], treeshap_ms(list(results.values())), strict=True
        ):
            line.append(ms)
        print(
            "  TreeSHAP ms/row (one thread, boosters timed in turn): "
            + ", ".join(f"{line[1]} {line[-1]:.3f}" for line in lines[-len(results) :]),
            flush=True,
        )
    print("\ntable      mode   CV AUC  defaults    diff  trees  TreeSHAP ms/row")
    for name, mode, product, defaults, trees, ms in lines:
        print(
            f"{name:<10} {mode:<5} {product:7.4f}  {defaults:8.4f} {product - defaults:+7.4f}  {trees:5d}  {ms:7.3f}"
        )


if __name__ == "__main__":
    main()
