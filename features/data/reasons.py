"""Why a row was quarantined: the reason codes, one per row-level rule.

A row breaking several rules carries every message (``"; "``-joined) in ``_reason`` and
the first rule's code in ``_reason_code``, so the counts per code add up to the rows set aside.
"""

from __future__ import annotations

from enum import StrEnum

from features.contract import EARLIEST_TIMESTAMP


class Reason(StrEnum):
    """The code of a row-level rule, as written to ``_reason_code``."""

    MALFORMED_LINE = "malformed_line"
    MISSING_VALUE = "missing_value"
    BAD_TIMESTAMP = "bad_timestamp"
    BAD_NUMBER = "bad_number"
    BAD_INTEGER = "bad_integer"
    BAD_BOOLEAN = "bad_boolean"
    TIMESTAMP_TOO_EARLY = "timestamp_too_early"
    TIMESTAMP_IN_FUTURE = "timestamp_in_future"
    OUT_OF_RANGE = "out_of_range"
    NOT_WHOLE_NUMBER = "not_whole_number"
    UNKNOWN_VALUE = "unknown_value"
    UNKNOWN_ACCOUNT = "unknown_account"
    OUT_OF_ORDER = "out_of_order"
    SCORE_OUT_OF_RANGE = "score_out_of_range"
    DUPLICATE_KEY = "duplicate_key"

    @property
    def description(self) -> str:
        """What the rule forbids, in one line (for reports and docs)."""
        return _DESCRIPTIONS[self]


_DESCRIPTIONS = {
    Reason.MALFORMED_LINE: "a CSV line whose number of fields differs from the header (or with stray quotes)",
    Reason.MISSING_VALUE: "an empty value in a column that may not be empty",
    Reason.BAD_TIMESTAMP: "a value that is not an ISO 8601 timestamp",
    Reason.BAD_NUMBER: "a value that is not a finite number",
    Reason.BAD_INTEGER: "a value that is not a number where a whole number is expected",
    Reason.BAD_BOOLEAN: "a value that is not true/false, t/f, yes/no, y/n or 1/0",
    Reason.TIMESTAMP_TOO_EARLY: f"a timestamp before {EARLIEST_TIMESTAMP}",
    Reason.TIMESTAMP_IN_FUTURE: "a timestamp after the time of validation in a column that records the past",
    Reason.OUT_OF_RANGE: "a number below the column's minimum or above its maximum",
    Reason.NOT_WHOLE_NUMBER: "a fraction where a whole number is expected",
    Reason.UNKNOWN_VALUE: "a value outside the column's allowed words",
    Reason.UNKNOWN_ACCOUNT: "an account_id that matches no kept row of accounts (absent, or itself quarantined)",
    Reason.OUT_OF_ORDER: "a timestamp before the one it must follow (closed_at before opened_at, ...)",
    Reason.SCORE_OUT_OF_RANGE: "a score outside the range of the row's kind (surveys: nps 0-10, csat 1-5)",
    Reason.DUPLICATE_KEY: "a repeat of a unique key: the first valid row in file order is kept, later ones are quarantined",
}
