"""One chunk of accounts, generated end to end from its own random streams.

A chunk is the unit of work (and of parallelism): the chunk number and the world's
seed fix every draw, so chunks can be built in any process, in any order, and the
world is the same. Each source draws from a stream of its own, so changing how one
source is generated leaves the others untouched.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from simulator.accounts import accounts_table, draw_cohort
from simulator.config import SimulationConfig
from simulator.health import simulate_health_paths
from simulator.incidents import draw_incidents, incidents_table
from simulator.interactions import interactions
from simulator.invoices import invoices
from simulator.lifecycle import decide_renewals
from simulator.outlook import outlook_table
from simulator.renewals import renewals_table, truth_table
from simulator.subscriptions import draw_periods, subscriptions_table
from simulator.support import support_tickets
from simulator.surveys import surveys
from simulator.texts import TextWriter
from simulator.timeline import Timeline
from simulator.usage import usage_events

STREAMS = (
    "accounts", "incidents", "health", "renewals", "subscriptions",
    "usage", "support", "surveys", "invoices", "interactions", "texts",
)  # fmt: skip
"""One random stream per step; append new steps at the end so existing streams keep their seeds."""
CLEAN_STREAM, DIRTY_STREAM = 0, 1


@dataclass
class Chunk:
    """The contract tables of one chunk of accounts and the truth about its renewals.

    ``truth`` holds each decided renewal's true churn probability (with hindsight),
    ``outlook`` its fair probability week by week before it (:mod:`simulator.outlook`).
    """

    tables: dict[str, pa.Table]
    truth: pa.Table
    outlook: pa.Table


def streams(seed: int, chunk: int) -> dict[str, np.random.Generator]:
    """The named random generators of chunk number ``chunk``."""
    root = np.random.SeedSequence(seed, spawn_key=(CLEAN_STREAM, chunk))
    return {
        name: np.random.Generator(np.random.PCG64(child))
        for name, child in zip(STREAMS, root.spawn(len(STREAMS)), strict=True)
    }


def generate_chunk(config: SimulationConfig, chunk: int) -> Chunk:
    """Build every contract table for accounts ``chunk * chunk_size`` up to the next chunk."""
    rng = streams(config.seed, chunk)
    timeline = Timeline.from_dates(config.start, config.end)
    first = chunk * config.chunk_size
    index = np.arange(first, min(first + config.chunk_size, config.n_accounts))

    cohort = draw_cohort(
        index,
        config.segment_mix.shares(),
        config.usage_rows_per_account_year,
        timeline,
        rng["accounts"],
        config.monthly_share,
    )
    incidents = draw_incidents(cohort, timeline, rng["incidents"])
    paths = simulate_health_paths(cohort, incidents, timeline, rng["health"])
    health = paths.health
    texts = TextWriter(
        paths, incidents.health_hit, timeline, rng["texts"] if config.texts else None
    )
    lifecycle = decide_renewals(cohort, health, timeline, rng["renewals"])
    periods = draw_periods(
        cohort, lifecycle, health, timeline, config.start.year, rng["subscriptions"]
    )

    # every account has a period: it is a customer for at least one day of the history
    last_period = np.r_[np.flatnonzero(np.diff(periods.account)), len(periods.account) - 1]
    tables = {
        "accounts": accounts_table(cohort, 12 * periods.mrr[last_period]),
        "renewals": renewals_table(cohort, lifecycle, periods),
        "usage_events": usage_events(cohort, lifecycle, health, timeline, rng["usage"]),
        "support_tickets": support_tickets(
            cohort, lifecycle, health, incidents, timeline, rng["support"]
        ),
        "surveys": surveys(cohort, lifecycle, health, timeline, rng["surveys"], texts),
        "invoices": invoices(cohort, lifecycle, periods, health, timeline, rng["invoices"]),
        "subscriptions": subscriptions_table(cohort, periods),
        "interactions": interactions(
            cohort, lifecycle, health, timeline, rng["interactions"], texts
        ),
        "incidents": incidents_table(
            cohort, incidents, lifecycle.alive_from, lifecycle.alive_until, timeline
        ),
    }
    return Chunk(
        tables=tables,
        truth=truth_table(cohort, lifecycle),
        outlook=outlook_table(cohort, lifecycle, paths, timeline),
    )
