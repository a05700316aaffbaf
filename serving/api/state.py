"""What one service process holds and does: the model, the data source, the history store.

Each public method answers one endpoint with a response model, or raises a
:class:`~serving.api.errors.RequestError` naming the field at fault.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

from features.catalogue import CATALOGUE, Unit
from serving.api.account_features import AccountFeatures
from serving.api.errors import InvalidRequest, NotConfigured, ServiceConfigError, UnknownAccount
from serving.api.model_holder import LoadedModel, ModelHolder
from serving.api.schemas import (
    SERVED_FEATURE_SET,
    AccountScore,
    ExplainRequest,
    ExplainResponse,
    HistoryPoint,
    HistoryRequest,
    HistoryResponse,
    ModelInfo,
    ReloadRequest,
    ReloadResponse,
    ScoreAccountsRequest,
    ScoreRequest,
    ScoreResponse,
)
from serving.api.settings import ServiceSettings
from serving.scoring.columns import DRIVER_COLUMNS, PROTECTIVE_COLUMNS
from serving.scoring.drift import DriftSummary
from serving.scoring.explanation import AccountExplanation, AccountValue
from serving.scoring.scorer import ScoredBatch, Scorer

logger = logging.getLogger("churn_scorecard.service")

DRIFT_MIN_ROWS = 50
"""Batches smaller than this do not replace the drift shown by GET /model (PSI needs rows)."""


class ServiceState:
    """The model holder, the optional data source and history store, and the latest drift."""

    def __init__(self, settings: ServiceSettings) -> None:
        self.settings = settings
        self.holder = ModelHolder(settings.model, _load_scorer)
        self.accounts: AccountFeatures | None = None
        if settings.data is not None:
            artifact = self.holder.current.scorer.artifact
            self.accounts = AccountFeatures(
                settings.data, artifact.features, artifact.feature_config, settings.as_of
            )
        self._model_facts: dict[str, dict[str, Any]] = {}
        self._drift: tuple[str, datetime | None, Callable[[], DriftSummary]] | None = None
        self._drift_lock = threading.Lock()
        self.arr_cut: float | None = None
        """The value cut read from the data source's portfolio at startup (None without one)."""
        if self.accounts is not None:
            features, context = self.accounts.features(list(self.accounts.accounts.index))
            batch = self._score(self.holder.current, features, context)
            self.arr_cut = batch.cuts.arr if batch.cuts is not None else None
        self.holder.watch(settings.reload_interval)

    # -- endpoints ---------------------------------------------------------------------------

    def score_records(self, request: ScoreRequest) -> ScoreResponse:
        """POST /score: scores of feature records, in request order."""
        self._check_batch(len(request.records), "records")
        model = self.holder.current
        features = _records_frame(request.records, model.scorer.artifact.features)
        return self._response(model, self._score(model, features, None).frame)

    def score_accounts(self, request: ScoreAccountsRequest) -> ScoreResponse:
        """POST /score_accounts: scores of accounts by id, from the data source."""
        self._check_batch(len(request.account_ids), "account_ids")
        model = self.holder.current
        accounts = self._require_accounts(model)
        features, context = accounts.features(request.account_ids, request.as_of)
        batch = self._score(model, features, context, self.previous_scores(features))
        frame = batch.frame.set_index("account_id", drop=False).loc[request.account_ids]
        return self._response(model, frame)

    def explain(self, request: ExplainRequest) -> ExplainResponse:
        """POST /explain: one account in full, by id or from its feature record."""
        if (request.account_id is None) == (request.record is None):
            raise InvalidRequest(
                "send exactly one of account_id (features from the data source) or record "
                "(the account's features)",
                "account_id",
            )
        model = self.holder.current
        if request.record is not None:
            records = [request.record]
            features = _records_frame(records, model.scorer.artifact.features, "record")
            context, previous = None, None
        else:
            features, context = self._require_accounts(model).features(
                [request.account_id], request.as_of, field="account_id"
            )
            previous = self.previous_scores(features)
        explanation = model.scorer.explain(features, context, previous, arr_cut=self.arr_cut)
        score = _score_of(explanation, _context_row(features, context))
        return ExplainResponse(
            model_name=model.name,
            model_version=model.version,
            as_of=score.as_of,
            score=score,
            explanation=explanation,
        )

    def history(self, request: HistoryRequest) -> HistoryResponse:
        """POST /history: an account's stored scores, oldest first."""
        if self.settings.history is None:
            raise NotConfigured(
                "this service has no history store; start it with --history URL", "account_id"
            )
        from serving.history import open_history

        with open_history(self.settings.history) as store:
            rows = store.account_history(request.account_id, limit=request.limit)
        if rows.empty:
            raise UnknownAccount(
                f"account_id: no stored scores for account {request.account_id!r}", "account_id"
            )
        points = [HistoryPoint.model_validate(_plain(row)) for row in rows.to_dict("records")]
        return HistoryResponse(account_id=request.account_id, scores=points)

    def reload(self, request: ReloadRequest) -> ReloadResponse:
        """POST /admin/reload: load the version the alias points at now."""
        outcome = self.holder.reload(force=request.force)
        return ReloadResponse(**outcome.__dict__)

    def model_info(self) -> ModelInfo:
        """GET /model: the served model, its training and metrics, and the latest drift."""
        model = self.holder.current
        artifact = model.scorer.artifact
        facts = self._facts(model)
        latest = self._drift if self._drift and self._drift[0] == model.version else None
        return ModelInfo(
            name=model.name,
            version=model.version,
            uri=model.uri,
            loaded_at=model.loaded_at,
            trained_at=facts["trained_at"],
            trained_on={
                key: artifact.metadata.get(key)
                for key in ("source", "label", "train_rows", "train_churn_rate", "trained_until")
            },
            metrics=facts["metrics"],
            feature_set=artifact.feature_set,
            feature_set_version=artifact.feature_set_version,
            features=list(artifact.features),
            feature_settings=artifact.feature_config.model_dump(mode="json"),
            drift_as_of=latest[1] if latest else None,
            drift=latest[2]() if latest else None,
        )

    @property
    def ready(self) -> bool:
        return self.holder.current is not None

    def close(self) -> None:
        self.holder.stop()
        if self.accounts is not None:
            self.accounts.close()

    # -- helpers -----------------------------------------------------------------------------

    def _score(self, model: LoadedModel, features, context, previous=None) -> ScoredBatch:
        """Score a batch; one of 50+ accounts becomes the batch GET /model reports drift of
        (its PSI is computed when GET /model first asks, off the request path)."""
        batch = model.scorer.score(
            features, accounts=context, previous=previous, arr_cut=self.arr_cut
        )
        if len(features) >= DRIFT_MIN_ROWS:
            as_of = pd.Timestamp(features["as_of"].max()).to_pydatetime()
            with self._drift_lock:  # measured on the first GET /model, then kept
                self._drift = (model.version, as_of, cache(batch.measure_drift))
        return batch

    def score_frame(self, model: LoadedModel, features, context) -> pd.DataFrame:
        """The score columns of ``features`` with the previous stored scores (for the pages)."""
        return self._score(model, features, context, self.previous_scores(features)).frame

    def previous_scores(self, features: pd.DataFrame) -> pd.DataFrame | None:
        """Each account's latest stored score before its as_of (None without a history)."""
        if self.settings.history is None:
            return None
        from serving.history import open_history

        before = pd.Timestamp(features["as_of"].min()).to_pydatetime()
        with open_history(self.settings.history) as store:
            return store.previous_scores(list(features["account_id"]), before)

    def _response(self, model: LoadedModel, frame: pd.DataFrame) -> ScoreResponse:
        scores = _score_records(frame)
        return ScoreResponse.model_validate(
            {
                "model_name": model.name,
                "model_version": model.version,
                "feature_set_version": model.scorer.artifact.feature_set_version,
                "as_of": max(score["as_of"] for score in scores),
                "scores": scores,
            }
        )

    def _check_batch(self, size: int, field: str) -> None:
        if size > self.settings.max_batch:
            raise InvalidRequest(
                f"{field}: {size:,} items in one request; the most is "
                f"{self.settings.max_batch:,} (split the request, or raise CHURN_SERVE_MAX_BATCH)",
                field,
            )

    def _require_accounts(self, model: LoadedModel) -> AccountFeatures:
        """The data source's accounts, building features the way ``model`` was trained to read them."""
        if self.accounts is None:
            raise NotConfigured(
                "this service has no data source; start it with --data DIR, or send feature "
                "records to /score",
                "account_ids",
            )
        artifact = model.scorer.artifact
        self.accounts.use(artifact.features, artifact.feature_config)
        return self.accounts

    def _facts(self, model: LoadedModel) -> dict[str, Any]:
        if model.version not in self._model_facts:
            facts: dict[str, Any] = {"trained_at": None, "metrics": {}}
            try:
                client = MlflowClient()
                version = client.get_model_version(model.name, model.version)
                facts["trained_at"] = datetime.fromtimestamp(version.creation_timestamp / 1000, UTC)
                if version.run_id:
                    metrics = client.get_run(version.run_id).data.metrics
                    facts["metrics"] = {
                        k: v for k, v in sorted(metrics.items()) if math.isfinite(v)
                    }
            except MlflowException as error:
                logger.warning("cannot read training facts of %s: %s", model.uri, error.message)
            self._model_facts[model.version] = facts
        return self._model_facts[model.version]


def _load_scorer(uri: str) -> Scorer:
    scorer = Scorer.from_registry(uri)
    artifact = scorer.artifact
    unknown = set(artifact.features) - set(SERVED_FEATURE_SET.names(artifact.feature_config))
    if unknown:
        raise ServiceConfigError(
            f"model {uri} uses feature(s) outside feature set {SERVED_FEATURE_SET.name}: "
            f"{sorted(unknown)[:5]}; the service scores {SERVED_FEATURE_SET.name} records only"
        )
    return scorer


_TEXT_FEATURES = tuple(
    name for name in SERVED_FEATURE_SET.features if CATALOGUE[name].unit is Unit.CATEGORY
)
_NUMBER_FEATURES = tuple(n for n in SERVED_FEATURE_SET.features if n not in _TEXT_FEATURES)
_SET_FEATURES = frozenset(SERVED_FEATURE_SET.features)
_FRAME_POSITION = {name: 2 + i for i, name in enumerate(SERVED_FEATURE_SET.features)}
"""Column position of each set feature in a records frame (after account_id and as_of)."""


def _records_frame(
    records: list, model_features: tuple[str, ...] = (), field: str = "records"
) -> pd.DataFrame:
    """Feature records as one frame (numbers as one float block); as_of defaults to now
    (naive UTC). Besides the set's features, each record carries the per-event features
    among ``model_features`` (the served model's), as extra fields."""
    per_event = [name for name in model_features if name not in _SET_FEATURES]
    now = datetime.now(UTC).replace(tzinfo=None)
    seen: dict[str, int] = {}
    for position, record in enumerate(records):
        if record.account_id in seen:
            raise InvalidRequest(
                f"records[{position}].account_id: account {record.account_id!r} is also "
                f"records[{seen[record.account_id]}]; send one record per account",
                f"records[{position}].account_id",
            )
        seen[record.account_id] = position
    extra = [
        _per_event_values(r, per_event, f"{field}[{i}]" if field == "records" else field)
        for i, r in enumerate(records)
    ]
    as_of = [
        now if r.as_of is None else r.as_of.astimezone(UTC).replace(tzinfo=None) for r in records
    ]
    values = [vars(r) for r in records]
    # every number in one float block (a frame of 150 one-column arrays costs milliseconds
    # per request), then the few other columns inserted where they belong
    numeric = [*_NUMBER_FEATURES, *per_event]
    numbers = np.array(
        [
            [v[n] for n in _NUMBER_FEATURES] + [e[n] for n in per_event]
            for v, e in zip(values, extra, strict=True)
        ],
        dtype=np.float64,
    ).reshape(len(records), len(numeric))
    frame = pd.DataFrame(numbers, columns=numeric, copy=False)
    frame.insert(0, "account_id", [r.account_id for r in records])
    frame.insert(1, "as_of", np.array(as_of, dtype="datetime64[us]"))
    for name in _TEXT_FEATURES:
        values_of = np.array([v[name] for v in values], dtype=object)
        frame.insert(_FRAME_POSITION[name], name, values_of)
    return frame


def _per_event_values(record: Any, per_event: list[str], where: str) -> dict[str, float]:
    """The record's per-event features (its extra fields): exactly the model's, numbers or null."""
    given = dict(record.model_extra or {})
    for name, value in given.items():
        if name not in per_event:
            raise InvalidRequest(
                f"{where}.{name}: unknown field; a record holds the features of "
                f"{SERVED_FEATURE_SET.name} and the served model's per-event features "
                "(GET /model lists the model's features)",
                f"{where}.{name}",
            )
        if value is not None and (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise InvalidRequest(
                f"{where}.{name}: {value!r} is not a finite number; send a number or null",
                f"{where}.{name}",
            )
    for name in per_event:
        if name not in given:
            raise InvalidRequest(
                f"{where}.{name}: required field is missing (a per-event feature the served "
                "model reads; null means unknown)",
                f"{where}.{name}",
            )
    return {name: np.nan if given[name] is None else float(given[name]) for name in per_event}


def _context_row(features: pd.DataFrame, context: pd.DataFrame | None) -> dict[str, Any]:
    """arr, segment, owner and renewal_date of the first account: its context, else its features."""
    row = {}
    for key in ("arr", "segment", "owner", "renewal_date"):
        value = None
        if context is not None and len(context) and key in context:
            value = _plain_value(context[key].iloc[0])
        if value is None and key in features:
            value = _plain_value(features[key].iloc[0])
        row[key] = value
    renewal = row["renewal_date"]
    row["renewal_date"] = renewal.date() if isinstance(renewal, datetime) else renewal
    return row


def _score_of(explanation: AccountExplanation, context: dict[str, Any]) -> AccountScore:
    """The score columns of one account, read off its full explanation (no second scoring)."""
    change = explanation.change
    arr = context["arr"]
    value = explanation.value
    return AccountScore(
        account_id=explanation.account_id,
        as_of=explanation.as_of,
        model_version=explanation.model_version,
        churn_probability=explanation.churn_probability,
        baseline_probability=explanation.baseline_probability,
        health=explanation.health,
        band=explanation.band,
        **{f"{d.name}_score": d.score for d in explanation.dimensions},
        arr=arr,
        arr_at_risk=None if arr is None else explanation.churn_probability * arr,
        segment=context["segment"],
        owner=context["owner"],
        renewal_date=context["renewal_date"],
        drivers=[d.sentence for d in explanation.drivers[:3]],
        protective=[d.sentence for d in explanation.protective[:2]],
        plays=[p.name for p in explanation.plays],
        previous_health=change.previous_health if change else None,
        health_change=change.health_change if change else None,
        change_summary=change.summary if change else None,
        **({} if value is None else _value_fields(value)),
    )


def _value_fields(value: AccountValue) -> dict[str, Any]:
    """The value score fields of an explanation's value record."""
    return {
        "subscription_arr": value.arr,
        "subscription_arr_90d_ago": value.arr_90d_ago,
        "subscription_arr_pct_change_90d": value.arr_pct_change_90d,
        "seats": None if value.seats is None else round(value.seats),
        "quadrant": value.quadrant,
        "quadrant_health_cut": value.health_cut,
        "quadrant_arr_cut": value.arr_cut,
        "disagreement": value.disagreement,
    }


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    """A frame row with missing values as None and timestamps as datetimes."""
    return {key: _plain_value(value) for key, value in row.items()}


def _plain_value(value: Any) -> Any:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value.item() if hasattr(value, "item") else value


def _score_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The score columns as :class:`AccountScore` fields, one dict per row (column by column:
    missing values become None, numpy values plain Python)."""
    columns = {}
    for name in frame.columns:
        column = frame[name]
        if pd.api.types.is_datetime64_any_dtype(column.dtype):
            values = [None if pd.isna(t) else t.to_pydatetime() for t in column]
        else:
            values = column.astype(object).where(column.notna(), None).tolist()
        columns[name] = values
    drivers = list(zip(*(columns.pop(c) for c in DRIVER_COLUMNS), strict=True))
    protective = list(zip(*(columns.pop(c) for c in PROTECTIVE_COLUMNS), strict=True))
    plays = columns.pop("plays")
    keys = [k for k in columns if k in AccountScore.model_fields]
    rows = []
    for i, values in enumerate(zip(*(columns[k] for k in keys), strict=True)):
        row = dict(zip(keys, values, strict=True))
        row["drivers"] = [d for d in drivers[i] if d]
        row["protective"] = [d for d in protective[i] if d]
        row["plays"] = [p for p in (plays[i] or "").split("; ") if p]
        rows.append(row)
    return rows
