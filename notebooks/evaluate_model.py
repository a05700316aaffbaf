# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Evaluating a trained churn model from its MLflow run
#
# Everything here is read back from MLflow, as logged by `churn train`: the data summary,
# test metrics against the baselines (and the ceiling on simulated data), calibration,
# gains, SHAP summary, per-segment and over-time results, the promotion decision, and the
# registered model itself (loaded as a pyfunc, as serving does).
#
# Settings (environment): `MLFLOW_TRACKING_URI` (default `sqlite:///models/mlflow.db`),
# `CHURN_MODEL_NAME` (default `churn-scorecard`), `CHURN_MODEL_VERSION` (default: the latest).

# %%
import json
import os
from pathlib import Path

import matplotlib.pyplot as plt
import mlflow
import numpy as np
import pandas as pd
from IPython.display import Image, Markdown, display
from mlflow import MlflowClient

TRACKING_URI = os.environ.get(
    "MLFLOW_TRACKING_URI", f"sqlite:///{Path.cwd() / 'models' / 'mlflow.db'}"
)
MODEL_NAME = os.environ.get("CHURN_MODEL_NAME", "churn-scorecard")
mlflow.set_tracking_uri(TRACKING_URI)
client = MlflowClient(TRACKING_URI)

versions = client.search_model_versions(f"name = '{MODEL_NAME}'")
wanted = os.environ.get("CHURN_MODEL_VERSION") or str(max(int(v.version) for v in versions))
version = client.get_model_version(MODEL_NAME, wanted)
run = client.get_run(version.run_id)
folder = Path(mlflow.artifacts.download_artifacts(run_id=run.info.run_id))
print(f"{MODEL_NAME} v{version.version}, run {run.info.run_id}")

# %% [markdown]
# ## Data and split

# %%
summary = json.loads((folder / "data_summary.json").read_text())
split = {k.removeprefix("split."): v for k, v in run.data.params.items() if k.startswith("split.")}
pd.Series({**summary, **{f"split {k}": v for k, v in split.items()}}, name="value").to_frame()

# %% [markdown]
# ## Test metrics: model, baselines and ceiling
# Rows are scorers; the calibrated LightGBM is `model`. On a simulated world, `ceiling` is the
# fair ceiling, the churn probability knowable at each observation point from the world's
# latent state (the best any model could do), and `ceiling_hindsight` the renewal's true
# churn probability, which also knows the health between the observation and the renewal.

# %%
metrics = pd.read_csv(folder / "evaluation" / "test_metrics.csv", index_col="scorer")
metrics.round(4)

# %%
auc = metrics["roc_auc"]
gaps = {other: auc["model"] - auc[other] for other in ("scorecard", "logistic") if other in auc}
if "ceiling" in auc:
    gaps["share of ceiling"] = auc["model"] / auc["ceiling"]
if "ceiling_hindsight" in auc:
    gaps["share of ceiling with hindsight"] = auc["model"] / auc["ceiling_hindsight"]
pd.Series(gaps, name="ROC-AUC gap").round(4).to_frame()

# %% [markdown]
# ## Calibration
# How the calibration method was chosen, and the reliability curve on the test rows.

# %%
calibration = json.loads((folder / "evaluation" / "calibration.json").read_text())
for name, choice in calibration.items():
    print(f"{name}: {choice['reason']}")
display(Image(filename=folder / "plots" / "calibration_curve.png"))

# %% [markdown]
# ## Ranking: gains, lift and score distribution

# %%
display(Image(filename=folder / "plots" / "gains_lift.png"))
display(Image(filename=folder / "plots" / "score_distribution.png"))

# %% [markdown]
# ## What drives the score: SHAP summary (test rows, log-odds)

# %%
display(Image(filename=folder / "plots" / "shap_summary.png"))

# %% [markdown]
# ## By segment, by lead time, and over time

# %%
for name in ("by_segment", "by_lead_days", "backtest", "cross_validation"):
    path = folder / "evaluation" / f"{name}.csv"
    if path.exists():
        display(Markdown(f"**{name.replace('_', ' ')}**"))
        display(pd.read_csv(path).round(4))
if (folder / "plots" / "backtest.png").exists():
    display(Image(filename=folder / "plots" / "backtest.png"))

# %% [markdown]
# ## Promotion decision

# %%
champion = client.get_model_version_by_alias(MODEL_NAME, "champion")
print(f"champion: v{champion.version}; this version: v{version.version}")
print(version.tags.get("promotion_reason", "(no decision recorded)"))

# %% [markdown]
# ## The registered model, loaded as serving loads it
# The pyfunc returns probability, health and band; the scoring artifact inside carries the
# health mapping, the bands and the training distributions used for drift checks.

# %%
model = mlflow.pyfunc.load_model(f"models:/{MODEL_NAME}/{version.version}")
artifact = model.unwrap_python_model().artifact
print(
    f"feature set {artifact.feature_set} v{artifact.feature_set_version}, {len(artifact.features)} features"
)
print(f"calibration: {artifact.calibration.method}; bands: {artifact.health_scale.bands}")

p = np.linspace(0, 1, 201)
health = artifact.health(p)
figure, axis = plt.subplots(figsize=(6, 3.5))
axis.plot(p, health)
for band, cut in artifact.health_scale.bands[:-1]:
    axis.axhline(cut, color="grey", linestyle=":")
    axis.text(0.98, cut + 1, f"{band} from {cut:g}", ha="right", fontsize=8)
axis.set(xlabel="calibrated churn probability", ylabel="health (0-100)", title="Health mapping")
figure.tight_layout()

# %% [markdown]
# ## Model card

# %%
display(Markdown((folder / "model_card.md").read_text()))
