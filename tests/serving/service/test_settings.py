"""Service settings from CHURN_SERVE_* variables, and the error bodies built from pydantic's."""

from __future__ import annotations

from datetime import datetime

import pytest

from serving.api.errors import ServiceConfigError, describe_problems, field_path
from serving.api.settings import ServiceSettings


def test_settings_survive_the_round_trip_through_environment_variables(tmp_path) -> None:
    settings = ServiceSettings(
        data=tmp_path, history="duckdb:///h.duckdb", max_batch=10, as_of=datetime(2026, 6, 30)
    )
    assert ServiceSettings.from_env(settings.to_env()) == settings


def test_settings_name_the_bad_variable() -> None:
    with pytest.raises(ServiceConfigError, match="max_batch"):
        ServiceSettings.from_env({"CHURN_SERVE_MAX_BATCH": "many"})


def test_api_key_variable_that_is_unset_is_a_clear_error(monkeypatch) -> None:
    monkeypatch.delenv("CHURN_NO_SUCH_KEY", raising=False)
    with pytest.raises(ServiceConfigError, match="CHURN_NO_SUCH_KEY is empty or unset"):
        ServiceSettings(api_key_env="CHURN_NO_SUCH_KEY").api_key()


def test_field_path_reads_like_the_json_it_points_into() -> None:
    assert field_path(("records", 3, "mrr")) == "records[3].mrr"
    assert field_path(()) == ""


def test_problems_name_unknown_and_missing_fields() -> None:
    text, field, problems = describe_problems(
        [
            {"loc": ["records", 0, "colour"], "type": "extra_forbidden", "msg": "x"},
            {"loc": ["records", 0, "mrr"], "type": "missing", "msg": "Field required"},
        ]
    )
    assert field == "records[0].colour"
    assert "records[0].colour: unknown field" in text
    assert "records[0].mrr: required field is missing" in text
    assert len(problems) == 2
