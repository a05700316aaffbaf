"""Feature rows to the booster's matrix in one pass, keeping the numeric columns it read.

:meth:`ScoringArtifact.encode` converts column by column (``pd.to_numeric`` on each), which
costs more than the prediction for a few rows. Here every numpy float or int feature
column is taken in one ``to_numpy`` call, nullable Int/Float columns and object columns of
plain numbers (a record's all-null features) each in one, exactly what the per-column
conversion gives for such columns; categorical columns holding text map through a cached
level -> code table; anything else (booleans, numbers in categorical columns, text in
numeric ones) goes through :func:`training.artifact.encode_features` as before (same codes,
same errors). The numeric
columns are returned too, so the sentences read the same values without converting again.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from pandas.api.extensions import ExtensionArray

from training.artifact import ScoringArtifact, encode_features

_NUMERIC_KINDS = frozenset("fiu")
"""dtype kinds copied as floats as they are (booleans, kind ``b``, are not: they go through
:func:`encode_features` like any other column)."""


@dataclass(frozen=True)
class EncodedRows:
    """The booster's float matrix (rows x model features) and the numeric columns taken as-is."""

    matrix: np.ndarray
    numeric: dict[str, np.ndarray]
    """Feature name -> its float64 column (NaN for missing), views into :attr:`matrix`."""


def encode_rows(artifact: ScoringArtifact, frame: pd.DataFrame) -> EncodedRows:
    """``frame``'s model features as :meth:`ScoringArtifact.encode` gives them (same values,
    same :class:`~training.errors.ArtifactError` for missing or non-numeric features)."""
    features = artifact.features
    position = {name: j for j, name in enumerate(frame.columns)}
    if any(name not in position for name in features):
        artifact.encode(frame)  # raises the artifact's error naming the missing features
    levels = artifact.categorical_levels
    matrix = np.empty((len(frame), len(features)), dtype=np.float64)
    numeric, rest = [], []
    for j, name in enumerate(features):
        values = _column(frame, position[name])
        if name in levels:
            codes = _text_codes(values, levels[name])
        elif values.dtype.kind not in _NUMERIC_KINDS:
            codes = _plain_numbers(values)
        elif isinstance(values, np.ndarray):
            codes = values
        else:  # nullable Int64 / Float64
            codes = values.to_numpy(dtype=np.float64, na_value=np.nan)
        if codes is None:
            rest.append(j)
            continue
        matrix[:, j] = codes
        if name not in levels:
            numeric.append(j)
    if rest:
        names = tuple(features[j] for j in rest)
        matrix[:, rest] = encode_features(frame, names, levels)
    return EncodedRows(matrix, {features[j]: matrix[:, j] for j in numeric})


def _column(frame: pd.DataFrame, j: int) -> np.ndarray | ExtensionArray:
    """Column ``j``'s values without building a Series (which costs more than the rest here)."""
    get = getattr(frame, "_get_column_array", None)  # pandas internals, with a public fallback
    return get(j) if get is not None else frame.iloc[:, j].array


_LEVEL_CODES: dict[tuple[str, ...], dict[str, float]] = {}


def _text_codes(column: np.ndarray | ExtensionArray, levels: tuple[str, ...]) -> np.ndarray | None:
    """Level codes of a text column (NaN for missing or unseen), as :func:`encode_categorical`
    gives them; None when the column is not plain text (it then goes the general way)."""
    if not pd.api.types.is_string_dtype(column.dtype):
        return None
    codes = _LEVEL_CODES.get(levels)
    if codes is None:
        codes = _LEVEL_CODES[levels] = {level: float(k) for k, level in enumerate(levels)}
    out = np.empty(len(column), dtype=np.float64)
    for i, value in enumerate(column.tolist()):
        if isinstance(value, str):
            out[i] = codes.get(value, np.nan)
        elif _is_missing(value):
            out[i] = np.nan
        else:
            return None
    return out


def _plain_numbers(column: np.ndarray | ExtensionArray) -> np.ndarray | None:
    """An object column holding only Python numbers and missing values, as floats (None when
    it holds anything else: text, booleans, ... go the general way and its errors)."""
    if column.dtype != object:
        return None
    values = column.tolist()
    for value in values:
        if not (_is_missing(value) or type(value) in (int, float)):
            return None
    return np.array([np.nan if _is_missing(v) else v for v in values], dtype=np.float64)


def _is_missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)
