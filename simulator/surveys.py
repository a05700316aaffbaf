"""Surveys: semi-annual NPS waves and quarterly relationship CSAT, with non-response.

Every account is asked on its own schedule (a random phase). Each person asked answers
with a probability that falls with health (disengaged customers stop answering), and
scores follow health two weeks earlier plus noise, so detractors cluster in accounts
heading for trouble. A third of answers carry a comment of the score's polarity whose
theme follows the account's hidden state (:mod:`simulator.texts`). Responses
reach the warehouse late (``recorded_at``): most within two days, some only with the
next monthly export; a response not yet recorded at the end of the history is absent.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from features.contract import SURVEY_KINDS
from simulator.accounts import Cohort
from simulator.arrays import expand, labels, lag_seconds, office_seconds, sigmoid, timestamps
from simulator.lifecycle import Lifecycle
from simulator.segments import by_segment
from simulator.texts import TextWriter
from simulator.timeline import DAY, Timeline

NPS_EVERY_DAYS = 182
CSAT_EVERY_DAYS = 91
COMMENT_SHARE = 0.35


def _waves(
    cohort: Cohort, every: int, asked: np.ndarray, timeline: Timeline, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """(account, send day) of every survey request: ``asked`` people per account per wave."""
    phase = rng.integers(0, every, cohort.size)
    waves = -(-timeline.n_days // every)
    send = timeline.start_day + phase[:, None] + every * np.arange(waves)[None, :]
    account, wave = expand(np.where(send <= timeline.end_day, asked[:, None], 0))
    return account, send[account, wave]


def surveys(
    cohort: Cohort,
    lifecycle: Lifecycle,
    health: np.ndarray,
    timeline: Timeline,
    rng: np.random.Generator,
    texts: TextWriter,
) -> pa.Table:
    """The survey responses of a cohort, sorted by account and response time."""
    nps_account, nps_sent = _waves(
        cohort, NPS_EVERY_DAYS, by_segment("nps_respondents", cohort.segment), timeline, rng
    )
    csat_account, csat_sent = _waves(
        cohort, CSAT_EVERY_DAYS, np.ones(cohort.size, dtype=np.int64), timeline, rng
    )
    account = np.r_[nps_account, csat_account]
    kind = np.r_[
        np.zeros(len(nps_account), dtype=np.int8), np.ones(len(csat_account), dtype=np.int8)
    ]
    responded = (
        np.r_[nps_sent, csat_sent] + rng.exponential(4.0, len(account)).astype(np.int64)
    ) * DAY
    responded += office_seconds(rng, len(account))

    h = health[account, timeline.week_of(responded // DAY - 14)]
    answers = rng.random(len(account)) < 0.12 + 0.3 * sigmoid(1.2 * h)
    day = responded // DAY
    answers &= (day >= lifecycle.alive_from[account]) & (day < lifecycle.alive_until[account])
    recorded = responded + lag_seconds(rng, len(account), quick=0.8, quick_days=2, slow_days=35)
    answers &= recorded < timeline.end_second

    noise = rng.normal(0.0, 1.0, len(account))
    nps = np.clip(np.round(7.3 + 1.7 * h + 1.5 * noise), 0, 10)
    csat = np.clip(np.round(3.9 + 0.7 * h + 0.8 * noise), 1, 5)
    score = np.where(kind == 0, nps, csat).astype(np.int16)

    bucket = np.where(
        kind == 0, np.searchsorted([6.5, 8.5], score), np.searchsorted([2.5, 3.5], score)
    )
    # the draw that picked the comment before texts had a stream of their own (simulator.texts):
    # still taken, so that the draws after it, and every column they decide, stay as they were
    rng.random(len(account))
    has_comment = rng.random(len(account)) < COMMENT_SHARE

    order = np.lexsort((responded[answers], account[answers]))
    pick_rows = np.flatnonzero(answers)[order]
    comment = texts.column(
        account[pick_rows],
        responded[pick_rows] // DAY,
        bucket[pick_rows] - 1,
        has_comment[pick_rows],
    )
    account = account[pick_rows]
    return pa.table(
        {
            "account_id": labels(account, cohort.account_id),
            "responded_at": timestamps(responded[pick_rows]),
            "kind": labels(kind[pick_rows], SURVEY_KINDS),
            "score": pa.array(score[pick_rows]),
            "comment": comment,
            "recorded_at": timestamps(recorded[pick_rows]),
        }
    )
