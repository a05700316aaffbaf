"""Accounts where health and money disagree, with the reason in plain language.

Two kinds, both read against the health cut (:class:`~serving.scoring.quadrants.QuadrantCuts`)
and the 90-day ARR trend (:mod:`serving.scoring.value`):

- **healthy but contracting**: health at or above the cut, ARR fell by at least
  ``contraction_pct`` -- "health 82 but ARR fell 30% in 90 days (12,000 -> 8,400)";
- **at risk but expanding**: health below the cut, ARR rose by at least ``expansion_pct``
  -- "health 31 but ARR rose 25% in 90 days (8,000 -> 10,000)".

When the seats moved too, the sentence says so ("; seats 40 -> 28"). Accounts without ARR
90 days ago have no trend, so no disagreement.
"""

from __future__ import annotations

import numpy as np

from features.catalogue import format_value, get_feature
from serving.scoring.quadrants import DisagreementRules, QuadrantCuts
from serving.scoring.value import TREND_DAYS, AccountValues

CONTRACTING = "healthy_but_contracting"
EXPANDING = "at_risk_but_expanding"


def disagreement_kinds(
    health: np.ndarray, values: AccountValues, cuts: QuadrantCuts, rules: DisagreementRules
) -> np.ndarray:
    """Per account :data:`CONTRACTING`, :data:`EXPANDING` or None (object array)."""
    healthy = np.asarray(health, dtype=np.float64) >= cuts.health
    change = values.arr_pct_change_90d
    with np.errstate(invalid="ignore"):
        contracting = healthy & (change <= -rules.contraction_pct)
        expanding = ~healthy & (change >= rules.expansion_pct)
    out = np.full(len(values), None, dtype=object)
    out[contracting] = CONTRACTING
    out[expanding] = EXPANDING
    return out


def disagreement_sentences(
    health: np.ndarray, values: AccountValues, cuts: QuadrantCuts, rules: DisagreementRules
) -> list[str | None]:
    """Per account the sentence saying how health and money disagree, or None."""
    kinds = disagreement_kinds(health, values, cuts, rules)
    sentences: list[str | None] = [None] * len(values)
    for i in np.flatnonzero(kinds != None).tolist():  # noqa: E711 - elementwise on objects
        sentences[i] = disagreement_sentence(int(health[i]), values.record(i))
    return sentences


def disagreement_sentence(health: int, value: dict[str, float | None]) -> str:
    """ "health 82 but ARR fell 30% in 90 days (12,000 -> 8,400)" for one account's figures."""
    change = value["arr_pct_change_90d"] or 0.0
    money, percent = get_feature("arr"), get_feature("mrr_pct_change_90d")
    verb = "fell" if change < 0 else "rose"
    text = (
        f"health {health} but ARR {verb} {format_value(percent, change, signed=False)} in "
        f"{TREND_DAYS} days ({format_value(money, value['arr_90d_ago'])} -> "
        f"{format_value(money, value['arr'])})"
    )
    seats, before = value["seats"], value["seats_90d_ago"]
    if seats is not None and before is not None and before > 0 and seats != before:
        text += f"; seats {before:,.0f} -> {seats:,.0f}"
    return text
