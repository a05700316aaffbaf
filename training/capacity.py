"""Model capacity chosen by the validation rows: a few tree shapes sized to the data, one picked.

No single tree shape serves 5,000 flat rows with strong interactions and a million
observation points: the first want more leaves with fewer rows each, tiny or noisy tables
want fewer leaves and more shrinkage. With ``lightgbm.capacity: auto`` (the default) each
candidate of :func:`capacity_grid` is boosted on the training rows with early stopping on
the same validation rows, and :func:`choose_capacity` keeps the one with the lowest
validation log loss, provided it beats the configured shape (``default``) by more than one
standard error of the per-row difference (otherwise the default stays: a gain within the
noise of the validation rows is not evidence) and its trees fit the TreeSHAP budget.

Log loss, not ROC-AUC, decides: it is what early stopping already minimises for each
candidate, it is a proper score that punishes the over-confident leaves of an overfitted
shape (AUC only sees the ranking), and per-row values give the standard error. AUC is
reported beside it.

Serving explains every score with TreeSHAP, whose cost per row grows with the trees'
leaves and depth: :func:`shap_cost` counts it as the sum over trees and leaves of the
squared leaf depth (9-13 ns per unit for one row on the 2-core development machine), and a
candidate other than ``default`` above :data:`SHAP_BUDGET` units (about 1 ms per row) is
reported but not chosen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from training.booster import fit_booster, lightgbm_params
from training.config import LightGBMConfig, TrainingConfig
from training.cross_fit import FOLDS, CrossFit, cross_fit, fold_splits, is_small, rarer_count
from training.fitting import EncodedData

CAPACITY_KEYS = ("num_leaves", "max_depth", "min_child_samples", "lambda_l2")
"""The tree-shape settings the capacity choice varies; any of them given in the config stays fixed."""

WIDER_RATE_FACTOR = 2.0
"""The wider shapes learn at this multiple of the configured learning rate (unless it is given):
they then need about half the trees, which keeps their TreeSHAP cost near the budget."""

LARGE_TRAIN_ROWS = 100_000
"""From this many training rows on only the configured shape is fitted (see :func:`capacity_grid`)."""

MIN_CHURNERS_FOR_WIDER = 200
"""Wider trees are tried only when the training rows hold at least this many of the rarer outcome."""

SHAP_BUDGET = 100_000
"""Most TreeSHAP work units (:func:`shap_cost`) a candidate other than ``default`` may have.

About 1 ms per explained row, one thread (9-13 ns per unit measured on the shared 2-core
machine): about 350 trees of the default shape or 90 of 31 leaves at depth 7 (the booster
refitted on the training and validation rows has about a third more trees). ``default``
is never excluded.
"""


@dataclass(frozen=True)
class Candidate:
    """One tree shape of the grid: leaves, depth limit, fewest rows per leaf and L2 penalty."""

    name: str
    num_leaves: int
    max_depth: int
    min_child_samples: int
    lambda_l2: float
    learning_rate: float

    def shape(self) -> dict[str, Any]:
        return {key: getattr(self, key) for key in CAPACITY_KEYS}

    def settings(self) -> dict[str, Any]:
        return {**self.shape(), "learning_rate": self.learning_rate}

    def describe(self) -> str:
        depth = "no depth limit" if self.max_depth < 0 else f"depth {self.max_depth}"
        return (
            f"{self.num_leaves} leaves, {depth}, {self.min_child_samples} rows per leaf, "
            f"L2 {self.lambda_l2:g}, learning rate {self.learning_rate:g}"
        )


@dataclass(frozen=True)
class CapacityChoice:
    """The LightGBM settings the final fit uses, how they were chosen and the evidence.

    ``mode`` is ``auto`` (chosen by validation), ``fixed`` (nothing to choose:
    ``lightgbm.capacity: fixed``, every capacity setting given in the config, or at least
    :data:`LARGE_TRAIN_ROWS` training rows; ``reason`` says which) or ``tuned`` (``--tune``).
    ``candidates`` has one row per candidate (its settings, boosting rounds kept by early
    stopping, validation log loss and ROC-AUC, TreeSHAP cost, whether it was chosen);
    ``booster`` is the chosen candidate's early-stopped booster, so it is not fitted twice;
    on a small training set ``cross_fitted`` instead holds the chosen candidate's
    cross-validation (its rounds and out-of-fold margins, see :mod:`training.cross_fit`),
    and the candidates' log loss and ROC-AUC are out-of-fold over the training and
    validation rows.
    """

    config: LightGBMConfig
    mode: str
    chosen: str
    reason: str
    candidates: pd.DataFrame | None = None
    booster: lgb.Booster | None = field(default=None, repr=False, compare=False)
    cross_fitted: CrossFit | None = field(default=None, repr=False, compare=False)

    @property
    def evidence(self) -> str:
        """The rows the candidates were compared on, in a few words."""
        if self.cross_fitted is None:
            return "validation rows"
        return (
            f"{self.cross_fitted.folds}-fold cross-validation over the training and validation rows"
        )

    def metadata(self) -> dict[str, Any]:
        """The choice as plain values for the artifact's metadata and the MLflow run."""
        table = None
        if self.candidates is not None:
            table = [
                {key: _plain(value) for key, value in row.items()}
                for row in self.candidates.to_dict(orient="records")
            ]
        return {
            "mode": self.mode,
            "chosen": self.chosen,
            "reason": self.reason,
            "evidence": self.evidence,
            "cross_validation_folds": None
            if self.cross_fitted is None
            else self.cross_fitted.folds,
            **{key: getattr(self.config, key) for key in CAPACITY_KEYS},
            "learning_rate": self.config.learning_rate,
            "candidates": table,
        }


def pinned_settings(config: LightGBMConfig) -> dict[str, Any]:
    """The capacity settings given explicitly in the config (YAML or constructor): they win."""
    return {key: getattr(config, key) for key in CAPACITY_KEYS if key in config.model_fields_set}


def capacity_grid(config: LightGBMConfig, train_rows: int, minority_rows: int) -> list[Candidate]:
    """The candidates for a training set of ``train_rows`` rows, ``minority_rows`` of the rarer outcome.

    Always the configured shape (``default``: 15 leaves, depth 5, 50 rows per leaf, L2 1).
    Below :data:`LARGE_TRAIN_ROWS` training rows also a smaller, more regularised shape
    (7 leaves, depth 3, L2 5, rows per leaf 100 or a twentieth of the rows), for tiny or
    noisy tables, a ``shallow`` one (3 leaves, depth 2) and an ``additive`` one (stumps:
    one split per tree, so the model is a sum of one-feature effects, at twice the learning
    rate as stumps learn slowly; Telco's table, whose churn is nearly additive, chose it on
    every fold: 0.8494 -> 0.8501 in bench_external's 5-fold CV); and, with at least :data:`MIN_CHURNERS_FOR_WIDER` rows of the rarer
    outcome, shapes for tables with strong interactions: the default's leaves with 20 rows
    per leaf (``finer``, the same TreeSHAP cost per tree), and two wider ones (31 leaves at
    depth 7 with 20 rows per leaf; 31 leaves at depth 6 with 10 rows per leaf and L2 5),
    which cost about four times as much per tree and so learn at twice the learning rate
    (:data:`WIDER_RATE_FACTOR`; the configured one when ``learning_rate`` is given). From
    :data:`LARGE_TRAIN_ROWS` on only ``default``: on our renewal worlds of
    120k-1M observation points the default was best within 0.001 AUC in a sweep of
    leaves, depth, rows per leaf and L2 (docs/training.md), and each extra fit there costs
    seconds of the two-minute training budget. Settings given in the config replace the
    candidates' values; candidates that become identical are tried once.
    """
    pinned = pinned_settings(config)
    rate = config.learning_rate
    given = "learning_rate" in config.model_fields_set
    fast = rate if given else min(1.0, WIDER_RATE_FACTOR * rate)
    default = Candidate("default", *(getattr(config, key) for key in CAPACITY_KEYS), rate)
    grid = [default]
    if train_rows < LARGE_TRAIN_ROWS:
        grid.append(Candidate("smaller", 7, 3, max(1, min(100, train_rows // 20)), 5.0, rate))
        grid.append(Candidate("shallow", 3, 2, max(1, min(50, train_rows // 20)), 5.0, rate))
        grid.append(Candidate("additive", 2, 1, max(1, min(50, train_rows // 20)), 5.0, fast))
        if minority_rows >= MIN_CHURNERS_FOR_WIDER:
            grid.append(Candidate("finer", 15, 5, 20, 1.0, rate))
            grid.append(Candidate("wider", 31, 7, 20, 1.0, fast))
            grid.append(Candidate("wider_l2", 31, 6, 10, 5.0, fast))
    unique: list[Candidate] = []
    for candidate in grid:
        shape = {**candidate.shape(), **pinned}
        if all(shape != other.shape() for other in unique):
            unique.append(Candidate(candidate.name, **shape, learning_rate=candidate.learning_rate))
    return unique


def shap_cost(booster: lgb.Booster) -> int:
    """TreeSHAP work per explained row: the sum over trees and leaves of the leaf's depth squared.

    LightGBM's TreeSHAP walks every node of every tree and spends time proportional to
    the path length at each leaf for each of the path's features, so this tracks measured
    milliseconds per row across tree shapes (9-13 ns per unit, one thread; trees of 7
    leaves cost relatively more, about 1 microsecond per tree).
    """
    total = 0
    for tree in booster.dump_model()["tree_info"]:
        stack = [(tree["tree_structure"], 0)]
        while stack:
            node, depth = stack.pop()
            if "left_child" in node:
                stack += [(node["left_child"], depth + 1), (node["right_child"], depth + 1)]
            else:
                total += depth * depth
    return total


def fixed_capacity(config: LightGBMConfig, mode: str, reason: str) -> CapacityChoice:
    """The settings as they are (``fixed`` in the config, or found by ``--tune``)."""
    return CapacityChoice(config, mode, "default", reason)


def choose_capacity(
    data: EncodedData, train: np.ndarray, valid: np.ndarray, config: TrainingConfig
) -> CapacityChoice:
    """The candidate with the best validation log loss, if it beats ``default`` beyond the noise."""
    lgb_config = config.lightgbm
    if lgb_config.capacity == "fixed":
        return fixed_capacity(
            lgb_config,
            "fixed",
            f"{_shape(lgb_config)} as configured (lightgbm.capacity: fixed)",
        )
    grid = capacity_grid(lgb_config, len(train), rarer_count(data.label[train]))
    small = is_small(data, train, valid)
    if len(grid) == 1 and not small:
        given = sorted(pinned_settings(lgb_config))
        why = (
            f"every capacity setting is given in the config ({', '.join(given)})"
            if len(given) == len(CAPACITY_KEYS)
            else f"{len(train):,} training rows: from {LARGE_TRAIN_ROWS:,} on the default shape is kept"
        )
        return fixed_capacity(lgb_config, "fixed", f"{_shape(lgb_config)}; {why}")
    if small:
        return _choose_by_cross_validation(data, train, valid, config, grid)
    valid_label = data.label[valid]
    rows, boosters, losses = [], [], []
    for candidate in grid:
        params, settings = _candidate_params(candidate, config)
        booster = fit_booster(
            data.rows(train),
            data.rows(valid),
            data.feature_names,
            data.categorical,
            params,
            settings.max_rounds,
            settings.early_stopping_rounds,
        )
        probability = booster.predict(data.take(valid), num_threads=config.num_threads)
        loss = _row_log_loss(valid_label, probability)
        boosters.append(booster)
        losses.append(loss)
        rows.append(
            _candidate_row(candidate, booster.current_iteration(), valid_label, probability, loss)
            | {"shap_cost": shap_cost(booster)}
        )
    table, best, why = _ranked(rows, losses)
    chosen = grid[best]
    reason = (
        f"{chosen.describe()} chosen by validation log loss among {len(grid)} candidates ({why})"
    )
    return CapacityChoice(
        lgb_config.model_copy(update=chosen.settings()),
        "auto",
        chosen.name,
        reason,
        table,
        boosters[best],
    )


def _choose_by_cross_validation(
    data: EncodedData,
    train: np.ndarray,
    valid: np.ndarray,
    config: TrainingConfig,
    grid: list[Candidate],
) -> CapacityChoice:
    """Each candidate cross-validated over the training and validation rows (small data)."""
    lgb_config = config.lightgbm
    rows = np.sort(np.concatenate([train, valid]))
    label = data.label[rows]
    group = None if data.group is None else np.asarray(data.group)[rows]
    splits = fold_splits(label, group, FOLDS, config.seed)
    table_rows, fits, losses = [], [], []
    for candidate in grid:
        params, settings = _candidate_params(candidate, config)
        fitted = cross_fit(
            data, rows, splits, params, settings.max_rounds, settings.early_stopping_rounds
        )
        probability = fitted.probability()
        loss = _row_log_loss(label, probability)
        fits.append(fitted)
        losses.append(loss)
        saved_rounds = (
            fitted.rounds_for(len(data.label)) if lgb_config.refit_on_test else fitted.final_rounds
        )
        cost = shap_cost(fitted.fold_booster) * saved_rounds / fitted.rounds
        table_rows.append(
            _candidate_row(candidate, fitted.rounds, label, probability, loss)
            | {"shap_cost": round(cost)}
        )
    table, best, why = _ranked(table_rows, losses)
    chosen = grid[best]
    minority = rarer_count(data.label[valid])
    reason = (
        f"{chosen.describe()} chosen by out-of-fold log loss among {len(grid)} candidates in "
        f"{fits[best].folds}-fold cross-validation over the {len(rows):,} training and validation rows "
        f"({why}); cross-validated because the data is small ({len(rows):,} rows, "
        f"{minority} of the rarer outcome among the validation rows); "
        f"{fits[best].final_rounds} rounds on all of them"
    )
    return CapacityChoice(
        lgb_config.model_copy(update=chosen.settings()),
        "auto",
        chosen.name,
        reason,
        table,
        cross_fitted=fits[best],
    )


def _candidate_params(
    candidate: Candidate, config: TrainingConfig
) -> tuple[dict[str, Any], LightGBMConfig]:
    """LightGBM parameters of ``candidate``, and the LightGBM settings they come from."""
    settings = config.lightgbm.model_copy(update=candidate.settings())
    return lightgbm_params(settings, config.seed, config.num_threads), settings


def _ranked(rows: list[dict[str, Any]], losses: list[np.ndarray]) -> tuple[pd.DataFrame, int, str]:
    """The candidates' table with its ``chosen`` column, the chosen index and why (see :func:`_pick`)."""
    table = pd.DataFrame(rows)
    best, why = _pick(table, losses)
    table["chosen"] = table.index == best
    return table, best, why


def _candidate_row(
    candidate: Candidate, rounds: int, label: np.ndarray, probability: np.ndarray, loss: np.ndarray
) -> dict[str, Any]:
    return {
        "candidate": candidate.name,
        **candidate.settings(),
        "rounds": rounds,
        "valid_log_loss": float(loss.mean()),
        "valid_roc_auc": _auc(label, probability),
    }


def _pick(table: pd.DataFrame, losses: list[np.ndarray]) -> tuple[int, str]:
    """Index of the chosen candidate (0 is ``default``) and a few words on why."""
    default_loss = table["valid_log_loss"].iloc[0]
    affordable = table["shap_cost"] <= max(SHAP_BUDGET, table["shap_cost"].iloc[0])
    best = int(table["valid_log_loss"].where(affordable).idxmin())
    lowest = int(table["valid_log_loss"].idxmin())
    over = ""
    if lowest != best:
        over = (
            f"; {table['candidate'].iloc[lowest]} {table['valid_log_loss'].iloc[lowest]:.4f} is over "
            f"the TreeSHAP budget ({table['shap_cost'].iloc[lowest]:,} units, at most {SHAP_BUDGET:,})"
        )
    if best == 0:
        return 0, f"{default_loss:.4f}, the lowest{' affordable' if over else ''}{over}"
    difference = losses[best] - losses[0]
    noise = float(difference.std(ddof=1) / np.sqrt(len(difference)))
    loss = table["valid_log_loss"].iloc[best]
    if -difference.mean() <= noise:
        name = table["candidate"].iloc[best]
        return 0, (
            f"{default_loss:.4f}; {name} {loss:.4f} is within one standard error ({noise:.4f}){over}"
        )
    return best, (
        f"{loss:.4f} vs {default_loss:.4f} for the default, standard error {noise:.4f}{over}"
    )


def _row_log_loss(label: np.ndarray, probability: np.ndarray) -> np.ndarray:
    p = np.clip(probability, 1e-15, 1 - 1e-15)
    return -(label * np.log(p) + (1 - label) * np.log1p(-p))


def _auc(label: np.ndarray, score: np.ndarray) -> float:
    return float(roc_auc_score(label, score)) if len(np.unique(label)) == 2 else float("nan")


def _shape(config: LightGBMConfig) -> str:
    shape = (getattr(config, key) for key in CAPACITY_KEYS)
    return Candidate("", *shape, config.learning_rate).describe()


def _plain(value: object) -> object:
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value
