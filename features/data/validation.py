"""The row rules of one table as SQL: which rows go to quarantine, and why; the clean rows.

Each rule is a :class:`Check`: a condition over the parsed row and a message naming the
column and the value. Rows are first parsed (``__v_<column>``), then flagged
(``__f<i>``, one per check), then -- for tables with a unique key -- the first valid row
of each key is found, so a later row repeating it is a duplicate. The quarantine query
keeps the stored values of every flagged row; the clean query re-reads the source and
keeps every row the quarantine does not hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from features.contract import EARLIEST_TIMESTAMP, Column, Kind, Ordered, ScoreRangeByKind, Table
from features.data.coercion import Coercion
from features.data.reading import SOURCE_ROW, RawTable
from features.data.reasons import Reason
from features.data.sql import ident, literal, shown, timestamp

ACCOUNT_ID = "account_id"
ACCOUNTS = "accounts"


@dataclass(frozen=True)
class Check:
    """One row rule: the row breaks it when ``condition`` holds; ``message`` says how."""

    reason: Reason
    condition: str
    message: str


@dataclass(frozen=True)
class TablePlan:
    """Everything needed to validate one table: how each contract column is read, and the rules."""

    table: Table
    raw: RawTable
    coercions: dict[str, Coercion]  # contract column name -> coercion (absent columns included)
    extras: tuple[str, ...]  # stored columns that are not in the contract, kept as stored
    now: datetime

    def checks(self) -> list[Check]:
        """Every rule of the table except duplicates, in the order their reasons are reported."""
        checks = []
        for column in self.table.columns:
            coercion = self.coercions[column.name]
            if coercion.stored != "NULL":
                checks += _column_checks(column, coercion, self.now)
            if column.name == ACCOUNT_ID and self.table.name != ACCOUNTS:
                checks.append(_known_account())
        for rule in self.table.rules:
            checks += _rule_checks(rule, self.coercions)
        return checks

    def quarantine_sql(self) -> str:
        """SELECT the stored columns of every row that breaks a rule, with its reasons."""
        checks = self.checks()
        parsed = ", ".join(f"{c.value} AS {_v(name)}" for name, c in self.coercions.items())
        flags = ", ".join(
            f"coalesce({c.condition}, false) AS {_f(i)}" for i, c in enumerate(checks)
        )
        any_flag = " OR ".join(_f(i) for i in range(len(checks))) or "false"
        ctes = [
            f"parsed AS (SELECT r.*, {parsed} FROM ({self._stripped()}) r)",
            f"checked AS (SELECT p.*, {flags} FROM parsed p)",
            f"flagged AS (SELECT c.*, ({any_flag}) AS __bad FROM checked c)",
        ]
        source, codes, messages = "flagged f", [], []
        for i, check in enumerate(checks):
            codes.append(f"CASE WHEN {_f(i)} THEN {literal(check.reason)} END")
            messages.append(f"CASE WHEN {_f(i)} THEN {check.message} END")
        is_duplicate = "false"
        if self.table.unique_key:
            keys = ", ".join(f"{_v(k)} AS __k{j}" for j, k in enumerate(self.table.unique_key))
            on = " AND ".join(f"f.{_v(k)} = d.__k{j}" for j, k in enumerate(self.table.unique_key))
            ctes.append(
                f"firsts AS (SELECT {keys}, min({SOURCE_ROW}) AS __first FROM flagged "
                f"WHERE NOT __bad GROUP BY ALL)"
            )
            source = f"flagged f LEFT JOIN firsts d ON {on}"
            is_duplicate = f"(NOT f.__bad AND d.__first < f.{SOURCE_ROW})"
            codes.append(f"CASE WHEN {is_duplicate} THEN {literal(Reason.DUPLICATE_KEY)} END")
            messages.append(f"CASE WHEN {is_duplicate} THEN {self._duplicate_message()} END")
        stored = ", ".join(f"f.{ident(name)}" for name in self.raw.columns)
        return (
            f"WITH {', '.join(ctes)} SELECT {stored}{', ' if stored else ''}f.{SOURCE_ROW}, "
            f"coalesce({', '.join(codes)}) AS _reason_code, concat_ws('; ', {', '.join(messages)}) AS _reason "
            f"FROM {source} WHERE f.__bad OR {is_duplicate} ORDER BY f.{SOURCE_ROW}"
        )

    def clean_sql(self, quarantine: str) -> str:
        """SELECT the clean, typed rows: every row whose ``_source_row`` is not in ``quarantine``."""
        columns = [f"{c.final(c.value)} AS {ident(name)}" for name, c in self.coercions.items()]
        columns += [f"r.{ident(name)}" for name in self.extras]
        return (
            f"SELECT {', '.join(columns)} FROM ({self._stripped()}) r "
            f"WHERE r.{SOURCE_ROW} NOT IN (SELECT {SOURCE_ROW} FROM {quarantine})"
        )

    def _stripped(self) -> str:
        """SELECT the raw rows plus the stripped text of every text-stored contract column."""
        texts = [f", {c.text} AS {c.text_name}" for c in self.coercions.values() if c.text]
        return f"SELECT r.*{''.join(texts)} FROM ({self.raw.sql}) r"

    def _duplicate_message(self) -> str:
        key = self.table.unique_key
        names = key[0] if len(key) == 1 else "(" + ", ".join(key) + ")"
        values = " || ', ' || ".join(shown(f"f.{_v(k)}") for k in key)
        return f"'duplicate {names} ' || {values} || ', first seen at row ' || d.__first"


def _v(name: str) -> str:
    return ident(f"__v_{name}")


def _f(index: int) -> str:
    return f"__f{index}"


def _column_checks(column: Column, coercion: Coercion, now: datetime) -> list[Check]:
    name, value, raw = column.name, _v(column.name), shown(coercion.stored)
    present = f"NOT {coercion.empty}"
    checks = []
    if not column.nullable:
        checks.append(
            Check(Reason.MISSING_VALUE, coercion.empty, f"'{name} is empty (a value is required)'")
        )
    failed = f"{present} AND {value} IS NULL"
    if column.kind is Kind.ENUM:
        choices = ", ".join(literal(c) for c in column.choices)
        failed = f"{present} AND {value} NOT IN ({choices})"
        checks.append(
            Check(
                Reason.UNKNOWN_VALUE,
                failed,
                f"'{name} ' || {raw} || ' is not one of {'/'.join(column.choices)}'",
            )
        )
    elif column.kind in _PARSE_FAILURES:
        reason, expected = _PARSE_FAILURES[column.kind]
        checks.append(Check(reason, failed, f"'{name} ' || {raw} || ' {expected}'"))
    if column.kind is Kind.TIMESTAMP:
        checks.append(
            Check(
                Reason.TIMESTAMP_TOO_EARLY,
                f"{value} < {timestamp(EARLIEST_TIMESTAMP)}",
                f"'{name} ' || {raw} || ' is before {EARLIEST_TIMESTAMP}'",
            )
        )
        if not column.future_ok:
            checks.append(
                Check(
                    Reason.TIMESTAMP_IN_FUTURE,
                    f"{value} > {timestamp(now)}",
                    f"'{name} ' || {raw} || ' is after the time of validation ({now:%Y-%m-%d %H:%M:%S})'",
                )
            )
    if column.kind is Kind.INTEGER:
        checks.append(
            Check(
                Reason.NOT_WHOLE_NUMBER,
                f"{value} <> round({value})",
                f"'{name} ' || {raw} || ' is not a whole number'",
            )
        )
    if column.minimum is not None:
        checks.append(
            Check(
                Reason.OUT_OF_RANGE,
                f"{value} < {column.minimum}",
                f"'{name} ' || {raw} || ' is below the minimum {column.minimum:g}'",
            )
        )
    if column.maximum is not None:
        checks.append(
            Check(
                Reason.OUT_OF_RANGE,
                f"{value} > {column.maximum}",
                f"'{name} ' || {raw} || ' is above the maximum {column.maximum:g}'",
            )
        )
    return checks


_PARSE_FAILURES = {
    Kind.TIMESTAMP: (
        Reason.BAD_TIMESTAMP,
        "is not a timestamp (expected ISO 8601 such as 2024-03-01 or 2024-03-01T09:30:00Z)",
    ),
    Kind.NUMBER: (Reason.BAD_NUMBER, "is not a number"),
    Kind.INTEGER: (Reason.BAD_INTEGER, "is not a number (expected a whole number)"),
    Kind.BOOLEAN: (Reason.BAD_BOOLEAN, "is not a boolean (expected true/false, yes/no or 1/0)"),
}


def _known_account() -> Check:
    value = _v(ACCOUNT_ID)
    return Check(
        Reason.UNKNOWN_ACCOUNT,
        f"{value} IS NOT NULL AND NOT ({value} IN (SELECT {ACCOUNT_ID} FROM main.{ACCOUNTS}))",
        f"'{ACCOUNT_ID} ' || {shown(value)} || ' matches no kept row of {ACCOUNTS}'",
    )


def _rule_checks(rule: Ordered | ScoreRangeByKind, coercions: dict[str, Coercion]) -> list[Check]:
    if isinstance(rule, Ordered):
        if "NULL" in (coercions[rule.earlier].stored, coercions[rule.later].stored):
            return []
        earlier, later = _v(rule.earlier), _v(rule.later)
        return [
            Check(
                Reason.OUT_OF_ORDER,
                f"{later} < {earlier}",
                f"'{rule.later} ' || {shown(later)} || ' is before {rule.earlier} ' || {shown(earlier)}",
            )
        ]
    kind, score = _v(rule.kind_column), _v(rule.score_column)
    stored_score = shown(coercions[rule.score_column].stored)
    return [
        Check(
            Reason.SCORE_OUT_OF_RANGE,
            f"{kind} = {literal(value)} AND ({score} < {low} OR {score} > {high})",
            f"'{rule.score_column} ' || {stored_score} || ' is outside {low:g}-{high:g} for {rule.kind_column} {value}'",
        )
        for value, (low, high) in rule.ranges.items()
    ]
