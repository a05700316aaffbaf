"""What one service process serves, read once from ``CHURN_SERVE_*`` environment variables.

``churn serve`` writes these variables and starts BentoML; ``bentoml serve`` or a
container reads the same ones, so every way of starting the service behaves alike.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from pydantic import Field, ValidationError

from churn_scorecard.config import StrictModel, describe_validation_error
from serving.api.errors import ServiceConfigError

ENV_PREFIX = "CHURN_SERVE_"
DEFAULT_MODEL_URI = "models:/churn-scorecard@champion"


class ServiceSettings(StrictModel):
    """The service's configuration; each field is the variable ``CHURN_SERVE_<NAME>``."""

    data: Path | None = Field(
        None,
        description="Data directory or DuckDB file that /score_accounts computes features from.",
    )
    model: str = Field(DEFAULT_MODEL_URI, description="MLflow URI of the model to serve.")
    history: str | None = Field(
        None, description="History store URL (DuckDB path or postgresql://...); none: no /history."
    )
    api_key_env: str | None = Field(
        None, description="Name of the variable holding the API key; none: no authentication."
    )
    max_batch: int = Field(5000, ge=1, description="Most records or account ids per request.")
    reload_interval: float = Field(
        60.0, ge=0, description="Seconds between checks of the model alias; 0 turns them off."
    )
    as_of: datetime | None = Field(
        None, description="Default as_of for /score_accounts; none: the time of each request."
    )

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> ServiceSettings:
        """The settings in ``environ`` (default: the process environment)."""
        environ = os.environ if environ is None else environ
        values = {
            name: environ[ENV_PREFIX + name.upper()]
            for name in cls.model_fields
            if environ.get(ENV_PREFIX + name.upper())
        }
        try:
            return cls.model_validate(values)
        except ValidationError as error:
            raise ServiceConfigError(describe_validation_error(error, "environment")) from None

    def to_env(self) -> dict[str, str]:
        """The variables that give these settings back through :meth:`from_env`."""
        return {
            ENV_PREFIX + name.upper(): value.isoformat()
            if isinstance(value, datetime)
            else str(value)
            for name, value in self.model_dump().items()
            if value is not None
        }

    def api_key(self) -> str | None:
        """The API key itself (never logged), or None when authentication is off."""
        if self.api_key_env is None:
            return None
        key = os.environ.get(self.api_key_env)
        if not key:
            raise ServiceConfigError(
                f"the API key variable {self.api_key_env} is empty or unset; export it with the "
                "key clients will send, or leave out --api-key-env to serve without authentication"
            )
        return key
