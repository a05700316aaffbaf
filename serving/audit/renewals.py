"""The renewal decisions an audit scores against: the contract's ``renewals`` table.

Every renewal, decided or upcoming, closes the window of scores before it; only decided
ones (``outcome`` renewed or churned) are audited. Times are UTC.
"""

from __future__ import annotations

import pandas as pd

from features.data import Dataset
from serving.audit.errors import SEE_DOCS, MissingRenewalsError

OUTCOMES = ("renewed", "churned")

RENEWAL_COLUMNS = ("account_id", "renewal_date", "outcome", "renewal_arr")
"""What :func:`read_renewals` returns: ``renewal_arr`` is the table's optional ``arr``."""


def read_renewals(dataset: Dataset) -> pd.DataFrame:
    """The clean renewals of ``dataset`` (after validation), with at least one decided."""
    source = dataset.report.source
    if "renewals" not in dataset.tables:
        raise MissingRenewalsError(
            f"data source {source} has no renewals table; the audit joins the issued scores "
            "to renewal outcomes: add renewals.parquet or renewals.csv with the columns "
            "account_id, renewal_date and outcome (renewed or churned). See docs/data.md"
        )
    raw = dataset.relation("renewals").select("account_id, renewal_date, outcome, arr").df()
    return checked_renewals(raw, f"renewals of {source}")


def checked_renewals(raw: pd.DataFrame, where: str = "renewals") -> pd.DataFrame:
    """``raw`` renewals (contract columns) as :data:`RENEWAL_COLUMNS`, one row per decision.

    Raises :class:`MissingRenewalsError` when a required column is absent or no renewal
    has an outcome yet.
    """
    missing = [c for c in ("account_id", "renewal_date", "outcome") if c not in raw.columns]
    if missing:
        raise MissingRenewalsError(
            f"{where} has no column {', '.join(map(repr, missing))}; expected account_id, "
            "renewal_date and outcome (renewed, churned, or empty for an upcoming renewal). "
            "See docs/data.md"
        )
    renewals = pd.DataFrame(
        {
            "account_id": raw["account_id"].astype(str),
            "renewal_date": _utc(raw["renewal_date"]),
            "outcome": raw["outcome"].astype("object").where(raw["outcome"].isin(OUTCOMES), None),
            "renewal_arr": pd.to_numeric(raw["arr"], errors="coerce")
            if "arr" in raw.columns
            else float("nan"),
        }
    )
    renewals = renewals.dropna(subset=["renewal_date"]).drop_duplicates(
        ["account_id", "renewal_date"], keep="first"
    )
    if renewals["outcome"].isna().all():
        raise MissingRenewalsError(
            f"{where} has no decided renewal: column 'outcome' is empty (or neither renewed "
            f"nor churned) in all {len(renewals):,} rows; the audit needs past renewals with "
            f"their outcome. {SEE_DOCS}"
        )
    return renewals.sort_values(["account_id", "renewal_date"], kind="mergesort").reset_index(
        drop=True
    )


def _utc(values: pd.Series) -> pd.Series:
    stamps = pd.to_datetime(values)
    if isinstance(stamps.dtype, pd.DatetimeTZDtype):
        stamps = stamps.dt.tz_convert("UTC")
    else:
        stamps = stamps.dt.tz_localize("UTC")
    return stamps.astype("datetime64[us, UTC]")
