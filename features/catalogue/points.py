"""Observation points: which accounts to build features for, at which as_of dates.

An account is *active* at ``as_of`` when it was created at or before ``as_of`` (or its
``created_at`` is unknown) and no churned renewal dated on or before ``as_of`` was
known before ``as_of`` (its ``recorded_at``, else its date, lies before ``as_of``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

import ibis
import pandas as pd

from features.catalogue.engines import FeatureSource
from features.catalogue.errors import PointsError


def parse_as_of(values: Iterable[date | datetime | str | pd.Timestamp] | pd.Series) -> pd.Series:
    """Dates or ISO 8601 timestamps as naive-UTC ``datetime64[us]``; a date means its midnight."""
    try:
        stamps = pd.to_datetime(pd.Series(values), utc=True, format="ISO8601")
    except (ValueError, TypeError) as error:
        raise PointsError(f"as_of values must be dates or ISO 8601 timestamps: {error}") from None
    return stamps.dt.tz_localize(None).astype("datetime64[us]")


def as_of_timestamps(dates: Iterable[date | datetime | str | pd.Timestamp]) -> pd.Series:
    """``dates`` as distinct, sorted naive-UTC timestamps."""
    stamps = parse_as_of(list(dates))
    if stamps.empty:
        raise PointsError("no as_of date given; pass at least one date such as 2025-06-30")
    return stamps.drop_duplicates().sort_values().reset_index(drop=True)


def normalise_points(points: pd.DataFrame) -> pd.DataFrame:
    """Distinct ``(account_id, as_of)`` rows with as_of as naive-UTC timestamps; clear errors otherwise."""
    missing = {"account_id", "as_of"} - set(points.columns)
    if missing:
        raise PointsError(
            f"points lack column(s) {', '.join(sorted(missing))}; expected one row per (account_id, as_of)"
        )
    frame = pd.DataFrame(
        {
            "account_id": points["account_id"].astype("string").values,
            "as_of": parse_as_of(points["as_of"]).values,
        }
    )
    if frame.isna().any().any():
        raise PointsError("points hold empty account_id or as_of values; every point needs both")
    return frame.drop_duplicates().reset_index(drop=True)


def observation_points(
    source: FeatureSource, dates: Iterable[date | datetime | str | pd.Timestamp]
) -> pd.DataFrame:
    """``(account_id, as_of)`` for every account active at each of ``dates``, sorted."""
    grid = _active(source, ibis.memtable(pd.DataFrame({"as_of": as_of_timestamps(dates)})))
    frame = source.execute(grid.order_by(["account_id", "as_of"]))
    return pd.DataFrame(
        {
            "account_id": frame["account_id"].astype("string"),
            "as_of": frame["as_of"].astype("datetime64[us]"),
        }
    )


def active_accounts(
    source: FeatureSource, as_of: date | datetime | str | pd.Timestamp
) -> pd.DataFrame:
    """The points of every account active at ``as_of``."""
    return observation_points(source, [as_of])


def _active(source: FeatureSource, dates: ibis.Table) -> ibis.Table:
    accounts = source.table("accounts").select("account_id", "created_at")
    grid = accounts.cross_join(dates)
    grid = grid.filter(grid.created_at.isnull() | (grid.created_at <= grid.as_of)).select(
        "account_id", "as_of"
    )
    if not source.has("renewals"):
        return grid
    renewals = source.table("renewals")
    churned = renewals.filter(renewals.outcome == "churned").cross_join(dates)
    known = churned.recorded_at.fill_null(churned.renewal_date) < churned.as_of
    churned = churned.filter((churned.renewal_date <= churned.as_of) & known).select(
        "account_id", "as_of"
    )
    return grid.anti_join(churned, ["account_id", "as_of"])
