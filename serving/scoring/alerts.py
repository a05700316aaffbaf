"""Alerts: an account dropped a band or fell below a health threshold since its last scoring.

Alerts are keyed by (account_id, as_of, model_version, kind) in the history store, so
re-running the same scoring records (and posts) none again. New alerts can be POSTed to
a webhook as JSON (``{"alerts": [...]}``), retried with exponential backoff on
connection errors, 429 and 5xx answers.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import httpx
import numpy as np
import pandas as pd

from serving.scoring.errors import WebhookError
from serving.scoring.plays import AlertRules

if TYPE_CHECKING:
    from serving.history import HistoryStore

ALERT_COLUMNS = (
    "account_id",
    "as_of",
    "model_version",
    "kind",
    "from_band",
    "to_band",
    "health",
    "previous_health",
    "message",
    "created_at",
)
BAND_DROP = "band_drop"


def detect_alerts(
    scores: pd.DataFrame, previous_band: pd.Series, rules: AlertRules, bands: Sequence[str]
) -> pd.DataFrame:
    """Alert rows for ``scores`` (score columns) given each account's previous band.

    ``previous_band`` is aligned with ``scores``; ``bands`` are ordered healthiest first.
    """
    rank = {band: i for i, band in enumerate(bands)}
    health = scores["health"].to_numpy(dtype=np.float64)
    before = pd.to_numeric(scores["previous_health"], errors="coerce").to_numpy(dtype=np.float64)
    seen = ~np.isnan(before)
    frames = []
    if rules.band_drop:
        old_rank = previous_band.map(rank).to_numpy(dtype=np.float64, na_value=np.nan)
        new_rank = scores["band"].map(rank).to_numpy(dtype=np.float64, na_value=np.nan)
        dropped = seen & (new_rank > old_rank)
        frames.append(_rows(scores[dropped], previous_band[dropped], BAND_DROP))
    for threshold in sorted(set(rules.health_thresholds), reverse=True):
        crossed = seen & (before >= threshold) & (health < threshold)
        frames.append(_rows(scores[crossed], previous_band[crossed], f"health_below_{threshold}"))
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=list(ALERT_COLUMNS))
    return pd.concat(frames, ignore_index=True)[list(ALERT_COLUMNS)]


def _rows(scores: pd.DataFrame, previous_band: pd.Series, kind: str) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "account_id": scores["account_id"].to_numpy(),
            "as_of": scores["as_of"].to_numpy(),
            "model_version": scores["model_version"].to_numpy(),
            "kind": kind,
            "from_band": previous_band.to_numpy(),
            "to_band": scores["band"].to_numpy(),
            "health": scores["health"].to_numpy(),
            "previous_health": scores["previous_health"].to_numpy(),
        }
    )
    what = (
        "dropped from " + frame["from_band"].astype(str) + " to " + frame["to_band"].astype(str)
        if kind == BAND_DROP
        else f"fell below health {kind.rsplit('_', 1)[-1]}"
    )
    frame["message"] = (
        frame["account_id"].astype(str)
        + " "
        + what
        + " (health "
        + frame["previous_health"].astype("Int64").astype(str)
        + " -> "
        + frame["health"].astype(str)
        + ")"
    )
    frame["created_at"] = datetime.now(UTC).replace(tzinfo=None)
    return frame


def record_alerts(store: HistoryStore, alerts: pd.DataFrame) -> pd.DataFrame:
    """Store the alerts not stored yet and return them (empty when all were stored before)."""
    if alerts.empty:
        return alerts
    since = pd.Timestamp(alerts["as_of"].min()).to_pydatetime()
    stored = store.alerts(since=since)
    if len(stored):
        alerts = alerts[~_keys(alerts).isin(set(_keys(stored)))]
    if not alerts.empty:
        store.append_alerts(alerts)
    return alerts.reset_index(drop=True)


def _keys(alerts: pd.DataFrame) -> pd.Series:
    """One text key per alert; as_of compared as naive UTC whatever its time zone."""
    as_of = pd.to_datetime(alerts["as_of"], utc=True).dt.tz_localize(None).astype(str)
    parts = [alerts[c].astype(str) for c in ("account_id", "model_version", "kind")]
    return as_of.str.cat(parts, sep="|")


def post_alerts(
    url: str,
    alerts: pd.DataFrame,
    attempts: int = 4,
    backoff_seconds: float = 0.5,
    timeout_seconds: float = 10.0,
) -> int:
    """POST ``alerts`` to ``url`` as ``{"alerts": [...]}``; return the attempts it took.

    Connection errors, 429 and 5xx answers are retried after 0.5 s, 1 s, 2 s, ...;
    other 4xx answers are not. Raises :class:`WebhookError` when delivery fails.
    """
    payload = {"alerts": _records(alerts)}
    problem = ""
    with httpx.Client(timeout=timeout_seconds) as client:
        for attempt in range(1, attempts + 1):
            try:
                response = client.post(url, json=payload)
            except httpx.HTTPError as error:
                problem = f"{type(error).__name__}: {error}"
            else:
                if response.is_success:
                    return attempt
                problem = f"HTTP {response.status_code}"
                if response.status_code < 500 and response.status_code != 429:
                    break
            if attempt < attempts:
                time.sleep(backoff_seconds * 2 ** (attempt - 1))
    raise WebhookError(
        f"could not post {len(alerts)} alert(s) to {url} after {attempt} attempt(s) (last: "
        f"{problem}); the alerts are stored in the history, check the URL and the receiver"
    )


def _records(alerts: pd.DataFrame) -> list[dict]:
    frame = alerts.copy()
    for column in ("as_of", "created_at"):
        if column in frame:
            frame[column] = pd.to_datetime(frame[column]).dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    frame = frame.astype(object).where(frame.notna(), None)
    return frame.to_dict(orient="records")
