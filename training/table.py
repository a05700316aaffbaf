"""Bring your own features: a flat table (CSV or Parquet) with one row per example and a label column.

Every column other than the label, the time column and identifier columns is a feature.
Text columns whose non-blank values are all numbers (e.g. ``" "`` for a missing amount)
become numeric; other text columns are categorical and go to LightGBM as categories.
A text column whose values are all distinct is an identifier and is left out.
"""

from __future__ import annotations

import difflib
import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

from training.dataset import TrainingSet
from training.errors import TrainingDataError

CHURNED = frozenset({"1", "1.0", "yes", "y", "true", "t", "churned", "churn"})
STAYED = frozenset({"0", "0.0", "no", "n", "false", "f", "renewed", "retained", "stayed"})
"""Label values read as churned (1) and as stayed (0), compared lower-case."""


def read_table(path: Path) -> pd.DataFrame:
    """A CSV or Parquet file as a DataFrame, with blank text cells read as missing."""
    path = Path(path)
    if not path.is_file():
        raise TrainingDataError(
            f"table {path} does not exist; pass a CSV or Parquet file to --table"
        )
    try:
        if path.suffix.lower() == ".parquet":
            frame = pd.read_parquet(path)
        elif path.suffix.lower() in {".csv", ".txt"}:
            frame = pd.read_csv(path, low_memory=False)
        else:
            raise TrainingDataError(
                f"table {path} is neither .csv nor .parquet; convert it to one of them"
            )
    except (OSError, ValueError, pd.errors.ParserError) as error:
        raise TrainingDataError(f"cannot read table {path}: {error}") from None
    for name in frame.columns:
        if _is_text(frame[name]):
            frame[name] = frame[name].astype("string").str.strip().replace("", pd.NA)
    return frame


def load_table(
    path: Path,
    label: str,
    time: str | None = None,
    id_column: str | None = None,
    arr: str | None = None,
    segment: str | None = None,
) -> TrainingSet:
    """A :class:`TrainingSet` from a flat table; rows with no label are left out (never guessed)."""
    frame = read_table(path)
    for option, column in (
        ("--label", label),
        ("--time", time),
        ("--id", id_column),
        ("--arr", arr),
        ("--segment", segment),
    ):
        if column is not None and column not in frame.columns:
            close = difflib.get_close_matches(column, list(frame.columns), n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise TrainingDataError(
                f"table {path} has no column {column!r} (given as {option}); {hint}its columns are "
                f"{list(frame.columns)}"
            )
    notes: list[str] = []
    outcome = _binary_label(frame[label], label, path)
    unlabelled = int(np.isnan(outcome).sum())
    if unlabelled:
        notes.append(f"{unlabelled} rows with no value in {label!r} left out (outcome unknown)")
        frame, outcome = frame[~np.isnan(outcome)], outcome[~np.isnan(outcome)]
    frame = frame.reset_index(drop=True)

    excluded = {label, time, id_column} - {None}
    features = frame.drop(columns=list(excluded))
    for name in list(features.columns):
        column = features[name]
        if (
            _is_text(column)
            and column.notna().all()
            and column.nunique() == len(column)
            and len(column) > 20
        ):
            notes.append(
                f"column {name!r} left out: every value is distinct (an identifier, not a feature)"
            )
            features = features.drop(columns=name)
        elif _is_text(column):
            numbers = pd.to_numeric(column, errors="coerce")
            if column.notna().any() and numbers.notna().sum() == column.notna().sum():
                features[name] = numbers.astype(np.float64)
                notes.append(
                    f"column {name!r} read as numbers ({int(column.isna().sum())} blanks are missing)"
                )
        elif column.dtype == bool:
            features[name] = column.astype(np.float64)
    if features.shape[1] == 0:
        raise TrainingDataError(f"table {path} has no feature columns besides {sorted(excluded)}")
    categorical = tuple(name for name in features.columns if _is_text(features[name]))

    split_time = None
    if time is not None:
        split_time = pd.to_datetime(
            frame[time], errors="coerce", utc=True, format="ISO8601"
        ).dt.tz_convert(None)
        if split_time.isna().any():
            bad = frame.loc[split_time.isna(), time].iloc[0]
            raise TrainingDataError(
                f"table {path}: column {time!r} (--time) holds {bad!r}, not a date; give every row an ISO 8601 time"
            )
    return TrainingSet(
        features=features,
        label=outcome.astype(np.int8),
        categorical=categorical,
        source=str(path),
        label_name=label,
        feature_set=f"table:{Path(path).name}",
        feature_set_version=_columns_hash(features, categorical),
        split_time=split_time,
        as_of=split_time,
        label_time=split_time,
        arr=None
        if arr is None
        else pd.to_numeric(frame[arr], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan),
        segment=None if segment is None else frame[segment].astype("string"),
        keys=None if id_column is None else frame[[id_column]],
        notes=notes,
    )


def _binary_label(column: pd.Series, name: str, path: Path) -> np.ndarray:
    """1.0 for churned, 0.0 for stayed, NaN for missing; anything else is an error naming the values."""
    text = column.astype("string").str.strip().str.lower()
    outcome = np.where(text.isin(CHURNED), 1.0, np.where(text.isin(STAYED), 0.0, np.nan))
    unknown = text[text.notna() & np.isnan(outcome)]
    if len(unknown):
        raise TrainingDataError(
            f"table {path}: label column {name!r} holds {sorted(unknown.unique().tolist())[:5]}; expected "
            "yes/no, true/false, 1/0 or churned/renewed (empty for unknown)"
        )
    return outcome


def _is_text(column: pd.Series) -> bool:
    return column.dtype == object or isinstance(column.dtype, pd.StringDtype | pd.CategoricalDtype)


def _columns_hash(features: pd.DataFrame, categorical: tuple[str, ...]) -> str:
    """A short fingerprint of the feature columns and their kinds: same columns, same version."""
    text = "|".join(
        f"{name}:{'cat' if name in categorical else 'num'}" for name in features.columns
    )
    return hashlib.sha256(text.encode()).hexdigest()[:12]
