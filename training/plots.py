"""The evaluation plots of a training run (matplotlib, no display needed).

Calibration curve, cumulative gains and lift, SHAP summary, score distribution by
outcome, and the backtest over time. Each function returns a Figure; :func:`write_plots`
saves them all as PNG files.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import shap
from matplotlib.figure import Figure

from training.pipeline import MODEL, TrainingResult

_NAMES = {
    MODEL: "LightGBM (calibrated)",
    f"{MODEL}_uncalibrated": "LightGBM (raw)",
    "logistic": "Logistic regression",
    "scorecard": "Rule scorecard",
    "ceiling": "Best knowable at as_of (fair ceiling)",
    "ceiling_hindsight": "True probability (ceiling with hindsight)",
}


def calibration_curve(label: np.ndarray, scores: dict[str, np.ndarray], bins: int = 10) -> Figure:
    """Observed churn rate against mean predicted probability, per equal-width bin."""
    figure, axis = plt.subplots(figsize=(6, 5))
    axis.plot([0, 1], [0, 1], color="grey", linestyle=":", label="perfect calibration")
    for name, probability in scores.items():
        index = np.minimum((probability * bins).astype(int), bins - 1)
        frame = pd.DataFrame({"bin": index, "p": probability, "y": label}).groupby("bin").mean()
        axis.plot(frame["p"], frame["y"], marker="o", label=_NAMES.get(name, name))
    axis.set(
        xlabel="Predicted churn probability",
        ylabel="Observed churn rate",
        title="Calibration (test rows)",
    )
    axis.legend(fontsize=8)
    figure.tight_layout()
    return figure


def gains_and_lift(label: np.ndarray, scores: dict[str, np.ndarray]) -> Figure:
    """Cumulative share of churners caught, and lift, against the share of rows contacted."""
    figure, (gains, lift) = plt.subplots(1, 2, figsize=(11, 4.5))
    share = np.arange(1, len(label) + 1) / len(label)
    gains.plot([0, 1], [0, 1], color="grey", linestyle=":", label="random")
    for name, probability in scores.items():
        caught = np.cumsum(label[np.argsort(-probability, kind="stable")]) / label.sum()
        gains.plot(share, caught, label=_NAMES.get(name, name))
        lift.plot(
            share[share >= 0.02], (caught / share)[share >= 0.02], label=_NAMES.get(name, name)
        )
    gains.set(
        xlabel="Share of rows, riskiest first",
        ylabel="Share of churners caught",
        title="Cumulative gains",
    )
    lift.axhline(1, color="grey", linestyle=":")
    lift.set(xlabel="Share of rows, riskiest first", ylabel="Lift over random", title="Lift")
    gains.legend(fontsize=8)
    figure.tight_layout()
    return figure


def shap_summary(contributions: pd.DataFrame, features: pd.DataFrame, top: int = 20) -> Figure:
    """The beeswarm of TreeSHAP values (log-odds) of the most important features."""
    plt.figure()  # shap draws on the current figure
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The NumPy global RNG was seeded")  # inside shap
        shap.summary_plot(
            contributions.to_numpy(),
            features=_plottable(features),
            max_display=top,
            show=False,
            plot_size=(8, 7),
        )
    figure = plt.gcf()
    figure.suptitle("SHAP summary (test rows, log-odds)")
    figure.tight_layout()
    return figure


def score_distribution(label: np.ndarray, probability: np.ndarray) -> Figure:
    """Histograms of the calibrated probability for churned and renewed rows."""
    figure, axis = plt.subplots(figsize=(6, 4.5))
    edges = np.linspace(0, 1, 41)
    axis.hist(probability[label == 0], bins=edges, alpha=0.6, density=True, label="did not churn")
    axis.hist(probability[label == 1], bins=edges, alpha=0.6, density=True, label="churned")
    axis.set(
        xlabel="Calibrated churn probability",
        ylabel="Density",
        title="Score distribution by outcome",
    )
    axis.legend()
    figure.tight_layout()
    return figure


def backtest_over_time(table: pd.DataFrame) -> Figure:
    """ROC-AUC (and the ceiling, when known) of each backtest origin."""
    figure, axis = plt.subplots(figsize=(6, 4))
    done = table.dropna(subset=["roc_auc"]) if "roc_auc" in table else table.iloc[0:0]
    axis.plot(done["origin"], done["roc_auc"], marker="o", label="model")
    if "ceiling_roc_auc" in done:
        axis.plot(
            done["origin"], done["ceiling_roc_auc"], marker="s", linestyle="--", label="ceiling"
        )
    axis.set(
        xlabel="Origin T (test on the next period)",
        ylabel="ROC-AUC",
        title="Rolling-origin backtest",
    )
    axis.legend()
    figure.autofmt_xdate()
    figure.tight_layout()
    return figure


def write_plots(result: TrainingResult, folder: Path) -> list[Path]:
    """Every plot of ``result`` as PNG files in ``folder``; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    label = result.test_label
    order = (MODEL, "scorecard", "logistic", "ceiling")
    scores = {name: result.test_scores[name] for name in order if name in result.test_scores}
    figures = {
        "calibration_curve.png": calibration_curve(
            label,
            {
                MODEL: scores[MODEL],
                f"{MODEL}_uncalibrated": result.test_scores[f"{MODEL}_uncalibrated"],
            },
            result.config.ece_bins,
        ),
        "gains_lift.png": gains_and_lift(label, scores),
        "score_distribution.png": score_distribution(label, scores[MODEL]),
    }
    if result.test_contributions is not None:
        sample = result.training_set.features.iloc[result.test_contributions.index]
        figures["shap_summary.png"] = shap_summary(result.test_contributions, sample)
    if result.backtest is not None and "roc_auc" in result.backtest:
        figures["backtest.png"] = backtest_over_time(result.backtest)
    paths = []
    for name, figure in figures.items():
        figure.savefig(folder / name, dpi=90)
        plt.close(figure)
        paths.append(folder / name)
    return paths


def _plottable(features: pd.DataFrame) -> pd.DataFrame:
    """Features as numbers for colouring: categoricals become their category codes."""
    out = features.copy()
    for name in out.columns:
        if not pd.api.types.is_numeric_dtype(out[name]):
            out[name] = out[name].astype("category").cat.codes.replace(-1, np.nan)
    return out
