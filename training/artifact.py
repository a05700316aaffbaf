"""The scoring artifact: everything needed to turn feature rows into scores, in one object.

:class:`ScoringArtifact` holds the LightGBM booster, the calibration, the feature list and
feature-set version, the levels of each categorical feature, the health scale and bands,
the training distribution of every feature and the held-out distribution of the
calibrated churn probability (for drift checks). It depends on numpy,
pandas and lightgbm only, never on the rest of :mod:`training`, so serving can load it
without the training code paths::

    artifact = ScoringArtifact.load(path)           # or from the MLflow pyfunc, see training.pyfunc
    p = artifact.predict_proba(frame)               # calibrated churn probability per row
    health = artifact.health(p)                     # 0-100, 100 = healthiest
    band = artifact.band(health)                    # band name per row
    artifact.score(frame)                           # the three as one DataFrame
    artifact.contributions(frame)                   # TreeSHAP values in log-odds + "base_value"
    artifact.drift(frame)                           # population stability index per feature
    artifact.score_drift(p)                         # PSI of scores vs held-out rows (or None)

``frame`` is a DataFrame with (at least) the columns in ``artifact.features``; extra
columns are ignored, categorical values never seen in training count as missing.
On disk an artifact is a folder with ``booster.txt`` (LightGBM text model) and
``scorecard.json`` (everything else, plain JSON).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import lightgbm as lgb
import numpy as np
import pandas as pd

from features.catalogue.config import FeatureConfig
from training.errors import ArtifactError

FORMAT_VERSION = 1
"""Version of the on-disk layout; :meth:`ScoringArtifact.load` refuses other versions.

Optional additions keep the version: ``score_reference`` (added later) may be absent from
older ``scorecard.json`` files, which then load with ``score_reference=None``.
"""

PROBABILITY_FLOOR = 1e-4
"""Calibrated probabilities are kept in ``[floor, 1 - floor]``: no account is ever certain."""

_BOOSTER_FILE = "booster.txt"
_STATE_FILE = "scorecard.json"


@dataclass(frozen=True)
class Calibration:
    """A monotone map from the booster's log-odds margin to a calibrated probability.

    ``platt``: ``sigmoid(slope * margin + intercept)``. ``isotonic``: piecewise-linear
    interpolation through the points ``(x, y)``, flat beyond the ends. ``identity``: the
    booster's own probability.
    """

    method: Literal["platt", "isotonic", "identity"]
    slope: float = 1.0
    intercept: float = 0.0
    x: tuple[float, ...] = ()
    y: tuple[float, ...] = ()

    def apply(self, margin: np.ndarray) -> np.ndarray:
        """Calibrated probabilities for log-odds ``margin``."""
        margin = np.asarray(margin, dtype=np.float64)
        if self.method == "isotonic":
            p = np.interp(margin, self.x, self.y)
        elif self.method == "platt":
            p = _sigmoid(self.slope * margin + self.intercept)
        else:
            p = _sigmoid(margin)
        return np.clip(p, PROBABILITY_FLOOR, 1 - PROBABILITY_FLOOR)


@dataclass(frozen=True)
class HealthScale:
    """Health ``round(100 * (1 - p) ** exponent)`` and the bands it falls in.

    The map is monotone (a higher churn probability never gives a higher health) and
    bounded to 0-100. With exponent 3, health is the chance (in %) that an account with
    this churn probability renews three times in a row. ``bands`` are ``(name,
    min_health)`` pairs from healthiest down, the last starting at 0.
    """

    exponent: float
    bands: tuple[tuple[str, float], ...]

    def health(self, probability: np.ndarray) -> np.ndarray:
        """Health score 0-100 (integers) for calibrated churn probabilities."""
        p = np.clip(np.asarray(probability, dtype=np.float64), 0.0, 1.0)
        return np.rint(100.0 * (1.0 - p) ** self.exponent).astype(np.int64)

    def band(self, health: np.ndarray) -> np.ndarray:
        """Band name of each health score: the first band whose ``min_health`` it reaches."""
        health = np.asarray(health, dtype=np.float64)
        names = np.array([name for name, _ in self.bands], dtype=object)
        cuts = np.array([cut for _, cut in self.bands], dtype=np.float64)
        index = np.argmax(health[:, None] >= cuts[None, :], axis=1)
        return names[index]


@dataclass(frozen=True)
class FeatureReference:
    """The training distribution of one feature, binned, for the population stability index.

    Numeric features: ``edges`` are inner cut points (training deciles); bins are
    ``(-inf, e1], (e1, e2], ..., (ek, inf)`` then one bin for missing values. Categorical
    features: one bin per level in ``levels`` order, then one for missing or unseen values.
    """

    name: str
    edges: tuple[float, ...] = ()
    levels: tuple[str, ...] = ()
    shares: tuple[float, ...] = ()

    @classmethod
    def of_numeric(cls, name: str, values: np.ndarray) -> FeatureReference:
        present = values[~np.isnan(values)]
        edges = (
            np.unique(np.quantile(present, np.linspace(0.1, 0.9, 9)))
            if present.size
            else np.array([])
        )
        reference = cls(name=name, edges=tuple(float(e) for e in edges))
        return cls(name=name, edges=reference.edges, shares=tuple(reference.bin_shares(values)))

    @classmethod
    def of_categorical(
        cls, name: str, codes: np.ndarray, levels: tuple[str, ...]
    ) -> FeatureReference:
        reference = cls(name=name, levels=levels)
        return cls(name=name, levels=levels, shares=tuple(reference.bin_shares(codes)))

    def bin_shares(self, values: np.ndarray) -> list[float]:
        """Share of ``values`` (numbers, or category codes with NaN for missing) in each bin."""
        values = np.asarray(values, dtype=np.float64)
        missing = np.isnan(values)
        if self.levels:
            bins = np.where(missing, len(self.levels), values).astype(np.int64)
            counts = np.bincount(bins, minlength=len(self.levels) + 1)
        else:
            inner = np.searchsorted(np.asarray(self.edges), values[~missing], side="left")
            counts = np.append(np.bincount(inner, minlength=len(self.edges) + 1), missing.sum())
        return (counts / max(len(values), 1)).tolist()

    def psi(self, values: np.ndarray) -> float:
        """Population stability index of ``values`` against the training distribution."""
        expected = np.maximum(np.asarray(self.shares), 1e-4)
        actual = np.maximum(np.asarray(self.bin_shares(values)), 1e-4)
        return float(np.sum((actual - expected) * np.log(actual / expected)))


@dataclass
class ScoringArtifact:
    """A trained, calibrated churn model with everything needed to score and check drift."""

    booster: lgb.Booster
    features: tuple[str, ...]
    categorical_levels: dict[str, tuple[str, ...]]
    feature_set: str
    feature_set_version: str
    calibration: Calibration
    health_scale: HealthScale
    references: tuple[FeatureReference, ...] = ()
    metadata: dict[str, Any] = field(default_factory=dict)
    feature_config: FeatureConfig = field(default_factory=FeatureConfig)
    """The catalogue settings the features were built with, norms fitted at training included:
    scoring builds features with them (see :func:`features.catalogue.build_features`)."""
    score_reference: FeatureReference | None = None
    """Deciles of the calibrated churn probability on held-out rows (training picks which and
    says so in ``metadata["score_reference"]``); None for artifacts saved without one."""

    def encode(self, frame: pd.DataFrame) -> np.ndarray:
        """The float matrix the booster reads: features in order, categoricals as level codes."""
        missing = [name for name in self.features if name not in frame.columns]
        if missing:
            raise ArtifactError(
                f"the rows to score lack {len(missing)} feature(s) the model needs: {missing[:10]}; "
                f"build them with feature set {self.feature_set} (version {self.feature_set_version})"
            )
        return encode_features(frame, self.features, self.categorical_levels)

    def predict_margin(self, frame: pd.DataFrame, num_threads: int = 0) -> np.ndarray:
        """The booster's uncalibrated log-odds for each row."""
        return self.booster.predict(self.encode(frame), raw_score=True, num_threads=num_threads)

    def predict_proba(self, frame: pd.DataFrame, num_threads: int = 0) -> np.ndarray:
        """Calibrated churn probability for each row."""
        return self.calibration.apply(self.predict_margin(frame, num_threads))

    def health(self, probability: np.ndarray) -> np.ndarray:
        """Health 0-100 for calibrated probabilities (see :class:`HealthScale`)."""
        return self.health_scale.health(probability)

    def band(self, health: np.ndarray) -> np.ndarray:
        """Band name for health scores."""
        return self.health_scale.band(health)

    def score(self, frame: pd.DataFrame, num_threads: int = 0) -> pd.DataFrame:
        """``churn_probability``, ``health`` and ``band`` per row, on ``frame``'s index."""
        p = self.predict_proba(frame, num_threads)
        health = self.health(p)
        return pd.DataFrame(
            {"churn_probability": p, "health": health, "band": self.band(health)}, index=frame.index
        )

    def contributions(self, frame: pd.DataFrame, num_threads: int = 0) -> pd.DataFrame:
        """TreeSHAP contribution of each feature in log-odds, plus ``base_value``; rows sum to the margin."""
        values = self.booster.predict(
            self.encode(frame), pred_contrib=True, num_threads=num_threads
        )
        return pd.DataFrame(values, columns=[*self.features, "base_value"], index=frame.index)

    def drift(self, frame: pd.DataFrame) -> pd.Series:
        """Population stability index of each feature in ``frame`` against training (> 0.25: shifted)."""
        matrix = self.encode(frame)
        position = {name: j for j, name in enumerate(self.features)}
        return pd.Series(
            {ref.name: ref.psi(matrix[:, position[ref.name]]) for ref in self.references},
            name="psi",
        )

    def score_drift(self, probability: np.ndarray) -> float | None:
        """PSI of calibrated churn ``probability`` against :attr:`score_reference` (None without one)."""
        if self.score_reference is None:
            return None
        return self.score_reference.psi(np.asarray(probability, dtype=np.float64))

    def save(self, path: Path) -> Path:
        """Write the artifact to folder ``path`` (created) and return it."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        self.booster.save_model(str(path / _BOOSTER_FILE))
        state = {
            "format_version": FORMAT_VERSION,
            "features": list(self.features),
            "categorical_levels": {k: list(v) for k, v in self.categorical_levels.items()},
            "feature_set": self.feature_set,
            "feature_set_version": self.feature_set_version,
            "feature_config": self.feature_config.model_dump(mode="json"),
            "calibration": asdict(self.calibration),
            "health_scale": asdict(self.health_scale),
            "references": [asdict(ref) for ref in self.references],
            "score_reference": asdict(self.score_reference) if self.score_reference else None,
            "metadata": self.metadata,
        }
        (path / _STATE_FILE).write_text(json.dumps(state, indent=1, default=_json_default))
        return path

    @classmethod
    def load(cls, path: Path) -> ScoringArtifact:
        """Read an artifact folder written by :meth:`save`."""
        path = Path(path)
        try:
            state = json.loads((path / _STATE_FILE).read_text())
            booster = lgb.Booster(model_file=str(path / _BOOSTER_FILE))
        except (OSError, ValueError, lgb.basic.LightGBMError) as error:
            raise ArtifactError(
                f"cannot read a scoring artifact from {path}: {error}; point at a folder written by "
                "ScoringArtifact.save (booster.txt and scorecard.json)"
            ) from None
        if state.get("format_version") != FORMAT_VERSION:
            raise ArtifactError(
                f"{path / _STATE_FILE} has format version {state.get('format_version')}, this code reads "
                f"{FORMAT_VERSION}; retrain the model with this version of churn-scorecard"
            )
        calibration = state["calibration"]
        scale = state["health_scale"]
        return cls(
            booster=booster,
            features=tuple(state["features"]),
            categorical_levels={k: tuple(v) for k, v in state["categorical_levels"].items()},
            feature_set=state["feature_set"],
            feature_set_version=state["feature_set_version"],
            feature_config=FeatureConfig.model_validate(state.get("feature_config", {})),
            calibration=Calibration(
                method=calibration["method"],
                slope=calibration["slope"],
                intercept=calibration["intercept"],
                x=tuple(calibration["x"]),
                y=tuple(calibration["y"]),
            ),
            health_scale=HealthScale(
                exponent=scale["exponent"], bands=tuple((name, cut) for name, cut in scale["bands"])
            ),
            references=tuple(_reference(ref) for ref in state["references"]),
            metadata=state["metadata"],
            score_reference=_reference(state["score_reference"])
            if state.get("score_reference")
            else None,
        )


def _reference(state: dict[str, Any]) -> FeatureReference:
    return FeatureReference(
        name=state["name"],
        edges=tuple(state["edges"]),
        levels=tuple(state["levels"]),
        shares=tuple(state["shares"]),
    )


def encode_features(
    frame: pd.DataFrame, features: tuple[str, ...], categorical_levels: dict[str, tuple[str, ...]]
) -> np.ndarray:
    """``frame``'s ``features`` as a float matrix; categorical features become codes of their levels."""
    matrix = np.empty((len(frame), len(features)), dtype=np.float64)
    for j, name in enumerate(features):
        if name in categorical_levels:
            matrix[:, j] = encode_categorical(frame[name], categorical_levels[name])
        else:
            matrix[:, j] = _numeric(frame[name], name)
    return matrix


def encode_categorical(column: pd.Series, levels: tuple[str, ...]) -> np.ndarray:
    """Codes of ``column``'s values in ``levels`` (as text); missing or unseen values are NaN."""
    codes = (
        pd.Index(list(levels), dtype="string")
        .get_indexer(column.astype("string"))
        .astype(np.float64)
    )
    codes[codes < 0] = np.nan
    return codes


def _numeric(column: pd.Series, name: str) -> np.ndarray:
    if column.dtype == bool or str(column.dtype) == "boolean":
        column = column.astype("Float64")
    try:
        return pd.to_numeric(column, errors="raise").to_numpy(dtype=np.float64, na_value=np.nan)
    except (ValueError, TypeError):
        bad = column[pd.to_numeric(column, errors="coerce").isna() & column.notna()].iloc[0]
        raise ArtifactError(
            f"feature {name!r} must be numeric but holds {bad!r}; send numbers (or empty for missing)"
        ) from None


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def _json_default(value: object) -> object:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (pd.Timestamp, np.datetime64)):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} to scorecard.json")
