"""Typed config: unknown keys and bad values are errors that name the key and the file."""

from pathlib import Path

import pytest
from pydantic import Field

from churn_scorecard.config import StrictModel, build_config, load_config
from churn_scorecard.errors import ConfigError


class _Example(StrictModel):
    seed: int = 7
    ratio: float = Field(default=0.5, ge=0, le=1)


def test_build_config_accepts_known_keys():
    assert build_config(_Example, {"seed": 3}, "x.yaml") == _Example(seed=3, ratio=0.5)


def test_build_config_rejects_unknown_key_naming_it():
    with pytest.raises(ConfigError, match=r"x.yaml: unknown key 'sede'"):
        build_config(_Example, {"sede": 3}, "x.yaml")


def test_build_config_names_key_and_value_of_bad_value():
    with pytest.raises(ConfigError, match=r"x.yaml: ratio: .*less than or equal to 1.*got 3"):
        build_config(_Example, {"ratio": 3}, "x.yaml")


def test_load_config_reads_yaml(tmp_path: Path):
    path = tmp_path / "c.yaml"
    path.write_text("seed: 11\n")
    assert load_config(_Example, path).seed == 11


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("seed: [1\n", "is not valid YAML"),
        ("- 1\n- 2\n", "must hold a mapping"),
    ],
)
def test_load_config_rejects_malformed_file(tmp_path: Path, text: str, message: str):
    path = tmp_path / "c.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_config(_Example, path)


def test_load_config_names_missing_file(tmp_path: Path):
    with pytest.raises(ConfigError, match=r"config file .*nope.yaml does not exist"):
        load_config(_Example, tmp_path / "nope.yaml")
