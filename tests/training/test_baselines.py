"""The logistic baseline: the median imputer and the Newton solver give what the slower stock parts gave."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression

from training.baselines import MedianImputer, _as_model_input, fit_logistic, logistic_margin


def _numeric_frame(rows: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    values = rng.lognormal(0, 1, (rows, 5))
    values[rng.random((rows, 5)) < 0.3] = np.nan
    values[:, 3] = np.nan  # a column with no value at all
    values[: rows // 2, 4] = np.round(values[: rows // 2, 4])  # ties
    return pd.DataFrame(values, columns=[f"f{j}" for j in range(5)])


def test_median_imputer_fills_what_sklearns_median_imputer_fills() -> None:
    train, other = _numeric_frame(400, seed=1), _numeric_frame(97, seed=2)
    ours = MedianImputer().fit(train)
    stock = SimpleImputer(strategy="median", keep_empty_features=True).fit(train)
    np.testing.assert_array_equal(ours.statistics_, stock.statistics_)
    np.testing.assert_array_equal(ours.transform(other), stock.transform(other))
    assert not np.isnan(ours.transform(other)).any()


def test_median_imputer_leaves_its_input_as_it_was() -> None:
    frame = _numeric_frame(200, seed=6)
    array = frame.to_numpy(copy=True)
    imputer = MedianImputer().fit(frame)
    for given in (frame, array):
        before = np.array(given, copy=True)
        imputer.transform(given)
        np.testing.assert_array_equal(np.asarray(given), before)


def _renewal_like(rows: int, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    frame = _numeric_frame(rows, seed).drop(columns="f3")
    frame["plan"] = pd.Series(
        rng.choice(["basic", "pro", "enterprise", None], rows), dtype="string"
    )
    risk = np.nan_to_num(np.log(frame["f0"].to_numpy()), nan=0.5) - (frame["plan"] == "pro").fillna(
        False
    ).to_numpy(dtype=float)
    label = (rng.random(rows) < 1 / (1 + np.exp(1.5 - risk))).astype(int)
    return frame, label


def test_logistic_baseline_reaches_the_optimum_of_its_penalised_likelihood() -> None:
    frame, label = _renewal_like(3_000, seed=3)
    model = fit_logistic(frame, label, ("plan",), c=1.0, seed=0)
    prepared = model.named_steps["prepare"].transform(_as_model_input(frame, ("plan",)))
    tight = LogisticRegression(C=1.0, tol=1e-10, max_iter=10_000).fit(prepared, label)
    fitted = model.named_steps["logistic"]
    np.testing.assert_allclose(fitted.coef_, tight.coef_, atol=1e-4)
    np.testing.assert_allclose(fitted.intercept_, tight.intercept_, atol=1e-4)


def test_logistic_baseline_scores_rows_with_unseen_levels_and_missing_values() -> None:
    frame, label = _renewal_like(1_000, seed=4)
    model = fit_logistic(frame, label, ("plan",), c=1.0, seed=0)
    new = frame.head(3).copy()
    new["plan"] = pd.Series(["platinum", None, "basic"], dtype="string")
    new.loc[0, "f0"] = np.nan
    margin = logistic_margin(model, new, ("plan",))
    assert margin.shape == (3,) and np.isfinite(margin).all()


def test_logistic_baseline_on_chosen_rows_equals_it_on_a_copy_of_those_rows() -> None:
    frame, label = _renewal_like(2_000, seed=5)
    rows = np.flatnonzero(np.arange(len(frame)) % 3 != 0)
    held = np.flatnonzero(np.arange(len(frame)) % 3 == 0)
    on_rows = fit_logistic(frame, label[rows], ("plan",), c=1.0, seed=0, rows=rows)
    on_copy = fit_logistic(frame.iloc[rows], label[rows], ("plan",), c=1.0, seed=0)
    np.testing.assert_array_equal(
        logistic_margin(on_rows, frame, ("plan",), rows=held),
        logistic_margin(on_copy, frame.iloc[held], ("plan",)),
    )
