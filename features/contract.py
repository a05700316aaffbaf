"""The input data contract (``shared/DATA_CONTRACT.md``), declared once.

Every table, column, allowed value and row rule lives here; the simulator writes
tables of this shape, the validator checks them against it and the docs list it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    """The logical type of a contract column."""

    ID = "id"  # non-empty text identifier
    TEXT = "text"  # free text, may be empty
    TIMESTAMP = "timestamp"  # ISO 8601; naive values are UTC
    NUMBER = "number"  # floating point
    INTEGER = "integer"  # whole number
    BOOLEAN = "boolean"  # true/false, yes/no, 1/0
    ENUM = "enum"  # one of a fixed set of lower-case words


@dataclass(frozen=True)
class Column:
    """One contract column and the rules every value in it must follow."""

    name: str
    kind: Kind
    description: str
    required: bool = False  # the column must exist in the table
    nullable: bool = True  # a row may leave the value empty
    choices: tuple[str, ...] = ()  # allowed values of an ENUM column
    minimum: float | None = None
    maximum: float | None = None
    future_ok: bool = False  # a TIMESTAMP that may lie after the time of validation
    default: float | None = None  # the value an empty cell (or an absent column) stands for


@dataclass(frozen=True)
class Ordered:
    """A row rule: ``later`` may not come before ``earlier`` when both are present."""

    earlier: str
    later: str


@dataclass(frozen=True)
class ScoreRangeByKind:
    """A row rule: the range of ``score`` depends on the value of ``kind``."""

    kind_column: str
    score_column: str
    ranges: dict[str, tuple[float, float]]


RowRule = Ordered | ScoreRangeByKind


@dataclass(frozen=True)
class Table:
    """One contract table: its columns, keys and row rules."""

    name: str
    description: str
    columns: tuple[Column, ...]
    unique_key: tuple[str, ...] = ()  # rows repeating this key are duplicates
    event_time: str | None = None  # when the row happened (rows are known from then)
    rules: tuple[RowRule, ...] = field(default=())

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"table {self.name!r} has no contract column {name!r}")


PRIORITIES = ("low", "normal", "high", "urgent")
SURVEY_KINDS = ("nps", "csat")
INVOICE_STATUSES = ("paid", "open", "void", "failed")
INTERACTION_KINDS = ("call", "email", "meeting", "note")
SENTIMENTS = ("positive", "neutral", "negative")
OUTCOMES = ("renewed", "churned")
SEVERITIES = ("low", "medium", "high", "critical")

_ACCOUNT_ID = Column(
    "account_id", Kind.ID, "The customer account the row belongs to.", required=True, nullable=False
)
_RECORDED_AT = Column(
    "recorded_at",
    Kind.TIMESTAMP,
    "When the row became known; wins over the event time for as-of cuts.",
    future_ok=False,
)

ACCOUNTS = Table(
    name="accounts",
    description="One row per customer account.",
    unique_key=("account_id",),
    columns=(
        _ACCOUNT_ID,
        Column("name", Kind.TEXT, "Display name of the account."),
        Column("created_at", Kind.TIMESTAMP, "When the account became a customer."),
        Column("segment", Kind.TEXT, "Customer segment, e.g. smb, mid_market, enterprise."),
        Column("industry", Kind.TEXT, "Industry of the customer."),
        Column("region", Kind.TEXT, "Sales region."),
        Column("owner", Kind.TEXT, "The customer-success manager who owns the account."),
        Column("arr", Kind.NUMBER, "Current annual recurring revenue.", minimum=0),
    ),
)

RENEWALS = Table(
    name="renewals",
    description="One row per past or upcoming renewal decision.",
    unique_key=("account_id", "renewal_date"),
    event_time="renewal_date",
    columns=(
        _ACCOUNT_ID,
        Column(
            "renewal_date",
            Kind.TIMESTAMP,
            "When the contract comes up for renewal.",
            required=True,
            nullable=False,
            future_ok=True,
        ),
        Column(
            "outcome",
            Kind.ENUM,
            "renewed or churned; empty while the renewal is upcoming.",
            required=True,
            choices=OUTCOMES,
        ),
        Column("arr", Kind.NUMBER, "ARR at stake at this renewal.", minimum=0),
        Column("recorded_at", Kind.TIMESTAMP, "When the outcome became known."),
    ),
)

USAGE_EVENTS = Table(
    name="usage_events",
    description="Product usage; daily aggregates are rows with a quantity.",
    event_time="timestamp",
    columns=(
        _ACCOUNT_ID,
        Column(
            "timestamp", Kind.TIMESTAMP, "When the usage happened.", required=True, nullable=False
        ),
        Column(
            "event", Kind.ID, "The product event or feature used.", required=True, nullable=False
        ),
        Column("user_id", Kind.TEXT, "The user who acted."),
        Column("quantity", Kind.NUMBER, "How many times; empty means 1.", minimum=0, default=1),
        _RECORDED_AT,
    ),
)

SUPPORT_TICKETS = Table(
    name="support_tickets",
    description="Support tickets opened by the account.",
    unique_key=("ticket_id",),
    event_time="opened_at",
    rules=(Ordered("opened_at", "closed_at"),),
    columns=(
        _ACCOUNT_ID,
        Column("ticket_id", Kind.ID, "Ticket identifier, unique.", required=True, nullable=False),
        Column(
            "opened_at",
            Kind.TIMESTAMP,
            "When the ticket was opened.",
            required=True,
            nullable=False,
        ),
        Column("closed_at", Kind.TIMESTAMP, "When it was closed; empty while open."),
        Column("priority", Kind.ENUM, "Ticket priority.", choices=PRIORITIES),
        Column("category", Kind.TEXT, "Ticket category."),
        Column("satisfaction", Kind.NUMBER, "CSAT given on the ticket, 1-5.", minimum=1, maximum=5),
        Column("escalated", Kind.BOOLEAN, "Whether the ticket was escalated."),
        _RECORDED_AT,
    ),
)

SURVEYS = Table(
    name="surveys",
    description="NPS and CSAT survey responses.",
    event_time="responded_at",
    rules=(ScoreRangeByKind("kind", "score", {"nps": (0, 10), "csat": (1, 5)}),),
    columns=(
        _ACCOUNT_ID,
        Column(
            "responded_at",
            Kind.TIMESTAMP,
            "When the response was given.",
            required=True,
            nullable=False,
        ),
        Column(
            "kind",
            Kind.ENUM,
            "nps (score 0-10) or csat (score 1-5).",
            required=True,
            nullable=False,
            choices=SURVEY_KINDS,
        ),
        Column("score", Kind.NUMBER, "The score given.", required=True, nullable=False),
        Column("comment", Kind.TEXT, "Free-text comment."),
        _RECORDED_AT,
    ),
)

INVOICES = Table(
    name="invoices",
    description="Invoices and their payment.",
    unique_key=("invoice_id",),
    event_time="issued_at",
    rules=(Ordered("issued_at", "due_at"), Ordered("issued_at", "paid_at")),
    columns=(
        _ACCOUNT_ID,
        Column("invoice_id", Kind.ID, "Invoice identifier, unique.", required=True, nullable=False),
        Column(
            "issued_at",
            Kind.TIMESTAMP,
            "When the invoice was issued.",
            required=True,
            nullable=False,
        ),
        Column(
            "due_at",
            Kind.TIMESTAMP,
            "When payment is due.",
            required=True,
            nullable=False,
            future_ok=True,
        ),
        Column("amount", Kind.NUMBER, "Invoiced amount.", required=True, nullable=False, minimum=0),
        Column("paid_at", Kind.TIMESTAMP, "When it was paid; empty while unpaid."),
        Column("status", Kind.ENUM, "paid, open, void or failed.", choices=INVOICE_STATUSES),
        _RECORDED_AT,
    ),
)

SUBSCRIPTIONS = Table(
    name="subscriptions",
    description="Billing periods: seats, plan and price over time.",
    unique_key=("account_id", "start_date"),
    event_time="start_date",
    rules=(Ordered("start_date", "end_date"),),
    columns=(
        _ACCOUNT_ID,
        Column(
            "start_date",
            Kind.TIMESTAMP,
            "First day of the billing period.",
            required=True,
            nullable=False,
            future_ok=True,
        ),
        Column(
            "mrr",
            Kind.NUMBER,
            "Monthly recurring revenue in the period.",
            required=True,
            nullable=False,
            minimum=0,
        ),
        Column(
            "end_date",
            Kind.TIMESTAMP,
            "Last day of the period; empty while current.",
            future_ok=True,
        ),
        Column("seats", Kind.INTEGER, "Licensed seats.", minimum=0),
        Column("plan", Kind.TEXT, "Plan name."),
        Column(
            "discount",
            Kind.NUMBER,
            "Discount off list price as a fraction, 0-1.",
            minimum=0,
            maximum=1,
        ),
        _RECORDED_AT,
    ),
)

INTERACTIONS = Table(
    name="interactions",
    description="CRM touchpoints.",
    event_time="timestamp",
    columns=(
        _ACCOUNT_ID,
        Column(
            "timestamp",
            Kind.TIMESTAMP,
            "When the touchpoint happened.",
            required=True,
            nullable=False,
        ),
        Column(
            "kind",
            Kind.ENUM,
            "call, email, meeting or note.",
            required=True,
            nullable=False,
            choices=INTERACTION_KINDS,
        ),
        Column("sentiment", Kind.ENUM, "positive, neutral or negative.", choices=SENTIMENTS),
        Column("note", Kind.TEXT, "Free-text note."),
        _RECORDED_AT,
    ),
)

INCIDENTS = Table(
    name="incidents",
    description="Outages and bugs that hit the account.",
    event_time="started_at",
    rules=(Ordered("started_at", "resolved_at"),),
    columns=(
        _ACCOUNT_ID,
        Column(
            "started_at",
            Kind.TIMESTAMP,
            "When the incident started.",
            required=True,
            nullable=False,
        ),
        Column("resolved_at", Kind.TIMESTAMP, "When it was resolved; empty while ongoing."),
        Column("severity", Kind.ENUM, "low, medium, high or critical.", choices=SEVERITIES),
        _RECORDED_AT,
    ),
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        ACCOUNTS,
        RENEWALS,
        USAGE_EVENTS,
        SUPPORT_TICKETS,
        SURVEYS,
        INVOICES,
        SUBSCRIPTIONS,
        INTERACTIONS,
        INCIDENTS,
    )
}
"""Every contract table by name, in dependency order (accounts first)."""

REQUIRED_TABLES = ("accounts",)
"""Tables a data source must always have; ``renewals`` is required to train."""

EARLIEST_TIMESTAMP = "1990-01-01"
"""Timestamps before this are impossible for a SaaS history and are quarantined."""
