"""Plain-language sentences from a feature's template and one row of built features.

A template is a ``str.format``-style pattern. Its fields are other features of the same
row (printed in their own unit) or one of these:

- ``{value}``: the feature's own value in its unit ("18", "42%", "12,300", "high");
- ``{abs}``: the same without its sign;
- ``{change}``: "rose 42%", "fell 5 points" or "did not change", for signed changes;
- ``{not}``: "" when the value is non-zero, "not " when it is 0 (for flags);
- ``{label}``: the feature's label for its value (``Feature.labels``, e.g. an NPS band).

A field may carry a *word* after a colon, chosen by the field's number:

- one form, a noun: ``{value:day}`` prints "1 day", "0 days", "47 days" (the number, then
  the noun, plural unless the number is exactly 1 or -1; the plural adds "s" to the last
  word: ``{value:escalated ticket}`` gives "2 escalated tickets");
- two forms, singular and plural: ``{value:reply|replies}`` for irregular plurals;
- three forms, by sign, without the number: ``{nps_change_since_previous:down from|the
  same as|up from}`` prints the first form below 0, the second at 0, the third above.

A field may also name a quote (:class:`~features.catalogue.spec.Quote`): text from the
data, such as an example of what a customer wrote, printed as it is. Quotes are built only
for explanations, so templates name them inside optional clauses.

Text in square brackets is optional: ``[, down from {nps_previous}]`` is kept (without
the brackets) only when every feature it refers to is known (not missing, not at its
"never" cap).

Which template is used: ``template_empty`` when the value is missing or at its "never"
cap, or a feature the template refers to outside brackets is missing; else
``template_zero`` when the value is 0; else ``template``.

Money (unit currency) is printed with the ``currency`` symbol given to :func:`render`
or :func:`format_value`: none by default, since the data contract has no currency
column (amounts are in the currency of the data); ``currency="$"`` gives "$1,234".
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from features.catalogue.registry import find_quote, get_feature
from features.catalogue.spec import Empty, Feature, Unit

SPECIAL_FIELDS = frozenset({"value", "abs", "change", "not", "label"})
_OPTIONAL = re.compile(r"\[([^\[\]]*)\]")


def template_fields(template: str) -> list[str]:
    """The field names a template refers to, in order (optional clauses included)."""
    return [field for _, field, _, _ in string.Formatter().parse(template) if field is not None]


def quotes_of(features: Iterable[str]) -> list[str]:
    """The quotes the templates of ``features`` name, in order of first mention."""
    found: dict[str, None] = {}
    for name in features:
        feature = get_feature(name)
        for field in template_fields(feature.template):
            if find_quote(field) is not None:
                found[field] = None
    return list(found)


def is_empty(feature: Feature, value: Any) -> bool:
    """Whether ``value`` means "nothing known" for ``feature`` (missing, or at the never cap)."""
    if _missing(value):
        return True
    return feature.empty is Empty.NEVER and value >= feature.never_value


def render(feature: Feature | str, row: Mapping[str, Any], currency: str = "") -> str:
    """The sentence for ``feature`` in ``row`` (a mapping of feature names to values)."""
    feature = get_feature(feature) if isinstance(feature, str) else feature
    value = row.get(feature.name)
    required = _features_in(_OPTIONAL.sub("", feature.template))
    empty = is_empty(feature, value) or any(_missing(row.get(name)) for name in required)
    if empty and feature.template_empty is not None:
        return feature.template_empty
    if feature.template_zero is not None and not _missing(value) and value == 0:
        return feature.template_zero

    def optional(match: re.Match) -> str:
        names = _features_in(match.group(1))
        known = not any(_unknown(name, row.get(name)) for name in names)
        return match.group(1) if known else ""

    template = _OPTIONAL.sub(optional, feature.template)
    parts = []
    for literal, name, word, _ in string.Formatter().parse(template):
        parts.append(literal)
        if name is not None:
            parts.append(_field(feature, row, name, word or "", currency))
    return "".join(parts)


def format_value(feature: Feature, value: Any, signed: bool = True, currency: str = "") -> str:
    """``value`` printed in ``feature``'s unit; "unknown" when missing.

    Categories print with spaces for underscores ("mid market"); money with ``currency``
    before the number ("$1,234", "-$50"), none by default.
    """
    if _missing(value):
        return "unknown"
    if feature.unit is Unit.CATEGORY:
        return str(value).replace("_", " ")
    number = float(value) if signed else abs(float(value))
    if feature.unit is Unit.LEVEL and feature.labels:
        if number.is_integer() and 0 <= number < len(feature.labels):
            return feature.labels[int(number)]
        return f"level {number:g} (outside 0-{len(feature.labels) - 1})"
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
    if feature.unit is Unit.CURRENCY:
        return f"{'-' if number < 0 else ''}{currency}{abs(number):,.0f}"
    return f"{number:,.0f}"


def _field(feature: Feature, row: Mapping[str, Any], name: str, word: str, currency: str) -> str:
    value = row.get(feature.name)
    if name == "change":
        return _change(feature, value, currency)
    if name == "not":
        return "" if not _missing(value) and value else "not "
    if name == "label":
        return _label(feature, value)
    if name in ("value", "abs"):
        subject = feature
    elif find_quote(name) is not None:
        quoted = row.get(name)
        return "" if _missing(quoted) else str(quoted)
    else:
        subject, value = get_feature(name), row.get(name)
    forms = word.split("|") if word else []
    if len(forms) == 3:
        return _by_sign(value, forms)
    text = format_value(subject, value, signed=name != "abs", currency=currency)
    if not forms:
        return text
    singular = forms[0]
    plural = forms[1] if len(forms) == 2 else f"{singular}s"
    one = not _missing(value) and abs(float(value)) == 1
    return f"{text} {singular if one else plural}"


def _by_sign(value: Any, forms: list[str]) -> str:
    if _missing(value):
        return forms[1]
    return forms[0] if value < 0 else forms[2] if value > 0 else forms[1]


def _label(feature: Feature, value: Any) -> str:
    if _missing(value) or not feature.labels:
        return "unknown"
    return feature.labels[min(max(int(value), 0), len(feature.labels) - 1)]


def _change(feature: Feature, value: Any, currency: str = "") -> str:
    if _missing(value):
        return "changed by an unknown amount"
    if value == 0:
        return "did not change"
    amount = format_value(feature, value, signed=False, currency=currency)
    return f"{'rose' if value > 0 else 'fell'} {amount}"


def _unknown(name: str, value: Any) -> bool:
    """Whether field ``name`` (a feature or a quote) holds nothing to print."""
    if find_quote(name) is not None:
        return _missing(value) or not str(value).strip()
    return is_empty(get_feature(name), value)


def _features_in(template: str) -> list[str]:
    return [name for name in template_fields(template) if name not in SPECIAL_FIELDS]


def _missing(value: Any) -> bool:
    return value is None or bool(pd.isna(value))
