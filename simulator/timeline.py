"""The time axis of a world: days since the Unix epoch, and a weekly grid for the health process.

All generation works on integer days (``int64``) and seconds; nothing reads the clock.
The weekly grid starts ``BURN_IN_WEEKS`` before the history so that health is already
in its long-run state when the first recorded day begins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

DAY = 86_400
"""Seconds per day."""

BURN_IN_WEEKS = 104


def epoch_day(value: date) -> int:
    """Days since 1970-01-01 of ``value``."""
    return int(np.datetime64(value, "D").astype(np.int64))


@dataclass(frozen=True)
class Timeline:
    """The recorded history ``[start_day, end_day]`` (inclusive) and its weekly grid."""

    start_day: int
    end_day: int

    @classmethod
    def from_dates(cls, start: date, end: date) -> Timeline:
        return cls(epoch_day(start), epoch_day(end))

    @property
    def n_days(self) -> int:
        """Days in the history, both ends included."""
        return self.end_day - self.start_day + 1

    @property
    def end_second(self) -> int:
        """The first second after the history: rows known at or after it are not in the export."""
        return (self.end_day + 1) * DAY

    @property
    def grid_start_day(self) -> int:
        """First day of week 0 of the health grid."""
        return self.start_day - 7 * BURN_IN_WEEKS

    @property
    def n_weeks(self) -> int:
        """Weeks on the health grid, burn-in included."""
        return BURN_IN_WEEKS + -(-self.n_days // 7)

    @property
    def first_history_week(self) -> int:
        return BURN_IN_WEEKS

    def week_of(self, day: np.ndarray) -> np.ndarray:
        """Grid week of each day, clipped to the grid."""
        return np.clip((day - self.grid_start_day) // 7, 0, self.n_weeks - 1)


def month_day(month: np.ndarray, day_of_month: np.ndarray) -> np.ndarray:
    """Epoch day of ``day_of_month`` (1-28) in each month given as months since 1970-01."""
    first = month.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    return first + day_of_month - 1


def epoch_month(day: np.ndarray) -> np.ndarray:
    """Months since 1970-01 of each epoch day."""
    return day.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)


def day_of_month(day: np.ndarray) -> np.ndarray:
    """Day of month (1-31) of each epoch day."""
    return day - month_day(epoch_month(day), np.ones_like(day)) + 1
