"""Point-in-time properties, on random small worlds (hypothesis).

- Appending rows dated after every as_of changes no feature value.
- Appending rows recorded after every as_of (whatever their event time) changes none.
- Reordering the rows of every table changes nothing.

Renewal rows are the one exception to the first property by design: renewal *dates*
are known in advance, so a renewal dated after as_of rightly sets days_to_renewal.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from features.catalogue import FeatureConfig, build_features

AS_OF = (datetime(2025, 7, 1), datetime(2025, 8, 15, 6, 0))
ACCOUNTS = ("A1", "A2", "A3")
DAY_HOURS = 24
TEXTS = (
    None,
    "",
    "Charged twice, the invoice is wrong and we are angry.",
    "Great support, quick answers.",
    "Another outage, bugs everywhere, awful.",
    "Routine check-in.",
    "La factura llegó dos veces.",
)
"""Survey comments and CRM notes: negative, positive and neutral ones, blank, foreign."""
# offsets (hours before the first as_of) on window edges, where off-by-one errors live
EDGES = [d * DAY_HOURS for d in (0, 7, 30, 60, 90, 365, 730)] + [1, 30 * DAY_HOURS + 1]
SETTINGS = settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def _offset(after: bool) -> st.SearchStrategy[int]:
    if after:  # exactly at the last as_of is the case that matters most
        return st.one_of(st.just(0), st.integers(0, 100 * DAY_HOURS))
    return st.one_of(st.sampled_from(EDGES), st.integers(0, 800 * DAY_HOURS))


@st.composite
def moments(draw: st.DrawFn, after: bool = False) -> datetime:
    """A time before the first as_of (or, when ``after``, at or after the last one)."""
    hours = draw(_offset(after))
    return AS_OF[-1] + timedelta(hours=hours) if after else AS_OF[0] - timedelta(hours=hours)


@st.composite
def rows(draw: st.DrawFn, table: str, after: bool = False, recorded_after: bool = False) -> dict:
    """One random row of ``table``; ``after``: dated after every as_of; ``recorded_after``: recorded so."""
    account = draw(st.sampled_from(ACCOUNTS))
    t = draw(moments(after))
    later = t + timedelta(hours=draw(st.integers(1, 2000)))
    maybe_later = draw(st.none() | st.just(later))
    row: dict = {"account_id": account}
    if table == "usage_events":
        row |= {
            "timestamp": t,
            "event": draw(st.sampled_from(["login", "search", "api_call", "report_run"])),
        }
        row |= {
            "user_id": draw(st.sampled_from(["u1", "u2", "u3"])),
            "quantity": draw(st.none() | st.integers(1, 5)),
        }
    elif table == "support_tickets":
        row |= {
            "ticket_id": f"T{draw(st.integers(0, 10**9))}",
            "opened_at": t,
            "closed_at": maybe_later,
        }
        row |= {"priority": draw(st.sampled_from(["low", "normal", "high", "urgent"]))}
        row |= {
            "satisfaction": draw(st.none() | st.integers(1, 5)),
            "escalated": draw(st.booleans()),
        }
    elif table == "surveys":
        kind = draw(st.sampled_from(["nps", "csat"]))
        row |= {
            "responded_at": t,
            "kind": kind,
            "score": draw(st.integers(0, 10) if kind == "nps" else st.integers(1, 5)),
            "comment": draw(st.sampled_from(TEXTS)),
        }
    elif table == "invoices":
        row |= {
            "invoice_id": f"I{draw(st.integers(0, 10**9))}",
            "issued_at": t,
            "due_at": t + timedelta(days=14),
        }
        row |= {"amount": draw(st.integers(1, 1000)), "paid_at": maybe_later}
        row |= {"status": draw(st.sampled_from(["paid", "open", "void", "failed"]))}
    elif table == "subscriptions":
        row |= {"start_date": t, "end_date": maybe_later, "mrr": draw(st.integers(0, 500))}
        row |= {
            "seats": draw(st.integers(1, 50)),
            "discount": draw(st.sampled_from([0.0, 0.1, 0.25])),
        }
    elif table == "interactions":
        row |= {"timestamp": t, "kind": draw(st.sampled_from(["call", "email", "meeting", "note"]))}
        row |= {"sentiment": draw(st.sampled_from([None, "positive", "neutral", "negative"]))}
        row |= {"note": draw(st.sampled_from(TEXTS))}
    elif table == "incidents":
        row |= {"started_at": t, "resolved_at": maybe_later}
        row |= {"severity": draw(st.sampled_from([None, "low", "medium", "high", "critical"]))}
    elif table == "renewals":
        row |= {"renewal_date": t, "outcome": draw(st.sampled_from([None, "renewed", "churned"]))}
        row |= {"arr": draw(st.integers(100, 9000))}
    if recorded_after:
        row["recorded_at"] = AS_OF[-1] + timedelta(hours=draw(st.integers(0, 500)))
    elif table != "renewals" and draw(st.booleans()):
        row["recorded_at"] = t + timedelta(hours=draw(st.integers(0, 48)))
    return row


EVENT_TABLES = (
    "usage_events",
    "support_tickets",
    "surveys",
    "invoices",
    "subscriptions",
    "interactions",
    "incidents",
)


@st.composite
def worlds(draw: st.DrawFn) -> dict[str, list[dict]]:
    """A small random world: a few rows per table for three accounts."""
    world = {
        table: draw(st.lists(rows(table), max_size=8)) for table in (*EVENT_TABLES, "renewals")
    }
    for table, key in (("subscriptions", "start_date"), ("renewals", "renewal_date")):
        world[table] = list(
            {(r["account_id"], r[key]): r for r in world[table]}.values()
        )  # unique keys
    world["accounts"] = [
        {"account_id": a, "created_at": datetime(2023, 1, 1), "segment": "smb", "arr": 1000.0}
        for a in ACCOUNTS
    ]
    return world


POINTS = pd.DataFrame([(a, t) for a in ACCOUNTS for t in AS_OF], columns=["account_id", "as_of"])
VOCABULARY = FeatureConfig(
    usage_events_vocabulary=("login", "Search Page", "api_call"),
    text_themes={"invoice": ("invoice", "charged"), "outage": ("outage", "bugs")},
)
"""Per-event features too (one event the worlds never hold), and text themes."""


def _build(make_source, world: dict, strategy: str = "auto") -> pd.DataFrame:
    # with the quoted examples of what was written: they are point in time too
    return build_features(
        make_source(world), POINTS, config=VOCABULARY, strategy=strategy, quotes=True
    )


@SETTINGS
@given(
    world=worlds(),
    extra=st.lists(
        st.sampled_from(EVENT_TABLES).flatmap(lambda t: rows(t, after=True).map(lambda r: (t, r))),
        min_size=1,
        max_size=10,
    ),
)
def test_point_in_time_rows_dated_after_as_of_change_nothing(make_source, world, extra):
    before = _build(make_source, world)
    for table, row in extra:
        world[table] = [*world[table], row]
    pd.testing.assert_frame_equal(before, _build(make_source, world, strategy="points"))


@SETTINGS
@given(
    world=worlds(),
    extra=st.lists(
        st.sampled_from((*EVENT_TABLES, "renewals")).flatmap(
            lambda t: rows(t, recorded_after=True).map(lambda r: (t, r))
        ),
        min_size=1,
        max_size=10,
    ),
)
def test_point_in_time_rows_recorded_after_as_of_change_nothing(make_source, world, extra):
    before = _build(make_source, world)
    for table, row in extra:
        if table == "renewals":
            row["renewal_date"] = min(row["renewal_date"], AS_OF[0] - timedelta(days=1))
            if any(
                (r["account_id"], r["renewal_date"]) == (row["account_id"], row["renewal_date"])
                for r in world[table]
            ):
                continue
        world[table] = [*world[table], row]
    pd.testing.assert_frame_equal(before, _build(make_source, world))


@SETTINGS
@given(world=worlds(), seed=st.integers(0, 2**32 - 1))
def test_point_in_time_reordering_rows_changes_nothing(make_source, world, seed):
    before = _build(make_source, world)
    shuffler = random.Random(seed)
    shuffled = {
        table: shuffler.sample(table_rows, len(table_rows)) for table, table_rows in world.items()
    }
    pd.testing.assert_frame_equal(before, _build(make_source, shuffled, strategy="points"))
