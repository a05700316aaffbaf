"""CRM touchpoints: CSM calls, emails, meetings and notes, and how they felt.

Touchpoints happen week by week at the segment's rate times ``exp(0.35 * health)`` a
week earlier: a disengaging customer takes fewer calls and answers fewer emails. The
sentiment a CSM logs leans negative as health falls (and is sometimes left empty); most
touchpoints carry a short note. CSMs log them late (``recorded_at``): most the same
day, some up to a month later; one not yet logged at the end of the history is absent.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from features.contract import INTERACTION_KINDS, SENTIMENTS
from simulator import vocab
from simulator.accounts import Cohort
from simulator.arrays import categorical, expand, labels, lag_seconds, office_seconds, timestamps
from simulator.lifecycle import Lifecycle
from simulator.segments import by_segment
from simulator.timeline import DAY, Timeline

KIND_WEIGHTS = np.array([0.25, 0.45, 0.15, 0.15])  # call, email, meeting, note
SENTIMENT_MISSING = 0.15
NOTE_SHARE = 0.6
_NOTES = sum(vocab.INTERACTION_NOTES, ())
_NOTE_OFFSETS = np.cumsum([0] + [len(group) for group in vocab.INTERACTION_NOTES])


def interactions(
    cohort: Cohort,
    lifecycle: Lifecycle,
    health: np.ndarray,
    timeline: Timeline,
    rng: np.random.Generator,
) -> pa.Table:
    """The touchpoints of a cohort, sorted by account and time."""
    weeks = np.arange(timeline.first_history_week, timeline.n_weeks)
    weekly = by_segment("touchpoints_per_month", cohort.segment)[:, None] * 12 / 52
    account, week = expand(rng.poisson(weekly * np.exp(0.35 * health[:, weeks - 1])))
    day = timeline.grid_start_day + 7 * weeks[week] + rng.integers(0, 5, len(week))  # weekdays
    keep = (
        (day >= lifecycle.alive_from[account])
        & (day < lifecycle.alive_until[account])
        & (day <= timeline.end_day)
    )
    account, day = account[keep], day[keep]
    n = len(account)
    at = day * DAY + office_seconds(rng, n)
    recorded = at + lag_seconds(rng, n, quick=0.8, quick_days=1, slow_days=30)
    known = recorded < timeline.end_second
    order = np.lexsort((at[known], account[known]))
    account, at, recorded = account[known][order], at[known][order], recorded[known][order]
    n = len(account)

    h = health[account, timeline.week_of(at // DAY)]
    scores = np.stack([0.2 + 1.0 * h, np.zeros(n), -1.2 - 1.3 * h + rng.normal(0.0, 0.3, n)])
    cumulative = np.cumsum(np.exp(scores), axis=0)
    draw = rng.random(n) * cumulative[2]
    sentiment = ((draw >= cumulative[0]).astype(np.int8) + (draw >= cumulative[1])).astype(np.int8)
    note = _NOTE_OFFSETS[sentiment] + (rng.random(n) * np.diff(_NOTE_OFFSETS)[sentiment]).astype(
        np.int64
    )
    return pa.table(
        {
            "account_id": labels(account, cohort.account_id),
            "timestamp": timestamps(at),
            "kind": labels(categorical(rng, KIND_WEIGHTS, n), INTERACTION_KINDS),
            "sentiment": labels(sentiment, SENTIMENTS, missing=rng.random(n) < SENTIMENT_MISSING),
            "note": labels(note, _NOTES, missing=rng.random(n) >= NOTE_SHARE),
            "recorded_at": timestamps(recorded),
        }
    )
