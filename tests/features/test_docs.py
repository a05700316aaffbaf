"""docs/data.md documents the contract as enforced: every table, rule, reason and error."""

from __future__ import annotations

from pathlib import Path

import pytest

import features.data as data
from features.contract import TABLES, Kind, Ordered, Table
from features.data import DataError, Reason

DOCS = (Path(__file__).parents[2] / "docs" / "data.md").read_text()


def _rule(table: Table, column) -> str:
    rules = []
    if column.name == "account_id" and table.name != "accounts":
        rules.append("in accounts")
    if column.choices:
        rules.append("/".join(column.choices))
    if column.minimum is not None and column.maximum is not None:
        rules.append(f"{column.minimum:g}-{column.maximum:g}")
    elif column.minimum is not None:
        rules.append(f">= {column.minimum:g}")
    if column.kind is Kind.TIMESTAMP:
        rules.append("1990-01-01 .. " + ("any future" if column.future_ok else "now"))
    if column.default is not None:
        rules.append(f"empty = {column.default:g}")
    return "; ".join(rules)


def _section(table: Table) -> str:
    facts = [table.description]
    if table.unique_key:
        facts.append(f"Unique key: {', '.join(table.unique_key)}.")
    if table.event_time:
        facts.append(f"Event time: `{table.event_time}`.")
    for rule in table.rules:
        if isinstance(rule, Ordered):
            facts.append(f"`{rule.later}` may not be before `{rule.earlier}`.")
        else:
            ranges = ", ".join(f"{k} {lo:g}-{hi:g}" for k, (lo, hi) in rule.ranges.items())
            facts.append(f"`{rule.score_column}` range by `{rule.kind_column}`: {ranges}.")
    lines = [f"### {table.name}", "", " ".join(facts), ""]
    lines += [
        "| column | kind | required | may be empty | rule | meaning |",
        "|---|---|---|---|---|---|",
    ]
    for c in table.columns:
        lines.append(
            f"| `{c.name}` | {c.kind.value} | {'yes' if c.required else 'no'} | "
            f"{'yes' if c.nullable else 'no'} | {_rule(table, c)} | {c.description} |"
        )
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("name", list(TABLES))
def test_docs_table_section_matches_the_contract(name: str) -> None:
    assert _section(TABLES[name]) in DOCS


@pytest.mark.parametrize("reason", list(Reason))
def test_docs_lists_every_reason_code_with_its_description(reason: Reason) -> None:
    assert f"| `{reason.value}` | {reason.description} |" in DOCS


def test_docs_lists_every_table_level_error() -> None:
    errors = [
        name
        for name in data.__all__
        if isinstance(getattr(data, name), type) and issubclass(getattr(data, name), DataError)
    ]
    assert len(errors) == 9
    for name in errors:
        if name != "DataError":
            assert f"| `{name}` |" in DOCS
