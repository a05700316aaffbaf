"""Drivers: features that tell the same story merged into one, each told as a plain sentence.

Two features tell the same story when one's sentence template quotes the other and
both describe the same source: ``active_users_pct_change_30d`` ("Active users fell 42%
in the last 30 days (31 -> 18)") quotes ``active_users_30d`` and
``active_users_prev_30d``, so the three are one driver whose points are their sum.
Stories are the connected groups of that relation among the model's features.

A story is told by one of its members, rendered by :func:`features.catalogue.render`
with the account's raw values: the member whose sentence quotes the most other members
(it tells the whole story) when its value is known and its points push the driver's
way, else the known member pushing hardest that way. A member whose sentence would read
backwards is passed over: nothing counted where 0 is the safe end ("0 invoices overdue"
as a risk), or a change against the feature's risk direction ("CSAT rose 2 points" as a
risk; "did not change" either way). When no member is left the story is not told; its
points still count in the sub-scores. Log-odds never reach a sentence.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from features.catalogue import Empty, Risk, Source, find_feature, render
from features.catalogue.render import SPECIAL_FIELDS, template_fields
from serving.scoring.attribution import feature_source

_CACHE_LIMIT = 500_000
"""Rendered sentences kept per scorer (keyed by the raw values they quote)."""


@dataclass(frozen=True)
class Story:
    """Features that tell one story: positions in the model's feature list, and for each,
    how many of the others its sentence quotes."""

    members: tuple[int, ...]
    source: Source
    quotes: tuple[int, ...]


@dataclass(frozen=True)
class _Meta:
    """What telling one feature needs, looked up once."""

    name: str
    risk_sign: int  # +1: higher values are risky, -1: lower ones, 0: neither
    is_change: bool
    never_value: float | None
    quoted: tuple[str, ...]

    @classmethod
    def of(cls, name: str) -> _Meta:
        feature = find_feature(name)
        if feature is None:
            return cls(name, 0, False, None, ())
        fields = template_fields(feature.template)
        risk = {Risk.HIGHER: 1, Risk.LOWER: -1}.get(feature.risk, 0)
        never = feature.never_value if feature.empty is Empty.NEVER else None
        quoted = tuple(f for f in fields if f not in SPECIAL_FIELDS)
        return cls(name, risk, "change" in fields, never, quoted)


class FeatureRows:
    """The raw feature values of many accounts, by position or as one account's mapping."""

    def __init__(
        self,
        frame: pd.DataFrame,
        features: Sequence[str],
        numeric: Mapping[str, np.ndarray] | None = None,
        quotes: Sequence[str] = (),
    ) -> None:
        """``numeric``: float64 columns already converted (:func:`encode_rows`), used as they are;
        ``quotes``: texts the sentences may quote (read when ``frame`` has them, never scored)."""
        numeric = numeric or {}
        present = set(frame.columns)
        self.columns = {
            name: numeric[name] if name in numeric else _plain(frame[name])
            for name in (*features, *quotes)
            if name in present
        }
        self._missing = np.full(len(frame), None, dtype=object)
        self.by_position = [self.column(name) for name in features]

    def column(self, name: str) -> np.ndarray:
        """The raw values of feature ``name`` (all None when the rows lack it)."""
        return self.columns.get(name, self._missing)

    def value(self, name: str, i: int) -> Any:
        return self.column(name)[i]

    def row(self, i: int) -> Mapping[str, Any]:
        return _Row(self.columns, i)


class Stories:
    """The model's features grouped into stories, and how to tell each for one account."""

    def __init__(self, features: Sequence[str]) -> None:
        self.features = tuple(features)
        self.stories = _group(self.features)
        self.matrix = np.zeros((len(self.features), len(self.stories)))
        for g, story in enumerate(self.stories):
            self.matrix[list(story.members), g] = 1.0
        self._meta = [_Meta.of(name) for name in self.features]
        self._directed = [
            (g, self._meta[story.members[0]])
            for g, story in enumerate(self.stories)
            if len(story.members) == 1 and self._meta[story.members[0]].risk_sign
        ]
        """One-feature stories with a risk direction: the ones :meth:`untellable` checks."""
        self._sentences: dict[tuple, str] = {}
        self.member_names = [[self.features[j] for j in s.members] for s in self.stories]

    def __len__(self) -> int:
        return len(self.stories)

    def points(self, feature_points: np.ndarray) -> np.ndarray:
        """Probability points per story (rows x stories) from points per feature."""
        return feature_points @ self.matrix

    def untellable(self, rows: FeatureRows, sign: int) -> np.ndarray:
        """(rows x stories) mask of one-feature stories that would read backwards in
        direction ``sign`` (vectorised :meth:`_contradicts`); never picked as drivers."""
        mask = np.zeros((len(rows._missing), len(self.stories)), dtype=bool)
        with np.errstate(invalid="ignore"):
            for g, meta in self._directed:
                column = rows.column(meta.name)
                if column.dtype != np.float64:
                    continue
                risky = sign * meta.risk_sign
                if meta.is_change:
                    mask[:, g] = (column == 0) | (np.sign(column) == -risky)
                elif risky > 0:
                    mask[:, g] = column == 0
        return mask

    def tell(
        self, g: int, rows: FeatureRows, i: int, points: np.ndarray, sign: int
    ) -> tuple[int, str] | None:
        """The lead member (feature position) of story ``g`` for account ``i`` and its
        sentence, or None when the story cannot be told in direction ``sign``.

        ``points`` are the account's points per feature.
        """
        story = self.stories[g]
        if len(story.members) == 1:
            candidates: Sequence[int] = story.members
        else:
            order = sorted(
                range(len(story.members)), key=lambda k: -sign * points[story.members[k]]
            )
            known = [k for k in order if not self._empty(story.members[k], rows, i)]
            quoting = sorted(
                (k for k in known if story.quotes[k] and sign * points[story.members[k]] > 0),
                key=lambda k: -story.quotes[k],
            )
            candidates = [story.members[k] for k in dict.fromkeys([*quoting, *(known or order)])]
        for j in candidates:
            if not self._contradicts(j, rows.value(self.features[j], i), sign):
                return j, self.sentence(j, rows, i)
        return None

    def sentence(self, j: int, rows: FeatureRows, i: int) -> str:
        """The sentence of feature ``j`` for account ``i`` (rendered once per distinct values)."""
        meta = self._meta[j]
        value = rows.by_position[j][i]
        if meta.quoted:
            key: tuple = (j, _key(value), *(_key(rows.value(name, i)) for name in meta.quoted))
        else:
            key = (j, None if value != value else value)
        text = self._sentences.get(key)
        if text is None:
            if len(self._sentences) > _CACHE_LIMIT:
                self._sentences.clear()
            text = self._sentences[key] = sentence(meta.name, rows.row(i))
        return text

    def _empty(self, j: int, rows: FeatureRows, i: int) -> bool:
        meta = self._meta[j]
        value = rows.value(meta.name, i)
        if _missing(value):
            return True
        return meta.never_value is not None and value >= meta.never_value

    def _contradicts(self, j: int, value: Any, sign: int) -> bool:
        """Whether telling feature ``j`` = ``value`` as a reason in direction ``sign`` reads backwards."""
        meta = self._meta[j]
        if not meta.risk_sign or _missing(value) or isinstance(value, str):
            return False
        risky = sign * meta.risk_sign  # the sign a value telling this story would have
        if meta.is_change:
            return value == 0 or np.sign(value) != risky
        return value == 0 and risky > 0


def top_stories(story_points: np.ndarray, count: int, sign: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the ``count`` stories with the largest points of ``sign`` (largest first).

    Returns positions (rows x count) and a mask of those that really point that way.
    """
    signed = story_points * sign
    count = min(count, signed.shape[1])
    if count == 0:
        empty = np.zeros((len(signed), 0), dtype=np.int64)
        return empty, empty.astype(bool)
    part = np.argpartition(-signed, count - 1, axis=1)[:, :count]
    order = np.argsort(-np.take_along_axis(signed, part, axis=1), axis=1, kind="stable")
    top = np.take_along_axis(part, order, axis=1)
    return top, np.take_along_axis(signed, top, axis=1) > 0


def sentence(name: str, row: Mapping[str, Any]) -> str:
    """The plain-language sentence of feature ``name`` for ``row`` (a mapping of raw values)."""
    feature = find_feature(name)
    if feature is not None:
        return render(feature, row)
    value = row.get(name)
    return f"{name.replace('_', ' ').capitalize()}: {'unknown' if _missing(value) else value}"


def json_value(value: Any) -> Any:
    """A raw value as plain JSON: numbers, text or None."""
    if isinstance(value, float):
        return None if value != value else float(value)
    if _missing(value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


class _Row(Mapping[str, Any]):
    def __init__(self, columns: dict[str, np.ndarray], i: int) -> None:
        self._columns, self._i = columns, i

    def __getitem__(self, name: str) -> Any:
        return self._columns[name][self._i]

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns)

    def __len__(self) -> int:
        return len(self._columns)


def _group(features: tuple[str, ...]) -> tuple[Story, ...]:
    position = {name: j for j, name in enumerate(features)}
    parent = list(range(len(features)))

    def root(j: int) -> int:
        while parent[j] != j:
            parent[j] = parent[parent[j]]
            j = parent[j]
        return j

    quoted_by = {name: _Meta.of(name).quoted for name in features}
    for j, name in enumerate(features):
        for quoted in quoted_by[name]:
            k = position.get(quoted)
            if k is not None and feature_source(quoted) == feature_source(name):
                parent[root(k)] = root(j)
    groups: dict[int, list[int]] = {}
    for j in range(len(features)):
        groups.setdefault(root(j), []).append(j)
    stories = []
    for members in groups.values():
        names = {features[j] for j in members}
        quotes = tuple(len(names & set(quoted_by[features[j]]) - {features[j]}) for j in members)
        stories.append(Story(tuple(members), feature_source(features[members[0]]), quotes))
    return tuple(stories)


def _key(value: Any) -> Any:
    return None if _missing(value) else value


def _missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return value != value
    return not isinstance(value, str) and bool(pd.isna(value))


def _plain(column: pd.Series) -> np.ndarray:
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        return column.to_numpy(dtype=np.float64, na_value=np.nan)
    values = column.to_numpy(dtype=object, copy=True)
    values[pd.isna(values)] = None
    return values
