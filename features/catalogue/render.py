"""Plain-language sentences from a feature's template and one row of built features.

A template is a ``str.format`` pattern whose fields are either other features of the
same row (printed in their own unit) or one of these:

- ``{value}``: the feature's own value in its unit ("18", "42%", "12,300", "high");
- ``{abs}``: the same without its sign;
- ``{change}``: "rose 42%", "fell 5 points" or "did not change", for signed changes;
- ``{not}``: "" when the value is non-zero, "not " when it is 0 (for flags).

When the value is missing or at its "never" cap, or a feature the template refers to
is missing, ``template_empty`` is used instead.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

import pandas as pd

from features.catalogue.registry import CATALOGUE
from features.catalogue.spec import Empty, Feature, Unit

SPECIAL_FIELDS = frozenset({"value", "abs", "change", "not"})


def template_fields(template: str) -> list[str]:
    """The field names a template refers to, in order."""
    return [field for _, field, _, _ in string.Formatter().parse(template) if field is not None]


def is_empty(feature: Feature, value: Any) -> bool:
    """Whether ``value`` means "nothing known" for ``feature`` (missing, or at the never cap)."""
    if _missing(value):
        return True
    return feature.empty is Empty.NEVER and value >= feature.never_value


def render(feature: Feature | str, row: Mapping[str, Any]) -> str:
    """The sentence for ``feature`` in ``row`` (a mapping of feature names to values)."""
    feature = CATALOGUE[feature] if isinstance(feature, str) else feature
    value = row.get(feature.name)
    names = template_fields(feature.template)
    others = [name for name in names if name not in SPECIAL_FIELDS]
    empty = is_empty(feature, value) or any(_missing(row.get(name)) for name in others)
    if empty and feature.template_empty is not None:
        return feature.template_empty
    fields = {name: format_value(CATALOGUE[name], row.get(name)) for name in others}
    special = {
        "value": lambda: format_value(feature, value),
        "abs": lambda: format_value(feature, value, signed=False),
        "change": lambda: _change(feature, value),
        "not": lambda: "" if not _missing(value) and value else "not ",
    }
    fields.update({name: special[name]() for name in names if name in special})
    return feature.template.format_map(fields)


def format_value(feature: Feature, value: Any, signed: bool = True) -> str:
    """``value`` printed in ``feature``'s unit; "unknown" when missing."""
    if _missing(value):
        return "unknown"
    if feature.unit is Unit.CATEGORY:
        return str(value)
    number = float(value) if signed else abs(float(value))
    if feature.unit is Unit.LEVEL and feature.labels:
        return feature.labels[int(number)]
    if feature.unit is Unit.FLAG:
        return "yes" if number else "no"
    if feature.unit is Unit.PERCENT:
        return f"{number:.0f}%"
    if feature.unit is Unit.RATIO:
        return f"{100 * number:.0f}%"
    if feature.unit is Unit.POINTS:
        return f"{number:g} points" if abs(number) != 1 else f"{number:g} point"
    if feature.unit in (Unit.SCORE, Unit.RATE, Unit.HOURS):
        return f"{number:,.1f}".removesuffix(".0")
    return f"{number:,.0f}"


def _change(feature: Feature, value: Any) -> str:
    if _missing(value):
        return "changed by an unknown amount"
    if value == 0:
        return "did not change"
    return f"{'rose' if value > 0 else 'fell'} {format_value(feature, value, signed=False)}"


def _missing(value: Any) -> bool:
    return value is None or bool(pd.isna(value))
