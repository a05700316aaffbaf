"""Typed configuration: pydantic models that reject unknown keys and name the wrong one."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from churn_scorecard.errors import ConfigError

M = TypeVar("M", bound=BaseModel)


class StrictModel(BaseModel):
    """A config model: unknown keys are errors, values are validated on assignment."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, frozen=False)


def describe_validation_error(error: ValidationError, where: str) -> str:
    """One readable line per problem: ``where: key.path: what is wrong``."""
    lines = []
    for problem in error.errors():
        key = ".".join(str(part) for part in problem["loc"]) or "(top level)"
        if problem["type"] == "extra_forbidden":
            lines.append(
                f"{where}: unknown key {key!r}; check its spelling against the documented keys"
            )
        else:
            lines.append(f"{where}: {key}: {problem['msg']} (got {problem.get('input')!r})")
    return "\n".join(lines)


def build_config(model: type[M], values: dict, where: str) -> M:
    """Validate ``values`` into ``model`` or raise :class:`ConfigError` naming each bad key."""
    try:
        return model.model_validate(values)
    except ValidationError as error:
        raise ConfigError(describe_validation_error(error, where)) from None


def load_config(model: type[M], path: Path) -> M:
    """Read a YAML file into ``model``; errors name the file and the key."""
    try:
        values = yaml.safe_load(path.read_text()) or {}
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist") from None
    except yaml.YAMLError as error:
        raise ConfigError(f"config file {path} is not valid YAML: {error}") from None
    if not isinstance(values, dict):
        raise ConfigError(
            f"config file {path} must hold a mapping of keys to values, not {type(values).__name__}"
        )
    return build_config(model, values, str(path))
