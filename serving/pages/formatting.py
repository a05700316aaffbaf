"""How figures read on a page: money, percentages, dates, signed changes; blanks as a dash."""

from __future__ import annotations

import math

import pandas as pd

BLANK = "\u2014"


def is_blank(value: object) -> bool:
    """None, NaN, NaT and pandas' NA are all 'no value'."""
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def money(value: object, currency: str = "$") -> str:
    """``12345.6`` -> ``$12,346``."""
    if is_blank(value):
        return BLANK
    return f"{currency}{float(value):,.0f}"


def money_compact(value: object, currency: str = "$") -> str:
    """``1234567`` -> ``$1.2M``, ``84500`` -> ``$84.5K``: for headline tiles."""
    if is_blank(value):
        return BLANK
    amount = float(value)
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(amount) >= size:
            return f"{currency}{amount / size:,.1f}{suffix}"
    return f"{currency}{amount:,.0f}"


def percent(value: object, digits: int = 1) -> str:
    """``0.234`` -> ``23.4%``."""
    if is_blank(value):
        return BLANK
    return f"{float(value) * 100:.{digits}f}%"


def signed(value: object) -> str:
    """``5`` -> ``+5``, ``-3`` -> ``-3``, ``0`` -> ``0``."""
    if is_blank(value):
        return BLANK
    number = round(float(value))
    return f"+{number}" if number > 0 else str(number)


def points(value: object) -> str:
    """Probability points: ``0.042`` -> ``+4.2 pts``."""
    if is_blank(value):
        return ""
    return f"{float(value) * 100:+.1f} pts"


def as_timestamp(value: object) -> pd.Timestamp | None:
    """A timezone-naive UTC timestamp, or None for a blank."""
    if isinstance(value, pd.Timestamp) and value is not pd.NaT:
        return value.tz_convert(None) if value.tzinfo is not None else value
    if is_blank(value):
        return None
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return stamp


def day(value: object) -> str:
    """``2027-03-14`` -> ``14 Mar 2027``."""
    stamp = as_timestamp(value)
    return BLANK if stamp is None else f"{stamp:%d %b %Y}"


def iso_day(value: object) -> str:
    """``2027-03-14`` (machine-readable, for ``<time datetime>`` and sorting)."""
    stamp = as_timestamp(value)
    return "" if stamp is None else f"{stamp:%Y-%m-%d}"


def days_between(start: object, end: object) -> int | None:
    """Whole days from ``start`` to ``end``, None when either is blank."""
    first, last = as_timestamp(start), as_timestamp(end)
    if first is None or last is None:
        return None
    return (last.normalize() - first.normalize()).days


def text(value: object) -> str:
    """A cell as text, blank for missing."""
    return "" if is_blank(value) else str(value)


__all__ = [
    "BLANK",
    "as_timestamp",
    "day",
    "days_between",
    "is_blank",
    "iso_day",
    "money",
    "money_compact",
    "percent",
    "points",
    "signed",
    "text",
]
