"""Windowed aggregates declared as data, so that one declaration has two exact builds.

Most usage aggregates are one of three shapes over the rows of a time window before
``as_of``: a sum (of a column, or of rows), a distinct count, or the age of the latest
row. Declared with the classes below instead of a free-form lambda, each feature keeps
one declaration and gets two builds that give the same values:

- *from rows* (:mod:`features.catalogue.build`): the declaration is called with the
  joined :class:`~features.catalogue.rows.Rows` like any aggregate and returns the very
  Ibis expression it stands for (``WindowSum("qty", within(30))`` is
  ``r.total(r.qty, r.within(30))``), so this build is unchanged;
- *from tiles* (:mod:`features.catalogue.tiled`): the same declaration is read as data
  (which column, which window, which row filter) and answered from per-day partial
  aggregates with running totals, once for all points.

A window ``Window(after, until)`` holds the rows whose event time is in
``[as_of - until days, as_of - after days)``; ``None`` is the whole horizon of the
aggregate's table. ``where`` names a boolean row column (``TableSpec.row_columns``) that
depends only on the per-value column of the tiles (for usage, ``key`` depends on the event).
:class:`Combined` applies a scalar function to several of them (a ratio of two sums).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from features.catalogue.rows import count_distinct_small
from features.catalogue.spec import DAY

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from features.catalogue.rows import Rows


@dataclass(frozen=True)
class Window:
    """Event times in ``[as_of - until_days, as_of - after_days)``."""

    after_days: int
    until_days: int

    def rows(self, r: Rows) -> ir.BooleanValue:
        """The predicate the build from rows uses (``r.within`` or ``r.between``)."""
        if self.after_days == 0:
            return r.within(self.until_days)
        return r.between(self.after_days, self.until_days)


def within(days: int) -> Window:
    """The last ``days`` days."""
    return Window(0, days)


def between(after_days: int, until_days: int) -> Window:
    """An earlier window: ``[as_of - until_days, as_of - after_days)``."""
    return Window(after_days, until_days)


DAYS = "_days"
"""A distinct count of this "column" counts days: 24-hour steps back from ``as_of``."""


def _condition(r: Rows, window: Window | None, where: str | None) -> ir.BooleanValue | None:
    parts = [p for p in (window and window.rows(r), where and getattr(r, where)) if p is not None]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else parts[0] & parts[1]


@dataclass(frozen=True)
class WindowSum:
    """The sum of row column ``value`` (``None``: the number of rows) over ``window``'s rows
    that satisfy ``where``."""

    value: str | None
    window: Window | None = None
    where: str | None = None

    def __call__(self, r: Rows) -> ir.NumericScalar:
        condition = _condition(r, self.window, self.where)
        if self.value is None:
            return r.count(condition)
        column = getattr(r, self.value)
        return column.sum() if condition is None else r.total(column, condition)


@dataclass(frozen=True)
class WindowDistinct:
    """How many distinct values of ``column`` (or days, :data:`DAYS`) ``window``'s rows that
    satisfy ``where`` hold. ``small``: the column holds integers from 0 to 62, counted with a
    bit set (:func:`~features.catalogue.rows.count_distinct_small`) in the build from rows,
    as days are."""

    column: str
    window: Window
    where: str | None = None
    small: bool = False

    def __call__(self, r: Rows) -> ir.IntegerScalar:
        condition = _condition(r, self.window, self.where)
        if self.column == DAYS:
            return count_distinct_small((r.age / DAY).ceil() - 1, where=condition)
        if self.small:
            return count_distinct_small(getattr(r, self.column), where=condition)
        return getattr(r, self.column).nunique(where=condition)


@dataclass(frozen=True)
class Latest:
    """The age in seconds of the latest row of ``window`` (``None``: the table's horizon)
    that satisfies ``where``; missing without one."""

    window: Window | None = None
    where: str | None = None

    def __call__(self, r: Rows) -> ir.NumericScalar:
        condition = _condition(r, self.window, self.where)
        return r.age.min() if condition is None else r.age.min(where=condition)


Windowed = WindowSum | WindowDistinct | Latest


class Combined:
    """``combine`` applied to the values of several windowed aggregates of one point."""

    def __init__(self, combine: Callable[..., ir.Value], *parts: Windowed) -> None:
        self.combine = combine
        self.parts = parts

    def __call__(self, r: Rows) -> ir.Value:
        return self.combine(*(part(r) for part in self.parts))


def windowed_parts(aggregate: object) -> Iterator[Windowed] | None:
    """The windowed aggregates ``aggregate`` is made of, or None when it is not declared with them."""
    if isinstance(aggregate, Windowed):
        return iter((aggregate,))
    if isinstance(aggregate, Combined):
        return iter(aggregate.parts)
    return None
