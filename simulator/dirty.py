"""Dirty rows: extra rows that break the data contract, one broken rule per row.

They are drawn from their own random stream after the clean world is complete and
appended at the end of their table's file, so the clean rows (and the truth file) are
exactly those of the same world with ``dirty_fraction=0``. Every other value in a dirty
row is valid, so a validator should set aside exactly the injected rows; the counts per
table and kind go to ``_truth/world.json``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa

from simulator import vocab
from simulator.accounts import account_ids
from simulator.arrays import timestamps
from simulator.chunk import DIRTY_STREAM
from simulator.schema import conform
from simulator.timeline import DAY, Timeline, epoch_day

_YEAR_1900 = epoch_day(date(1900, 1, 1))
_YEAR_2099 = epoch_day(date(2099, 1, 1))


@dataclass(frozen=True)
class DirtyKind:
    """One way a row breaks the contract."""

    table: str
    name: str
    description: str


DIRTY_KINDS: tuple[DirtyKind, ...] = (
    DirtyKind("usage_events", "unknown_account", "account_id that is not in accounts"),
    DirtyKind("usage_events", "timestamp_before_1990", "timestamp in the year 1900"),
    DirtyKind("usage_events", "timestamp_in_future", "timestamp in the year 2099"),
    DirtyKind("support_tickets", "unknown_account", "account_id that is not in accounts"),
    DirtyKind(
        "support_tickets",
        "duplicate_ticket_id",
        "ticket_id of an existing ticket (one extra row per id)",
    ),
    DirtyKind("support_tickets", "unknown_priority", "priority 'asap'"),
    DirtyKind("support_tickets", "satisfaction_out_of_range", "satisfaction 9 (CSAT is 1-5)"),
    DirtyKind("support_tickets", "closed_before_opened", "closed_at three days before opened_at"),
    DirtyKind("surveys", "score_out_of_range", "nps score 14 (NPS is 0-10)"),
    DirtyKind("invoices", "negative_amount", "negative amount"),
    DirtyKind(
        "invoices",
        "duplicate_invoice_id",
        "invoice_id of an existing invoice (one extra row per id)",
    ),
    DirtyKind("interactions", "unknown_account", "account_id that is not in accounts"),
)
DUPLICATED_ID = {"duplicate_ticket_id": "ticket_id", "duplicate_invoice_id": "invoice_id"}


def dirty_counts(
    fraction: float, clean_rows: dict[str, int], existing_ids: dict[str, list[str]]
) -> dict[str, dict[str, int]]:
    """How many rows of each kind to inject: ``fraction`` of each table's clean rows, split over its kinds."""
    kinds_per_table = {
        kind.table: sum(k.table == kind.table for k in DIRTY_KINDS) for kind in DIRTY_KINDS
    }
    counts: dict[str, dict[str, int]] = {}
    for kind in DIRTY_KINDS:
        wanted = (
            math.ceil(fraction * clean_rows[kind.table] / kinds_per_table[kind.table])
            if fraction > 0
            else 0
        )
        if kind.name in DUPLICATED_ID:
            wanted = min(wanted, len(existing_ids[DUPLICATED_ID[kind.name]]))
        counts.setdefault(kind.table, {})[kind.name] = wanted
    return counts


class _Rows:
    """Valid rows for one table, ready to be broken in one place."""

    def __init__(
        self, n: int, n_accounts: int, timeline: Timeline, rng: np.random.Generator, serial: int
    ) -> None:
        self.n = n
        self.account = account_ids(rng.integers(0, n_accounts, n))
        self.second = (
            timeline.start_day + rng.integers(0, max(1, timeline.n_days - 7), n)
        ) * DAY + rng.integers(0, DAY, n)
        self.serial = np.arange(serial, serial + n)

    def text(self, values: object) -> pa.Array:
        return pa.array(
            np.broadcast_to(np.asarray(values, dtype=object), (self.n,)), type=pa.string()
        )

    def usage_events(self) -> dict[str, pa.Array]:
        return {
            "account_id": self.account,
            "timestamp": timestamps(self.second // DAY * DAY),
            "event": self.text(vocab.EVENTS[0]),
            "user_id": self.text([f"{a}-u1" for a in self.account.to_pylist()]),
            "quantity": pa.array(np.ones(self.n, dtype=np.int32)),
        }

    def support_tickets(self) -> dict[str, pa.Array]:
        return {
            "account_id": self.account,
            "ticket_id": self.text([f"T-DIRTY-{i}" for i in self.serial]),
            "opened_at": timestamps(self.second),
            "closed_at": timestamps(self.second + 7200),
            "priority": self.text("normal"),
            "category": self.text("how_to"),
            "satisfaction": pa.array(np.full(self.n, 4, dtype=np.int16)),
            "escalated": pa.array(np.zeros(self.n, dtype=bool)),
        }

    def surveys(self) -> dict[str, pa.Array]:
        return {
            "account_id": self.account,
            "responded_at": timestamps(self.second),
            "kind": self.text("nps"),
            "score": pa.array(np.full(self.n, 8, dtype=np.int16)),
            "comment": pa.nulls(self.n, pa.string()),
            "recorded_at": timestamps(self.second + 3600),
        }

    def invoices(self) -> dict[str, pa.Array]:
        issued = self.second // DAY * DAY
        return {
            "account_id": self.account,
            "invoice_id": self.text([f"INV-DIRTY-{i}" for i in self.serial]),
            "issued_at": timestamps(issued),
            "due_at": timestamps(issued + 30 * DAY),
            "amount": pa.array(np.full(self.n, 1200.0)),
            "paid_at": timestamps(issued + 5 * DAY),
            "status": self.text("paid"),
        }

    def interactions(self) -> dict[str, pa.Array]:
        return {
            "account_id": self.account,
            "timestamp": timestamps(self.second),
            "kind": self.text("email"),
            "sentiment": self.text("neutral"),
            "note": pa.nulls(self.n, pa.string()),
            "recorded_at": timestamps(self.second + 3600),
        }


def _break(
    kind: DirtyKind,
    columns: dict[str, pa.Array],
    rows: _Rows,
    n_accounts: int,
    existing_ids: dict[str, list[str]],
    rng: np.random.Generator,
) -> None:
    """Break ``kind``'s rule in every row of ``columns`` (in place)."""
    n = rows.n
    if kind.name == "unknown_account":
        columns["account_id"] = account_ids(n_accounts + rows.serial)
    elif kind.name == "timestamp_before_1990":
        columns["timestamp"] = timestamps((_YEAR_1900 + rng.integers(0, 365, n)) * DAY)
    elif kind.name == "timestamp_in_future":
        columns["timestamp"] = timestamps((_YEAR_2099 + rng.integers(0, 365, n)) * DAY)
    elif kind.name in DUPLICATED_ID:
        column = DUPLICATED_ID[kind.name]
        pool = existing_ids[column]
        columns[column] = rows.text([pool[i] for i in rng.choice(len(pool), n, replace=False)])
    elif kind.name == "unknown_priority":
        columns["priority"] = rows.text("asap")
    elif kind.name == "satisfaction_out_of_range":
        columns["satisfaction"] = pa.array(np.full(n, 9, dtype=np.int16))
    elif kind.name == "closed_before_opened":
        columns["closed_at"] = timestamps(rows.second - 3 * DAY)
    elif kind.name == "score_out_of_range":
        columns["score"] = pa.array(np.full(n, 14, dtype=np.int16))
    elif kind.name == "negative_amount":
        columns["amount"] = pa.array(np.round(-rng.uniform(10, 5000, n), 2))
    else:
        raise ValueError(f"no rule to break for dirty kind {kind.name!r}")


def dirty_tables(
    counts: dict[str, dict[str, int]],
    n_accounts: int,
    timeline: Timeline,
    existing_ids: dict[str, list[str]],
    seed: int,
) -> dict[str, pa.Table]:
    """The dirty rows of each table, conformed to the written schema."""
    rng = np.random.Generator(
        np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(DIRTY_STREAM,)))
    )
    tables: dict[str, list[pa.Table]] = {}
    serial = 0
    for kind in DIRTY_KINDS:
        n = counts[kind.table][kind.name]
        if n == 0:
            continue
        rows = _Rows(n, n_accounts, timeline, rng, serial)
        serial += n
        columns = getattr(rows, kind.table)()
        _break(kind, columns, rows, n_accounts, existing_ids, rng)
        tables.setdefault(kind.table, []).append(conform(kind.table, pa.table(columns)))
    return {name: pa.concat_tables(parts) for name, parts in tables.items()}
