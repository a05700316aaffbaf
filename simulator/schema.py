"""The Arrow types the simulator writes for each contract table.

Columns and their order come from :mod:`features.contract`; this module only picks a
physical type per column (dictionary-encoded strings for repeated values, second
precision naive timestamps, small integers for scores). Columns the simulator does
not produce (``recorded_at`` outside :data:`_LATE_ARRIVING`) are not written.
"""

from __future__ import annotations

import pyarrow as pa

from features.contract import TABLES, Kind

_TEXT = pa.string()
_LABEL = pa.dictionary(pa.int32(), pa.string())
_KIND_TYPE = {
    Kind.ID: _LABEL,
    Kind.TEXT: _LABEL,
    Kind.ENUM: _LABEL,
    Kind.TIMESTAMP: pa.timestamp("s"),
    Kind.NUMBER: pa.float64(),
    Kind.INTEGER: pa.int32(),
    Kind.BOOLEAN: pa.bool_(),
}
_OVERRIDES = {
    ("accounts", "account_id"): _TEXT,
    ("accounts", "name"): _TEXT,
    ("support_tickets", "ticket_id"): _TEXT,
    ("invoices", "invoice_id"): _TEXT,
    ("usage_events", "quantity"): pa.int32(),
    ("support_tickets", "satisfaction"): pa.int16(),
    ("surveys", "score"): pa.int16(),
}
_LATE_ARRIVING = ("renewals", "surveys", "interactions")
"""Tables written with ``recorded_at``; the others only have their event time."""


def _schema(name: str) -> pa.Schema:
    table = TABLES[name]
    columns = [c for c in table.columns if c.name != "recorded_at" or name in _LATE_ARRIVING]
    return pa.schema(
        [pa.field(c.name, _OVERRIDES.get((name, c.name), _KIND_TYPE[c.kind])) for c in columns]
    )


SCHEMAS: dict[str, pa.Schema] = {name: _schema(name) for name in TABLES}
"""The written schema of every contract table, in contract order."""


def conform(name: str, table: pa.Table) -> pa.Table:
    """``table`` with exactly the columns and types of ``SCHEMAS[name]`` (raises if one is missing)."""
    schema = SCHEMAS[name]
    return table.select(schema.names).cast(schema)
