"""The scorer: feature rows in, scores with explanations, sub-scores, plays and alerts out.

Everything heavy is vectorised over all accounts at once: one LightGBM call gives the
TreeSHAP contributions (whose row sums are the margins), probability points and
dimension sub-scores are matrix operations, the top drivers are picked with
``argpartition``; only the few sentences shown per account are rendered in Python
(and each distinct one once).

Drivers and protective factors are picked among the stories of the five actionable
dimensions only; contract stories (tenure, days to renewal, ARR, segment, past renewals)
become each explanation's ``context`` list, every one with non-zero points, largest
effect first.

Each account's value (subscription ARR, its 90-day trend, seats) is read off the value
features of its row (:mod:`serving.scoring.value`), its quadrant assigned against the
playbook's cuts (:mod:`serving.scoring.quadrants`) and any disagreement between health
and money told (:mod:`serving.scoring.disagreement`); plays may key on the quadrant.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property, partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from features.catalogue import Source, find_feature
from features.catalogue.render import quotes_of
from serving.scoring.alerts import ALERT_COLUMNS, detect_alerts
from serving.scoring.attribution import (
    ProbabilityPoints,
    probability_points,
    source_matrix,
    sub_scores,
)
from serving.scoring.change import score_changes
from serving.scoring.columns import DIMENSIONS, DRIVER_COLUMNS, PROTECTIVE_COLUMNS, SCORE_COLUMNS
from serving.scoring.disagreement import disagreement_sentences
from serving.scoring.drift import DriftSummary, drift_summary
from serving.scoring.encoding import EncodedRows, encode_rows
from serving.scoring.errors import FeatureRowsError
from serving.scoring.explanation import AccountExplanation, Explanations
from serving.scoring.plays import Playbook
from serving.scoring.quadrants import QuadrantCuts, assign_quadrants
from serving.scoring.stories import FeatureRows, Stories, json_value, top_stories
from serving.scoring.value import AccountValues, account_values
from training.artifact import ScoringArtifact

DEFAULT_MODEL_URI = "models:/churn-scorecard@champion"
CONTEXT_COLUMNS = ("arr", "segment", "owner", "renewal_date")
"""Account context the score files carry; from ``accounts`` (or the feature rows)."""
SMALL_BATCH = 64
"""Up to this many rows LightGBM predicts on one thread: thread start-up costs more than it saves."""
_SPARE = 4
_ALERT_INPUTS = ("account_id", "as_of", "model_version", "band", "health", "previous_health")
"""The score columns :func:`detect_alerts` reads."""
"""Extra candidate stories per account, for those that cannot be told."""


@dataclass
class ScoredBatch:
    """The result of scoring many accounts at once.

    ``drift`` and ``alerts`` are computed when first read (then kept): a request that only
    needs the scores never pays for them.
    """

    frame: pd.DataFrame
    """One row per account with exactly :data:`SCORE_COLUMNS`."""
    explanations: Explanations
    """One :class:`AccountExplanation` per row of ``frame`` (built when read)."""
    measure_drift: Callable[[], DriftSummary] = field(repr=False)
    find_alerts: Callable[[], pd.DataFrame] = field(repr=False)
    cuts: QuadrantCuts | None = None
    """The health and value cuts the quadrants were assigned with."""

    @cached_property
    def drift(self) -> DriftSummary:
        """PSI of this batch's features and scores (:func:`drift_summary`)."""
        return self.measure_drift()

    @cached_property
    def alerts(self) -> pd.DataFrame:
        """Alert rows for :meth:`HistoryStore.append_alerts` (empty when nothing dropped)."""
        return self.find_alerts()

    def history_rows(self, scored_at: datetime | None = None) -> pd.DataFrame:
        """The score rows with ``scored_at`` and the full explanation as JSON, for the history."""
        rows = self.frame.copy()
        rows["scored_at"] = scored_at or datetime.now(UTC).replace(tzinfo=None)
        rows["explanation"] = [self.explanations.json(i) for i in range(len(rows))]
        return rows


@dataclass
class _Assessment:
    """One scoring pass over feature rows: the arrays every output is read from."""

    features: pd.DataFrame
    encoded: EncodedRows
    ids: list[str]
    pp: ProbabilityPoints
    health: np.ndarray
    band: np.ndarray
    group_points: np.ndarray
    scores: np.ndarray
    changes: list[dict[str, Any] | None]
    drivers: list[list[dict]]
    protective: list[list[dict]]
    context: list[list[dict]]
    values: AccountValues
    cuts: QuadrantCuts
    quadrant: np.ndarray
    disagreement: list[str | None]
    plays: list[list[dict[str, str]]]

    @cached_property
    def as_of(self) -> list[str]:
        """Each row's as_of as ISO text in UTC with its offset (naive times are UTC)."""
        return [t.isoformat() for t in pd.to_datetime(self.features["as_of"], utc=True)]


class Scorer:
    """Scores feature rows with one trained model and explains every score.

    ``drivers`` and ``protective`` are how many risk-raising and risk-lowering reasons
    each explanation keeps (the score files show 3 and 2); both come from the actionable
    dimensions (:data:`DIMENSIONS`). Contract features go to the explanation's ``context``.
    """

    def __init__(
        self,
        artifact: ScoringArtifact,
        model_name: str = "churn-scorecard",
        model_version: str = "local",
        playbook: Playbook | None = None,
        drivers: int = 3,
        protective: int = 2,
    ) -> None:
        self.artifact = artifact
        self.model_name = model_name
        self.model_version = str(model_version)
        self.playbook = playbook or Playbook.load()
        self.playbook.check_names("the playbook", bands=self.bands)
        self.drivers = max(drivers, self.playbook.top_drivers, len(DRIVER_COLUMNS))
        self.protective = max(protective, len(PROTECTIVE_COLUMNS))
        self.stories = Stories(artifact.features)
        self._quotes = quotes_of(name for name in artifact.features if find_feature(name))
        actionable = np.array([s.source in DIMENSIONS for s in self.stories.stories], dtype=bool)
        self._not_actionable = ~actionable
        self._context_stories = np.flatnonzero(~actionable)
        self._groups = [*DIMENSIONS, Source.CONTRACT]
        self._group_names = [g.value for g in self._groups]
        self._by_group = source_matrix(artifact.features, self._groups)
        self._present = self._by_group.sum(axis=0) > 0

    @classmethod
    def from_registry(cls, model_uri: str = DEFAULT_MODEL_URI, plays: Path | None = None) -> Scorer:
        """The scorer of a registered model (``models:/name@alias`` or ``models:/name/3``)."""
        from serving.scoring.registry import resolve_model

        name, version, artifact = resolve_model(model_uri)
        return cls(artifact, name, version, Playbook.load(plays))

    @property
    def bands(self) -> list[str]:
        """Band names, healthiest first."""
        return [name for name, _ in self.artifact.health_scale.bands]

    def score(
        self,
        features: pd.DataFrame,
        accounts: pd.DataFrame | None = None,
        previous: pd.DataFrame | None = None,
        num_threads: int = 0,
        arr_cut: float | None = None,
    ) -> ScoredBatch:
        """Score one feature row per account.

        ``accounts`` adds context (arr, segment, owner, renewal_date) by account_id;
        ``previous`` holds each account's last stored score row (with ``explanation``),
        from :meth:`HistoryStore.previous_scores`, for the score change and alerts.
        ``num_threads`` 0 lets LightGBM pick, except for a few rows (one thread is faster).
        ``arr_cut`` is a value cut already read from the whole portfolio (a service's,
        ``ScoredBatch.cuts.arr`` of its scoring); without it a percentile value cut is read
        from these rows.
        """
        features = _checked(features)
        a = self._assess(features, previous, self.drivers, self.protective, num_threads, arr_cut)
        frame = self._frame(a, accounts)
        art, probability, matrix = self.artifact, a.pp.probability, a.encoded.matrix

        def measure_drift() -> DriftSummary:  # holds the inputs only, not the explanations
            before = None
            if previous is not None:
                before = pd.to_numeric(
                    _previous_column(frame, previous, "churn_probability"), errors="coerce"
                ).to_numpy(dtype=np.float64)
            return drift_summary(art, features, probability, before, matrix)

        rescored = previous is not None and not previous.empty
        scores = frame[list(_ALERT_INPUTS)] if rescored else None  # a copy: frame may change

        def find_alerts() -> pd.DataFrame:
            if scores is None:  # nobody was scored before: nothing dropped
                return pd.DataFrame(columns=list(ALERT_COLUMNS))
            previous_band = _previous_column(scores, previous, "band")
            alerts = detect_alerts(scores, previous_band, self.playbook.alerts, self.bands)
            return alerts.reindex(columns=ALERT_COLUMNS)

        record = partial(self._record, a)
        explanations = Explanations(record, len(a.ids))
        return ScoredBatch(frame, explanations, measure_drift, find_alerts, a.cuts)

    def explain(
        self,
        features: pd.DataFrame,
        accounts: pd.DataFrame | None = None,
        previous: pd.DataFrame | None = None,
        arr_cut: float | None = None,
    ) -> AccountExplanation:
        """The explanation of the first row of ``features`` with every driver, not just the top ones.

        ``accounts`` is accepted for symmetry with :meth:`score` (an explanation carries no
        account context). No score frame, drift or alerts are computed. Pass the
        portfolio's ``arr_cut`` for a quadrant: one row alone cannot give a percentile.
        """
        features = _checked(features.iloc[:1])
        every = len(self.stories)
        a = self._assess(features, previous, every, every, num_threads=1, arr_cut=arr_cut)
        return AccountExplanation.model_validate(self._record(a, 0))

    def _assess(
        self,
        features: pd.DataFrame,
        previous: pd.DataFrame | None,
        drivers: int,
        protective: int,
        num_threads: int,
        arr_cut: float | None = None,
    ) -> _Assessment:
        art = self.artifact
        encoded = encode_rows(art, features)
        if num_threads == 0 and len(features) <= SMALL_BATCH:
            num_threads = 1
        contributions = art.booster.predict(
            encoded.matrix, pred_contrib=True, num_threads=num_threads
        )
        pp = probability_points(contributions[:, :-1], contributions[:, -1], art.calibration)
        health = art.health(pp.probability)
        band = art.band(health).astype(str)
        group_points = pp.points @ self._by_group  # rows x (dimensions + contract)
        scores = sub_scores(group_points[:, :-1], pp.baseline, art.health_scale)
        ids = [str(i) for i in features["account_id"].tolist()]
        changes = score_changes(
            ids,
            health,
            pp.probability,
            pp.baseline,
            {name: group_points[:, k] for k, name in enumerate(self._group_names)},
            previous,
            art.health_scale,
        )
        rows = FeatureRows(features, art.features, encoded.numeric, self._quotes)
        told, kept, context = self._reasons(rows, pp, drivers, protective)
        rules = self.playbook.quadrants
        values = account_values(features)
        cuts = rules.cuts(values, art.health_scale.bands, arr_cut)
        quadrant = assign_quadrants(health, values, cuts)
        disagreement = disagreement_sentences(health, values, cuts, rules.disagreement)
        plays = [self.playbook.match(band[i], told[i], quadrant[i]) for i in range(len(ids))]
        return _Assessment(
            features, encoded, ids, pp, health, band, group_points, scores, changes, told, kept,
            context, values, cuts, quadrant, disagreement, plays,
        )  # fmt: skip

    def _record(self, a: _Assessment, i: int) -> dict[str, Any]:
        """Account ``i``'s explanation as a plain record (times in UTC with their offset)."""
        present = self._present
        return {
            "account_id": a.ids[i],
            "as_of": a.as_of[i],
            "model_version": self.model_version,
            "churn_probability": float(a.pp.probability[i]),
            "baseline_probability": float(a.pp.baseline[i]),
            "health": int(a.health[i]),
            "band": a.band[i],
            "dimensions": [
                {
                    "name": name,
                    "score": int(a.scores[i, k]) if present[k] else None,
                    "points": float(a.group_points[i, k]),
                }
                for k, name in enumerate(self._group_names[:-1])
            ],
            "context_points": float(a.group_points[i, -1]),
            "drivers": a.drivers[i],
            "protective": a.protective[i],
            "context": a.context[i],
            "plays": a.plays[i],
            "change": a.changes[i],
            "value": {
                **a.values.record(i),
                "quadrant": a.quadrant[i],
                "health_cut": a.cuts.health,
                "arr_cut": a.cuts.arr,
                "arr_cut_basis": a.cuts.basis,
                "disagreement": a.disagreement[i],
            },
        }

    def _reasons(
        self, rows: FeatureRows, pp: ProbabilityPoints, drivers: int, protective: int
    ) -> tuple[list[list[dict]], list[list[dict]], list[list[dict]]]:
        """Per account, its top risk-raising and risk-lowering drivers (actionable dimensions
        only) and its contract context, as plain records."""
        story_points = self.stories.points(pp.points)
        n = len(story_points)
        found = []
        for sign, count in ((+1, drivers), (-1, protective)):
            hidden = self.stories.untellable(rows, sign) | self._not_actionable[None, :]
            signed = np.where(hidden, 0.0, story_points * sign)
            top, real = top_stories(signed, count + _SPARE, +1)
            found.append(
                [
                    self._told(rows, i, pp.points[i], story_points[i], top[i][real[i]], sign, count)
                    for i in range(n)
                ]
            )
        return found[0], found[1], self._context(rows, pp.points, story_points)

    def _context(
        self, rows: FeatureRows, points: np.ndarray, story_points: np.ndarray
    ) -> list[list[dict]]:
        """Per account, every contract story with non-zero points, largest effect first."""
        groups = self._context_stories
        chosen = story_points[:, groups]
        order = np.argsort(-np.abs(chosen), axis=1, kind="stable")
        context = []
        for i in range(len(story_points)):
            told = []
            for k in order[i].tolist():
                if chosen[i, k] == 0:
                    break
                sign = 1 if chosen[i, k] > 0 else -1
                told.append(self._story(rows, i, points[i], story_points[i], groups[k], sign, True))
            context.append(told)
        return context

    def _told(
        self,
        rows: FeatureRows,
        i: int,
        points: np.ndarray,
        story_points: np.ndarray,
        candidates: np.ndarray,
        sign: int,
        count: int,
    ) -> list[dict]:
        told = []
        for g in candidates.tolist():
            story = self._story(rows, i, points, story_points, g, sign, False)
            if story is None:
                continue
            told.append(story)
            if len(told) == count:
                break
        return told

    def _story(
        self,
        rows: FeatureRows,
        i: int,
        points: np.ndarray,
        story_points: np.ndarray,
        g: int,
        sign: int,
        always: bool,
    ) -> dict | None:
        """Story ``g`` of account ``i`` told in direction ``sign`` as a plain record; None when
        it cannot be told that way, unless ``always`` (then its first member tells it)."""
        stories = self.stories
        members = stories.stories[g].members
        if len(members) == 1:  # backwards drivers were masked; context tells facts as they are
            lead = members[0]
            text = stories.sentence(lead, rows, i)
        else:
            result = stories.tell(g, rows, i, points, sign)
            if result is None and not always:
                return None
            lead, text = result or (members[0], stories.sentence(members[0], rows, i))
        return {
            "feature": stories.features[lead],
            "dimension": stories.stories[g].source.value,
            "sentence": text,
            "points": float(story_points[g]),
            "value": json_value(rows.by_position[lead][i]),
            "features": stories.member_names[g],
        }

    def _frame(self, a: _Assessment, accounts: pd.DataFrame | None) -> pd.DataFrame:
        """The score columns (:data:`SCORE_COLUMNS`), built in one go."""
        features, n = a.features, len(a.ids)
        context = _context(features, accounts)
        arr = pd.to_numeric(context["arr"], errors="coerce").to_numpy(dtype=np.float64)
        columns: dict[str, Any] = {
            "account_id": np.asarray(a.ids, dtype=object),
            "as_of": pd.to_datetime(features["as_of"]).to_numpy(),
            "model_name": self.model_name,
            "model_version": self.model_version,
            "feature_set_version": self.artifact.feature_set_version,
            "churn_probability": a.pp.probability,
            "baseline_probability": a.pp.baseline,
            "health": a.health.astype(np.int64),
            "band": a.band,
        }
        for k, d in enumerate(DIMENSIONS):
            values = a.scores[:, k] if self._present[k] else [pd.NA] * n
            columns[f"{d.value}_score"] = pd.array(values, dtype="Int64")
        columns["arr"] = arr
        columns["arr_at_risk"] = a.pp.probability * arr
        columns["segment"] = context["segment"].to_numpy()
        columns["owner"] = context["owner"].to_numpy()
        columns["renewal_date"] = pd.to_datetime(context["renewal_date"]).dt.date.to_numpy()
        for names, reasons in ((DRIVER_COLUMNS, a.drivers), (PROTECTIVE_COLUMNS, a.protective)):
            for k, column in enumerate(names):
                columns[column] = [r[k]["sentence"] if len(r) > k else None for r in reasons]
        columns["plays"] = ["; ".join(p["name"] for p in found) or None for found in a.plays]
        for column in ("previous_health", "health_change"):
            columns[column] = pd.array([c and c[column] for c in a.changes], dtype="Int64")
        columns["change_summary"] = [c and c["summary"] for c in a.changes]
        columns["subscription_arr"] = a.values.arr
        columns["subscription_arr_90d_ago"] = a.values.arr_90d_ago
        columns["subscription_arr_pct_change_90d"] = a.values.arr_pct_change_90d
        columns["seats"] = pd.array(np.round(a.values.seats), dtype="Float64").astype("Int64")
        columns["quadrant"] = a.quadrant
        columns["quadrant_health_cut"] = a.cuts.health
        columns["quadrant_arr_cut"] = np.nan if a.cuts.arr is None else a.cuts.arr
        columns["disagreement"] = a.disagreement
        return pd.DataFrame(columns)[list(SCORE_COLUMNS)]


def _checked(features: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in ("account_id", "as_of") if c not in features.columns]
    if missing:
        raise FeatureRowsError(
            f"the feature rows lack column(s) {missing}; expected one row per account with "
            "account_id, as_of and the model's features (churn features DIR builds them)"
        )
    duplicated = features["account_id"].astype(str).duplicated() if len(features) > 1 else None
    if duplicated is not None and duplicated.any():
        raise FeatureRowsError(
            f"the feature rows hold account {features['account_id'][duplicated].iloc[0]!r} more "
            "than once; score one row per account (one as_of) at a time"
        )
    index = features.index
    if isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1:
        return features  # already numbered 0..n-1: no copy
    return features.reset_index(drop=True)


def _context(features: pd.DataFrame, accounts: pd.DataFrame | None) -> pd.DataFrame:
    ids = features["account_id"].astype(str)
    context = pd.DataFrame({"account_id": ids})
    if accounts is not None and len(accounts):
        given = accounts.assign(account_id=accounts["account_id"].astype(str))
        given = given.drop_duplicates("account_id")
        columns = ["account_id", *(c for c in CONTEXT_COLUMNS if c in given.columns)]
        context = context.merge(given[columns], on="account_id", how="left")
    for column in CONTEXT_COLUMNS:
        if column not in context.columns:
            context[column] = features[column].to_numpy() if column in features else None
        elif column in features:
            context[column] = context[column].fillna(features[column].reset_index(drop=True))
    return context


def _previous_column(frame: pd.DataFrame, previous: pd.DataFrame | None, column: str) -> pd.Series:
    """``previous[column]`` of each account in ``frame`` (None where never scored)."""
    if previous is None or previous.empty or column not in previous:
        return pd.Series([None] * len(frame), dtype=object)
    latest = previous.assign(account_id=previous["account_id"].astype(str))
    latest = latest.drop_duplicates("account_id", keep="last").set_index("account_id")[column]
    return frame["account_id"].map(latest).reset_index(drop=True)
