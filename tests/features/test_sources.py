"""Finding tables in a source: directories, DuckDB files, and the table-level source errors."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from features.data import (
    AmbiguousTableError,
    MissingTableError,
    NotADataSourceError,
    SourceNotFoundError,
    load_dataset,
)


def test_load_dataset_missing_source_names_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(SourceNotFoundError, match="nowhere does not exist; expected a directory"):
        load_dataset(missing)


def test_load_dataset_plain_file_is_not_a_source(files, accounts) -> None:
    path = files.csv("accounts", accounts)
    with pytest.raises(
        NotADataSourceError,
        match=r"accounts\.csv is a file but not a DuckDB database \(pass the directory",
    ):
        load_dataset(path)


def test_load_dataset_without_accounts_names_the_table_and_what_was_found(
    source, files, good_rows
) -> None:
    directory = source(usage_events=[good_rows["usage_events"]])
    (directory / "accounts.csv").unlink()
    with pytest.raises(
        MissingTableError,
        match=r"has no accounts table; expected accounts\.parquet or accounts\.csv",
    ) as error:
        load_dataset(directory)
    assert "account_id" in str(error.value)
    assert "Found: usage_events.csv" in str(error.value)


def test_load_dataset_table_in_two_formats_is_ambiguous(source, files, accounts) -> None:
    directory = source()
    files.parquet("accounts", accounts)
    with pytest.raises(
        AmbiguousTableError,
        match=r"table accounts is present twice .*accounts\.csv and accounts\.parquet",
    ):
        load_dataset(directory)


def test_load_dataset_unknown_files_are_ignored_and_listed(source, load) -> None:
    directory = source()
    (directory / "notes.txt").write_text("hello")
    (directory / "_truth").mkdir()
    (directory / "_truth" / "world.json").write_text("{}")
    (directory / "accounts_backup.csv").write_text("account_id\nX\n")
    dataset = load(directory)
    assert dataset.tables == ["accounts"]
    assert dataset.report.ignored == ("_truth/", "accounts_backup.csv", "notes.txt")
    assert "renewals" in dataset.report.absent_tables


def test_load_dataset_file_names_match_case_insensitively(files, accounts, load) -> None:
    files.csv("Accounts", accounts)
    dataset = load(files.directory)
    assert dataset.report.table("accounts").path == "Accounts.csv"
    assert dataset.report.table("accounts").rows_kept == 2


def test_load_dataset_reads_a_duckdb_file(files, accounts, good_rows, load, clean) -> None:
    bad_usage = {**good_rows["usage_events"], "account_id": "NOPE"}
    database = files.duckdb(
        "crm.duckdb",
        {
            "accounts": files.csv("accounts", accounts),
            "usage_events": files.csv("usage_events", [good_rows["usage_events"], bad_usage]),
            "leads": files.csv("leads", [{"id": "1"}]),
        },
    )
    dataset = load(database)
    assert dataset.tables == ["accounts", "usage_events"]
    assert dataset.report.ignored == ("leads",)
    usage = dataset.report.table("usage_events")
    assert usage.path == "crm.duckdb:usage_events"
    assert (usage.rows_read, usage.rows_kept, usage.quarantined_by_reason) == (
        2,
        1,
        {"unknown_account": 1},
    )
    assert clean(dataset, "usage_events")[0]["quantity"] == 3.0


def test_load_dataset_duckdb_views_are_tables_too(files, accounts, load) -> None:
    database = files.directory / "views.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.execute(
            "CREATE TABLE crm_accounts AS SELECT * FROM read_csv(?)",
            [str(files.csv("raw", accounts))],
        )
        connection.execute("CREATE VIEW accounts AS SELECT account_id, name FROM crm_accounts")
    dataset = load(database)
    assert dataset.report.table("accounts").rows_kept == 2
    assert dataset.report.ignored == ("crm_accounts",)


def test_load_dataset_duckdb_file_without_accounts_says_which_table(files, good_rows) -> None:
    database = files.duckdb(
        "empty.duckdb", {"usage_events": files.csv("usage_events", [good_rows["usage_events"]])}
    )
    with pytest.raises(
        MissingTableError, match="has no accounts table; expected a table named accounts"
    ):
        load_dataset(database)
