"""Reading table files: unreadable files stop the run, malformed CSV lines are quarantined."""

from __future__ import annotations

import pytest

from features.data import UnreadableTableError, load_dataset


def test_load_dataset_corrupt_parquet_names_the_file(source, files) -> None:
    directory = source(usage_events="")
    (directory / "usage_events.csv").unlink()
    (directory / "usage_events.parquet").write_bytes(b"PAR1 this is not parquet at all PAR1")
    with pytest.raises(
        UnreadableTableError,
        match=r"usage_events\.parquet \(table usage_events\) cannot be read: .*expected a valid Parquet file",
    ):
        load_dataset(directory)


def test_load_dataset_truncated_parquet_names_the_file(source, files, good_rows) -> None:
    directory = source()
    path = files.parquet("usage_events", [good_rows["usage_events"]] * 50)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(
        UnreadableTableError, match=r"usage_events\.parquet \(table usage_events\) cannot be read"
    ):
        load_dataset(directory)


def test_load_dataset_csv_not_utf8_names_the_file_and_row(source) -> None:
    directory = source()
    (directory / "accounts.csv").write_bytes(
        "account_id,name\nA1,Acme\nA2,Caf\xe9\n".encode("latin-1")
    )
    with pytest.raises(
        UnreadableTableError,
        match=r"accounts\.csv \(table accounts\) is not UTF-8 text \(row 2 .*Re-save the file as UTF-8",
    ):
        load_dataset(directory)


def test_load_dataset_empty_csv_file_is_unreadable(source) -> None:
    directory = source(usage_events="")
    with pytest.raises(
        UnreadableTableError, match=r"usage_events\.csv \(table usage_events\) cannot be read"
    ):
        load_dataset(directory)


def test_load_dataset_header_only_csv_is_an_empty_table(source, load) -> None:
    dataset = load(source(usage_events="account_id,timestamp,event\n"))
    report = dataset.report.table("usage_events")
    assert (report.rows_read, report.rows_kept, report.time_span) == (0, 0, None)


@pytest.mark.parametrize(
    ("line", "problem"),
    [("A3,Too,many,2020-01-01,smb,5", "too many columns"), ("A3,Short", "missing columns")],
)
def test_load_dataset_malformed_csv_lines_are_quarantined(
    source, load, quarantined, clean, line, problem
) -> None:
    text = (
        "account_id,name,created_at,segment,arr\nA1,Acme,2020-01-01,smb,1\n"
        + line
        + "\nA2,Beta,2020-01-01,smb,2\n"
    )
    dataset = load(source(accounts=text))
    report = dataset.report.table("accounts")
    assert (report.rows_read, report.rows_kept, report.quarantined_by_reason) == (
        3,
        2,
        {"malformed_line": 1},
    )
    (row,) = quarantined(dataset, "accounts")
    assert row["_source_row"] == 2
    assert row["_raw_line"] == line
    assert row["_reason"].startswith(f"malformed CSV line ({problem})")
    assert sorted(r["account_id"] for r in clean(dataset, "accounts")) == ["A1", "A2"]


def test_load_dataset_source_rows_count_around_malformed_lines(source, load, quarantined) -> None:
    lines = ["account_id,arr", "A1,1", "bad,1,2", "bad,1,2", "A2,-1", "A3,1", "bad,1,2", "A4,x"]
    dataset = load(source(accounts="\n".join(lines) + "\n"))
    rows = {r["_source_row"]: r["_reason_code"] for r in quarantined(dataset, "accounts")}
    assert rows == {
        2: "malformed_line",
        3: "malformed_line",
        4: "out_of_range",
        6: "malformed_line",
        7: "bad_number",
    }


def test_load_dataset_quoted_newlines_stay_in_one_row(source, load, clean) -> None:
    dataset = load(source(accounts='account_id,name\nA1,"two\nlines, and a comma"\nA2,Beta\n'))
    assert sorted(r["name"] for r in clean(dataset, "accounts")) == [
        "Beta",
        "two\nlines, and a comma",
    ]
