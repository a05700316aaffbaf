"""CRM touchpoints: CSM calls, emails, meetings and notes, and how they felt.

Touchpoints happen week by week at the segment's rate times ``exp(0.35 * health)`` a
week earlier: a disengaging customer takes fewer calls and answers fewer emails. The
sentiment a CSM logs leans negative as health falls (and is sometimes left empty); most
touchpoints carry a short note of that sentiment whose theme follows the account's hidden
state (:mod:`simulator.texts`). CSMs log them late (``recorded_at``): most the same
day, some up to a month later; one not yet logged at the end of the history is absent.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from features.contract import INTERACTION_KINDS, SENTIMENTS
from simulator.accounts import Cohort
from simulator.arrays import categorical, expand, labels, lag_seconds, office_seconds, timestamps
from simulator.lifecycle import Lifecycle
from simulator.segments import by_segment
from simulator.texts import TextWriter
from simulator.timeline import DAY, Timeline

KIND_WEIGHTS = np.array([0.25, 0.45, 0.15, 0.15])  # call, email, meeting, note
SENTIMENT_MISSING = 0.15
NOTE_SHARE = 0.6


def interactions(
    cohort: Cohort,
    lifecycle: Lifecycle,
    health: np.ndarray,
    timeline: Timeline,
    rng: np.random.Generator,
    texts: TextWriter,
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
    # the draw that picked the note before texts had a stream of their own (simulator.texts):
    # still taken, so that the kinds and empty sentiments drawn after it stay as they were
    rng.random(n)
    kind = labels(categorical(rng, KIND_WEIGHTS, n), INTERACTION_KINDS)
    logged = labels(sentiment, SENTIMENTS, missing=rng.random(n) < SENTIMENT_MISSING)
    has_note = rng.random(n) < NOTE_SHARE
    polarity = 1 - sentiment.astype(np.int64)  # positive, neutral, negative -> 1, 0, -1
    return pa.table(
        {
            "account_id": labels(account, cohort.account_id),
            "timestamp": timestamps(at),
            "kind": kind,
            "sentiment": logged,
            "note": texts.column(account, at // DAY, polarity, has_note),
            "recorded_at": timestamps(recorded),
        }
    )
