"""Features of accounts by id, from the data source the service was started on.

The source is validated once at startup (:func:`features.data.load_dataset`) into a
DuckDB copy that stays open for the life of the process: the service scores the data as
it was when it started; restart it (one replica at a time) to pick up new data. The
default ``as_of`` is the one given at startup, else the latest event time in the data
(as ``churn score`` does). The features of every account at the default ``as_of`` are
computed at startup and kept in memory, so scoring at that time is a lookup; any other
``as_of`` is computed on request from the open copy (point-in-time, like ``churn features``).
Features are built with the served model's feature list and catalogue settings (its
fitted norms), plus the value features (subscription MRR and seats now and 90 days ago)
whatever the model reads; when a reload brings a model with others, the snapshot is rebuilt.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime
from pathlib import Path

import pandas as pd

from features.catalogue import FeatureConfig, FeatureSource, build_features
from features.catalogue.points import parse_as_of
from features.data import load_dataset
from serving.api.errors import UnknownAccount
from serving.scoring.run import account_context, latest_event_time
from serving.scoring.value import VALUE_FEATURES

logger = logging.getLogger("churn_scorecard.service")


class AccountFeatures:
    """The open data source, its accounts, and the features of all of them at the default as_of."""

    def __init__(
        self,
        data: Path,
        feature_names: tuple[str, ...],
        feature_config: FeatureConfig,
        as_of: datetime | None,
    ) -> None:
        self._dataset = load_dataset(data)
        self.as_of = _naive_utc(as_of or latest_event_time(self._dataset))
        self._source = FeatureSource.from_dataset(self._dataset)
        self._lock = threading.RLock()
        self._names: tuple[str, ...] | None = None
        self._config: FeatureConfig | None = None
        self._renewals: pd.DataFrame | None = None
        self.accounts = self._context(self.as_of)
        self.use(feature_names, feature_config)

    def use(self, feature_names: tuple[str, ...], feature_config: FeatureConfig) -> None:
        """Build features with these names and settings from now on (the snapshot too, if they changed)."""
        with self._lock:
            if self._names == feature_names and self._config == feature_config:
                return
            started = time.perf_counter()
            self._names, self._config = feature_names, feature_config
            self.snapshot = self._build(list(self.accounts.index), self.as_of)
        logger.info(
            "features of %d accounts as of %s ready in %.1f s",
            len(self.snapshot),
            self.as_of,
            time.perf_counter() - started,
        )

    def features(
        self, account_ids: list[str], as_of: datetime | None = None, field: str = "account_ids"
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Feature rows and account context for ``account_ids`` (in that order) as of ``as_of``.

        Raises :class:`UnknownAccount` naming the first id the data source lacks.
        """
        for position, account_id in enumerate(account_ids):
            if account_id not in self.accounts.index:
                where = f"{field}[{position}]" if field == "account_ids" else field
                raise UnknownAccount(
                    f"{where}: account {account_id!r} is not in the data source "
                    f"({len(self.accounts):,} accounts)",
                    where,
                )
        unique = list(dict.fromkeys(account_ids))
        when = self.as_of if as_of is None else _naive_utc(as_of)
        if when == self.as_of:
            rows, context = self.snapshot.loc[unique], self.accounts.loc[unique]
        else:
            rows, context = self._build(unique, when).loc[unique], self._context(when).loc[unique]
        return rows.reset_index(drop=True), context.reset_index(drop=True)

    def renewals(self) -> pd.DataFrame:
        """The data source's renewals as the audit reads them (read once: the data is fixed)."""
        from serving.audit import read_renewals

        with self._lock:
            if self._renewals is None:
                self._renewals = read_renewals(self._dataset)
            return self._renewals

    def close(self) -> None:
        """Close the data source's DuckDB copy."""
        self._dataset.close()

    def _build(self, account_ids: list[str], as_of: datetime) -> pd.DataFrame:
        points = pd.DataFrame({"account_id": account_ids, "as_of": as_of})
        with self._lock:  # one DuckDB connection: one build at a time
            frame = build_features(
                self._source, points, self._available(), self._config, quotes=True
            )
        return frame.set_index(frame["account_id"].astype(str), drop=False)

    def _context(self, as_of: datetime) -> pd.DataFrame:
        with self._lock:
            context = account_context(self._dataset, as_of).drop_duplicates("account_id")
        return context.set_index(context["account_id"].astype(str), drop=False)

    def _available(self) -> list[str]:
        """The model's features and the value features, those the source has the tables for."""
        from features.catalogue import available_features

        names = dict.fromkeys([*(self._names or ()), *VALUE_FEATURES])
        return available_features(self._source, names, self._config)


def _naive_utc(moment: datetime) -> datetime:
    stamp = parse_as_of([moment]).iloc[0]
    return stamp.to_pydatetime()
